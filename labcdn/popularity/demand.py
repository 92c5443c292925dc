"""Demand: how many views each file of a title gets.

Open Connect measures popularity as *views*: bytes streamed from a file
divided by the file's size (Vora, Deek, Livengood, "Content Popularity for
Open Connect", Netflix TechBlog). This module models the expected views
and bytes of every file of a catalogue; :mod:`labcdn.popularity.ranking` fills a cache
from them and :mod:`labcdn.prediction.lifecycles` spreads title demand over days.

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
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import polars as pl

from labcdn._jit import kernel
from labcdn._validation import check_array, check_choice, check_range
from labcdn.popularity.catalogue import Catalogue
from labcdn.popularity.ladder import DEVICE_CLASSES, KINDS, SCOPES

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
        From :func:`labcdn.popularity.make_catalogue`.
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
    # np.bincount adds in file order, so the table is the same bytes on every run
    # (a polars group_by sum adds in parallel, in no fixed order).
    n_fam = len(lad.families)
    sums = {name: np.bincount(fam, weights=w, minlength=n_fam)
            for name, w in (("views", views.views), ("bytes", views.bytes), ("size", catalogue.size_bytes),
                            ("seconds", seconds))}
    fam_kind = np.zeros(n_fam, dtype=np.int64)
    fam_kind[fam] = lad.kind[catalogue.row]
    files = np.bincount(fam, minlength=n_fam)
    present = files > 0
    frame = pl.DataFrame({
        "kind": pl.Series(KINDS)[fam_kind[present]],
        "family": pl.Series(lad.families)[np.flatnonzero(present)],
        "files": files[present].astype(np.uint32),
        **{name: v[present] for name, v in sums.items()},
    })
    return (
        frame
        .with_columns(
            (pl.col("views") / pl.col("views").sum().over("kind")).alias("view_share"),
            (pl.col("bytes") / pl.col("bytes").sum().over("kind")).alias("byte_share"),
            (pl.col("size") / pl.col("size").sum().over("kind")).alias("storage_share"),
            (8e-3 * pl.col("bytes") / pl.col("seconds")).alias("mean_kbps"),
        )
        .select("kind", "family", "files", "view_share", "byte_share", "storage_share", "mean_kbps")
        .sort("kind", "byte_share", descending=[False, True])
    )



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
