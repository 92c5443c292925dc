"""Tests for labcdn.balancing.simulate: the slow reference event for event, properties, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from naive_balancing import full_hash, simulate_naive

from labcdn.balancing import (
    ALGORITHMS,
    STATUSES,
    Failure,
    HealthCheck,
    cluster,
    littles_law,
    simulate,
    workload,
)
from labcdn.balancing.health import health_step
from labcdn.balancing.rings import full_hash as full_hash_fast
from labcdn.balancing.rings import haproxy_ring

LOST, REFUSED = STATUSES.index("lost"), STATUSES.index("refused")
FAILS = (Failure(1, 4.0, 11.0), Failure(3, 15.0))
SCENARIOS = {
    "live": {},
    "stale": {"staleness": 0.3},
    "global": {"view": "global"},
    "stale_global": {"staleness": 0.2, "view": "global"},
    "failures": {"failures": FAILS},
    "slowstart": {"failures": FAILS, "health": HealthCheck(inter=1.0, fall=2, rise=3, slowstart=7.0)},
    "choices3": {"choices": 3, "bias": 0.5, "balance_factor": 150, "window": 0.5, "failures": FAILS},
    "unbounded": {"balance_factor": 0, "failures": FAILS},
}


def small_workload(seed, weights="speed", nodes=2, keepalive=3.0, n=2000):
    c = cluster(5, 3.0, weights=weights)
    return workload(c, 0.9, n, seed=seed, nodes=nodes, keepalive=keepalive, clients=50, mean_service=0.05)


def assert_same(fast, slow):
    """Fast and slow runs agree decision for decision, and on every time to the last bit."""
    status = np.array([STATUSES.index(s) for s in slow["status"]])
    np.testing.assert_array_equal(fast.backend, slow["backend"])
    np.testing.assert_array_equal(fast.status, status)
    np.testing.assert_array_equal(fast.start, np.array(slow["start"]))
    np.testing.assert_array_equal(fast.finish, np.array(slow["finish"]))
    np.testing.assert_array_equal(fast.occupancy, np.array(slow["occupancy"]))
    np.testing.assert_array_equal(fast.detections, np.array(slow["detections"]).reshape(-1, 4))
    assert fast.events == slow["events"]
    assert fast.area == slow["area"]
    assert fast.duration == slow["duration"]


# ---------------------------------------------------------------- fast == slow


@pytest.mark.parametrize("scenario", list(SCENARIOS))
@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_matches_naive_on_fixed_inputs(algorithm, scenario):
    for weights in ("speed", "equal"):
        w = small_workload(7, weights=weights)
        kw = SCENARIOS[scenario]
        assert_same(simulate(w, algorithm, **kw), simulate_naive(w, algorithm, **kw))


def test_fixed_inputs_exercise_failures_and_the_queue():
    """The fixed scenarios are not vacuous: requests are lost, refused, and queued."""
    w = small_workload(7)
    run = simulate(w, "least_connections", failures=FAILS)
    counts = np.bincount(run.status, minlength=len(STATUSES))
    assert counts[LOST] > 0 and counts[REFUSED] > 0
    queued = simulate(w, "central_queue")
    assert np.any(queued.start > w.arrival)
    assert run.detections.shape[0] == 2 * 2 + 2  # 2 nodes see backend 1 go and return, and backend 3 go


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32), algorithm=st.sampled_from(ALGORITHMS), backends=st.integers(1, 6),
       nodes=st.integers(1, 3), load=st.floats(0.2, 1.3), keepalive=st.sampled_from([1.0, 4.0]),
       staleness=st.sampled_from([0.0, 0.05]), view=st.sampled_from(["local", "global"]),
       fail=st.booleans(), slowstart=st.sampled_from([0.0, 3.0]), weights=st.sampled_from(["speed", "equal"]))
def test_matches_naive_on_random_inputs(seed, algorithm, backends, nodes, load, keepalive, staleness, view, fail,
                                        slowstart, weights):
    c = cluster(backends, 2.0, weights=weights)
    w = workload(c, load, 300, seed=seed, nodes=nodes, keepalive=keepalive, clients=20, mean_service=0.02)
    end = float(w.arrival[-1])
    failures = (Failure(backends - 1, 0.3 * end, 0.6 * end),) if fail else ()
    kw = {"staleness": staleness, "view": view, "failures": failures,
          "health": HealthCheck(inter=0.05 * end + 1e-3, slowstart=slowstart)}
    assert_same(simulate(w, algorithm, **kw), simulate_naive(w, algorithm, **kw))


def test_full_hash_and_ring_match_haproxy_arithmetic():
    values = np.array([0, 1, 4096, 2**32 - 1, 123456789], dtype=np.uint64)
    np.testing.assert_array_equal(full_hash_fast(values), [full_hash(int(v)) for v in values])
    points, owner, index = haproxy_ring([1, 3])
    assert points.size == 16 * 4 and np.all(np.diff(points) >= 0)
    assert np.bincount(owner).tolist() == [16, 48]
    np.testing.assert_array_equal(points, [full_hash((int(o) + 1) * 4096 + int(i)) for o, i in zip(owner, index, strict=True)])


def test_health_counter_follows_haproxy():
    """rise 2, fall 3: three failures in a row take a healthy backend down; one pass refills the counter."""
    rise, fall = 2, 3
    h, up = rise + fall - 1, True
    trace = []
    for passed in (False, False, True, False, False, False, True, True):
        h, changed = health_step(h, passed, up, rise, fall)
        up = up != changed
        trace.append((h, up))
    assert trace == [(3, True), (2, True), (4, True), (3, True), (2, True), (0, False), (1, False), (4, True)]


# ---------------------------------------------------------------- properties


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32), algorithm=st.sampled_from(ALGORITHMS), backends=st.integers(1, 8),
       nodes=st.integers(1, 4), load=st.floats(0.1, 1.5), service=st.sampled_from(["exponential", "lognormal",
                                                                                     "pareto"]))
def test_no_request_lost_without_a_failure(seed, algorithm, backends, nodes, load, service):
    w = workload(cluster(backends, 3.0), load, 3000, seed=seed, nodes=nodes, service=service)
    run = simulate(w, algorithm)
    assert np.all(run.status == 0)
    assert np.all(run.start >= w.arrival) and np.all(run.finish > run.start)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32), algorithm=st.sampled_from(ALGORITHMS), nodes=st.integers(1, 3),
       fail=st.booleans(), staleness=st.sampled_from([0.0, 0.02]))
def test_backends_serve_first_come_first_served_at_their_speed(seed, algorithm, nodes, fail, staleness):
    c = cluster(4, 4.0)
    w = workload(c, 0.9, 3000, seed=seed, nodes=nodes)
    failures = (Failure(2, 5.0, 12.0),) if fail else ()
    run = simulate(w, algorithm, failures=failures, staleness=staleness)
    served = run.status == 0
    np.testing.assert_allclose(run.finish[served] - run.start[served],
                               w.work[served] / c.speeds[run.backend[served]], rtol=1e-9, atol=1e-12)
    for b in range(c.size):
        mine = np.flatnonzero((run.backend == b) & ~np.isnan(run.start))
        order = mine[np.argsort(run.start[mine], kind="stable")]
        # a served request starts after the previous one at the backend ends (or at its failure)
        assert np.all(run.start[order][1:] >= run.finish[order][:-1] - 1e-12)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32), algorithm=st.sampled_from(ALGORITHMS), nodes=st.integers(1, 3),
       fail=st.booleans(), keepalive=st.sampled_from([1.0, 5.0]))
def test_littles_law_holds_in_every_run(seed, algorithm, nodes, fail, keepalive):
    w = workload(cluster(6, 2.0), 0.95, 4000, seed=seed, nodes=nodes, keepalive=keepalive)
    failures = (Failure(0, 0.2 * w.arrival[-1], 0.5 * w.arrival[-1]),) if fail else ()
    law = littles_law(simulate(w, algorithm, failures=failures))
    assert law["relative_gap"] < 1e-9


@pytest.mark.parametrize("weights", [[1, 2, 3, 4], [5, 1, 1], [7]])
def test_smooth_weighted_round_robin_gives_each_backend_its_weight_exactly(weights):
    c = cluster(speeds=np.ones(len(weights)), weights=weights)
    cycles = 13
    w = workload(c, 0.5, 16 * sum(weights) * cycles, seed=1)
    run = simulate(w, "weighted_round_robin")
    assert np.bincount(run.backend, minlength=len(weights)).tolist() == [16 * wt * cycles for wt in weights]


def test_weighted_random_shares_match_the_weights():
    speeds = np.array([1.0, 2.0, 4.0])
    c = cluster(speeds=speeds, weights=[10, 20, 40])
    w = workload(c, 0.7, 100_000, seed=3)
    share = np.bincount(simulate(w, "random").backend, minlength=3) / w.requests
    p = speeds / speeds.sum()
    assert np.all(np.abs(share - p) < 5 * np.sqrt(p * (1 - p) / w.requests))  # 5 standard errors


@pytest.mark.parametrize("algorithm", ["least_connections", "weighted_least_request", "power_of_d",
                                       "bounded_hash", "central_queue"])
def test_load_aware_algorithms_give_heavier_backends_more_traffic(algorithm):
    """Their shares depend on the load, so the long-run property is order, not proportion."""
    c = cluster(speeds=[1.0, 2.0, 4.0], weights=[10, 20, 40])
    w = workload(c, 0.7, 100_000, seed=3, clients=5000, client_skew=0.0)
    share = np.bincount(simulate(w, algorithm).backend, minlength=3) / w.requests
    assert share[0] < share[1] < share[2]


@pytest.mark.parametrize("algorithm,kw", [("source_hash", {}), ("bounded_hash", {"balance_factor": 0})])
def test_hashing_sends_a_client_to_the_same_backend_while_the_set_is_unchanged(algorithm, kw):
    w = workload(cluster(8), 0.5, 20_000, seed=4, clients=300)
    run = simulate(w, algorithm, **kw)
    per_client = {}
    for client, b in zip(w.client.tolist(), run.backend.tolist(), strict=True):
        assert per_client.setdefault(client, b) == b


def test_bounded_hash_moves_a_request_off_its_ring_owner_exactly_when_the_owner_is_full():
    """HAProxy's bound: the owner keeps the request iff its load is under its share of (served + 1) * 1.25."""
    nb, factor = 8, 125
    w = workload(cluster(nb), 0.8, 20_000, seed=5, clients=40, client_skew=1.2)
    owner = simulate(w, "bounded_hash", balance_factor=0).backend
    run = simulate(w, "bounded_hash", balance_factor=factor)
    ew = run.workload.cluster.weights * 16
    tot, cum = ew.sum(), np.cumsum(ew) - ew
    moved = 0
    for i in range(w.requests):
        t = w.arrival[i]
        earlier = slice(0, i)
        present = np.bincount(run.backend[earlier][run.finish[earlier] > t], minlength=nb)
        slots_total = ((present.sum() + 1) * factor + 99) // 100
        o = owner[i]
        slots = ew[o] * (slots_total // tot) + ((cum[o] + ew[o]) * (slots_total % tot)) // tot \
            - (cum[o] * (slots_total % tot)) // tot
        eligible = present[o] < max(slots, 1)
        assert (run.backend[i] == o) == eligible
        moved += run.backend[i] != o
    assert 0 < moved < w.requests


def test_keepalive_requests_stay_on_their_connection():
    w = workload(cluster(6), 0.7, 20_000, seed=6, keepalive=8.0, clients=100)
    run = simulate(w, "power_of_d")
    last = {}
    for i, (client, b) in enumerate(zip(w.client.tolist(), run.backend.tolist(), strict=True)):
        if not w.new_connection[i] and client in last:
            assert last[client] == b
        last[client] = b
    assert 0.8 < 1 - w.new_connection.mean() < 0.95


def test_failure_losses_refusals_and_detection_follow_the_health_checks():
    h = HealthCheck()  # HAProxy defaults: inter 2 s, fall 3, rise 2
    w = workload(cluster(8), 0.8, 100_000, seed=8, nodes=3, mean_service=0.01)
    at, until = 20.0, 40.0
    run = simulate(w, "round_robin", failures=(Failure(2, at, until),), health=h)
    lost = run.status == LOST
    refused = run.status == REFUSED
    assert np.all(run.backend[lost | refused] == 2)
    assert np.all(run.finish[lost] == at) and np.all(w.arrival[lost] <= at)
    downs = run.detections[run.detections[:, 3] == 0]
    ups = run.detections[run.detections[:, 3] == 1]
    assert downs.shape[0] == 3 and ups.shape[0] == 3  # every node notices both changes once
    # down after `fall` failed checks: the first failed check is within one interval of the failure
    assert np.all((downs[:, 0] > at + (h.fall - 1) * h.inter) & (downs[:, 0] <= at + h.fall * h.inter))
    assert np.all((ups[:, 0] > until + (h.rise - 1) * h.inter) & (ups[:, 0] <= until + h.rise * h.inter))
    # refusals happen only between the failure and the last node noticing it
    assert refused.sum() > 0
    assert np.all((w.arrival[refused] >= at) & (w.arrival[refused] <= downs[:, 0].max()))
    # no request reaches backend 2 after every node marked it down and before any marked it up
    quiet = (w.arrival > downs[:, 0].max()) & (w.arrival < ups[:, 0].min())
    assert not np.any(run.backend[quiet] == 2)


def test_slow_start_ramps_the_returning_backend():
    w = workload(cluster(4), 0.6, 100_000, seed=9, mean_service=0.01)
    failures = (Failure(0, 10.0, 30.0),)
    cold = simulate(w, "weighted_round_robin", failures=failures, health=HealthCheck(slowstart=20.0))
    hot = simulate(w, "weighted_round_robin", failures=failures)
    window = (w.arrival > 35.0) & (w.arrival < 40.0)
    assert (cold.backend[window] == 0).mean() < 0.5 * (hot.backend[window] == 0).mean()
    late = w.arrival > 60.0
    assert abs((cold.backend[late] == 0).mean() - 0.25) < 0.02


def test_same_seed_same_bytes():
    runs = [simulate(workload(cluster(5, 2.0), 0.8, 5000, seed=11, nodes=2), "power_of_d",
                     failures=(Failure(1, 5.0, 9.0),)) for _ in range(2)]
    for name in ("backend", "start", "finish", "status", "occupancy", "detections"):
        assert getattr(runs[0], name).tobytes() == getattr(runs[1], name).tobytes()


def test_no_server_when_every_backend_is_down():
    w = workload(cluster(2), 0.5, 5000, seed=12, mean_service=0.01)
    run = simulate(w, "least_connections", failures=(Failure(0, 5.0), Failure(1, 5.0)))
    late = w.arrival > 5.0 + 3 * 2.0
    assert np.all(run.status[late] == STATUSES.index("no_server"))


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("kwargs,match", [
    ({"algorithm": "fastest"}, "algorithm='fastest'"),
    ({"staleness": -1.0}, "staleness=-1.0"),
    ({"view": "shared"}, "view='shared'"),
    ({"choices": 0}, "choices=0"),
    ({"balance_factor": 50}, "balance_factor=50"),
    ({"window": 0.0}, "window=0.0"),
    ({"failures": (Failure(9, 1.0),)}, "Failure.backend=9"),
    ({"failures": (Failure(0, 1.0, 5.0), Failure(0, 4.0))}, "overlap"),
    ({"health": "haproxy"}, "health must be"),
])
def test_bad_arguments_name_the_parameter(kwargs, match):
    w = workload(cluster(3), 0.5, 100, seed=0)
    kwargs = {"algorithm": "random", **kwargs}
    with pytest.raises(ValueError, match=match):
        simulate(w, **kwargs)


@pytest.mark.parametrize("call,match", [
    (lambda: cluster(0), "backends=0"),
    (lambda: cluster(4, 0.5), "heterogeneity=0.5"),
    (lambda: cluster(speeds=[1.0, -1.0]), "speeds must be > 0"),
    (lambda: cluster(2, weights=[1, 300]), "weights must be <= 256"),
    (lambda: cluster(2, weights=[1.5, 2]), "whole numbers"),
    (lambda: workload(cluster(2), 0.0), "load=0.0"),
    (lambda: workload(cluster(2), 0.5, service="uniform"), "service='uniform'"),
    (lambda: workload(cluster(2), 0.5, service="pareto", shape=1.0), "shape=1.0"),
    (lambda: workload(cluster(2), 0.5, shape=2.0), "shape=2.0"),
    (lambda: workload(cluster(2), 0.5, arrivals=[0.0, 2.0, 1.0]), r"arrivals\[2\]"),
    (lambda: workload("cluster", 0.5), "cluster must be"),
    (lambda: HealthCheck(inter=0), "inter=0"),
    (lambda: HealthCheck(fall=0), "fall=0"),
    (lambda: Failure(0, 5.0, 5.0), "until=5.0"),
])
def test_bad_model_arguments_name_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_real_arrival_streams_keep_their_shape_and_hit_the_load():
    rng = np.random.default_rng(0)
    bursts = np.sort(np.concatenate([rng.uniform(0, 100, 500), rng.uniform(40, 41, 500)]))
    c = cluster(4)
    w = workload(c, 0.5, arrivals=bursts, mean_service=0.01, seed=1)
    assert w.requests == bursts.size and w.arrival[0] == 0.0
    rate = (w.requests - 1) / w.arrival[-1]
    assert math.isclose(rate * 0.01 / c.capacity, 0.5, rel_tol=1e-12)
    np.testing.assert_allclose(np.diff(w.arrival) / np.diff(bursts), w.arrival[-1] / (bursts[-1] - bursts[0]))


@pytest.mark.parametrize("service,shape", [("exponential", None), ("lognormal", 1.0), ("pareto", 2.5)])
def test_service_times_have_the_requested_mean(service, shape):
    w = workload(cluster(2), 0.5, 400_000, service=service, shape=shape, mean_service=0.02, seed=2)
    assert abs(w.work.mean() / 0.02 - 1) < 0.02
