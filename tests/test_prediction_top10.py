"""Top-10 list measurements on hand-made lists, synthetic matrices and the real Netflix file."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labcdn.datasets import load_netflix_top10
from labcdn.prediction import top10


def _frame(rows):
    week0 = dt.date(2024, 1, 7)
    return pl.DataFrame(
        [
            {
                "week": week0 + dt.timedelta(weeks=w),
                "category": "TV (English)",
                "weekly_rank": r,
                "show_title": t,
                "season_title": None,
                "weekly_hours_viewed": h,
            }
            for w, r, t, h in rows
        ]
    )


def test_turnover_counts_new_titles_and_hours_carried_over():
    frame = _frame([(0, 1, "A", 100), (0, 2, "B", 50), (1, 1, "C", 300), (1, 2, "A", 100)])
    out = top10.weekly_turnover(frame)
    assert out.height == 1
    assert out["new_titles"].item() == 1
    assert out["hours_from_last_week"].item() == pytest.approx(100 / 400)


def test_decay_profile_relative_to_debut_week():
    frame = _frame([(0, 1, "X", 10), (1, 1, "A", 100), (1, 2, "X", 5), (2, 1, "A", 50), (3, 1, "A", 25)])
    prof = top10.decay_profile(frame, max_weeks=3)
    # X is censored (listed in the first week of data); only A counts.
    assert prof["median_relative_hours"].to_list() == [1.0, 0.5, 0.25]
    assert prof["titles"].to_list() == [1, 1, 1]


def test_weekly_lists_matches_a_plain_sort():
    rng = np.random.default_rng(3)
    views = rng.pareto(1.2, size=(30, 6))
    lists = top10.weekly_lists(views, top=5)
    for w in range(6):
        expected = np.argsort(-views[:, w], kind="stable")[:5].astype(str).tolist()
        assert lists.filter(pl.col("week") == w)["key"].to_list() == expected


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 8), st.integers(1, 10))
def test_turnover_bounds(seed, weeks, top):
    views = np.random.default_rng(seed).random((12, weeks))
    out = top10.turnover_from_lists(top10.weekly_lists(views, top=top))
    assert out.height == weeks - 1
    assert out["new_titles"].is_between(0, top).all()
    assert out["hours_from_last_week"].is_between(0.0, 1.0).all()


def test_static_demand_never_turns_over():
    views = np.tile(np.arange(20, 0, -1, dtype=float)[:, None], (1, 5))
    out = top10.turnover_from_lists(top10.weekly_lists(views))
    assert out["new_titles"].sum() == 0
    assert out["hours_from_last_week"].min() == 1.0


def test_bad_arguments_name_the_parameter():
    with pytest.raises(ValueError, match="top="):
        top10.weekly_lists(np.ones((3, 2)), top=4)
    with pytest.raises(ValueError, match="max_weeks="):
        top10.decay_profile(_frame([(0, 1, "A", 1)]), max_weeks=0)


@pytest.fixture(scope="module")
def netflix():
    return load_netflix_top10()


def test_real_lists_turn_over_every_week(netflix):
    out = top10.weekly_turnover(netflix)
    assert set(out["category"].unique().to_list()) == set(netflix["category"].unique().to_list())
    # Every week brings new titles into every list (the data's defining feature, not a tuned number).
    assert out.group_by("category").agg(pl.col("new_titles").mean())["new_titles"].min() > 2
    assert out["hours_from_last_week"].is_between(0.0, 1.0).all()


def test_real_lifecycles_are_short(netflix):
    life = top10.title_runs(netflix)
    assert life["weeks"].median() <= 3
    assert life["weeks"].sum() == netflix.height
