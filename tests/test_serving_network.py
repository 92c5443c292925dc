"""labcdn.serving.solve: closed forms, naive MVA and a brute-force Markov chain, invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from naive_serving import ctmc, machine_repairman, mva_multiclass, mva_single_class

from labcdn.serving import ClosedNetwork, asymptotic_bounds, solve

# ---------------------------------------------------------------- closed forms


def test_mm1_is_the_large_population_limit():
    """N machines thinking N/lambda each tend to a Poisson stream of rate lambda: M/M/1."""
    lam, mu, n = 0.6, 1.0, 4000
    sol = solve(ClosedNetwork(cpus=n, cpu_us=n / lam, memory_us=1 / mu))
    rho = lam / mu
    # finite-source corrections are O(1/N): 0.75% in the queue at N = 1000, a quarter of that here
    assert sol.memory_utilisation == pytest.approx(rho, rel=5e-3)
    assert sol.memory_queue == pytest.approx(rho / (1 - rho), rel=5e-3)
    assert sol.memory_queue / sol.throughput == pytest.approx(1 / (mu - lam), rel=5e-3)


@pytest.mark.parametrize(("n", "think", "service"), [(1, 5.0, 1.0), (4, 10.0, 1.5), (12, 3.0, 0.8), (40, 50.0, 1.0)])
def test_machine_repairman_closed_form(n, think, service):
    x, q = machine_repairman(n, think, service)
    sol = solve(ClosedNetwork(cpus=n, cpu_us=think, lock_us=service))
    assert sol.throughput == pytest.approx(x, rel=1e-10)
    assert sol.lock_queue[0] == pytest.approx(q, rel=1e-10)
    assert sol.lock_utilisation[0] == pytest.approx(x * service, rel=1e-10)


def test_single_lock_network_matches_mva():
    """CPU work, memory, one lock, one global lock, one class: Reiser-Lavenberg MVA."""
    net = ClosedNetwork(cpus=9, cpu_us=7.0, memory_us=0.4, lock_us=1.1, lock_visits=0.8, global_lock_us=0.6)
    x, (q_mem, q_lock, q_glob) = mva_single_class(9, 7.0, [0.4, 1.1 * 0.8, 0.6])
    sol = solve(net)
    assert sol.throughput == pytest.approx(x, rel=1e-10)
    assert sol.memory_queue == pytest.approx(q_mem, rel=1e-10)
    assert sol.lock_queue[0] == pytest.approx(q_lock, rel=1e-10)
    assert sol.global_lock_queue == pytest.approx(q_glob, rel=1e-10)


def test_saturated_lock_is_one_over_service():
    sol = solve(ClosedNetwork(cpus=64, cpu_us=1.0, lock_us=2.0))
    assert sol.throughput == pytest.approx(0.5, rel=1e-9)


# ---------------------------------------------------------------- naive references


@pytest.mark.parametrize("sizes_domains", [(5, 2), (6, 3), (7, 3), (4, 4), (9, 2)])
def test_multiclass_matches_exact_mva(sizes_domains):
    cpus, domains = sizes_domains
    net = ClosedNetwork(cpus=cpus, domains=domains, cpu_us=9.0, memory_us=0.7, lock_us=1.3, global_lock_us=0.9)
    x, q_mem, q_lock, q_glob = mva_multiclass(list(net.class_sizes()), 9.0, 0.7, 1.3, 0.9)
    sol = solve(net)
    np.testing.assert_allclose(sol.domain_throughput, x, rtol=1e-10)
    assert sol.memory_queue == pytest.approx(q_mem, rel=1e-10)
    np.testing.assert_allclose(sol.lock_queue, q_lock, rtol=1e-10)
    assert sol.global_lock_queue == pytest.approx(q_glob, rel=1e-10)


@pytest.mark.parametrize(
    "net",
    [
        ClosedNetwork(cpus=3, domains=1, cpu_us=4.0, memory_us=0.5, lock_us=1.0, handoff_us=0.4),
        ClosedNetwork(cpus=4, domains=2, cpu_us=6.0, memory_us=0.8, lock_us=1.5, global_lock_us=0.7, handoff_us=0.3),
        ClosedNetwork(cpus=5, domains=2, cpu_us=3.0, lock_us=0.9, lock_visits=0.6, global_lock_us=1.1,
                      global_lock_visits=0.4, handoff_us=0.5),
        ClosedNetwork(cpus=4, domains=3, cpu_us=2.0, memory_us=1.0, global_lock_us=0.5, lock_visits=0.0),
    ],
)
def test_matches_brute_force_markov_chain(net):
    """The chain keeps FCFS order at shared queues and needs no product form."""
    x, q_mem, q_lock, q_glob, u_mem, u_lock, u_glob = ctmc(net)
    sol = solve(net)
    np.testing.assert_allclose(sol.domain_throughput, x, rtol=1e-8)
    assert sol.memory_queue == pytest.approx(q_mem, rel=1e-8, abs=1e-12)
    assert sol.memory_utilisation == pytest.approx(u_mem, rel=1e-8, abs=1e-12)
    if net.has_lock:
        np.testing.assert_allclose(sol.lock_queue, q_lock, rtol=1e-8)
        np.testing.assert_allclose(sol.lock_utilisation, u_lock, rtol=1e-8)
    assert sol.global_lock_queue == pytest.approx(q_glob, rel=1e-8, abs=1e-12)
    assert sol.global_lock_utilisation == pytest.approx(u_glob, rel=1e-8, abs=1e-12)


# ---------------------------------------------------------------- invariants

networks = st.builds(
    lambda cpus, dom, z, m, s, v, g, gv, h: ClosedNetwork(
        cpus=cpus, domains=min(dom, cpus), cpu_us=z, memory_us=m, lock_us=s, lock_visits=v,
        global_lock_us=g, global_lock_visits=gv, handoff_us=h),
    st.integers(1, 40), st.integers(1, 40), st.floats(0.1, 50), *(st.one_of(st.just(0.0), st.floats(lo, hi))
    for lo, hi in ((1e-3, 3), (1e-3, 5), (1e-3, 1), (1e-3, 5), (1e-3, 1), (1e-4, 0.2))),
)


@settings(max_examples=150, deadline=None)
@given(networks)
def test_population_is_conserved(net):
    sol = solve(net)
    total = sol.cpu_busy + sol.memory_queue + sol.lock_queue.sum() + sol.global_lock_queue
    assert total == pytest.approx(net.cpus, rel=1e-9)
    assert 0 <= sol.memory_utilisation <= 1 + 1e-12
    assert np.all((sol.lock_utilisation >= 0) & (sol.lock_utilisation <= 1 + 1e-12))
    assert np.all(sol.lock_wait_us() >= -1e-9)


@settings(max_examples=150, deadline=None)
@given(networks)
def test_throughput_never_exceeds_any_bound(net):
    """Every CPU busy, and no server faster than its fastest (uncontended) rate."""
    sol = solve(net)
    if net.handoff_us == 0:  # then the saturation bounds are true bounds
        for name, bound in asymptotic_bounds(net).items():
            assert sol.throughput <= bound * (1 + 1e-9), name
    assert sol.throughput <= net.cpus / net.cpu_us * (1 + 1e-9)
    if net.has_memory:
        assert sol.throughput <= 1 / net.memory_us * (1 + 1e-9)
    if net.has_lock:
        assert np.all(sol.domain_throughput <= 1 / (net.lock_visits * net.lock_us) * (1 + 1e-9))
    if net.has_global_lock:
        assert sol.throughput <= 1 / (net.global_lock_visits * net.global_lock_us) * (1 + 1e-9)


@settings(max_examples=150, deadline=None)
@given(networks, st.integers(1, 39))
def test_more_domains_never_lower_throughput(net, extra):
    """Exact when no shared lock collapses under spinners (see the counterexample below)."""
    assume(net.handoff_us == 0 or not net.has_global_lock)
    more = min(net.domains + extra, net.cpus)
    a = solve(net).throughput
    b = solve(ClosedNetwork(**{**net.__dict__, "domains": more})).throughput
    assert b >= a * (1 - 1e-9)


def test_more_domains_can_feed_a_collapsing_global_lock():
    """With handoff growth on the shared pbuf mutex, relieving the domain locks sends more
    spinners to it and its hand-overs slow down: throughput falls, if only slightly."""
    net = ClosedNetwork(cpus=39, domains=1, cpu_us=10.9, memory_us=0.1, lock_us=1.0, lock_visits=0.125,
                        global_lock_us=8.0, global_lock_visits=0.055, handoff_us=0.03)
    one, two = (solve(ClosedNetwork(**{**net.__dict__, "domains": d})).throughput for d in (1, 2))
    assert two < one
    flat = {**net.__dict__, "handoff_us": 0.0}
    assert solve(ClosedNetwork(**{**flat, "domains": 2})).throughput > solve(ClosedNetwork(**flat)).throughput


@settings(max_examples=80, deadline=None)
@given(networks, st.floats(1.01, 3))
def test_more_cpu_work_never_raises_throughput(net, factor):
    """Without handoff growth; with it, slower CPUs mean fewer spinners and faster hand-overs
    (why backoff helps a non-scalable lock), so throughput can rise."""
    assume(net.handoff_us == 0)
    a = solve(net).throughput
    b = solve(ClosedNetwork(**{**net.__dict__, "cpu_us": net.cpu_us * factor})).throughput
    assert b <= a * (1 + 1e-9)


def test_thousands_of_cpus_do_not_overflow():
    sol = solve(ClosedNetwork(cpus=4096, domains=2048, cpu_us=1e-3, memory_us=1e-4, lock_us=1e-3))
    assert math.isfinite(sol.throughput) and sol.throughput > 0


# ---------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"cpus": 0}, "cpus"), ({"cpus": 4, "domains": 5}, "domains"), ({"cpu_us": 0.0}, "cpu_us"),
     ({"memory_us": -1.0}, "memory_us"), ({"handoff_us": float("nan")}, "handoff_us"), ({"cpus": 2.5}, "cpus")],
)
def test_bad_arguments_name_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=name):
        ClosedNetwork(**{"cpus": 2, "cpu_us": 1.0, **kwargs})


def test_whole_number_float_counts_are_stored_as_int():
    # regression: ClosedNetwork(cpus=8.0, domains=2.0) passed validation, then solve() raised TypeError
    net = ClosedNetwork(cpus=8.0, domains=2.0, cpu_us=1.0, lock_us=0.2)
    assert type(net.cpus) is int and type(net.domains) is int
    assert solve(net).throughput == solve(ClosedNetwork(cpus=8, domains=2, cpu_us=1.0, lock_us=0.2)).throughput


def test_solve_wants_a_network():
    with pytest.raises(ValueError, match="ClosedNetwork"):
        solve({"cpus": 3})
