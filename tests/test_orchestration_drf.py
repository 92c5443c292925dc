"""DRF: the paper's example exactly, the slow reference, and the properties DRF promises."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from naive_orchestration import drf as naive_drf

from labcdn.orchestration.drf import DRF_EXAMPLE, drf


def test_paper_example_exact():
    e = DRF_EXAMPLE
    out = drf(e.capacity, e.demands, users=e.users, resources=e.resources)
    assert out["tasks"].to_list() == [3, 2]
    assert out["cpus"].to_list() == [3, 6]
    assert out["mem_gb"].to_list() == [12, 2]
    assert out["dominant_resource"].to_list() == ["mem_gb", "cpus"]
    assert out["share_numerator"].to_list() == [2, 2]
    assert out["share_denominator"].to_list() == [3, 3]


def test_weights_double_a_users_share():
    out = drf((100, 100), ((1, 0), (1, 0)), weights=(2, 1))
    assert out["tasks"].to_list() == [67, 33]  # A gets twice B's, ties to A


def test_user_with_empty_demand_gets_nothing():
    assert drf((10, 10), ((0, 0), (1, 1)))["tasks"].to_list() == [0, 10]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"capacity": (9, -1), "demands": ((1, 1),)}, "capacity must be >= 0"),
    ({"capacity": (9, 18), "demands": ((1, 1, 1),)}, "3 resource columns"),
    ({"capacity": (9, 18), "demands": ((1, 1),), "weights": (0,)}, "weights must be >= 1"),
    ({"capacity": (4_000_000_000, 1), "demands": ((1, 1),)}, "capacity x weight"),
])
def test_bad_arguments_name_the_parameter(kwargs, message):
    with pytest.raises(ValueError, match=message):
        drf(**kwargs)


demands = st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(0, 6)), min_size=1, max_size=5)


@settings(max_examples=150, deadline=None)
@given(capacity=st.tuples(st.integers(0, 40), st.integers(0, 40), st.integers(0, 40)), demands=demands,
       seed=st.integers(0, 2**31))
def test_matches_slow_reference(capacity, demands, seed):
    weights = list(np.random.default_rng(seed).integers(1, 4, size=len(demands)))
    fast = drf(capacity, demands, weights)["tasks"].to_list()
    assert fast == naive_drf(list(capacity), demands, [int(w) for w in weights])


@settings(max_examples=150, deadline=None)
@given(capacity=st.tuples(st.integers(1, 60), st.integers(1, 60)),
       demands=st.lists(st.tuples(st.integers(1, 7), st.integers(1, 7)), min_size=1, max_size=5))
def test_feasible_and_no_user_could_still_run_a_task(capacity, demands):
    out = drf(capacity, demands)
    tasks = out["tasks"].to_numpy()
    used = tasks @ np.asarray(demands)
    assert (used <= np.asarray(capacity)).all()
    for d in demands:  # progressive filling ends only when nobody fits
        assert ((used + np.asarray(d)) > np.asarray(capacity)).any()


@settings(max_examples=150, deadline=None)
@given(capacity=st.tuples(st.integers(1, 60), st.integers(1, 60)),
       demands=st.lists(st.tuples(st.integers(1, 7), st.integers(1, 7)), min_size=2, max_size=5))
def test_lower_shares_belong_to_saturated_users(capacity, demands):
    """When a user took its last task its share was the lowest among users still filling, so any
    user now below that level must have stopped because its next task no longer fits."""
    out = drf(capacity, demands)
    shares = [Fraction(n, d) for n, d in zip(out["share_numerator"], out["share_denominator"], strict=True)]
    tasks = out["tasks"].to_list()
    used = np.asarray(tasks) @ np.asarray(demands)
    saturated = [bool(((used + np.asarray(d)) > np.asarray(capacity)).any()) for d in demands]
    for u in range(len(demands)):
        if tasks[u] == 0:
            continue
        before = Fraction(tasks[u] - 1) * max(Fraction(demands[u][r], capacity[r]) for r in range(2))
        assert all(shares[v] >= before or saturated[v] for v in range(len(demands)))
