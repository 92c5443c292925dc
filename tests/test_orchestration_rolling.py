"""Rolling updates: the documented rounding, the bounds each strategy promises, the slow reference."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from naive_orchestration import recreate as naive_recreate
from naive_orchestration import rolling as naive_rolling

from labcdn.orchestration.rolling import (
    ALL_STRATEGIES,
    STRATEGIES,
    compare,
    marathon_bounds,
    ready_delay,
    rolling_update,
    rolling_update_bounds,
)


@pytest.mark.parametrize(("replicas", "surge", "unavailable", "expected"), [
    (2, "25%", "25%", (1, 0)),  # surge rounds up (0.5 -> 1), unavailable down (0.5 -> 0)
    (10, "25%", "25%", (3, 2)),
    (4, "25%", "25%", (1, 1)),
    (1, "0%", "0%", (0, 1)),  # both zero: one pod may be unavailable
    (10, 2, "10%", (2, 1)),
    (10, "30%", "30%", (3, 3)),  # the API reference's 30 % example
])
def test_deployment_rounding(replicas, surge, unavailable, expected):
    assert rolling_update_bounds(replicas, surge, unavailable) == expected


@pytest.mark.parametrize(("replicas", "mhc", "moc", "expected"), [
    (10, 1.0, 1.0, (0, 10, 20)),  # Marathon defaults: keep all, launch all
    (4, 0.5, 0.0, (2, 2, 4)),  # kill half at once, no surge
    (3, 1.0, 0.0, (0, 3, 4)),  # neither kill nor launch possible: one extra instance allowed
    (5, 0.5, 0.5, (2, 3, 7)),
])
def test_marathon_restart_strategy(replicas, mhc, moc, expected):
    assert marathon_bounds(replicas, mhc, moc) == expected


def test_ready_delay_waits_for_the_next_probe():
    assert ready_delay(10, 20, 10) == 30
    assert ready_delay(10, 20, 30) == 40
    assert ready_delay(10, 0, 30) == 10
    assert ready_delay(10, 25, 10, initial_delay=5) == 35


def bounds(strategy, replicas, **kw):
    if strategy == "deployment":
        surge, unavailable = rolling_update_bounds(replicas, kw.get("max_surge", "25%"), kw.get("max_unavailable", "25%"))
        return surge, unavailable, 0, 0
    kill, _, cap = marathon_bounds(replicas, kw.get("minimum_health_capacity", 1.0), kw.get("maximum_over_capacity", 1.0))
    return cap - replicas, kill, kill, cap


options = st.fixed_dictionaries({
    "max_surge": st.one_of(st.integers(0, 6), st.sampled_from(["0%", "10%", "25%", "50%", "100%"])),
    "max_unavailable": st.one_of(st.integers(0, 6), st.sampled_from(["0%", "10%", "25%", "50%"])),
    "minimum_health_capacity": st.sampled_from([0.0, 0.25, 0.5, 0.9, 1.0]),
    "maximum_over_capacity": st.sampled_from([0.0, 0.1, 0.5, 1.0]),
    "startup": st.floats(0.5, 60), "warmup": st.floats(0, 90), "period": st.sampled_from([1.0, 5.0, 10.0, 30.0]),
})


@pytest.mark.parametrize("strategy", ["deployment", "marathon"])
@settings(max_examples=150, deadline=None)
@given(replicas=st.integers(1, 60), opts=options)
def test_matches_reference_and_keeps_its_promises(strategy, replicas, opts):
    timeline, summary = rolling_update(strategy, replicas, **opts)
    surge, unavailable, kill, cap = bounds(strategy, replicas, **opts)
    delay = ready_delay(opts["startup"], opts["warmup"], opts["period"])
    rows = naive_rolling(strategy, replicas, surge, unavailable, kill, cap, delay)
    np.testing.assert_allclose(timeline.select("time", "old", "new_ready", "new_created", "pods").to_numpy(),
                               np.asarray(rows, dtype=float))
    serving = timeline["old"] + timeline["new_ready"]
    if strategy == "deployment":
        assert (timeline["pods"] <= replicas + surge).all()
        assert (serving >= replicas - unavailable).all()
    else:
        assert (timeline["pods"] <= cap).all()
        assert (serving >= replicas - kill).all()
    assert timeline["new_ready"][-1] == replicas and timeline["old"][-1] == 0  # it finishes
    assert summary["duration"] >= delay


def test_two_replicas_never_lose_one():
    timeline, summary = rolling_update("deployment", 2)
    assert summary["min_capacity"] == 1.0 and summary["max_pods"] == 3


def test_default_comparison():
    _, summary = compare()
    by = {row["strategy"]: row for row in summary.iter_rows(named=True)}
    assert by["marathon"]["max_pods"] == 20 and by["marathon"]["min_capacity"] == 1.0
    assert by["deployment"]["max_pods"] == 13 and by["deployment"]["min_capacity"] == 0.8


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"strategy": "blue_green"}, "strategy='blue_green' is not one of"),
    ({"max_surge": "25"}, "percentage like '25%'"),
    ({"max_surge": "125%"}, "max_surge=125 is out of range"),
    ({"strategy": "marathon", "minimum_health_capacity": 1.5}, "minimum_health_capacity=1.5 is out of range"),
    ({"startup": 0.0, "warmup": 0.0}, "cannot be ready the instant"),
])
def test_bad_arguments_name_the_parameter(kwargs, message):
    with pytest.raises(ValueError, match=message):
        rolling_update(**kwargs)


@settings(max_examples=60, deadline=None)
@given(replicas=st.integers(1, 60), startup=st.floats(0.5, 60), warmup=st.floats(0, 90),
       period=st.sampled_from([1.0, 5.0, 10.0, 30.0]))
def test_recreate_kills_everything_first_as_documented(replicas, startup, warmup, period):
    """Deployment .spec.strategy.type Recreate: all old pods go before any new one starts; a gap in service."""
    timeline, summary = rolling_update("recreate", replicas, startup=startup, warmup=warmup, period=period)
    delay = ready_delay(startup, warmup, period)
    np.testing.assert_allclose(timeline.select("time", "old", "new_ready", "new_created", "pods").to_numpy(),
                               np.asarray(naive_recreate(replicas, delay), dtype=float))
    assert summary["min_capacity"] == 0.0 and summary["max_pods"] == replicas
    assert summary["duration"] == delay


def test_recreate_against_the_rolling_strategies():
    """The source post's point: a Deployment can roll or recreate; Marathon only rolls."""
    assert set(STRATEGIES) < set(ALL_STRATEGIES) and "recreate" in ALL_STRATEGIES
    _, summary = compare(strategies=ALL_STRATEGIES)
    by = {row["strategy"]: row for row in summary.iter_rows(named=True)}
    assert by["recreate"]["min_capacity"] == 0.0 < by["deployment"]["min_capacity"]
    assert by["recreate"]["max_pods"] < by["deployment"]["max_pods"] < by["marathon"]["max_pods"]
    assert by["recreate"]["duration"] < by["deployment"]["duration"]  # fastest, at the price of an outage
    assert compare()[1]["strategy"].to_list() == list(STRATEGIES)  # the default comparison is unchanged
