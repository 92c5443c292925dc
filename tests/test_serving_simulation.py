"""labcdn.serving.simulate: the slow reference event for event, the exact solution on a grid, Little's law."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from naive_serving import simulate_naive, simulate_simpy

from labcdn.serving import ClosedNetwork, simulate, solve

FIXED = [
    ClosedNetwork(cpus=1, cpu_us=3.0, lock_us=1.0),
    ClosedNetwork(cpus=5, domains=2, cpu_us=6.0, memory_us=0.5, lock_us=1.2, global_lock_us=0.8),
    ClosedNetwork(cpus=7, domains=3, cpu_us=4.0, memory_us=0.3, lock_us=1.5, lock_visits=0.5,
                  global_lock_us=0.9, global_lock_visits=0.25, handoff_us=0.2),
    ClosedNetwork(cpus=4, domains=4, cpu_us=2.0, memory_us=1.0),
]


def _check_same(net, events, warmup, seed):
    done, span, mean_number, visits, resid = simulate_naive(net, events, warmup, seed)
    res = simulate(net, events, warmup=warmup, seed=seed)
    assert res.time_us == pytest.approx(span, rel=1e-12)
    np.testing.assert_allclose(res.domain_throughput * res.time_us, np.array(done, dtype=float), rtol=1e-12)
    np.testing.assert_allclose(res.mean_number, mean_number, rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(res.visits, visits)
    with np.errstate(invalid="ignore", divide="ignore"):
        naive_resid = np.where(np.array(visits) > 0, np.array(resid) / np.maximum(visits, 1), 0.0)
    np.testing.assert_allclose(res.mean_residence_us, naive_resid, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("net", FIXED)
def test_matches_slow_reference_event_for_event(net):
    _check_same(net, 3_000, 300, seed=11)


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.floats(0.5, 10), st.floats(0, 2), st.floats(0.1, 3),
       st.floats(0, 2), st.floats(0, 0.5), st.integers(0, 2**32 - 1))
def test_matches_slow_reference_on_random_networks(cpus, domains, z, m, s, g, h, seed):
    net = ClosedNetwork(cpus=cpus, domains=min(domains, cpus), cpu_us=z, memory_us=m, lock_us=s,
                        global_lock_us=g, handoff_us=h)
    _check_same(net, 1_500, 100, seed=seed)


GRID = [
    ClosedNetwork(cpus=cpus, domains=domains, cpu_us=z, memory_us=m, lock_us=s, lock_visits=v,
                  global_lock_us=g, global_lock_visits=0.1, handoff_us=h)
    for cpus, domains, z, m, s, v, g, h in [
        (1, 1, 5.0, 0.5, 1.0, 1.0, 2.0, 0.0),
        (8, 1, 10.0, 0.0, 1.5, 1.0, 0.0, 0.0),
        (8, 1, 10.0, 0.2, 1.5, 1.0, 0.0, 0.05),
        (24, 1, 10.0, 0.2, 1.0, 1.0, 8.0, 0.03),
        (24, 12, 10.0, 0.2, 1.0, 1.0, 8.0, 0.03),
        (28, 14, 10.8, 0.19, 1.0, 0.15, 8.0, 0.03),
        (32, 16, 13.0, 0.55, 1.0, 0.15, 0.0, 0.03),
        (32, 5, 6.0, 0.1, 0.8, 0.5, 3.0, 0.0),
        (48, 2, 20.0, 0.4, 2.0, 1.0, 1.0, 0.1),
    ]
]


@pytest.mark.parametrize("net", GRID, ids=[f"{n.cpus}cpu-{n.domains}dom-h{n.handoff_us}" for n in GRID])
def test_simulation_agrees_with_exact_solution(net):
    """Two independent methods: within 2% on throughput, queues and utilisations."""
    sol = solve(net)
    sim = simulate(net, 400_000, seed=7)
    assert sim.throughput == pytest.approx(sol.throughput, rel=0.02)
    np.testing.assert_allclose(sim.domain_throughput, sol.domain_throughput, rtol=0.02)
    d = net.domains
    assert sim.mean_number[0] == pytest.approx(sol.cpu_busy, rel=0.02)
    if net.has_memory:
        assert sim.utilisation[1] == pytest.approx(sol.memory_utilisation, rel=0.02, abs=2e-3)
        assert sim.mean_number[1] == pytest.approx(sol.memory_queue, rel=0.02, abs=2e-3)
    if net.has_lock:
        np.testing.assert_allclose(sim.utilisation[2:2 + d], sol.lock_utilisation, rtol=0.02, atol=2e-3)
        np.testing.assert_allclose(sim.mean_number[2:2 + d], sol.lock_queue, rtol=0.02, atol=5e-3)
    if net.has_global_lock:
        assert sim.utilisation[2 + d] == pytest.approx(sol.global_lock_utilisation, rel=0.02, abs=2e-3)


@pytest.mark.parametrize("net", GRID[2:5])
def test_littles_law_holds_in_the_simulation(net):
    """Time-average number at each station = visit rate x mean time per visit."""
    sim = simulate(net, 200_000, seed=3)
    visited = sim.visits > 0
    lam = sim.visits[visited] / sim.time_us
    np.testing.assert_allclose(sim.mean_number[visited], lam * sim.mean_residence_us[visited], rtol=2e-3)
    assert sim.little_gap().max() < 2e-3  # the result's own check says the same
    # and for the whole loop: cpus = throughput x cycle time
    assert sim.throughput * sim.mean_cycle_us == pytest.approx(net.cpus, rel=2e-3)


def test_simpy_agrees():
    net = ClosedNetwork(cpus=6, domains=2, cpu_us=5.0, memory_us=0.4, lock_us=1.0, global_lock_us=0.6)
    x_simpy = simulate_simpy(net, 30_000, seed=5)
    assert x_simpy == pytest.approx(solve(net).throughput, rel=0.03)
    assert simulate(net, 200_000, seed=5).throughput == pytest.approx(x_simpy, rel=0.03)


def test_same_seed_same_bytes():
    net = GRID[4]
    a = simulate(net, 50_000, seed=123)
    b = simulate(net, 50_000, rng=np.random.default_rng(123))
    assert a.time_us == b.time_us
    assert a.mean_number.tobytes() == b.mean_number.tobytes()
    c = simulate(net, 50_000, seed=124)
    assert c.time_us != a.time_us


def test_runs_longer_than_one_block_of_draws():
    net = GRID[3]
    sim = simulate(net, 600_000, warmup=0, seed=1)  # > 2**18 draws: several kernel calls
    assert sim.events == 600_000
    assert sim.throughput == pytest.approx(solve(net).throughput, rel=0.02)


@pytest.mark.parametrize(("kwargs", "name"), [({"events": 0}, "events"), ({"warmup": -1}, "warmup"),
                                              ({"seed": -3}, "seed"), ({"seed": 1, "rng": np.random.default_rng()},
                                                                        "either seed or rng")])
def test_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        simulate(FIXED[0], **{"events": 10, **kwargs})
