"""Ranking and fill: why Open Connect ranks files, not titles.

Open Connect measures popularity as *views*: bytes streamed from a file
divided by the file's size (Vora, Deek, Livengood, "Content Popularity for
Open Connect", Netflix TechBlog). A cache is filled in rank order; its
*caching efficiency* is bytes served from the cache divided by all bytes. The
post reports that ranking *files* instead of *titles* reached the same caching
efficiency with about half the storage. This module models why: it fills a
cache by file or by title ranking from the bytes per file of
:func:`labcdn.popularity.file_views` (:func:`efficiency_curve`,
:func:`storage_needed`), compares the two (:func:`storage_ratio`) and runs the
headline study (:func:`study`, :func:`ratio_sweep`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np
import polars as pl

from labcdn._jit import kernel
from labcdn._validation import check_array, check_choice, check_memory, check_range
from labcdn.popularity.catalogue import (
    CATALOGUE_BYTES_PER_FILE,
    Catalogue,
    CatalogueParams,
    expected_files,
    make_catalogue,
)
from labcdn.popularity.demand import DemandParams, file_views
from labcdn.popularity.ladder import SCOPES


def efficiency_curve(catalogue: Catalogue, bytes_per_file, ranking: str = "file", capacities=None,
                     fill: str = "stop") -> pl.DataFrame:
    """Caching efficiency of a cache filled by rank, at several capacities.

    Parameters
    ----------
    catalogue : Catalogue
        The files and their sizes.
    bytes_per_file : array_like
        Bytes streamed per file over the period (``labcdn.popularity.FileViews.bytes``), >= 0.
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
    Vora, Deek, Livengood, "Content Popularity for Open Connect", Netflix TechBlog:
    about 0.5 ("the same caching efficiency with about half the storage").
    """
    file_bytes = storage_needed(catalogue, bytes_per_file, target_efficiency, "file")
    title_bytes = storage_needed(catalogue, bytes_per_file, target_efficiency, "title")
    return file_bytes / title_bytes


def _checked_bytes(catalogue, bytes_per_file):
    nbytes = check_array("bytes_per_file", bytes_per_file, dtype=np.float64, low=0.0)
    if nbytes.size != catalogue.n_files:
        raise ValueError(f"bytes_per_file has {nbytes.size} values; the catalogue has {catalogue.n_files} files")
    return nbytes


def _ranked_items(catalogue, bytes_per_file, ranking):
    nbytes = _checked_bytes(catalogue, bytes_per_file)
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

class RankingStudy(NamedTuple):
    """One run of the headline study (what a notebook slider recomputes)."""

    ratio: float
    target_efficiency: float
    file_storage_fraction: float
    title_storage_fraction: float
    capacity_fraction: float
    file_efficiency: float
    title_efficiency: float
    curves: pl.DataFrame


#: Peak bytes per file of :func:`study` (catalogue, views, both rankings and their prefix sums), measured
#: with tracemalloc: 74.1 at 0.25-4.3 million files, of which the catalogue is 18; rounded up.
STUDY_BYTES_PER_FILE = 80


def check_study_memory(catalogue_params: CatalogueParams | None = None, catalogue: Catalogue | None = None) -> float:
    """Refuse, before anything is drawn, a :func:`study` that would not fit in memory.

    Parameters
    ----------
    catalogue_params : CatalogueParams, optional
        For a catalogue still to be drawn: its :func:`~labcdn.popularity.catalogue.expected_files`, plus 5%.
    catalogue : Catalogue, optional
        A ready catalogue: its own file count (the catalogue itself is already held).

    Returns
    -------
    float
        The estimate, in bytes.
    """
    if catalogue is not None:
        files = int(catalogue.size_bytes.size)
        what, need = f"a ranking study of {files} files", files * (STUDY_BYTES_PER_FILE - CATALOGUE_BYTES_PER_FILE)
    else:
        params = catalogue_params if catalogue_params is not None else CatalogueParams()
        files = round(1.05 * expected_files(params))
        what, need = f"a ranking study of n_titles={params.n_titles} (about {files} files)", files * STUDY_BYTES_PER_FILE
    return check_memory(what, need, "lower n_titles")


def study(catalogue_params: CatalogueParams | None = None, demand_params: DemandParams | None = None,
          target_efficiency: float = 0.9, seed: int = 0, *, capacity_fraction: float = 0.1,
          n_points: int = 101, catalogue: Catalogue | None = None) -> RankingStudy:
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
    RankingStudy
        ``ratio`` = file-ranking storage / title-ranking storage at the target;
        ``curves`` is tidy (ranking, capacity_bytes, capacity_fraction, efficiency).

    References
    ----------
    Vora, Deek, Livengood, "Content Popularity for Open Connect", Netflix TechBlog.
    """
    check_range("capacity_fraction", capacity_fraction, 0.0, 1.0)
    check_range("n_points", n_points, 2, 100_000, integer=True)
    check_range("target_efficiency", target_efficiency, 0.0, 1.0, low_open=True)
    check_study_memory(catalogue_params if catalogue is None else None, catalogue)
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
        at_eff = np.empty(1)  # not eff[:1]: the curve frame may share eff's memory
        _stop_fill_kernel(cum_size, cum_bytes, at, at_eff)
        eff_at[ranking] = float(at_eff[0])
        need[ranking] = float(_needed_kernel(cum_size, cum_bytes, float(target_efficiency)))
    return RankingStudy(need["file"] / need["title"], float(target_efficiency), need["file"] / total,
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



def within_title(catalogue: Catalogue, bytes_per_file, titles, n_points: int = 51) -> pl.DataFrame:
    """How a title's streamed bytes spread over its stored bytes (a Lorenz-style curve).

    Files of each title are taken in descending views (bytes ÷ size), the order a
    file-level ranking stores them; the curve gives the share of the title's
    streamed bytes against the share of its storage.

    Parameters
    ----------
    catalogue : Catalogue
    bytes_per_file : array_like
        Bytes streamed per file (``FileViews.bytes``).
    titles : sequence of int
        Title indices to trace.
    n_points : int
        Storage shares evaluated, evenly spaced in [0, 1].

    Returns
    -------
    polars.DataFrame
        ``title, scope, files, storage_share, bytes_share``; ``bytes_share`` is
        interpolated linearly inside a file.
    """
    nbytes = _checked_bytes(catalogue, bytes_per_file)
    check_range("n_points", n_points, 2, 10_000, integer=True)
    grid = np.linspace(0.0, 1.0, n_points)
    frames = []
    for t in titles:
        t = check_range("titles", t, 0, catalogue.n_titles - 1, integer=True)
        lo, hi = catalogue.title_offsets[t], catalogue.title_offsets[t + 1]
        size, sent = catalogue.size_bytes[lo:hi], nbytes[lo:hi]
        order = np.argsort(-(sent / size), kind="stable")
        cum_size = np.concatenate([[0.0], np.cumsum(size[order])]) / size.sum()
        cum_bytes = np.concatenate([[0.0], np.cumsum(sent[order])]) / max(sent.sum(), 1e-300)
        frames.append(pl.DataFrame({
            "title": np.full(n_points, t, dtype=np.int32),
            "scope": SCOPES[int(catalogue.scope[t])],
            "files": np.full(n_points, hi - lo, dtype=np.int64),
            "storage_share": grid,
            "bytes_share": np.interp(grid, cum_size, cum_bytes),
        }))
    return pl.concat(frames)
