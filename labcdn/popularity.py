"""Demand, views and the fill: why Open Connect ranks files, not titles.

Open Connect measures popularity as *views*: bytes streamed from a file
divided by the file's size (Vora, Deek, Livengood, "Content Popularity for
Open Connect", Netflix TechBlog, 2018). A cache is filled in rank order; its
*caching efficiency* is bytes served from the cache divided by all bytes. The
post reports that ranking *files* instead of *titles* reached the same caching
efficiency with about half the storage. This module models why.

The demand model, per session of a title:

* a device class is drawn (TV / mobile / computer);
* a video codec family is chosen by the device's preference among the families
  the title has and the device plays; the player streams the highest rung its
  sustainable bandwidth (log-normal per device) and resolution cap allow;
  a packaging copy is chosen (newest copy most, legacy copies for old devices);
* an audio language (original, or a dub by Zipf rank), audio family and rung,
  or an audio-description track;
* with probability ``subtitle_share`` a subtitle language and text format.

Each session streams one video file-equivalent and one audio file-equivalent
(fractions of playtime, so time spent on several rungs counts fractionally);
a file's *share* is the expected number of its views per session of its title.
``concentration`` (kappa) reshapes shares within each (title, kind) as
``share ** kappa``, keeping each kind's total: kappa = 0 spreads a kind's views
evenly over the title's files of that kind, kappa > 1 concentrates them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np
import polars as pl

from labcdn._jit import kernel
from labcdn._validation import check_array, check_choice, check_range, rng_from
from labcdn.catalog import DEVICE_CLASSES, KINDS, SCOPES, Catalogue, CatalogueParams, make_catalogue

#: Default (device class, family, weight) preferences; weights are relative within a
#: device class and kind, and apply among the families a title has and the device plays.
#: Video: the AV1 weights are calibrated so that AV1 (SDR + HDR10+) carries ~30% of views
#: at the default catalogue and demand, the published share (Netflix TechBlog, "AV1 - Now
#: Powering 30% of Netflix Streaming", 2025); titles without a family fall back to the
#: others, so the weights sit below 30%. The split of the rest, the audio and the text
#: preferences are assumptions: Netflix publishes no per-device codec mix.
FAMILY_PREFERENCE = (
    ("tv", "AV1", 0.20), ("tv", "AV1-HDR10plus", 0.035), ("tv", "HEVC-SDR", 0.17), ("tv", "HEVC-HDR10", 0.08),
    ("tv", "DolbyVision", 0.12), ("tv", "AVC-main", 0.18), ("tv", "AVC-high", 0.07), ("tv", "VP9", 0.03),
    ("mobile", "AV1", 0.20), ("mobile", "AVC-high", 0.30), ("mobile", "HEVC-SDR", 0.15),
    ("mobile", "DolbyVision", 0.05), ("mobile", "VP9", 0.15), ("mobile", "AVC-main", 0.05),
    ("computer", "AV1", 0.13), ("computer", "VP9", 0.25), ("computer", "AVC-main", 0.30),
    ("computer", "AVC-high", 0.20), ("computer", "HEVC-SDR", 0.05),
    ("tv", "DD+5.1", 0.45), ("tv", "Atmos", 0.10), ("tv", "DD+2.0", 0.15), ("tv", "AAC-2.0", 0.30),
    ("mobile", "AAC-2.0", 0.90), ("mobile", "DD+2.0", 0.10),
    ("computer", "AAC-2.0", 0.70), ("computer", "DD+5.1", 0.20), ("computer", "DD+2.0", 0.10),
    ("tv", "AD-AAC-2.0", 1.0), ("mobile", "AD-AAC-2.0", 1.0), ("computer", "AD-AAC-2.0", 1.0),
    ("tv", "TTML-DFXP", 0.45), ("tv", "image-subtitles", 0.25), ("tv", "IMSC1.1", 0.20),
    ("tv", "TTML-SimpleSDH", 0.10), ("mobile", "WebVTT", 0.80), ("mobile", "IMSC1.1", 0.20),
    ("computer", "TTML-DFXP", 0.60), ("computer", "WebVTT", 0.30), ("computer", "IMSC1.1", 0.10),
)


@dataclass(frozen=True)
class DemandParams:
    """Who watches what, on what. Per-device tuples are ordered (tv, mobile, computer).

    Attributes
    ----------
    zipf_exponent : float
        Title popularity ~ rank ** -zipf_exponent. 0.85: median slope of log weekly
        views on log rank over the merged four weekly global Top-10 lists (ranks
        1-40), Netflix Top 10, June 2023 - July 2026 (IQR 0.79-0.92). It describes
        the head; the tail of a catalogue is not published.
    sessions_per_day : float
        Title sessions per day at the cache; a scale only (assumption).
    device_share : tuple of 3 floats
        0.70 / 0.15 / 0.15: Netflix, March 2018 press briefing (70% of viewing on
        TVs; computers 15%, phones 10% + tablets 5%), reported by Recode and MacRumors.
    family_preference : tuple of (device, family, weight)
        See :data:`FAMILY_PREFERENCE`.
    bandwidth_median_mbps, bandwidth_sigma : tuple, float
        Sustainable throughput per session is log-normal with these medians (Mbps)
        and log-sd; 20 / 8 / 15 Mbps and 1.0 are assumptions, checked against the
        mean streamed bitrate (see :func:`family_mix`).
    abr_safety : float
        The player picks the highest rung with bitrate <= abr_safety x throughput (assumption).
    audio_bandwidth_share : float
        Share of throughput an audio rung may take (assumption).
    resolution_caps, resolution_cap_share : tuple, tuple of tuples
        Screen/plan resolution caps and their shares per device (assumption: plan
        and screen mixes are not published).
    original_audio_share : float
        Share of sessions in the original language (assumption; Netflix said 84% of
        Brazilian viewing of *13 Reasons Why* and 50% of *House of Cards* was dubbed).
    dub_zipf_exponent : float
        Dubs are chosen by Zipf rank with this exponent: at one cache one dub dominates (assumption).
    audio_description_share : float
        Sessions with audio description (assumption).
    subtitle_share : float
        0.4: "40% of Netflix members use subtitles all the time" (Netflix, 2022).
    subtitle_zipf_exponent : float
        Subtitle languages by Zipf rank (assumption).
    sdh_share : float
        Subtitle sessions that pick the SDH/CC variant (assumption).
    legacy_packaging_ratio : tuple of 3 floats
        Packaging copy ``v`` of a row with ``V`` copies gets weight ratio ** v (newest
        first); TVs live longest, so keep most legacy demand (assumption).
    concentration : float
        kappa: within-(title, kind) shares become share ** kappa, renormalised.
        1 is the structured model; 0 spreads views evenly; >1 concentrates.
    """

    zipf_exponent: float = 0.85
    sessions_per_day: float = 1.0e6
    device_share: tuple[float, float, float] = (0.70, 0.15, 0.15)
    family_preference: tuple[tuple[str, str, float], ...] = FAMILY_PREFERENCE
    bandwidth_median_mbps: tuple[float, float, float] = (20.0, 8.0, 15.0)
    bandwidth_sigma: float = 1.0
    abr_safety: float = 0.75
    audio_bandwidth_share: float = 0.1
    resolution_caps: tuple[int, ...] = (480, 720, 1080, 2160)
    resolution_cap_share: tuple[tuple[float, ...], ...] = (
        (0.05, 0.10, 0.45, 0.40),
        (0.20, 0.50, 0.30, 0.00),
        (0.10, 0.20, 0.70, 0.00),
    )
    original_audio_share: float = 0.5
    dub_zipf_exponent: float = 1.5
    audio_description_share: float = 0.005
    subtitle_share: float = 0.4
    subtitle_zipf_exponent: float = 1.5
    sdh_share: float = 0.3
    legacy_packaging_ratio: tuple[float, float, float] = (0.25, 0.10, 0.15)
    concentration: float = 1.0


class FileViews(NamedTuple):
    """Expected demand over a period.

    Per file: ``share`` (views per title session), ``views`` (sessions that
    stream the file, fractional), ``bytes`` (= views x size). Per title:
    ``title_views`` (sessions of the title), ``title_bytes``, ``title_size``
    and ``title_popularity`` = title_bytes / title_size, the published
    definition of popularity applied to a title (not its session count).
    """

    share: np.ndarray
    views: np.ndarray
    bytes: np.ndarray
    title_views: np.ndarray
    title_bytes: np.ndarray
    title_size: np.ndarray
    title_popularity: np.ndarray


def title_sessions(n_titles: int, zipf_exponent: float, sessions: float) -> np.ndarray:
    """Sessions per title by rank: ``sessions * (t + 1) ** -a / sum_j (j + 1) ** -a`` (float64).

    Parameters
    ----------
    n_titles : int
        Number of titles (rank 0 is the most popular).
    zipf_exponent : float
        Zipf exponent ``a`` in [0, 5].
    sessions : float
        Total sessions over all titles.

    Returns
    -------
    numpy.ndarray
        Length ``n_titles``, summing to ``sessions``.
    """
    check_range("n_titles", n_titles, 1, None, integer=True)
    check_range("zipf_exponent", zipf_exponent, 0.0, 5.0)
    check_range("sessions", sessions, 0.0, None)
    w = np.arange(1, n_titles + 1, dtype=np.float64) ** -float(zipf_exponent)
    return sessions * w / w.sum()


def file_shares(catalogue: Catalogue, demand: DemandParams | None = None) -> np.ndarray:
    """Expected views of each file per session of its title (float64, length ``n_files``).

    Parameters
    ----------
    catalogue : Catalogue
        From :func:`labcdn.catalog.make_catalogue`.
    demand : DemandParams, optional
        Defaults to ``DemandParams()``.

    Returns
    -------
    numpy.ndarray
        Within each title, video shares sum to 1, audio shares to 1 and text
        shares to ``subtitle_share`` (0 for a title without subtitles), for any
        ``concentration``.
    """
    d = _checked_demand(demand if demand is not None else DemandParams(), catalogue)
    t = _tables(catalogue, d)
    out = np.empty(catalogue.n_files, dtype=np.float64)
    _shares_kernel(catalogue.title_offsets, catalogue.scope, catalogue.audio_languages, catalogue.text_languages,
                   catalogue.row, catalogue.language, catalogue.variant, catalogue.ladder.family,
                   catalogue.row_variants, t["fam_kind"], t["fam_role"], t["fam_maxlang"], t["fam_present"],
                   t["W"], t["R"], t["VW"], t["device_share"], float(d.original_audio_share),
                   float(d.dub_zipf_exponent), float(d.audio_description_share), float(d.subtitle_share),
                   float(d.subtitle_zipf_exponent), float(d.concentration), out)
    return out


def file_views(catalogue: Catalogue, demand: DemandParams | None = None, days: float = 1.0) -> FileViews:
    """Expected views and bytes per file and per title over ``days`` days.

    Title ``t`` (its index is its popularity rank) gets
    :func:`title_sessions` ``(n_titles, zipf_exponent, sessions_per_day * days)[t]``
    sessions; file ``f`` gets ``views = share x title sessions`` and
    ``bytes = views x size``, so views = bytes / size by construction.

    Parameters
    ----------
    catalogue : Catalogue
        The files.
    demand : DemandParams, optional
        Defaults to ``DemandParams()``.
    days : float
        Length of the period in days, > 0.

    Returns
    -------
    FileViews
    """
    demand = demand if demand is not None else DemandParams()
    check_range("days", days, 0.0, None, low_open=True)
    share = file_shares(catalogue, demand)
    sessions = title_sessions(catalogue.n_titles, demand.zipf_exponent, demand.sessions_per_day * days)
    views = share * sessions[catalogue.title]
    nbytes = views * catalogue.size_bytes
    title_bytes = np.bincount(catalogue.title, weights=nbytes, minlength=catalogue.n_titles)
    title_size = np.bincount(catalogue.title, weights=catalogue.size_bytes, minlength=catalogue.n_titles)
    with np.errstate(invalid="ignore", divide="ignore"):
        popularity = np.where(title_size > 0, title_bytes / title_size, 0.0)
    return FileViews(share, views, nbytes, sessions, title_bytes, title_size, popularity)


def family_mix(catalogue: Catalogue, views: FileViews) -> pl.DataFrame:
    """Views, bytes and storage per (kind, family): a calibration table.

    Parameters
    ----------
    catalogue : Catalogue
    views : FileViews
        From :func:`file_views` on the same catalogue.

    Returns
    -------
    polars.DataFrame
        ``kind, family, files, view_share, byte_share, storage_share, mean_kbps``;
        shares are within the kind, ``mean_kbps`` is the family's average streamed
        bitrate (bytes / view-seconds). At the defaults the AV1 view share (~0.30 of
        video) can be set beside the published ~30% and the mean video bitrate
        (~3.7 Mbps) beside Netflix's ISP Speed Index (2.3-3.7 Mbps prime-time
        averages in 2016-2019).
    """
    lad = catalogue.ladder
    fam = lad.family[catalogue.row]
    seconds = views.views * catalogue.runtime_h[catalogue.title] * 3600.0
    frame = pl.DataFrame({
        "kind": pl.Series(KINDS)[lad.kind[catalogue.row]],
        "family": pl.Series(lad.families)[fam],
        "views": views.views, "bytes": views.bytes, "size": catalogue.size_bytes, "seconds": seconds,
    })
    return (
        frame.group_by("kind", "family").agg(
            pl.len().alias("files"), pl.col("views").sum(), pl.col("bytes").sum(),
            pl.col("size").sum(), pl.col("seconds").sum(),
        )
        .with_columns(
            (pl.col("views") / pl.col("views").sum().over("kind")).alias("view_share"),
            (pl.col("bytes") / pl.col("bytes").sum().over("kind")).alias("byte_share"),
            (pl.col("size") / pl.col("size").sum().over("kind")).alias("storage_share"),
            (8e-3 * pl.col("bytes") / pl.col("seconds")).alias("mean_kbps"),
        )
        .select("kind", "family", "files", "view_share", "byte_share", "storage_share", "mean_kbps")
        .sort("kind", "byte_share", descending=[False, True])
    )


# ----------------------------------------------------------------- ranking and fill

def efficiency_curve(catalogue: Catalogue, bytes_per_file, ranking: str = "file", capacities=None,
                     fill: str = "stop") -> pl.DataFrame:
    """Caching efficiency of a cache filled by rank, at several capacities.

    Parameters
    ----------
    catalogue : Catalogue
        The files and their sizes.
    bytes_per_file : array_like
        Bytes streamed per file over the period (``FileViews.bytes``), >= 0.
    ranking : {"file", "title"}
        ``"file"``: files in descending views (= bytes / size, bytes served per byte
        stored). ``"title"``: titles in descending title views (title bytes / title
        size, the published definition applied to a title), each title's files
        stored together. Ties keep index order.
    capacities : array_like, optional
        Cache sizes in bytes (>= 0); default 101 points from 0 to the catalogue size.
    fill : {"stop", "skip"}
        ``"stop"`` (default): store the longest prefix of the ranking that fits, as
        a fill that walks the ranked list until the disk is full (Open Connect fills
        in rank order). ``"skip"``: an item that does not fit is skipped and smaller
        ones further down may still go in. Both rankings use the same rule.

    Returns
    -------
    polars.DataFrame
        ``ranking, capacity_bytes, capacity_fraction, efficiency``; efficiency is
        bytes served from the cache / all bytes: 0 at capacity 0, 1 at the full
        catalogue, non-decreasing in capacity under either rule.
    """
    check_choice("ranking", ranking, ("file", "title"))
    check_choice("fill", fill, ("stop", "skip"))
    sizes, nbytes = _ranked_items(catalogue, bytes_per_file, ranking)
    total = float(sizes.sum())
    caps = (np.linspace(0.0, total, 101) if capacities is None
            else check_array("capacities", capacities, dtype=np.float64, low=0.0))
    eff = np.empty(caps.size, dtype=np.float64)
    if fill == "stop":
        cum_size, cum_bytes = _prefix_sums(sizes, nbytes)
        _stop_fill_kernel(cum_size, cum_bytes, caps, eff)
    else:
        _skip_fill_kernel(sizes, nbytes, caps, eff)
    return _curve_frame(ranking, caps, total, eff)


def _curve_frame(ranking, caps, total, eff):
    return pl.DataFrame({
        "ranking": [ranking] * caps.size, "capacity_bytes": caps,
        "capacity_fraction": caps / total if total > 0 else np.zeros_like(caps), "efficiency": eff,
    })


def storage_needed(catalogue: Catalogue, bytes_per_file, target_efficiency: float = 0.9,
                   ranking: str = "file") -> float:
    """Bytes of cache a ranking needs to reach ``target_efficiency``.

    Linear interpolation between consecutive points (stored bytes, served bytes)
    of the ranking's cumulative curve, points at every file (file ranking) or
    every title (title ranking): exact to that granularity, and equal to the
    fractional-knapsack optimum for the file ranking.

    Parameters
    ----------
    catalogue : Catalogue
    bytes_per_file : array_like
        Bytes streamed per file, >= 0, not all 0.
    target_efficiency : float
        In (0, 1].
    ranking : {"file", "title"}

    Returns
    -------
    float
        Bytes of storage.
    """
    check_choice("ranking", ranking, ("file", "title"))
    check_range("target_efficiency", target_efficiency, 0.0, 1.0, low_open=True)
    sizes, nbytes = _ranked_items(catalogue, bytes_per_file, ranking)
    if not nbytes.sum() > 0:
        raise ValueError("bytes_per_file must not be all 0")
    cum_size, cum_bytes = _prefix_sums(sizes, nbytes)
    return float(_needed_kernel(cum_size, cum_bytes, float(target_efficiency)))


def storage_ratio(catalogue: Catalogue, bytes_per_file, target_efficiency: float = 0.9) -> float:
    """Storage the file ranking needs / storage the title ranking needs, at ``target_efficiency``.

    Parameters
    ----------
    catalogue : Catalogue
    bytes_per_file : array_like
        Bytes streamed per file, >= 0, not all 0.
    target_efficiency : float
        In (0, 1].

    Returns
    -------
    float
        In (0, 1]: the interpolated file curve is the fractional-knapsack optimum
        and the title curve one feasible fractional fill, so the file ranking never
        needs more. 1 when every title's files have equal views.

    References
    ----------
    Vora, Deek, Livengood, "Content Popularity for Open Connect", Netflix TechBlog,
    2018: about 0.5 ("the same caching efficiency with about half the storage").
    """
    file_bytes = storage_needed(catalogue, bytes_per_file, target_efficiency, "file")
    title_bytes = storage_needed(catalogue, bytes_per_file, target_efficiency, "title")
    return file_bytes / title_bytes


def _ranked_items(catalogue, bytes_per_file, ranking):
    nbytes = check_array("bytes_per_file", bytes_per_file, dtype=np.float64, low=0.0)
    if nbytes.size != catalogue.n_files:
        raise ValueError(f"bytes_per_file has {nbytes.size} values; the catalogue has {catalogue.n_files} files")
    size = catalogue.size_bytes
    if ranking == "file":
        order = np.argsort(-(nbytes / size), kind="stable")
        return size[order], nbytes[order]
    t_bytes = np.bincount(catalogue.title, weights=nbytes, minlength=catalogue.n_titles)
    t_size = np.bincount(catalogue.title, weights=size, minlength=catalogue.n_titles)
    keep = t_size > 0
    t_bytes, t_size = t_bytes[keep], t_size[keep]
    order = np.argsort(-(t_bytes / t_size), kind="stable")
    return t_size[order], t_bytes[order]


def _prefix_sums(sizes, nbytes):
    cum_size = np.zeros(sizes.size + 1)
    cum_bytes = np.zeros(sizes.size + 1)
    _prefix_kernel(sizes, nbytes, cum_size, cum_bytes)
    return cum_size, cum_bytes


@kernel
def _prefix_kernel(sizes, nbytes, cum_size, cum_bytes):
    for i in range(sizes.size):
        cum_size[i + 1] = cum_size[i] + sizes[i]
        cum_bytes[i + 1] = cum_bytes[i] + nbytes[i]


@kernel
def _stop_fill_kernel(cum_size, cum_bytes, capacities, out):
    total = cum_bytes[cum_bytes.size - 1]
    for j in range(capacities.size):
        k = np.searchsorted(cum_size, capacities[j], side="right") - 1
        out[j] = cum_bytes[k] / total if total > 0 else 0.0


@kernel
def _skip_fill_kernel(sizes, nbytes, capacities, out):
    total = 0.0
    for i in range(nbytes.size):
        total += nbytes[i]
    for j in range(capacities.size):
        used = 0.0
        served = 0.0
        for i in range(sizes.size):
            if used + sizes[i] <= capacities[j]:
                used += sizes[i]
                served += nbytes[i]
        out[j] = served / total if total > 0 else 0.0


@kernel
def _needed_kernel(cum_size, cum_bytes, target):
    goal = target * cum_bytes[cum_bytes.size - 1]
    for k in range(1, cum_bytes.size):
        if cum_bytes[k] >= goal:
            step = cum_bytes[k] - cum_bytes[k - 1]
            frac = (goal - cum_bytes[k - 1]) / step if step > 0 else 0.0
            return cum_size[k - 1] + frac * (cum_size[k] - cum_size[k - 1])
    return cum_size[cum_size.size - 1]


# ----------------------------------------------------------------- the study

class Study(NamedTuple):
    """One run of the headline study (what a notebook slider recomputes)."""

    ratio: float
    target_efficiency: float
    file_storage_fraction: float
    title_storage_fraction: float
    capacity_fraction: float
    file_efficiency: float
    title_efficiency: float
    curves: pl.DataFrame


def study(catalogue_params: CatalogueParams | None = None, demand_params: DemandParams | None = None,
          target_efficiency: float = 0.9, seed: int = 0, *, capacity_fraction: float = 0.1,
          n_points: int = 101, catalogue: Catalogue | None = None) -> Study:
    """Storage ratio, both efficiencies at one capacity and both curves.

    Parameters
    ----------
    catalogue_params : CatalogueParams, optional
        Used (with ``seed``) to draw the catalogue unless ``catalogue`` is given.
    demand_params : DemandParams, optional
    target_efficiency : float
        Efficiency both rankings must reach for the ratio, in (0, 1].
    seed : int
        Catalogue seed.
    capacity_fraction : float
        Cache size, as a share of the catalogue, at which to report both efficiencies.
    n_points : int
        Points per curve (capacities evenly spaced from 0 to the full catalogue).
    catalogue : Catalogue, optional
        A ready catalogue (skips the draw).

    Returns
    -------
    Study
        ``ratio`` = file-ranking storage / title-ranking storage at the target;
        ``curves`` is tidy (ranking, capacity_bytes, capacity_fraction, efficiency).

    References
    ----------
    Vora, Deek, Livengood, "Content Popularity for Open Connect", Netflix TechBlog, 2018.
    """
    check_range("capacity_fraction", capacity_fraction, 0.0, 1.0)
    check_range("n_points", n_points, 2, 100_000, integer=True)
    check_range("target_efficiency", target_efficiency, 0.0, 1.0, low_open=True)
    cat = catalogue if catalogue is not None else make_catalogue(catalogue_params, seed)
    views = file_views(cat, demand_params)
    total = float(cat.size_bytes.sum())
    caps = np.linspace(0.0, total, n_points)
    at = np.array([capacity_fraction * total])
    frames, need, eff_at = [], {}, {}
    for ranking in ("file", "title"):
        cum_size, cum_bytes = _prefix_sums(*_ranked_items(cat, views.bytes, ranking))
        eff = np.empty(caps.size)
        _stop_fill_kernel(cum_size, cum_bytes, caps, eff)
        frames.append(_curve_frame(ranking, caps, total, eff))
        _stop_fill_kernel(cum_size, cum_bytes, at, eff[:1])
        eff_at[ranking] = float(eff[0])
        need[ranking] = float(_needed_kernel(cum_size, cum_bytes, float(target_efficiency)))
    return Study(need["file"] / need["title"], float(target_efficiency), need["file"] / total,
                 need["title"] / total, float(capacity_fraction), eff_at["file"], eff_at["title"], pl.concat(frames))


def ratio_sweep(catalogue_params: CatalogueParams | None = None, demand_params: DemandParams | None = None, *,
                kappa=(0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0), language_scale=(0.25, 0.5, 1.0, 1.5),
                max_variants=(1, 2, 3), zipf_exponent=(0.6, 0.85, 1.1), target_efficiency: float = 0.9,
                seed: int = 0) -> pl.DataFrame:
    """The storage ratio as one parameter moves and the others stay at their values.

    Parameters
    ----------
    catalogue_params, demand_params : optional
        The base point (defaults: the published/assumed defaults).
    kappa, language_scale, max_variants, zipf_exponent : sequences
        Values to try for ``DemandParams.concentration``, a factor on every scope's
        audio and text language counts, ``CatalogueParams.max_variants`` (packaging
        copies per row) and ``DemandParams.zipf_exponent``. An empty sequence skips it.
    target_efficiency : float
    seed : int

    Returns
    -------
    polars.DataFrame
        Tidy: ``parameter, value, ratio, file_storage_fraction,
        title_storage_fraction, mean_files_per_title``.
    """
    cp = catalogue_params if catalogue_params is not None else CatalogueParams()
    dp = demand_params if demand_params is not None else DemandParams()
    base = make_catalogue(cp, seed)
    rows = []

    def record(name, value, cat, demand):
        s = study(demand_params=demand, target_efficiency=target_efficiency, catalogue=cat, n_points=2)
        rows.append((name, float(value), s.ratio, s.file_storage_fraction, s.title_storage_fraction,
                     float(cat.files_per_title().mean())))

    for k in kappa:
        record("kappa", k, base, replace(dp, concentration=float(k)))
    for z in zipf_exponent:
        record("zipf_exponent", z, base, replace(dp, zipf_exponent=float(z)))
    for scale in language_scale:
        check_range("language_scale", scale, 0.0, 10.0, low_open=True)
        audio = tuple(max(1, round(a * scale)) for a in cp.audio_languages)
        text = tuple(max(0, round(t * scale)) for t in cp.text_languages)
        record("language_scale", scale, make_catalogue(replace(cp, audio_languages=audio, text_languages=text), seed),
               dp)
    for v in max_variants:
        record("max_variants", v, make_catalogue(replace(cp, max_variants=int(v)), seed), dp)
    return pl.DataFrame(rows, schema=["parameter", "value", "ratio", "file_storage_fraction",
                                      "title_storage_fraction", "mean_files_per_title"], orient="row")


# ----------------------------------------------------------------- daily lifecycles

@dataclass(frozen=True)
class LifecycleParams:
    """Release spikes and decay of title demand, day by day.

    Attributes
    ----------
    zipf_exponent : float
        Peak daily views ~ (peak rank) ** -zipf_exponent; 0.85 as in :class:`DemandParams`.
    sessions_per_day : float
        Sum of all titles' peak daily views (a scale; assumption).
    released_share : float
        Share of titles already out at day 0 (assumption); the rest are released on
        days drawn uniformly in [0, n_days).
    history_days : int
        Titles already out were released uniformly in the ``history_days`` before day 0.
    decay_exponent, decay_days : float
        Views on day ``a`` after release ~ (1 + a / decay_days) ** -decay_exponent.
        1.5 and 3.5 days: least-squares fit of the median week-over-week ratios of
        weekly views for titles in consecutive weeks of Netflix's global Top 10
        (weeks 2->3 ... 7->8: 0.45, 0.59, 0.69, 0.74, 0.76, 0.83; model 0.44, 0.60,
        0.68, 0.74, 0.78, 0.81), June 2023 - July 2026. Titles that stay in the
        Top 10 are the slower-decaying ones, and the model misses the first-week
        ramp-up (observed week 2 ~ week 1; model 0.56).
    noise_sigma : float
        Day-to-day multiplicative log-normal noise, mean one (assumption).
    weekly_amplitude : float
        Weekly cycle 1 + A cos(2 pi (day - 5) / 7), day 0 a Monday, peak on
        Saturday (assumption).
    """

    zipf_exponent: float = 0.85
    sessions_per_day: float = 1.0e6
    released_share: float = 0.8
    history_days: int = 730
    decay_exponent: float = 1.5
    decay_days: float = 3.5
    noise_sigma: float = 0.15
    weekly_amplitude: float = 0.1


def daily_title_views(n_titles: int, n_days: int, params: LifecycleParams | None = None, seed: int | None = 0,
                      *, rng=None) -> np.ndarray:
    """Expected views of each title on each day.

    Parameters
    ----------
    n_titles, n_days : int
    params : LifecycleParams, optional
    seed : int, optional
        Ignored when ``rng`` is given.
    rng : numpy.random.Generator, optional

    Returns
    -------
    numpy.ndarray
        float64, shape ``(n_titles, n_days)``; 0 before a title's release day.
        Draws, in order: peak ranks (a permutation), released flags, past release
        days, future release days, noise ``(n_titles, n_days)``.
    """
    p = params if params is not None else LifecycleParams()
    check_range("n_titles", n_titles, 1, None, integer=True)
    check_range("n_days", n_days, 1, None, integer=True)
    check_range("zipf_exponent", p.zipf_exponent, 0.0, 5.0)
    check_range("sessions_per_day", p.sessions_per_day, 0.0, None)
    check_range("released_share", p.released_share, 0.0, 1.0)
    check_range("history_days", p.history_days, 1, None, integer=True)
    check_range("decay_exponent", p.decay_exponent, 0.0, 10.0)
    check_range("decay_days", p.decay_days, 0.0, None, low_open=True)
    check_range("noise_sigma", p.noise_sigma, 0.0, 3.0)
    check_range("weekly_amplitude", p.weekly_amplitude, 0.0, 1.0, high_open=True)
    rng = rng_from(None if rng is not None else seed, rng)
    rank = rng.permutation(n_titles)
    released = rng.random(n_titles) < p.released_share
    past = -rng.integers(1, p.history_days + 1, n_titles)
    future = rng.integers(0, n_days, n_titles)
    release = np.where(released, past, future).astype(np.int64)
    noise = np.exp(p.noise_sigma * rng.standard_normal((n_titles, n_days)) - 0.5 * p.noise_sigma**2)
    peak = title_sessions(n_titles, p.zipf_exponent, p.sessions_per_day)[rank]
    out = np.empty((n_titles, n_days), dtype=np.float64)
    _daily_kernel(peak, release, noise, float(p.decay_exponent), float(p.decay_days), float(p.weekly_amplitude), out)
    return out


@kernel
def _daily_kernel(peak, release, noise, beta, tau, amplitude, out):
    for t in range(peak.size):
        for d in range(out.shape[1]):
            age = d - release[t]
            if age < 0:
                out[t, d] = 0.0
            else:
                week = 1.0 + amplitude * np.cos(2.0 * np.pi * (d - 5) / 7.0)
                out[t, d] = peak[t] * (1.0 + age / tau) ** -beta * week * noise[t, d]


def file_views_daily(catalogue: Catalogue, shares, title_daily_views) -> np.ndarray:
    """Per-file daily views: ``shares[f] * title_daily_views[title[f], day]``.

    Parameters
    ----------
    catalogue : Catalogue
    shares : array_like
        Per-file views per title session (:func:`file_shares`), length ``n_files``.
    title_daily_views : array_like
        ``(n_titles, n_days)`` from :func:`daily_title_views`.

    Returns
    -------
    numpy.ndarray
        float64, shape ``(n_files, n_days)``; bytes are this times ``size_bytes[:, None]``.
    """
    s = check_array("shares", shares, dtype=np.float64, low=0.0)
    tv = check_array("title_daily_views", title_daily_views, dtype=np.float64, ndim=2, low=0.0)
    if s.size != catalogue.n_files:
        raise ValueError(f"shares has {s.size} values; the catalogue has {catalogue.n_files} files")
    if tv.shape[0] != catalogue.n_titles:
        raise ValueError(f"title_daily_views has {tv.shape[0]} rows; the catalogue has {catalogue.n_titles} titles")
    out = np.empty((s.size, tv.shape[1]), dtype=np.float64)
    _file_daily_kernel(catalogue.title, s, tv, out)
    return out


@kernel
def _file_daily_kernel(title, shares, title_views, out):
    for f in range(shares.size):
        for d in range(title_views.shape[1]):
            out[f, d] = shares[f] * title_views[title[f], d]


# ----------------------------------------------------------------- demand tables and kernel

def _checked_demand(p, catalogue):
    check_range("zipf_exponent", p.zipf_exponent, 0.0, 5.0)
    check_range("sessions_per_day", p.sessions_per_day, 0.0, None)
    _check_device_tuple("device_share", p.device_share, 0.0, 1.0)
    if abs(sum(p.device_share) - 1.0) > 1e-9:
        raise ValueError(f"device_share={p.device_share!r} must sum to 1")
    _check_device_tuple("bandwidth_median_mbps", p.bandwidth_median_mbps, 0.0, 1e6, low_open=True)
    check_range("bandwidth_sigma", p.bandwidth_sigma, 0.0, 5.0, low_open=True)
    check_range("abr_safety", p.abr_safety, 0.0, 1.0, low_open=True)
    check_range("audio_bandwidth_share", p.audio_bandwidth_share, 0.0, 1.0, low_open=True)
    caps = check_array("resolution_caps", p.resolution_caps, dtype=np.float64, low=1.0, min_size=1)
    if np.any(np.diff(caps) <= 0):
        raise ValueError(f"resolution_caps={p.resolution_caps!r} must increase")
    if len(p.resolution_cap_share) != len(DEVICE_CLASSES):
        raise ValueError(f"resolution_cap_share needs one row per device class {DEVICE_CLASSES}")
    for dev, shares in zip(DEVICE_CLASSES, p.resolution_cap_share, strict=True):
        arr = check_array(f"resolution_cap_share[{dev}]", shares, dtype=np.float64, low=0.0, high=1.0)
        if arr.size != caps.size or abs(arr.sum() - 1.0) > 1e-9:
            raise ValueError(f"resolution_cap_share[{dev}]={shares!r} needs {caps.size} shares summing to 1")
    for name in ("original_audio_share", "audio_description_share", "subtitle_share", "sdh_share"):
        check_range(name, getattr(p, name), 0.0, 1.0)
    check_range("dub_zipf_exponent", p.dub_zipf_exponent, 0.0, 5.0)
    check_range("subtitle_zipf_exponent", p.subtitle_zipf_exponent, 0.0, 5.0)
    _check_device_tuple("legacy_packaging_ratio", p.legacy_packaging_ratio, 0.0, 1.0)
    check_range("concentration", p.concentration, 0.0, 5.0)
    families = catalogue.ladder.families
    for entry in p.family_preference:
        if len(entry) != 3:
            raise ValueError(f"family_preference entry {entry!r} must be (device, family, weight)")
        dev, fam, w = entry
        check_choice("family_preference device", dev, DEVICE_CLASSES)
        if fam not in families:
            raise ValueError(f"family_preference family={fam!r} is not in the ladder ({', '.join(families)})")
        check_range(f"family_preference weight for ({dev}, {fam})", w, 0.0, None)
    return p


def _check_device_tuple(name, values, low, high, low_open=False):
    if len(values) != len(DEVICE_CLASSES):
        raise ValueError(f"{name}={values!r} needs one value per device class {DEVICE_CLASSES}")
    for dev, v in zip(DEVICE_CLASSES, values, strict=True):
        check_range(f"{name}[{dev}]", v, low, high, low_open=low_open)


def _tables(catalogue, p):
    """Per-family and per-row arrays the share kernel reads (all derived from the ladder and p)."""
    lad = catalogue.ladder
    n_fam, n_dev = len(lad.families), len(DEVICE_CLASSES)
    first = np.array([np.flatnonzero(lad.family == f)[0] for f in range(n_fam)])
    fam_kind, fam_role, fam_maxlang = lad.kind[first], lad.role[first], lad.max_languages[first].astype(np.int32)
    playable = lad.device_mask[:, first]
    W = np.zeros((n_dev, n_fam))
    for dev, fam, w in p.family_preference:
        W[DEVICE_CLASSES.index(dev), lad.families.index(fam)] += w
    W *= playable
    fam_present = np.zeros((len(SCOPES), n_fam), dtype=np.bool_)
    for s in range(len(SCOPES)):
        fam_present[s, np.unique(lad.family[lad.scope_mask[s]])] = True
    device_share = np.asarray(p.device_share, dtype=np.float64)
    _check_playable(W, fam_kind, fam_role, fam_maxlang, fam_present, device_share, catalogue)
    R = _rung_probabilities(lad, p)
    vmax = max(int(catalogue.row_variants.max(initial=1)), 2)
    VW = np.zeros((n_dev, len(KINDS), vmax, vmax))
    for d, q in enumerate(p.legacy_packaging_ratio):
        for k in range(len(KINDS)):
            for n in range(1, vmax + 1):
                w = q ** np.arange(n, dtype=np.float64)
                if k == KINDS.index("text") and n == 2:
                    w = np.array([1.0 - p.sdh_share, p.sdh_share])
                VW[d, k, n - 1, :n] = w / w.sum() if w.sum() > 0 else np.r_[1.0, np.zeros(n - 1)]
    return {"fam_kind": fam_kind, "fam_role": fam_role, "fam_maxlang": fam_maxlang, "fam_present": fam_present,
            "W": W, "R": R, "VW": VW, "device_share": device_share}


def _check_playable(W, fam_kind, fam_role, fam_maxlang, fam_present, device_share, catalogue):
    """Every device class with sessions must find a video, a main audio (all languages) and a text family
    (for each kind the ladder has) in every scope the catalogue uses."""
    needs = [(what, mask) for what, kind, mask in (
        ("video", 0, fam_kind == 0),
        ("audio in every language", 1, (fam_kind == 1) & (fam_role == 0) & (fam_maxlang == 0)),
    ) if np.any(fam_kind == kind)]
    for s in np.unique(catalogue.scope):
        for d, dev in enumerate(DEVICE_CLASSES):
            if device_share[d] == 0:
                continue
            for what, mask in needs:
                if not np.any(W[d, mask & fam_present[s]] > 0):
                    raise ValueError(f"family_preference gives device class {dev!r} no playable {what} family "
                                     f"in {SCOPES[s]!r} titles")
            text = (fam_kind == 2) & (fam_maxlang == 0) & fam_present[s]
            if np.any(text) and not np.any(W[d, text] > 0):
                raise ValueError(f"family_preference gives device class {dev!r} no playable text family "
                                 f"in {SCOPES[s]!r} titles")


def _rung_probabilities(lad, p):
    """R[s, d, r]: chance a session of device d on a scope-s title streams row r, given its family.

    The player takes the highest rung of the family (among those the title has)
    at or under its resolution cap whose bitrate is <= abr_safety x throughput
    (audio: x audio_bandwidth_share); the lowest rung if none qualifies. Text
    rungs (bitrate 0) are chosen by the resolution cap alone.
    """
    caps = np.asarray(p.resolution_caps, dtype=np.float64)
    R = np.zeros((len(SCOPES), len(DEVICE_CLASSES), lad.kind.size))
    for s in range(len(SCOPES)):
        for f in range(len(lad.families)):
            rows = np.flatnonzero((lad.family == f) & lad.scope_mask[s])
            if rows.size == 0:
                continue
            kind = lad.kind[rows[0]]
            for d in range(len(DEVICE_CLASSES)):
                scale = p.abr_safety * (p.audio_bandwidth_share if kind == 1 else 1.0)
                mu = math.log(p.bandwidth_median_mbps[d] * 1000.0 * scale)
                for cap, w in zip(caps, p.resolution_cap_share[d], strict=True):
                    if w == 0:
                        continue
                    ok = rows[lad.height[rows] <= cap]
                    ok = ok if ok.size else rows[:1]
                    if kind == 2:
                        R[s, d, ok[-1]] += w
                        continue
                    cdf = np.array([_lognormal_cdf(b, mu, p.bandwidth_sigma) for b in lad.bitrate_kbps[ok[1:]]])
                    edges = np.concatenate(([0.0], cdf, [1.0]))
                    R[s, d, ok] += w * np.diff(edges)
    return R


def _lognormal_cdf(x, mu, sigma):
    return 0.5 * math.erfc(-(math.log(x) - mu) / (sigma * math.sqrt(2.0)))


@kernel
def _shares_kernel(offsets, scope, n_audio, n_text, row, language, variant, row_family, row_variants,
                   fam_kind, fam_role, fam_maxlang, fam_present, W, R, VW, device_share,
                   original_share, dub_exp, ad_share, sub_share, sub_exp, kappa, out):
    n_dev = device_share.size
    n_fam = fam_kind.size
    for t in range(scope.size):
        s = scope[t]
        na = n_audio[t]
        nt = n_text[t]
        # language mixes: audio 0 = original, dubs by Zipf rank; text by Zipf rank
        pa = np.zeros(na)
        if na == 1:
            pa[0] = 1.0
        else:
            h = 0.0
            for k in range(1, na):
                h += k ** -dub_exp
            pa[0] = original_share
            for k in range(1, na):
                pa[k] = (1.0 - original_share) * k ** -dub_exp / h
        pt = np.zeros(max(nt, 1))
        h = 0.0
        for k in range(nt):
            h += (k + 1.0) ** -sub_exp
        for k in range(nt):
            pt[k] = (k + 1.0) ** -sub_exp / h
        # normalisers: preference mass of the families this title has, per device (and language)
        zv = np.zeros(n_dev)
        za = np.zeros((n_dev, 2, na))
        zt = np.zeros((n_dev, max(nt, 1)))
        for f in range(n_fam):
            if not fam_present[s, f]:
                continue
            if fam_kind[f] == 0:
                for d in range(n_dev):
                    zv[d] += W[d, f]
            elif fam_kind[f] == 1:
                cap = na if fam_maxlang[f] == 0 else min(na, fam_maxlang[f])
                for d in range(n_dev):
                    for lang in range(cap):
                        za[d, fam_role[f], lang] += W[d, f]
            else:
                cap = nt if fam_maxlang[f] == 0 else min(nt, fam_maxlang[f])
                for d in range(n_dev):
                    for lang in range(cap):
                        zt[d, lang] += W[d, f]
        lo = offsets[t]
        hi = offsets[t + 1]
        for i in range(lo, hi):
            r = row[i]
            f = row_family[r]
            k = fam_kind[f]
            nv = row_variants[r] - 1
            v = variant[i]
            acc = 0.0
            if k == 0:
                for d in range(n_dev):
                    if zv[d] > 0:
                        acc += device_share[d] * W[d, f] / zv[d] * R[s, d, r] * VW[d, 0, nv, v]
            elif k == 1:
                lang = language[i]
                for d in range(n_dev):
                    p_ad = ad_share if za[d, 1, lang] > 0 else 0.0
                    z = za[d, fam_role[f], lang]
                    p_role = p_ad if fam_role[f] == 1 else 1.0 - p_ad
                    if z > 0:
                        acc += device_share[d] * p_role * W[d, f] / z * R[s, d, r] * VW[d, 1, nv, v]
                acc *= pa[lang]
            else:
                lang = language[i]
                for d in range(n_dev):
                    if zt[d, lang] > 0:
                        acc += device_share[d] * W[d, f] / zt[d, lang] * R[s, d, r] * VW[d, 2, nv, v]
                acc *= sub_share * pt[lang]
            out[i] = acc
        if kappa != 1.0:
            for kind in range(3):
                total = 0.0
                powered = 0.0
                for i in range(lo, hi):
                    if fam_kind[row_family[row[i]]] == kind:
                        total += out[i]
                        powered += out[i] ** kappa
                for i in range(lo, hi):
                    if fam_kind[row_family[row[i]]] == kind:
                        out[i] = total * out[i] ** kappa / powered if powered > 0 else 0.0
