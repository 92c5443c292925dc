"""One appliance's nightly fill, driven by the catalogue and popularity model.

This module wires the pieces of chapter 2 together, so that a notebook cell or
``labcdn prediction`` is one call:

- the catalogue of files and each file's share of its title's sessions
  (:mod:`labcdn.popularity`);
- day-by-day title demand with release spikes and decay (:mod:`labcdn.prediction.lifecycles`);
- the nightly fill under a budget, for each predictor (:mod:`labcdn.prediction.predictors`);
- for the proactive-against-reactive comparison, a request stream drawn from the
  same model (:mod:`labcdn.prediction.sessions`) replayed through LRU, FIFO, LFU and
  Belady's MIN (:mod:`labcdn.caching`).

The appliance is sized as a share of the catalogue's bytes and its fill budget as
a share of the appliance: Open Connect's storage appliances fill up to 6.5 TB per
night [1]_, 6.5% of a 100 TB appliance.

References
----------
.. [1] Open Connect Partner Help Center, "Fill patterns" (12-hour fill window, up to 6.5 TB).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np
import polars as pl
from tqdm.auto import tqdm

from labcdn import caching, popularity
from labcdn._validation import check_range, rng_from
from labcdn.prediction import lifecycles, predictors, sessions
from labcdn.prediction.figures import APPLIANCE_BYTES, FILL_BUDGET_BYTES

METHODS = ("oracle", "ewma", "window", "yesterday")


@dataclass(frozen=True)
class NightlyParams:
    """The chapter's defaults.

    Attributes
    ----------
    n_titles : int
        Titles in the catalogue (:class:`labcdn.popularity.CatalogueParams`).
    n_days : int
        Days simulated (day 0 starts from the oracle set, days 1.. are scored).
    capacity_fraction : float
        Appliance size as a share of the catalogue's bytes (assumption: an
        appliance holds a part of the catalogue, the rest stays upstream).
    budget_fraction : float
        Bytes fillable per night as a share of the appliance: 0.065, i.e.
        6.5 TB per night on a 100 TB appliance (Open Connect "Fill patterns").
    half_life_days, window_days, prerelease_sigma : float, int, float
        Predictor knobs (:class:`labcdn.prediction.PredictorParams`).
    seed : int
        One seed for catalogue, demand and pre-release errors.
    """

    n_titles: int = 500
    n_days: int = 28
    capacity_fraction: float = 0.05
    budget_fraction: float = FILL_BUDGET_BYTES / APPLIANCE_BYTES  # 0.065 (prediction.figures)
    half_life_days: float = predictors.PREDICTOR.half_life_days
    window_days: int = predictors.PREDICTOR.window_days
    prerelease_sigma: float = predictors.PREDICTOR.prerelease_sigma
    seed: int = 0


class Scenario(NamedTuple):
    """The model's files and their demand, day by day."""

    catalogue: popularity.Catalogue
    shares: np.ndarray
    title_views: np.ndarray
    file_views: np.ndarray
    release_day: np.ndarray


class NightlyResult(NamedTuple):
    """Per-day rows of every method (``days``) and one row per method (``summary``)."""

    days: pl.DataFrame
    summary: pl.DataFrame


def scenario(params: NightlyParams | None = None) -> Scenario:
    """Draw the catalogue and its day-by-day demand for ``params``.

    Returns
    -------
    Scenario
        ``file_views`` is float64 ``(n_files, n_days)`` (Fortran order);
        ``release_day`` is each file's title's first day with views (0 for titles
        already out at day 0).
    """
    p = params if params is not None else NightlyParams()
    check_range("n_titles", p.n_titles, 1, 100_000, integer=True)
    check_range("n_days", p.n_days, 2, 3650, integer=True)
    cat = popularity.make_catalogue(replace(popularity.CatalogueParams(), n_titles=p.n_titles), seed=p.seed)
    shares = popularity.file_shares(cat)
    title_views = lifecycles.daily_title_views(cat.n_titles, p.n_days, seed=p.seed + 1)
    file_views = np.asfortranarray(lifecycles.file_views_daily(cat, shares, title_views))
    out = title_views > 0
    title_release = np.where(out.any(axis=1), out.argmax(axis=1), p.n_days)
    return Scenario(cat, shares, title_views, file_views, title_release[cat.title].astype(np.int64))


