"""The nightly fill window against the serving day.

An Open Connect storage appliance serves members all day and changes its content only inside a
nightly *fill window*: 12 hours, at up to 1.2 Gbps, up to 6.5 TB [1]_. The window belongs where
traffic is lowest, so that filling does not compete with serving. The book's only real
hour-by-hour request counts are the UMass campus YouTube traces [2]_ (a campus edge, not an ISP:
the *shape* of a day of video requests, not Netflix's own). :func:`hourly_requests` counts a
trace's requests per hour of its local day; :func:`fill_window` places the window on the quietest
contiguous hours (wrapping past midnight); :func:`serving_day` does both for one trace.

References
----------
.. [1] Open Connect Partner Help Center, "Fill patterns": storage appliances fill in a 12-hour
   window at up to 1.2 Gbps, "up to 6.5 TB".
.. [2] M. Zink, K. Suh, Y. Gu, J. Kurose, "Watch Global, Cache Local: YouTube Network Traffic at a
   Campus Network", MMCN 2008 (UMass Amherst, US Eastern time).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import polars as pl

from labcdn._validation import check_array, check_range
from labcdn.prediction.figures import FILL_RATE_GBPS, FILL_WINDOW_HOURS

#: The UMass campus's time zone (Amherst, Massachusetts): the traces' local day.
UMASS_TIMEZONE = "America/New_York"
HOURS = 24


class ServingDay(NamedTuple):
    """One trace's day of requests and the fill window placed on it.

    Attributes
    ----------
    hourly : polars.DataFrame
        ``hour`` (0-23, local), ``requests``, ``share`` (of the day's requests) and
        ``in_fill_window``.
    fill_start, fill_end : int
        The window's first hour and the hour it closes (local; ``fill_end`` may be
        smaller than ``fill_start`` when it wraps past midnight).
    peak_hour : int
        The hour with the most requests.
    share_in_window : float
        Share of the day's requests that fall inside the fill window.
    fill_hours : int
        The window's length (12 h, published).
    fill_rate_gbps : float
        The fill's rate cap (1.2 Gbps, published).
    """

    hourly: pl.DataFrame
    fill_start: int
    fill_end: int
    peak_hour: int
    share_in_window: float
    fill_hours: int
    fill_rate_gbps: float


def hourly_requests(timestamps, *, timezone: str = UMASS_TIMEZONE) -> pl.DataFrame:
    """Requests per hour of the local day.

    Parameters
    ----------
    timestamps : array_like of float
        Unix times (seconds) of the requests; at least one.
    timezone : str
        IANA time zone of the place the requests were seen (their local day).

    Returns
    -------
    polars.DataFrame
        24 rows: ``hour`` (0-23), ``requests`` (every hour, zeros included) and ``share``
        of all requests.
    """
    t = check_array("timestamps", timestamps, dtype=np.float64, ndim=1, min_size=1)
    local = (pl.Series("t", np.round(t * 1e6).astype(np.int64)).cast(pl.Datetime("us", "UTC"))
             .dt.convert_time_zone(timezone).dt.hour().to_numpy())
    counts = np.bincount(local, minlength=HOURS).astype(np.int64)
    return pl.DataFrame({"hour": np.arange(HOURS, dtype=np.int64), "requests": counts,
                         "share": counts / counts.sum()})


def fill_window(requests, hours: int = FILL_WINDOW_HOURS) -> tuple[int, int]:
    """The ``hours``-long run of consecutive hours (wrapping past midnight) with the fewest requests.

    Parameters
    ----------
    requests : array_like, shape (24,)
        Requests in each hour of the day, hour 0 first.
    hours : int
        The window's length, 1-24 (12: Open Connect's fill window).

    Returns
    -------
    (int, int)
        The first hour of the window and the hour it closes, ``(start + hours) % 24``.
        Ties go to the earliest start.
    """
    counts = check_array("requests", requests, dtype=np.float64, ndim=1, low=0.0)
    if counts.size != HOURS:
        raise ValueError(f"requests must hold one count per hour of the day (24); got {counts.size}")
    hours = check_range("hours", hours, 1, HOURS, integer=True)
    doubled = np.concatenate([counts, counts])
    sums = np.array([doubled[s:s + hours].sum() for s in range(HOURS)])
    start = int(np.argmin(sums))
    return start, (start + hours) % HOURS


def serving_day(timestamps, *, timezone: str = UMASS_TIMEZONE, hours: int = FILL_WINDOW_HOURS) -> ServingDay:
    """A trace's requests per local hour, with the fill window on its quietest ``hours``.

    Parameters
    ----------
    timestamps : array_like of float
        Unix times of the requests (:func:`hourly_requests`).
    timezone : str
        Their local time zone.
    hours : int
        The fill window's length (:func:`fill_window`).

    Returns
    -------
    ServingDay
    """
    hourly = hourly_requests(timestamps, timezone=timezone)
    start, end = fill_window(hourly["requests"].to_numpy(), hours)
    inside = (np.arange(HOURS) - start) % HOURS < hours
    hourly = hourly.with_columns(in_fill_window=pl.Series(inside))
    return ServingDay(hourly, start, end, int(np.argmax(hourly["requests"].to_numpy())),
                      float(hourly["share"].to_numpy()[inside].sum()), int(hours), FILL_RATE_GBPS)
