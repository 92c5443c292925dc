"""Chapter 1's headline: the storage ratio as Netflix could have measured it in 2016, built one factor at a time.

The waterfall (:func:`waterfall`) starts from perfect knowledge on today's
catalogue (:func:`labcdn.popularity.study` with today's ladder) and adds one
grounded factor per step:

1. ``2016 catalogue``: the 2016 encoding ladder, languages and codec mix
   (:mod:`labcdn.popularity.eras`, ``data/encoding_ladder_2016.csv``);
2. ``ranked on predictions``: both rankings rank on views counted at one
   appliance over a week (:mod:`labcdn.popularity.predicted`).

The last step is the headline. Every step is run for ``n_seeds`` seeds (the
catalogue draw and the counted views); the band is their 5th and 95th percentiles.
:func:`sensitivity` moves each assumption over its stated range.
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np
import polars as pl

from labcdn._validation import check_range
from labcdn.popularity.catalogue import make_catalogue
from labcdn.popularity.demand import file_views
from labcdn.popularity.eras import AUDIO_LANGUAGES_2016_RANGE, era
from labcdn.popularity.predicted import ApplianceLoad, predicted_study

#: The waterfall's steps: (key, label, short source, source of what the step adds).
STEPS = (
    ("exact_today", "exact views, today's catalogue", "data/encoding_ladder.csv",
     "today's ladder (data/encoding_ladder.csv); ranking on exact expected views"),
    ("exact_2016", "+ 2016 catalogue", "Streaming Media 2016; TechBlog 2015-16; CES 2016",
     "data/encoding_ladder_2016.csv: Streaming Media 2016 profile list, Per-Title Encode Optimization (2015), "
     "mobile encodes (2016), 21 languages (CES 2016)"),
    ("predicted_2016", "+ ranked on predictions", "40 Gbps (Gallatin 2017); ch. 2 window",
     "a week of views counted at one 40 Gbps appliance (Gallatin 2017), chapter 2's window predictor"),
)


def _step_ratios(seed, target, load, n_titles, sessions_scale=1.0, eras=None):
    """The three steps' ratios for one seed."""
    today, e2016 = (eras or {}).get("today") or era("today"), (eras or {}).get("2016") or era("2016")
    out = {}
    for key, e, scale in (("exact_today", today, None), ("exact_2016", e2016, None),
                          ("predicted_2016", e2016, sessions_scale)):
        if key != "predicted_2016":
            cat = make_catalogue(replace(e.catalogue, n_titles=n_titles), seed, ladder=e.ladder())
            views = file_views(cat, e.demand)
        out[key] = predicted_study(cat, e.demand, target, load=load, sessions_scale=scale, seed=seed,
                                   views=views).ratio
    return out


class Headline(NamedTuple):
    """The headline, its band and the waterfall.

    ``ratio`` is the last step (2016 catalogue, ranked on predictions) at ``seed``;
    ``ratio_p05`` / ``ratio_p95`` its band over the seeds; ``steps`` one row per
    step (``step, key, label, source, ratio, delta, p05, p95``); ``seeds`` one row
    per seed and step.
    """

    ratio: float
    ratio_exact_today: float
    ratio_p05: float
    ratio_p95: float
    n_seeds: int
    sessions_per_day: float
    steps: pl.DataFrame
    seeds: pl.DataFrame


def waterfall(target_efficiency: float = 0.9, *, seed: int = 0, n_seeds: int = 20, n_titles: int = 500,
              load: ApplianceLoad | None = None, sessions_scale: float = 1.0) -> Headline:
    """Run every step for seeds ``seed .. seed + n_seeds - 1``.

    Parameters
    ----------
    target_efficiency : float
        Caching efficiency both rankings must reach, in (0, 1].
    seed : int
        First seed; the headline numbers are this seed's.
    n_seeds : int
        Seeds in the band, in [1, 1000] (the chapter uses 20).
    n_titles : int
        Titles per catalogue.
    load : ApplianceLoad, optional
        The appliance whose counted views feed the predictions.
    sessions_scale : float
        Prediction quality: factor on the derived sessions per day (1 = as derived).

    Returns
    -------
    Headline
    """
    check_range("target_efficiency", target_efficiency, 0.0, 1.0, low_open=True)
    check_range("seed", seed, 0, None, integer=True)
    check_range("n_seeds", n_seeds, 1, 1000, integer=True)
    check_range("n_titles", n_titles, 1, 100_000, integer=True)
    load = load if load is not None else ApplianceLoad()
    rows = []
    for s in range(seed, seed + n_seeds):
        for key, value in _step_ratios(s, target_efficiency, load, n_titles, sessions_scale).items():
            rows.append((s, key, value))
    seeds = pl.DataFrame(rows, schema={"seed": pl.Int64, "key": pl.String, "ratio": pl.Float64}, orient="row")
    steps = []
    previous = None
    for i, (key, label, short, source) in enumerate(STEPS):
        r = seeds.filter(pl.col("key") == key)["ratio"].to_numpy()
        at = float(r[0])
        steps.append((i, key, label, short, source, at, at - previous if previous is not None else at,
                      float(np.percentile(r, 5)), float(np.percentile(r, 95))))
        previous = at
    steps = pl.DataFrame(steps, schema={"step": pl.Int64, "key": pl.String, "label": pl.String, "source_short": pl.String,
                                        "source": pl.String,
                                        "ratio": pl.Float64, "delta": pl.Float64, "p05": pl.Float64,
                                        "p95": pl.Float64}, orient="row")
    e2016 = era("2016")
    cat = make_catalogue(replace(e2016.catalogue, n_titles=n_titles), seed, ladder=e2016.ladder())
    sessions = predicted_study(cat, e2016.demand, target_efficiency, load=load, sessions_scale=None,
                               seed=seed).sessions_per_day
    last = steps.row(len(STEPS) - 1, named=True)
    return Headline(last["ratio"], steps["ratio"][0], last["p05"], last["p95"], n_seeds, sessions, steps, seeds)


