"""Published figures beside the models', and the headline numbers for ``labcdn orchestration --json``."""

from __future__ import annotations

from typing import NamedTuple

import polars as pl
from tqdm.auto import tqdm

from labcdn.orchestration import autoscaling, failover, rolling, scheduling
from labcdn.orchestration.drf import DRF_EXAMPLE, drf
from labcdn.orchestration.workload import OMEGA


class Figure(NamedTuple):
    """One published number and where it comes from."""

    figure: str
    value: float
    unit: str
    source: str


#: The technical source post (Kubernetes vs Mesos + Marathon), as issue 12 summarises its facts.
_TECH_POST = "source post: Kubernetes vs Mesos + Marathon, technical comparison (facts as summarised in issue 12)"

PUBLISHED = {
    "k8s_max_nodes": Figure("Kubernetes: nodes per cluster", 5000, "nodes", "kubernetes.io, Considerations for large clusters"),
    "k8s_max_pods": Figure("Kubernetes: pods per cluster", 150_000, "pods", "kubernetes.io, Considerations for large clusters"),
    "k8s_max_containers": Figure("Kubernetes: containers per cluster", 300_000, "containers",
                                 "kubernetes.io, Considerations for large clusters"),
    "k8s_pods_per_node": Figure("Kubernetes: pods per node", 110, "pods", "kubernetes.io, Considerations for large clusters"),
    "mesos_emulated_nodes": Figure("Mesos: emulated nodes in its paper", 50_000, "nodes", "Hindman et al., NSDI 2011"),
    "omega_t_job": Figure("Omega: decision time per job", OMEGA.t_job, "s", "Schwarzkopf et al., EuroSys 2013"),
    "omega_t_task": Figure("Omega: decision time per task", OMEGA.t_task, "s", "Schwarzkopf et al., EuroSys 2013"),
    "drf_example_share": Figure("DRF example: both users' dominant share", 2 / 3, "", "Ghodsi et al., NSDI 2011"),
    "etcd_heartbeat": Figure("etcd heartbeat interval", 0.1, "s", "etcd.io, Tuning"),
    "etcd_election": Figure("etcd election timeout", 1.0, "s", "etcd.io, Tuning"),
    "zk_tick": Figure("ZooKeeper tickTime", 2.0, "s", "ZooKeeper Administrator's Guide"),
    "mesos_zk_session": Figure("Mesos ZooKeeper session timeout", 10.0, "s", "Mesos configuration"),
    "k8s_lease_duration": Figure("Kubernetes leader-election lease", 15.0, "s", "kube-scheduler flags"),
    "hpa_tolerance": Figure("HPA tolerance", 0.1, "", "kubernetes.io, Horizontal Pod Autoscaling"),
    "hpa_sync": Figure("HPA sync period", 15.0, "s", "kubernetes.io, Horizontal Pod Autoscaling"),
    "hpa_stabilization": Figure("HPA scale-down stabilization", 300.0, "s", "kubernetes.io, Horizontal Pod Autoscaling"),
    "src_k8s_nodes_1_6": Figure("Kubernetes: nodes per cluster as of release 1.6 (beyond: several clusters)", 5000,
                                "nodes", _TECH_POST),
    "src_marathon_nodes_do": Figure("Mesos + Marathon: nodes (per DigitalOcean)", 10_000, "nodes", _TECH_POST),
    "src_mesos_nodes_users": Figure("Mesos: 10,000+ nodes in parts of Apple, Bloomberg, Netflix (per Mesosphere)",
                                    10_000, "nodes", _TECH_POST),
    "src_k8s_interest_share": Figure("Kubernetes: share of the interest (news, web search, publications, GitHub)",
                                     0.70, "more than", _TECH_POST),
    "alibaba_pending_pods": Figure("Alibaba GPU trace: pods recorded Pending", 897, "pods",
                                   "alibaba/clusterdata cluster-trace-gpu-v2023"),
}


