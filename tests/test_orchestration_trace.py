"""Alibaba trace replay: the small fixture, and the real files (committed in data/)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from naive_orchestration import pods_conserved, usage_never_exceeds_capacity

from labcdn.datasets import load_alibaba_nodes, load_alibaba_pods
from labcdn.orchestration.trace import alibaba_cluster, alibaba_jobs, gpu_request, replay

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def small():
    return load_alibaba_pods(FIXTURES / "alibaba_pods_small.csv"), load_alibaba_nodes(FIXTURES / "alibaba_nodes_small.csv")


def test_snapshot_jobs_follow_creation_order(small):
    pods, _ = small
    jobs = alibaba_jobs(pods, spacing=2.0)
    assert jobs.arrival.tolist() == [0.0, 2.0, 4.0, 6.0]
    assert jobs.workload.tolist() == [1, 1, 1, 0]  # BE -> batch, the rest -> Marathon
    assert np.isinf(jobs.duration).all() and np.isinf(jobs.deadline).all()
    assert gpu_request(jobs).tolist() == [1.0, 0.46, 8.0, 0.0]


def test_arrival_jobs_keep_the_recorded_clock(small):
    jobs = alibaba_jobs(small[0], mode="arrival")
    assert jobs.arrival.tolist() == [0.0, 427061.0, 12890000.0, 12900505.0]
    assert jobs.deadline.tolist() == [12537496.0, 12902960.0, 12902960.0, 12900526.0]


def test_inflation_reaches_the_asked_multiple(small):
    pods, nodes = small
    capacity = float(alibaba_cluster(nodes).gpus.sum())
    jobs = alibaba_jobs(pods, inflate=2.0, gpu_capacity=capacity, seed=1)
    asked = gpu_request(jobs)
    assert asked.sum() >= 2.0 * capacity > asked[:-1].sum()
    again = alibaba_jobs(pods, inflate=2.0, gpu_capacity=capacity, rng=np.random.default_rng(1))
    assert again.cpu_milli.tobytes() == jobs.cpu_milli.tobytes()


def test_replay_small_fixture(small):
    pods, nodes = small
    out = replay(pods=pods, nodes=nodes)
    assert set(out.metrics["run"]) == {"monolithic/least_allocated", "monolithic/most_allocated", "two_level"}
    for sim in out.runs.values():
        usage_never_exceeds_capacity(sim, 110)
        pods_conserved(sim)
    # the 8-GPU V100 pod fits only the G2 node, which the 1-GPU pods before it may already use
    assert out.timeline["gpu_asked"].max() == pytest.approx(9.46 / 10)


def test_bad_mode_is_named(small):
    with pytest.raises(ValueError, match="mode='live' is not one of"):
        alibaba_jobs(small[0], mode="live")


@pytest.fixture(scope="module")
def real_replays():
    return {inflate: replay(inflate=inflate) for inflate in (1.0, 1.3)}


def test_real_cluster_and_pods():
    cl = alibaba_cluster()
    jobs = alibaba_jobs()
    assert cl.nodes == 1523 and int(cl.gpus.sum()) == 6212
    assert jobs.size == 8152
    assert gpu_request(jobs).sum() / 6212 == pytest.approx(0.98, abs=0.005)  # the pod list nearly fills the GPUs


def test_real_replay_invariants(real_replays):
    for out in real_replays.values():
        for sim in out.runs.values():
            usage_never_exceeds_capacity(sim, 110)
            pods_conserved(sim)


def test_real_replay_inflation_strands_more_pods(real_replays):
    def unschedulable(out):
        m = out.metrics.filter((pl.col("workload") == "all") & (pl.col("metric") == "unschedulable_tasks"))
        return dict(zip(m["run"], m["value"], strict=True))

    base, inflated = unschedulable(real_replays[1.0]), unschedulable(real_replays[1.3])
    for run, count in base.items():
        assert inflated[run] > count


def test_real_replay_on_the_recorded_clock_places_nearly_everything():
    out = replay(runs=(("monolithic", "least_allocated"),), mode="arrival")
    sim = out.runs["monolithic/least_allocated"]
    assert (sim.task_node >= 0).mean() > 0.99
    assert out.timeline["running_tasks"].max() < 500  # lifetimes are short: few pods at once
