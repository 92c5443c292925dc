"""Daily lifecycles: release spikes, decay and the weekly cycle of title demand.

:func:`daily_title_views` gives each title a release day and a day-by-day curve
of expected views: a peak by Zipf rank (as :func:`labcdn.popularity.title_sessions`),
power-law decay after release, a weekly cycle and log-normal noise
(:class:`LifecycleParams` gives each default's source). :func:`file_views_daily`
spreads a title's daily views over its files by their shares
(:func:`labcdn.popularity.file_shares`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from labcdn._jit import kernel
from labcdn._validation import check_array, check_range, rng_from
from labcdn.popularity import Catalogue, title_sessions


@dataclass(frozen=True)
class LifecycleParams:
    """Release spikes and decay of title demand, day by day.

    Attributes
    ----------
    zipf_exponent : float
        Peak daily views ~ (peak rank) ** -zipf_exponent; 0.85 as in :class:`labcdn.popularity.DemandParams`.
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
        Per-file views per title session (:func:`labcdn.popularity.file_shares`), length ``n_files``.
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

