"""Scheduling simulation: fast kernels against the slow references, and the invariants in words."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from naive_orchestration import Nodes, feasible_to_find, pods_conserved, usage_never_exceeds_capacity
from naive_orchestration import monolithic as naive_monolithic
from naive_orchestration import two_level as naive_two_level

from labcdn.orchestration.nodes import cluster as make_cluster
from labcdn.orchestration.nodes import (
    fast_score,
    gpu_table,
    num_feasible_nodes_to_find,
    score,
    uniform_cluster,
)
from labcdn.orchestration.scheduling import DEFAULTS, omega, saturation_size, simulate, size_sweep
from labcdn.orchestration.workload import jobs_from_arrays, omega_jobs

KEYS = ("task_node", "job_placed", "job_attempts", "job_state")
TIMES = ("task_start", "task_end", "job_first", "job_last")


def random_case(seed, n_nodes=12, n_jobs=25, gpus=True, deadlines=True):
    rng = np.random.default_rng(seed)
    cl = make_cluster(rng.choice([2000, 4000, 8000], n_nodes), rng.choice([4096, 8192, 16384], n_nodes),
                      rng.choice([0, 1, 2, 4], n_nodes) if gpus else None)
    arrival = np.sort(rng.uniform(0, 200, n_jobs)).round(1)
    ngpu = rng.choice([0, 0, 1, 1, 2], n_jobs) if gpus else np.zeros(n_jobs, int)
    gmilli = np.where(ngpu == 1, rng.choice([250, 500, 1000], n_jobs), np.where(ngpu > 1, 1000, 0))
    duration = rng.exponential(60, n_jobs).round(1)
    deadline = np.where(rng.random(n_jobs) < 0.3, arrival + rng.uniform(0, 150, n_jobs), np.inf) if deadlines \
        else None
    jobs = jobs_from_arrays(arrival, rng.integers(0, 2, n_jobs), rng.integers(1, 6, n_jobs), duration,
                            rng.choice([500, 1000, 3000], n_jobs), rng.choice([512, 2048, 6000], n_jobs),
                            ngpu, gmilli, deadline)
    return jobs, cl


def normalise(res, jobs, horizon):
    state = np.asarray(res["job_state"])
    state[(state == 0) & (jobs.deadline <= horizon)] = 3
    return {**res, "job_state": state}


def assert_same(sim, ref):
    for k in KEYS:
        np.testing.assert_array_equal(getattr(sim, k), np.asarray(ref[k]), err_msg=k)
    for k in TIMES:
        np.testing.assert_allclose(getattr(sim, k), np.asarray(ref[k], dtype=float), rtol=0, atol=1e-9, err_msg=k)


def run_both(design, seed, **kw):
    jobs, cl = random_case(seed, **kw)
    horizon = 400.0
    opts = dict(t_job=0.5, t_task=0.2, max_pods=6, max_attempts=4, horizon=horizon)
    if design == "monolithic":
        for strategy, most in (("least_allocated", False), ("most_allocated", True)):
            sim = simulate(design, jobs, cl, strategy=strategy, percentage_of_nodes_to_score=0, **opts)
            ref = naive_monolithic(jobs, cl, t_job=(0.5, 0.5), t_task=(0.2, 0.2), most=most, pct=0,
                                   max_pods=6, max_attempts=4, horizon=horizon)
            assert_same(sim, normalise(ref, jobs, horizon))
            assert sim.busy["scheduler"] == pytest.approx(ref["busy"][0] + ref["busy"][1])
    else:
        sim = simulate(design, jobs, cl, refuse_batch=3.0, refuse_marathon=20.0, allocation_interval=1.0,
                       t_alloc=0.01, **opts)
        ref = naive_two_level(jobs, cl, t_job=(0.5, 0.5), t_task=(0.2, 0.2), refuse=(3.0, 20.0), interval=1.0,
                              t_alloc=0.01, max_pods=6, max_attempts=4, horizon=horizon)
        assert_same(sim, normalise(ref, jobs, horizon))
        assert [sim.busy[k] for k in ("batch", "marathon", "allocator")] == pytest.approx(ref["busy"])


@pytest.mark.parametrize("design", ["monolithic", "two_level"])
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_matches_slow_reference_fixed(design, seed):
    run_both(design, seed)


@pytest.mark.parametrize("design", ["monolithic", "two_level"])
@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_nodes=st.integers(1, 130), gpus=st.booleans())
def test_matches_slow_reference_random(design, seed, n_nodes, gpus):
    run_both(design, seed, n_nodes=n_nodes, n_jobs=20, gpus=gpus)


@pytest.mark.parametrize("design", ["monolithic", "two_level"])
@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_nodes=st.integers(1, 40), max_pods=st.integers(1, 8))
def test_no_node_overcommitted_and_pods_conserved(design, seed, n_nodes, max_pods):
    jobs, cl = random_case(seed, n_nodes=n_nodes, n_jobs=40)
    sim = simulate(design, jobs, cl, max_pods=max_pods, horizon=500.0, t_job=0.2, t_task=0.05)
    usage_never_exceeds_capacity(sim, max_pods)
    pods_conserved(sim)


def test_timeline_pending_and_running_add_up():
    # (two-level binds tasks when the framework decides and starts them when it replies, so its
    # counts run ahead of the start times by up to one decision; the monolithic ones are exact)
    sim = omega("monolithic", 300, horizon=1200.0, sample_interval=100.0, seed=5)
    last = sim.timeline.row(-1, named=True)
    t = last["time"]
    running = int(((sim.task_start <= t) & (sim.task_end > t)).sum())
    assert last["running_tasks"] == running
    arrived = sim.jobs.arrival <= t
    placed_by_t = np.bincount(np.repeat(np.arange(sim.jobs.size), sim.jobs.tasks)[sim.task_start <= t],
                              minlength=sim.jobs.size)
    assert last["pending_tasks"] == int((sim.jobs.tasks - placed_by_t)[arrived].sum())


@settings(max_examples=300, deadline=None)
@given(cap_cpu=st.integers(0, 200_000), cap_mem=st.integers(0, 2_000_000), data=st.data())
def test_fast_score_equals_integer_score(cap_cpu, cap_mem, data):
    free_cpu = data.draw(st.integers(0, cap_cpu))
    free_mem = data.draw(st.integers(0, cap_mem))
    cpu = data.draw(st.integers(0, free_cpu))
    mem = data.draw(st.integers(0, free_mem))
    arrays = [np.array([v], dtype=np.int64) for v in (cap_cpu, cap_mem, free_cpu, free_mem)]
    inv = [np.array([100.0 / c if c else 0.0]) for c in (cap_cpu, cap_mem)]
    for strategy in (0, 1):
        slow = score(strategy, arrays[0], arrays[1], arrays[2], arrays[3], 0, cpu, mem)
        fast = fast_score(strategy, arrays[0], arrays[1], inv[0], inv[1], arrays[2], arrays[3], 0, cpu, mem)
        assert fast == slow
        reference = Nodes([cap_cpu], [cap_mem], [0], 1)
        reference.cpu, reference.mem = [free_cpu], [free_mem]
        assert slow == reference.score(strategy == 1, 0, (cpu, mem, 0, 0))


@pytest.mark.parametrize(("nodes", "expected"), [(50, 50), (100, 100), (1000, 420), (5000, 500), (6000, 300),
                                                 (10_000, 500), (100_000, 5000)])
def test_num_feasible_nodes_to_find_adaptive(nodes, expected):
    # 50 - nodes/125 percent, at least 5 percent and 100 nodes (kube-scheduler schedule_one.go)
    assert num_feasible_nodes_to_find(nodes, 0) == expected == feasible_to_find(nodes, 0)


def test_least_allocated_spreads_most_allocated_packs():
    jobs = jobs_from_arrays([0.0], [0], [8], [100.0], [500], [512])
    cl = uniform_cluster(8, 4000, 16384)
    spread = simulate("monolithic", jobs, cl, strategy="least_allocated", horizon=10.0)
    packed = simulate("monolithic", jobs, cl, strategy="most_allocated", horizon=10.0)
    assert np.unique(spread.task_node).size == 8
    assert np.unique(packed.task_node).size == 1


def test_busyness_is_total_decision_time():
    jobs = omega_jobs(200, 3600.0, seed=3)
    sim = simulate("monolithic", jobs, uniform_cluster(200), t_job=0.1, t_task=0.005, horizon=4000.0)
    assert (sim.job_state == 1).all()
    assert sim.busy["scheduler"] == pytest.approx(float((0.1 + 0.005 * jobs.tasks).sum()))


def test_same_seed_same_bytes():
    a = omega("two_level", 200, horizon=600.0, seed=9)
    b = omega("two_level", 200, horizon=600.0, rng=np.random.default_rng(9))
    assert a.task_node.tobytes() == b.task_node.tobytes()
    assert a.task_start.tobytes() == b.task_start.tobytes()


def test_gpu_shares_pack_onto_one_gpu_and_whole_gpus_need_free_devices():
    cl = make_cluster([16000], [65536], [2])
    jobs = jobs_from_arrays([0.0, 0.0, 1.0], [0, 0, 0], [2, 1, 1], [100.0] * 3, [100] * 3, [100] * 3,
                            [1, 1, 2], [400, 500, 1000])
    sim = simulate("monolithic", jobs, cl, horizon=50.0, t_job=0.0, t_task=0.0)
    assert sim.job_placed.tolist() == [2, 1, 0]  # 400 + 400 on one GPU, 500 on the other: no whole GPU left


def test_slider_defaults_are_fast_enough_to_call():
    sim = omega("monolithic")
    assert sim.horizon == DEFAULTS.horizon and sim.cluster.nodes == DEFAULTS.nodes


def test_size_sweep_busyness_grows_with_size_and_saturates():
    sweep = size_sweep((100, 1000, 10_000), horizon=600.0, load=20.0)
    mono = sweep.filter(pl.col("design") == "monolithic").sort("nodes")["busyness"].to_list()
    assert mono[0] < mono[1] < mono[2]
    sat = saturation_size(sweep)
    assert set(sat["scheduler"]) == {"scheduler", "batch", "marathon", "allocator"}


def test_size_sweep_demand_honours_a_zero_service_t_job():
    # regression: ``service_t_job=0.0`` was read as "unset" and the demand used t_job instead
    sweep = size_sweep((2000,), designs=("two_level",), horizon=900.0, service_t_job=0.0, t_task=0.0)
    marathon = sweep.filter(pl.col("scheduler") == "marathon")
    assert marathon["busyness"][0] == 0.0
    assert marathon["demand"][0] == 0.0


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"design": "omega"}, "design='omega' is not one of"),
    ({"strategy": "balanced"}, "strategy='balanced'"),
    ({"t_job": -1.0}, "t_job=-1.0 is out of range"),
    ({"max_pods": 0}, "max_pods=0 is out of range"),
])
def test_bad_arguments_name_the_parameter(kwargs, message):
    jobs = jobs_from_arrays([0.0], [0], [1], [1.0], [1], [1])
    args = {"design": "monolithic", **kwargs}
    with pytest.raises(ValueError, match=message):
        simulate(args.pop("design"), jobs, uniform_cluster(2), **args)


def test_gpu_table_marks_missing_slots():
    table = gpu_table(np.array([0, 2, 1]))
    assert table.tolist() == [[-1, -1], [1000, 1000], [1000, -1]]
