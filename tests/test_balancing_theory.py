"""labcdn.balancing against queueing theory (M/M/1, Erlang C, the supermarket model) and against SimPy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from naive_balancing import draw64

from labcdn.balancing import (
    HealthCheck,
    cluster,
    erlang_c,
    mm1_response,
    mmc_wait,
    queue_tail,
    simulate,
    supermarket_tail,
    workload,
)

simpy = pytest.importorskip("simpy")
QUIET = HealthCheck(inter=86_400.0)  # no failures, and no health-check events either


def across_runs(values):
    values = np.asarray(values)
    return values.mean(), values.std(ddof=1) / math.sqrt(values.size)


def test_random_split_to_identical_exponential_backends_is_mm1_at_each():
    """Mean response of each backend within 4 standard errors of 1 / (mu - lambda), lambda = 0.7 mu."""
    means = []
    for seed in range(8):
        w = workload(cluster(4), 0.7, 200_000, seed=seed, mean_service=1.0)
        means.append(simulate(w, "random", health=QUIET).response.mean())
    mean, se = across_runs(means)
    expected = mm1_response(0.7, 1.0)
    assert abs(mean - expected) < 4 * se
    assert abs(mean / expected - 1) < 0.02


def test_a_central_queue_is_mmc_erlang_c():
    """Mean wait of 8 identical exponential backends fed from one queue at load 0.8: Erlang C."""
    waits = []
    for seed in range(8):
        w = workload(cluster(8), 0.8, 200_000, seed=100 + seed, mean_service=1.0)
        run = simulate(w, "central_queue", health=QUIET)
        waits.append((run.start - w.arrival).mean())
    mean, se = across_runs(waits)
    expected = mmc_wait(0.8 * 8, 1.0, 8)
    assert abs(mean - expected) < 4 * se
    assert abs(mean / expected - 1) < 0.05


def test_power_of_two_choices_at_large_n_sits_on_the_supermarket_fixed_point():
    """Share of backends with >= i requests vs s_i = lambda**(2**i - 1) (N = 200, lambda = 0.9).

    The run starts empty and drains at the end, which lowers every share by about
    1%; the tolerance allows for that. Random assignment (one choice) follows
    lambda**i instead, three times higher at i = 4.
    """
    w = workload(cluster(200, weights="equal"), 0.9, 400_000, seed=1, mean_service=1.0)
    tail = queue_tail(simulate(w, "power_of_d", health=QUIET), 5)["share"].to_numpy()
    fixed = np.array([supermarket_tail(0.9, i) for i in range(1, 6)])
    np.testing.assert_allclose(tail, fixed, atol=0.015)
    one = queue_tail(simulate(w, "random", health=QUIET), 4)["share"].to_numpy()
    assert one[3] > 2.5 * tail[3]


def test_theory_formulas_on_known_values():
    assert mm1_response(0.5, 1.0) == 2.0
    assert erlang_c(1, 0.5) == pytest.approx(0.5)  # M/M/1: P(wait) = rho
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)  # a^2 / (a^2 + 2 (2 - a)(1 + a)) ... = 1/3
    assert mmc_wait(1.0, 1.0, 2) == pytest.approx((1 / 3) / 1.0)
    assert supermarket_tail(0.9, 3) == pytest.approx(0.9**7)
    assert supermarket_tail(0.9, 3, choices=1) == pytest.approx(0.9**3)
    with pytest.raises(ValueError, match="arrival_rate=2.0"):
        mm1_response(2.0, 1.0)
    with pytest.raises(ValueError, match="offered=3"):
        erlang_c(3, 3)


# ---------------------------------------------------------------- SimPy as oracle


def simpy_run(w, algorithm):
    """The same model in SimPy: one FIFO Resource per backend, the pick made at arrival."""
    env = simpy.Environment()
    nb, n = w.cluster.size, w.requests
    servers = [simpy.Resource(env, capacity=1) for _ in range(nb)]
    active = [0] * nb
    state = {"rr": 0, "ctr": 0}
    ew = [int(x) * 16 for x in w.cluster.weights]
    backend, start, finish = [-1] * n, [math.nan] * n, [math.nan] * n

    def pick():
        if algorithm == "round_robin":
            b = state["rr"]
        elif algorithm == "least_connections":
            order = [(state["rr"] + j) % nb for j in range(nb)]
            b = min(order, key=lambda x: ((active[x] + 1) / ew[x], order.index(x)))
        else:  # power_of_d, d = 2, equal weights: later draw wins ties
            best = None
            for _ in range(2):
                cand = (draw64(w.seed, state["ctr"]) % sum(ew)) // ew[0]
                state["ctr"] += 1
                if best is None or active[cand] <= active[best]:
                    best = cand
            return best
        state["rr"] = (b + 1) % nb
        return b

    def serve(i, b):
        with servers[b].request() as req:
            yield req
            start[i] = env.now
            yield env.timeout(float(w.work[i]) / float(w.cluster.speeds[b]))
        finish[i] = env.now
        active[b] -= 1

    def arrivals():
        for i in range(n):
            yield env.timeout(float(w.arrival[i]) - env.now)
            b = pick()
            backend[i] = b
            active[b] += 1
            env.process(serve(i, b))

    env.process(arrivals())
    env.run()
    return np.array(backend), np.array(start), np.array(finish)


@pytest.mark.parametrize("algorithm", ["round_robin", "least_connections", "power_of_d"])
def test_simpy_runs_the_same_model_to_the_same_times(algorithm):
    w = workload(cluster(5, weights="equal"), 0.9, 5000, seed=21, mean_service=0.01)
    run = simulate(w, algorithm, health=QUIET)
    backend, start, finish = simpy_run(w, algorithm)
    np.testing.assert_array_equal(run.backend, backend)
    np.testing.assert_allclose(run.start, start, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(run.finish, finish, rtol=1e-12, atol=1e-12)
