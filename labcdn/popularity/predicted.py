"""Ranking on what Netflix could know: predictions from past days' views at one appliance.

:func:`labcdn.popularity.study` ranks files and titles on their *exact*
expected views, perfect knowledge. Open Connect ranks on popularity predicted
from the views it counted on past days [1]_ [2]_. A file of a title has far fewer
views than the title, so its count is noisier, and a file ranking suffers more
from noise than a title ranking. This module puts that in the model:

1. the number of sessions one appliance serves a day follows from its served
   throughput and the bytes a session streams (:class:`ApplianceLoad`,
   :func:`sessions_per_day`);
2. on each of the ``history_days`` past days a file is streamed a Poisson number
   of times with mean ``share x title sessions`` (Poisson session arrivals,
   thinned by the file's share, are Poisson per file);
3. chapter 2's ``window`` predictor (:func:`labcdn.prediction.predict`, computed
   here as the window's mean, the same numbers) averages those days; the ranking stores by the predicted views, and the storage a
   ranking needs for the target efficiency is read off the *true* bytes.

With a constant daily rate the window's k-day total is Poisson(k x rate), so one
draw per file gives the same predictions as k daily draws (1/k of the work; the
slider recompute stays under 100 ms).

References
----------
.. [1] M. Vora, L. Deek, E. Livengood, "Content Popularity for Open Connect", Netflix TechBlog.
.. [2] M. Costello, E. Livengood, "Netflix and Fill", Netflix TechBlog, 2016 (popularity feeds
   from past viewing, computed by country or region).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import polars as pl

from labcdn._validation import check_array, check_range, rng_from
from labcdn.popularity.catalogue import Catalogue
from labcdn.popularity.demand import DemandParams, FileViews, file_views
from labcdn.popularity.figures import APPLIANCE_GBPS_2016
from labcdn.popularity.ranking import _curve_frame, _needed_kernel, _prefix_sums, _stop_fill_kernel


@dataclass(frozen=True)
class ApplianceLoad:
    """How many sessions one appliance serves a day, from published throughput.

    Attributes
    ----------
    served_gbps : float
        40 Gbps (:data:`labcdn.popularity.figures.APPLIANCE_GBPS_2016`): the 2015-2016
        appliances were "close to being CPU limited serving at 40 Gbps" (Gallatin,
        "Serving 100 Gbps from an Open Connect Appliance", Netflix TechBlog, 2017).
    mean_to_peak : float
        Daily mean traffic as a share of the served peak. Assumption: 0.5, swept
        0.3-0.7 in chapter 1's sensitivity chart (streaming traffic peaks in the
        evening and is low overnight).
    history_days : int
        Days of counted views the ranking averages: 7, chapter 2's ``window``
        predictor (:class:`labcdn.prediction.PredictorParams`: a week spans the weekly cycle).
    """

    served_gbps: float = APPLIANCE_GBPS_2016
    mean_to_peak: float = 0.5
    history_days: int = 7


def _checked_load(load):
    check_range("served_gbps", load.served_gbps, 0.0, 1e4, low_open=True)
    check_range("mean_to_peak", load.mean_to_peak, 0.0, 1.0, low_open=True)
    check_range("history_days", load.history_days, 1, 365, integer=True)
    return load


def sessions_per_day(views: FileViews, load: ApplianceLoad | None = None) -> float:
    """Title sessions one appliance serves per day.

    ``served_gbps x mean_to_peak x 86,400 s / bytes per session``, where bytes per
    session is the model's own: bytes streamed / sessions (= the mean streamed
    bitrate, video and audio, times the mean viewing time of a session).

    Parameters
    ----------
    views : FileViews
        From :func:`labcdn.popularity.file_views` (any ``sessions_per_day``: only the
        bytes per session is read).
    load : ApplianceLoad, optional

    Returns
    -------
    float
    """
    load = _checked_load(load if load is not None else ApplianceLoad())
    sessions = float(views.title_views.sum())
    if not sessions > 0:
        raise ValueError("views has no sessions; give file_views a demand with sessions_per_day > 0")
    bytes_per_session = float(views.bytes.sum()) / sessions
    return load.served_gbps * 1e9 / 8.0 * load.mean_to_peak * 86_400.0 / bytes_per_session


def predicted_views(expected_views, history_days: int = 7, *, seed: int | None = 0, rng=None) -> np.ndarray:
    """Chapter 2's ``window`` prediction of each file's views from ``history_days`` counted days.

    Parameters
    ----------
    expected_views : array_like
        Expected views per file per day (float64, >= 0).
    history_days : int
        Days averaged, in [1, 365].
    seed, rng
        Randomness of the counts (one Poisson draw per file, of the days' total).

    Returns
    -------
    numpy.ndarray
        Predicted views per day (float64): the mean of the counted days.
    """
    lam = check_array("expected_views", expected_views, dtype=np.float64, low=0.0)
    k = check_range("history_days", history_days, 1, 365, integer=True)
    rng = rng_from(seed, rng)
    # the k-day window's mean, drawn as one total: what chapter 2's predict(..., "window") returns
    # for these counts (tests/test_popularity_headline.py checks it; popularity does not import
    # prediction, which imports popularity)
    return rng.poisson(lam * k) / k


class PredictedStudy(NamedTuple):
    """Both rankings on predicted views, scored on true bytes."""

    ratio: float
    file_storage_fraction: float
    title_storage_fraction: float
    sessions_per_day: float
    curves: pl.DataFrame | None
    file_efficiency: float
    title_efficiency: float


def _order(scores, rng):
    """Descending scores; ties in a random order (a tie carries no information)."""
    perm = rng.permutation(scores.size)
    return perm[np.argsort(-scores[perm], kind="stable")]


def ranked_storage(catalogue: Catalogue, true_bytes, predicted_bytes, target_efficiency: float = 0.9, *,
                   seed: int | None = 0, rng=None, n_points: int = 0, capacity_fraction: float = 0.1):
    """Storage each ranking needs when it ranks on ``predicted_bytes`` and serves ``true_bytes``.

    Parameters
    ----------
    catalogue : Catalogue
    true_bytes, predicted_bytes : array_like
        Bytes per file, >= 0 (true ones not all 0).
    target_efficiency : float
        In (0, 1].
    seed, rng
        Order of ties.
    n_points : int
        Points of each efficiency curve; 0 for none.
    capacity_fraction : float
        Cache size, as a share of the catalogue, at which both efficiencies are reported.

    Returns
    -------
    tuple
        ``(file_bytes, title_bytes, curves, efficiencies)``: storage needed by each ranking
        (bytes), a curve frame (``None`` when ``n_points`` is 0) and ``{ranking: efficiency at
        capacity_fraction}``.
    """
    true = check_array("true_bytes", true_bytes, dtype=np.float64, low=0.0)
    pred = check_array("predicted_bytes", predicted_bytes, dtype=np.float64, low=0.0)
    if true.size != catalogue.n_files or pred.size != catalogue.n_files:
        raise ValueError(f"true_bytes ({true.size}) and predicted_bytes ({pred.size}) need one value per file "
                         f"({catalogue.n_files})")
    if not true.sum() > 0:
        raise ValueError("true_bytes must not be all 0")
    check_range("target_efficiency", target_efficiency, 0.0, 1.0, low_open=True)
    check_range("n_points", n_points, 0, 100_000, integer=True)
    check_range("capacity_fraction", capacity_fraction, 0.0, 1.0)
    fills = _ranked_fills(catalogue, true, pred, rng_from(seed, rng))
    return _storage(fills, float(catalogue.size_bytes.sum()), target_efficiency, n_points, capacity_fraction)


def _ranked_fills(catalogue, true, pred, rng):
    """{ranking: (cumulative size, cumulative true bytes)} of the fill in each ranking's order."""
    size = catalogue.size_bytes
    items = {}
    order = _order(pred / size, rng)
    items["file"] = (size[order], true[order])
    t_size = np.bincount(catalogue.title, weights=size, minlength=catalogue.n_titles)
    t_true = np.bincount(catalogue.title, weights=true, minlength=catalogue.n_titles)
    t_pred = np.bincount(catalogue.title, weights=pred, minlength=catalogue.n_titles)
    keep = t_size > 0
    t_size, t_true, t_pred = t_size[keep], t_true[keep], t_pred[keep]
    order = _order(t_pred / t_size, rng)
    items["title"] = (t_size[order], t_true[order])
    return {ranking: _prefix_sums(sizes, nbytes) for ranking, (sizes, nbytes) in items.items()}


def _storage(fills, total, target_efficiency, n_points, capacity_fraction):
    """Storage needed at the target, curves and efficiencies at ``capacity_fraction`` from ranked fills."""
    need, frames, eff_at = {}, [], {}
    caps = np.linspace(0.0, total, n_points) if n_points else None
    at = np.array([capacity_fraction * total])
    for ranking, (cum_size, cum_bytes) in fills.items():
        need[ranking] = float(_needed_kernel(cum_size, cum_bytes, float(target_efficiency)))
        at_eff = np.empty(1)
        _stop_fill_kernel(cum_size, cum_bytes, at, at_eff)
        eff_at[ranking] = float(at_eff[0])
        if n_points:
            eff = np.empty(n_points)
            _stop_fill_kernel(cum_size, cum_bytes, caps, eff)
            frames.append(_curve_frame(ranking, caps, total, eff))
    return need["file"], need["title"], (pl.concat(frames) if frames else None), eff_at


def predicted_study(catalogue: Catalogue, demand: DemandParams | None = None, target_efficiency: float = 0.9, *,
                    load: ApplianceLoad | None = None, sessions_scale: float | None = 1.0, seed: int = 0,
                    n_points: int = 0, views: FileViews | None = None,
                    capacity_fraction: float = 0.1) -> PredictedStudy:
    """File- vs title-ranking storage when both rank on predicted views.

    Parameters
    ----------
    catalogue : Catalogue
    demand : DemandParams, optional
    target_efficiency : float
        In (0, 1].
    load : ApplianceLoad, optional
        Throughput and history of the appliance whose views are counted.
    sessions_scale : float or None
        Prediction quality: a factor on the derived sessions per day, in [0.001, 1000]
        (more sessions, less noise); ``None`` ranks on the exact expected views
        (perfect knowledge: the same numbers as :func:`labcdn.popularity.study`).
    seed : int
        Seed of the counts and of the order of ties.
    n_points : int
        Points per efficiency curve (0: none).
    views : FileViews, optional
        ``file_views(catalogue, demand)`` if already computed.
    capacity_fraction : float
        Cache size (share of the catalogue) at which both efficiencies are reported.

    Returns
    -------
    PredictedStudy
    """
    ranking = predicted_ranking(catalogue, demand, load=load, sessions_scale=sessions_scale, seed=seed,
                                views=views)
    return ranking.study(target_efficiency, n_points=n_points, capacity_fraction=capacity_fraction)


class PredictedRanking(NamedTuple):
    """Both rankings' fills on predicted views (:func:`predicted_ranking`); :meth:`study` scores a target.

    Everything that does not depend on the efficiency target, kept: a slider over the target
    (chapter 1's panel) then costs one search per ranking.
    """

    fills: dict
    total_bytes: float
    sessions_per_day: float

    def study(self, target_efficiency: float = 0.9, *, n_points: int = 0,
              capacity_fraction: float = 0.1) -> PredictedStudy:
        """The :class:`PredictedStudy` at ``target_efficiency`` (the same as :func:`predicted_study`'s).

        Parameters
        ----------
        target_efficiency : float
            In (0, 1].
        n_points : int
            Points per efficiency curve (0: none).
        capacity_fraction : float
            Cache size (share of the catalogue) at which both efficiencies are reported.

        Returns
        -------
        PredictedStudy
        """
        check_range("target_efficiency", target_efficiency, 0.0, 1.0, low_open=True)
        check_range("n_points", n_points, 0, 100_000, integer=True)
        check_range("capacity_fraction", capacity_fraction, 0.0, 1.0)
        file_b, title_b, curves, eff = _storage(self.fills, self.total_bytes, target_efficiency, n_points,
                                                capacity_fraction)
        total = self.total_bytes
        return PredictedStudy(file_b / title_b, file_b / total, title_b / total, self.sessions_per_day, curves,
                              eff["file"], eff["title"])


def predicted_ranking(catalogue: Catalogue, demand: DemandParams | None = None, *,
                      load: ApplianceLoad | None = None, sessions_scale: float | None = 1.0, seed: int = 0,
                      views: FileViews | None = None) -> PredictedRanking:
    """Count views, predict, and rank files and titles on the prediction: :func:`predicted_study` up to the target.

    Parameters
    ----------
    catalogue, demand, load, sessions_scale, seed, views
        As in :func:`predicted_study`.

    Returns
    -------
    PredictedRanking
        ``ranking.study(target)`` equals ``predicted_study(..., target)`` for the same arguments.
    """
    load = _checked_load(load if load is not None else ApplianceLoad())
    if sessions_scale is not None:
        check_range("sessions_scale", sessions_scale, 1e-3, 1e3)
    v = views if views is not None else file_views(catalogue, demand)
    rng = rng_from(seed)
    sessions = sessions_per_day(v, load)
    if sessions_scale is None:
        pred = v.bytes
    else:
        per_day = sessions * sessions_scale / float(v.title_views.sum())
        pred = predicted_views(v.views * per_day, load.history_days, seed=None, rng=rng) * catalogue.size_bytes
    true = check_array("true_bytes", v.bytes, dtype=np.float64, low=0.0)
    if not true.sum() > 0:
        raise ValueError("true_bytes must not be all 0")
    return PredictedRanking(_ranked_fills(catalogue, true, pred, rng), float(catalogue.size_bytes.sum()), sessions)
