"""Chapters 7 and 8, "Scheduling and scale" and "Operations": Kubernetes against Mesos + Marathon.

=================== =====================================================================
``drf``             :func:`drf`: Dominant Resource Fairness, exact (Ghodsi et al. 2011)
``workload``        :func:`omega_jobs`: the Omega simulator's example workload; :class:`Jobs`
``nodes``           :class:`Cluster`, :func:`uniform_cluster`: node arrays, fit/bind/score
``scheduling``      :func:`simulate`, :func:`omega`, :func:`size_sweep`: monolithic
                    (kube-scheduler) vs two-level (Mesos DRF allocator + Marathon)
``trace``           :func:`replay`: Alibaba's GPU pods on Alibaba's nodes, both designs
``failover``        :func:`failover_times`, :func:`availability`: etcd/Raft, ZooKeeper, Lease
``autoscaling``     :func:`autoscaling.compare`: HPA vs marathon-autoscale on a diurnal day
``rolling``         :func:`rolling.compare`: Deployment RollingUpdate vs upgradeStrategy
``comparison``      :func:`comparison`: the feature table of ``data/orchestrators.csv``
``figures``         :func:`summary`, :func:`published_figures`
=================== =====================================================================

:data:`DEFAULTS` holds each part's slider defaults (published figures where one exists).
"""

from types import SimpleNamespace

from labcdn.orchestration import autoscaling, failover, rolling, scheduling
from labcdn.orchestration.comparison import comparison, quantified
from labcdn.orchestration.drf import DRF_EXAMPLE, drf
from labcdn.orchestration.failover import availability, failover_times, yearly_availability
from labcdn.orchestration.figures import PUBLISHED, published_figures, summary
from labcdn.orchestration.nodes import Cluster, cluster, uniform_cluster
from labcdn.orchestration.scheduling import (
    DESIGNS,
    Simulation,
    expected_saturation,
    omega,
    saturation_size,
    simulate,
    size_sweep,
)
from labcdn.orchestration.trace import alibaba_cluster, alibaba_jobs, replay
from labcdn.orchestration.workload import OMEGA, Jobs, OmegaWorkload, jobs_from_arrays, omega_jobs

#: Slider defaults of each part of the study.
DEFAULTS = SimpleNamespace(
    drf=DRF_EXAMPLE,
    scheduling=scheduling.DEFAULTS,
    omega=OMEGA,
    failover=failover.DEFAULTS,
    autoscaling=autoscaling.DEFAULTS,
    rolling=rolling.DEFAULTS,
)

__all__ = [
    "DEFAULTS",
    "DESIGNS",
    "DRF_EXAMPLE",
    "OMEGA",
    "PUBLISHED",
    "Cluster",
    "Jobs",
    "OmegaWorkload",
    "Simulation",
    "alibaba_cluster",
    "alibaba_jobs",
    "autoscaling",
    "availability",
    "cluster",
    "comparison",
    "drf",
    "expected_saturation",
    "failover",
    "failover_times",
    "jobs_from_arrays",
    "omega",
    "omega_jobs",
    "published_figures",
    "quantified",
    "replay",
    "rolling",
    "saturation_size",
    "scheduling",
    "simulate",
    "size_sweep",
    "summary",
    "uniform_cluster",
    "yearly_availability",
]