#: Each assumption the headline rests on, with the range the sensitivity chart sweeps.
SENSITIVITY = {
    "mean_to_peak": (0.3, 0.4, 0.5, 0.6, 0.7),
    "sessions_scale": (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0),
    "audio_languages_global": tuple(range(AUDIO_LANGUAGES_2016_RANGE[0], AUDIO_LANGUAGES_2016_RANGE[1] + 1, 5)),
    "max_variants": (1, 2),
    "avc_main_weight": (0.5, 1.0, 2.0),
    "target_efficiency": (0.8, 0.85, 0.9, 0.95),
}


#: Groups of 2016 codec families whose presence rests on an assumption (which titles carry them), left out one
#: group at a time by :func:`ladder_sensitivity`.
LADDER_GROUPS = {
    "none (the 2016 ladder)": (),
    "VC1 (legacy CE1/CE2)": ("VC1",),
    "UHD and HDR": ("HEVC-SDR", "VP9-UHD", "HEVC-HDR10", "DolbyVision"),
    "mobile encodes": ("AVC-high", "VP9"),
}


def ladder_sensitivity(seed: int = 0, n_titles: int = 500, target_efficiency: float = 0.9) -> pl.DataFrame:
    """The headline with each assumed group of 2016 codec families left out (:data:`LADDER_GROUPS`).

    Parameters
    ----------
    seed : int
    n_titles : int
    target_efficiency : float

    Returns
    -------
    polars.DataFrame
        ``without, files_per_global_episode, ratio``.
    """
    rows = []
    for label, families in LADDER_GROUPS.items():
        e = era("2016").leaving_out(families)
        cat = make_catalogue(replace(e.catalogue, n_titles=n_titles), seed, ladder=e.ladder())
        fpt = cat.files_per_title()[(cat.scope == 0) & ~cat.is_film]
        r = predicted_study(cat, e.demand, target_efficiency, seed=seed).ratio
        rows.append((label, float(np.median(fpt)) if fpt.size else float("nan"), r))
    return pl.DataFrame(rows, schema={"without": pl.String, "files_per_global_episode": pl.Float64,
                                      "ratio": pl.Float64}, orient="row")


def sensitivity(seed: int = 0, n_titles: int = 500, values: dict | None = None) -> pl.DataFrame:
    """The headline (2016 catalogue, predicted ranking) as each assumption moves over its range.

    Parameters
    ----------
    seed : int
    n_titles : int
    values : dict, optional
        Parameter -> values to try; defaults to :data:`SENSITIVITY`. Keys: ``mean_to_peak``
        and ``sessions_scale`` (the appliance's counted sessions), ``audio_languages_global``
        (2016 dubs on a global title), ``max_variants`` (packaging copies per ladder row),
        ``avc_main_weight`` (a factor on AVC Main's weight in the 2016 codec preferences, an
        assumption: :data:`labcdn.popularity.eras.FAMILY_PREFERENCE_2016`), ``target_efficiency``.

    Returns
    -------
    polars.DataFrame
        ``parameter, value, ratio``.
    """
    values = SENSITIVITY if values is None else values
    unknown = set(values) - set(SENSITIVITY)
    if unknown:
        raise ValueError(f"values has unknown parameters {sorted(unknown)}; known: {', '.join(SENSITIVITY)}")
    e = era("2016")
    base_cat = make_catalogue(replace(e.catalogue, n_titles=n_titles), seed, ladder=e.ladder())
    base_views = file_views(base_cat, e.demand)
    rows = []
    for name, grid in values.items():
        for v in grid:
            cat, views, load, scale, target, demand = base_cat, base_views, ApplianceLoad(), 1.0, 0.9, e.demand
            if name == "mean_to_peak":
                load = ApplianceLoad(mean_to_peak=float(v))
            elif name == "sessions_scale":
                scale = float(v)
            elif name == "target_efficiency":
                target = float(v)
            elif name == "avc_main_weight":
                demand = replace(e.demand, family_preference=tuple(
                    (d, f, w * float(v) if f == "AVC-main" else w) for d, f, w in e.demand.family_preference))
                views = file_views(cat, demand)
            else:
                cp = replace(e.catalogue, n_titles=n_titles)
                if name == "audio_languages_global":
                    cp = replace(cp, audio_languages=(int(v), *cp.audio_languages[1:]))
                else:
                    cp = replace(cp, max_variants=int(v))
                cat = make_catalogue(cp, seed, ladder=e.ladder())
                views = file_views(cat, e.demand)
            r = predicted_study(cat, demand, target, load=load, sessions_scale=scale, seed=seed, views=views).ratio
            rows.append((name, float(v), r))
    return pl.DataFrame(rows, schema={"parameter": pl.String, "value": pl.Float64, "ratio": pl.Float64},
                        orient="row")
