"""Autoscaling: the HPA formula on the documentation's cases, both controllers against slow references."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from naive_orchestration import autoscale as naive_autoscale
from naive_orchestration import hpa_recommendation as naive_hpa

from labcdn.orchestration.autoscaling import DEFAULTS, autoscale, compare, diurnal_load, hpa_recommendation


@pytest.mark.parametrize(("replicas", "current", "desired", "expected"), [
    (1, 200.0, 100.0, 2),  # "200m / 100m = 2.0: the number of replicas will be doubled"
    (4, 50.0, 100.0, 2),  # "50m / 100m = 0.5: you'll halve the number of replicas"
    (10, 105.0, 100.0, 10),  # within the 0.1 tolerance: no scaling
    (10, 109.0, 100.0, 10),
    (10, 111.0, 100.0, 12),  # ceil(10 x 1.11)
    (50, 90.0, 75.0, 60),  # the v1.33 tolerance blog: 50 replicas, 90 % against 75 % -> 60
])
def test_hpa_formula_documentation_cases(replicas, current, desired, expected):
    # desiredReplicas = ceil[currentReplicas * (currentMetricValue / desiredMetricValue)]
    assert hpa_recommendation(replicas, 0, current, desired, 0.1) == expected


def test_hpa_counts_unready_pods_as_idle_when_scaling_up():
    # 4 ready at 150 % of target, 4 not ready: 1.5 x 4 / 8 = 0.75 reverses the direction -> keep 8
    assert hpa_recommendation(4, 4, 0.75, 0.5, 0.1) == 8
    # 4 ready at 400 % of target, 2 not ready: 4 x 4 / 6 = 2.67 -> ceil(2.67 x 6) = 16
    assert hpa_recommendation(4, 2, 2.0, 0.5, 0.1) == 16
    # 352 ready at 125 %, 48 not ready: the new ratio is fl(1.1), and |1 - fl(1.1)| > 0.1 in floats, so Kubernetes
    # scales to ceil(1.1 x 400) = 441 rather than keeping 400
    assert hpa_recommendation(352, 48, 0.5, 0.4, 0.1) == 441


@settings(max_examples=300, deadline=None)
@given(ready=st.integers(0, 500), unready=st.integers(0, 50), util=st.floats(0, 1), target=st.floats(0.05, 1))
def test_hpa_recommendation_matches_reference(ready, unready, util, target):
    assert hpa_recommendation(ready, unready, util, target, 0.1) == naive_hpa(ready, unready, util, target, 0.1)


def params(**kw):
    return {**DEFAULTS.__dict__, **kw}


@pytest.mark.parametrize("controller", ["hpa", "marathon"])
def test_matches_slow_reference_on_the_default_day(controller):
    load = diurnal_load(6 * 3600, spike_hour=2.0)
    p = params()
    initial = math.ceil(load[0] / (p["replica_rps"] * p["target"]))
    _, fast = autoscale(controller, load)
    slow = naive_autoscale(load, controller, p, initial)
    assert fast == pytest.approx(slow)


@pytest.mark.parametrize("controller", ["hpa", "marathon"])
@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), startup=st.integers(0, 120), sync=st.integers(5, 60),
       stabilization=st.integers(0, 600), up_pods=st.integers(0, 8), interval=st.integers(5, 60))
def test_matches_slow_reference_random(controller, seed, startup, sync, stabilization, up_pods, interval):
    rng = np.random.default_rng(seed)
    load = np.repeat(rng.uniform(0, 3000, 40), 60)  # a load that jumps every minute
    kw = dict(startup=float(startup), sync=float(sync), stabilization=float(stabilization), up_pods=up_pods,
              interval=float(interval), max_replicas=80)
    _, fast = autoscale(controller, load, initial_replicas=5, **kw)
    slow = naive_autoscale(load, controller, params(**kw), 5)
    assert fast == pytest.approx(slow)


def test_series_never_leaves_the_bounds_and_ready_never_exceeds_asked():
    series, _ = compare(min_replicas=3, max_replicas=40, sample=1)
    assert series["replicas"].min() >= 3 and series["replicas"].max() <= 40
    assert (series["ready"] <= series["replicas"]).all()


def test_hpa_scale_up_is_limited_per_period():
    load = np.concatenate([np.full(600, 500.0), np.full(600, 20_000.0)])
    series, _ = autoscale("hpa", load, sample=1, startup=0.0, max_replicas=1000)
    r = series["replicas"].to_numpy()
    steps = r[15::15]
    prev = r[:-15:15][: steps.size]
    assert (steps <= np.maximum(2 * prev, prev + 4)).all()
    assert steps.max() > 100  # and it does get there


def test_default_day_hpa_violates_the_slo_less_and_spends_more():
    _, totals = compare()
    by = {row["controller"]: row for row in totals.iter_rows(named=True)}
    assert by["hpa"]["slo_violation_seconds"] < by["marathon"]["slo_violation_seconds"]
    assert by["hpa"]["replica_minutes"] > by["marathon"]["replica_minutes"]


def test_diurnal_load_peaks_at_the_peak_hour_and_spikes():
    load = diurnal_load(spike_factor=1.0)
    assert np.argmax(load) == 20 * 3600 and load.mean() == pytest.approx(DEFAULTS.mean_rps, rel=1e-6)
    spiked = diurnal_load()
    assert spiked[21 * 3600] == pytest.approx(3 * load[21 * 3600])


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"controller": "kpa"}, "controller='kpa' is not one of"),
    ({"target": 0.0}, "target=0.0 is out of range"),
    ({"min_replicas": 10, "max_replicas": 5}, "min_replicas=10 exceeds"),
    ({"speed": 2}, "unknown parameter"),
])
def test_bad_arguments_name_the_parameter(kwargs, message):
    with pytest.raises(ValueError, match=message):
        autoscale(**{"controller": "hpa", **kwargs})


def test_each_controller_ignores_the_other_controllers_settings():
    """What lets chapter 8's panel rerun only the controller whose slider moved."""
    load = diurnal_load(spike_factor=4.0)
    hpa, hpa_totals = autoscale("hpa", load, sample=15)
    other, other_totals = autoscale("hpa", load, sample=15, interval=90.0, max_range=0.9, multiplier=2.0)
    assert hpa.equals(other) and hpa_totals == other_totals
    start = 27
    mar, mar_totals = autoscale("marathon", load, sample=15, initial_replicas=start)
    other, other_totals = autoscale("marathon", load, sample=15, initial_replicas=start, stabilization=0.0,
                                    target=0.8, sync=30.0)
    assert mar.equals(other) and mar_totals == other_totals