def run(params: NightlyParams | None = None, *, methods=METHODS, scene: Scenario | None = None,
        progress: bool = False, **overrides) -> NightlyResult:
    """The nightly fill of one appliance for each prediction method.

    Parameters
    ----------
    params : NightlyParams, optional
        Defaults to ``NightlyParams()``; keyword ``overrides`` replace fields.
    methods : sequence of str
        Predictors to run (:data:`labcdn.prediction.predictors.METHODS`).
    scene : Scenario, optional
        A ready :func:`scenario` (skips the draw; must match ``params``).
    progress : bool
        Show a progress bar on stderr.

    Returns
    -------
    NightlyResult
        ``days`` from :func:`labcdn.prediction.simulate_fill` for every method;
        ``summary`` from :func:`labcdn.prediction.fill_summary`.
    """
    p = replace(params if params is not None else NightlyParams(), **overrides)
    check_range("capacity_fraction", p.capacity_fraction, 0.0, 1.0, low_open=True)
    check_range("budget_fraction", p.budget_fraction, 0.0, 1.0)
    s = scene if scene is not None else scenario(p)
    capacity = np.floor(p.capacity_fraction * s.catalogue.size_bytes.sum())
    frames = []
    for method in tqdm(methods, desc="nightly fill", disable=not progress, leave=False):
        frames.append(predictors.simulate_fill(
            s.file_views, s.catalogue.size_bytes, s.release_day, capacity, p.budget_fraction * capacity,
            method, half_life_days=p.half_life_days, window_days=p.window_days,
            prerelease_sigma=p.prerelease_sigma, seed=p.seed + 2))
    days = pl.concat(frames)
    return NightlyResult(days, predictors.fill_summary(days))


def versus_reactive(params: NightlyParams | None = None, *, sessions_per_day: int = 20_000,
                    capacity_fractions=(0.02, 0.05, 0.1, 0.2, 0.4), scene: Scenario | None = None,
                    progress: bool = False, **overrides) -> pl.DataFrame:
    """Proactive nightly fill against reactive caches on the same request stream.

    Sessions are drawn from the scenario's demand (:func:`labcdn.prediction.sample_requests`);
    every request asks for a whole file. Reactive caches (LRU, FIFO, LFU, Belady's
    MIN) replay all days; the nightly fill ranks files by the requests counted on
    past days (EWMA) or, as the upper bound, by the next day's own counts
    (oracle), under the same fill budget. Everything is scored on days 1.. so that
    day 0 warms every cache.

    Returns
    -------
    polars.DataFrame
        ``policy, capacity_fraction, byte_hit_ratio`` — capacity as a share of the
        catalogue's bytes; byte hit ratio = bytes served from the cache ÷ all bytes.
    """
    p = replace(params if params is not None else NightlyParams(), **overrides)
    for frac in capacity_fractions:
        check_range("capacity_fractions", frac, 0.0, 1.0, low_open=True)
    s = scene if scene is not None else scenario(p)
    req = sessions.sample_requests(s.catalogue, s.shares, s.title_views, sessions_per_day,
                                   rng=rng_from(p.seed + 3))
    trace = caching.prepare_trace(req.file, req.size_bytes)  # checked once, replayed at every capacity
    counts = req.daily_views(s.catalogue.n_files)
    scored = req.day >= 1
    scored_bytes = req.size_bytes[scored]
    scored_total = float(scored_bytes.sum())
    total = s.catalogue.size_bytes.sum()
    day_bytes = np.bincount(req.day, weights=req.size_bytes, minlength=req.n_days)[1:]
    rows = []
    jobs = [(f, pol) for f in capacity_fractions for pol in (*caching.POLICIES, "ewma", "oracle")]
    for frac, policy in tqdm(jobs, desc="proactive vs reactive", disable=not progress, leave=False):
        capacity = int(frac * total)
        if policy in caching.POLICIES:
            hit = trace.replay(policy, caching.check_capacity(capacity))
            ratio = float(np.dot(scored_bytes, hit[scored])) / scored_total
            label = policy
        else:
            fill = predictors.simulate_fill(counts, s.catalogue.size_bytes, s.release_day, capacity,
                                            p.budget_fraction * capacity, policy,
                                            half_life_days=p.half_life_days, prerelease_sigma=p.prerelease_sigma,
                                            seed=p.seed + 2)
            ratio = float(np.dot(fill["efficiency"].to_numpy(), day_bytes) / day_bytes.sum())
            label = f"nightly fill ({policy})"
        rows.append({"policy": label, "capacity_fraction": float(frac), "byte_hit_ratio": ratio})
    return pl.DataFrame(rows)
