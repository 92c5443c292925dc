"""What Netflix's weekly Top-10 lists say about title lifecycles and churn.

The published weekly lists (``labcdn.datasets.load_netflix_top10``) are the only
public view of Netflix demand. They show the shape the popularity model must
have: a release spike, a decay over a few weeks, and a top list that turns over
quickly — which is why tomorrow's ranking is predicted from recent days and new
titles from pre-release estimates.

The same measurements run on a synthetic title × week matrix
(:func:`weekly_lists`), so the chapter can set the model beside the data.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from labcdn._validation import check_array, check_range

TITLE = ["category", "show_title", "season_title"]


def title_runs(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per title run: debut week, weeks in the top 10, peak hours and rank.

    Parameters
    ----------
    frame : polars.DataFrame
        The weekly Top-10 (columns ``week``, ``category``, ``weekly_rank``,
        ``show_title``, ``season_title``, ``weekly_hours_viewed``).

    Returns
    -------
    polars.DataFrame
        ``category, show_title, season_title, debut, weeks, peak_hours,
        best_rank, censored`` — ``censored`` is true when the title was already
        in the list in the first week of the data (its debut is unseen).
    """
    first_week = frame["week"].min()
    return (
        frame.group_by(TITLE)
        .agg(
            debut=pl.col("week").min(),
            weeks=pl.len(),
            peak_hours=pl.col("weekly_hours_viewed").max(),
            best_rank=pl.col("weekly_rank").min(),
        )
        .with_columns(censored=pl.col("debut") == first_week)
        .sort(["category", "debut", "show_title"])
    )


def decay_profile(frame: pl.DataFrame, max_weeks: int = 8) -> pl.DataFrame:
    """Median hours in week k after debut, relative to the debut week's hours.

    Only titles whose debut is seen (not censored) and whose run lies inside the
    data count; a title that left the list contributes nothing to later weeks
    (the list is truncated at rank 10), so the curve is an upper envelope.

    Returns
    -------
    polars.DataFrame
        ``weeks_since_debut, titles, median_relative_hours``.
    """
    check_range("max_weeks", max_weeks, 1, 52, integer=True)
    life = title_runs(frame).filter(~pl.col("censored")).select([*TITLE, "debut"])
    runs = frame.join(life, on=TITLE, nulls_equal=True)
    debut_hours = runs.filter(pl.col("week") == pl.col("debut"))
    rel = (
        runs.join(
            debut_hours.select([*TITLE, pl.col("weekly_hours_viewed").alias("h0")]), on=TITLE, nulls_equal=True
        )
        .with_columns(weeks_since_debut=((pl.col("week") - pl.col("debut")).dt.total_days() // 7).cast(pl.Int32))
        .filter(pl.col("weeks_since_debut") <= max_weeks)
    )
    return (
        rel.group_by("weeks_since_debut")
        .agg(
            titles=pl.len(),
            median_relative_hours=(pl.col("weekly_hours_viewed") / pl.col("h0")).median(),
        )
        .sort("weeks_since_debut")
    )


def weekly_turnover(frame: pl.DataFrame) -> pl.DataFrame:
    """Week-to-week churn of each list and how well last week's list predicts this week's.

    For each category and week (after the first):

    - ``new_titles``: titles in this week's top 10 that were not in last week's;
    - ``hours_from_last_week``: the share of this week's top-10 hours that
      belong to titles already in last week's top 10 — what a cache filled
      from last week's ranking would have held of this week's list.

    Returns
    -------
    polars.DataFrame
        ``category, week, new_titles, hours_from_last_week``.
    """
    keyed = frame.with_columns(key=pl.concat_str(TITLE[1:], separator=" | ", ignore_nulls=True))
    return _turnover(keyed.select(["category", "week", "key", pl.col("weekly_hours_viewed").alias("hours")]))


def weekly_lists(views: np.ndarray, top: int = 10, category: str = "model") -> pl.DataFrame:
    """The top-``top`` list of each week from a synthetic title × week matrix.

    Parameters
    ----------
    views : numpy.ndarray
        Shape (n_titles, n_weeks): any measure of demand (views or hours).
    top : int
        List length (10 for Netflix).
    category : str
        Label for the ``category`` column.

    Returns
    -------
    polars.DataFrame
        ``category, week, key, hours`` (one row per listed title per week) —
        the input :func:`turnover_from_lists` expects.
    """
    v = check_array("views", views, dtype=np.float64, ndim=2, low=0.0)
    check_range("top", top, 1, v.shape[0], integer=True)
    order = np.argsort(-v, axis=0, kind="stable")[:top]
    weeks = np.broadcast_to(np.arange(v.shape[1]), order.shape)
    return pl.DataFrame(
        {
            "category": category,
            "week": weeks.ravel(order="F").astype(np.int64),
            "key": order.ravel(order="F").astype(str),
            "hours": v[order, weeks].ravel(order="F"),
        }
    )


def turnover_from_lists(lists: pl.DataFrame) -> pl.DataFrame:
    """:func:`weekly_turnover` for lists built by :func:`weekly_lists`."""
    return _turnover(lists)


def _turnover(lists: pl.DataFrame) -> pl.DataFrame:
    weeks = lists.select(["category", "week"]).unique().sort(["category", "week"])
    prev = weeks.with_columns(prev_week=pl.col("week").shift(1).over("category")).drop_nulls("prev_week")
    last = lists.select(["category", pl.col("week").alias("prev_week"), "key"]).with_columns(was_listed=True)
    this = lists.join(prev, on=["category", "week"]).join(last, on=["category", "prev_week", "key"], how="left")
    return (
        this.group_by(["category", "week"])
        .agg(
            new_titles=pl.col("was_listed").is_null().sum().cast(pl.Int32),
            hours_from_last_week=(pl.col("hours") * pl.col("was_listed").is_not_null()).sum() / pl.col("hours").sum(),
        )
        .sort(["category", "week"])
    )