def published_figures() -> pl.DataFrame:
    """Every published figure the study uses: ``key``, ``figure``, ``value``, ``unit``, ``source``."""
    return pl.DataFrame([{"key": k, **f._asdict()} for k, f in PUBLISHED.items()],
                        schema={"key": pl.String, "figure": pl.String, "value": pl.Float64, "unit": pl.String,
                                "source": pl.String})


def _scheduling(nodes, horizon):
    out = {}
    for design in scheduling.DESIGNS:
        sim = scheduling.omega(design, nodes, horizon=horizon, sample_interval=horizon)
        m = sim.metrics()
        waits = {}
        for metric in ("wait_first_mean", "wait_all_mean"):
            part = m.filter(pl.col("metric") == metric)
            waits[metric] = dict(zip(part["workload"], part["value"], strict=True))
        out[design] = {"busyness": {k: v / sim.horizon for k, v in sim.busy.items()}, **waits}
    return out


def _trace():
    from labcdn.orchestration.trace import replay

    out = replay()  # the data sets are in the repository: a missing or damaged file is an error
    m = out.metrics.filter((pl.col("workload") == "all") & (pl.col("metric") == "unschedulable_tasks"))
    return {"available": True, "mode": "snapshot", "pods": out.runs["two_level"].jobs.size,
            "unschedulable_pods": {r: int(v) for r, v in zip(m["run"], m["value"], strict=True)},
            "recorded_pending_pods": int(PUBLISHED["alibaba_pending_pods"].value)}


def summary(*, nodes=OMEGA.reference_nodes, horizon=3600.0, trials=failover.DEFAULTS.trials, trace=True,
            progress=False) -> dict:
    """The headline numbers, JSON-ready.

    Parameters
    ----------
    nodes : int
        Cell size for the scheduling numbers (default the Omega cell, 10,000 nodes).
    horizon : float
        Seconds of the Omega workload simulated there (default one hour).
    trials : int
        Failover Monte Carlo trials per mechanism.
    trace : bool
        Replay the Alibaba trace (from the committed data; a missing or damaged file raises).
    progress : bool
        Show a progress bar on stderr (the whole takes a few seconds).

    Returns
    -------
    dict
        ``scheduling`` (per design: scheduler busyness and mean waits to first and all
        tasks, by workload), ``saturation_nodes`` (cell size where each scheduler's
        expected demand reaches 1), ``trace`` (unschedulable pods per run),
        ``failover_median_s``, ``drf_example``, ``autoscaling``, ``rolling`` and
        ``published`` (the figures of :data:`PUBLISHED`).
    """
    with tqdm(total=3, desc="orchestration", disable=not progress, leave=False) as bar:
        sat = scheduling.expected_saturation()
        fail = failover.failover(trials=trials)
        _, auto = autoscaling.compare()
        _, roll = rolling.compare()
        ex = drf(DRF_EXAMPLE.capacity, DRF_EXAMPLE.demands, users=DRF_EXAMPLE.users,
                 resources=DRF_EXAMPLE.resources)
        bar.update()
        designs = _scheduling(nodes, horizon)
        bar.update()
        replay = _trace() if trace else {"available": False, "reason": "not requested"}
        bar.update()
    return {
        "scheduling": {"nodes": nodes, "horizon_s": horizon, "designs": designs},
        "saturation_nodes": {f"{d}/{s}": float(v) for d, s, v in
                             zip(sat["design"], sat["scheduler"], sat["saturation_nodes"], strict=True)},
        "trace": replay,
        "failover_median_s": dict(zip(fail["mechanism"], map(float, fail["p50"]), strict=True)),
        "drf_example": {row["user"]: {"tasks": row["tasks"],
                                      "dominant_share": f"{row['share_numerator']}/{row['share_denominator']}"}
                        for row in ex.iter_rows(named=True)},
        "autoscaling": {row["controller"]: {k: v for k, v in row.items() if k != "controller"}
                        for row in auto.iter_rows(named=True)},
        "rolling": {row["strategy"]: {k: v for k, v in row.items() if k != "strategy"}
                    for row in roll.iter_rows(named=True)},
        "published": {k: f.value for k, f in PUBLISHED.items()},
    }
