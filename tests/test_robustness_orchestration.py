"""Orchestration under hostile input: fractions computed exactly or refused, memory estimated before allocating."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from labcdn import orchestration
from labcdn._validation import memory_limit
from labcdn.orchestration.scheduling import omega_bytes


def test_drf_computes_with_fractional_demands_exactly():
    out = orchestration.drf([9, 100], [[0.9, 1]])
    assert out["tasks"].to_list() == [10]  # 10 x 0.9 CPU = 9 CPUs exactly; truncation gave 100 tasks at 0 CPU
    assert out["r0"].to_list() == [9.0] and out["r1"].to_list() == [10]
    assert (out["share_numerator"][0], out["share_denominator"][0]) == (1, 1)


def test_drf_fractions_as_written_and_as_fractions_agree_with_whole_units():
    """Fractions of a unit and the same amounts in smaller whole units give the same allocation."""
    tenths = orchestration.drf([9.5, 18], [[0.5, 4], [1.5, 1]])
    whole = orchestration.drf([95, 18], [[5, 4], [15, 1]])
    exact = orchestration.drf([Fraction(19, 2), 18], [[Fraction(1, 2), 4], [Fraction(3, 2), 1]])
    assert tenths["tasks"].to_list() == whole["tasks"].to_list() == exact["tasks"].to_list()
    assert tenths["share_numerator"].to_list() == whole["share_numerator"].to_list()
    assert tenths["share_denominator"].to_list() == whole["share_denominator"].to_list()


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"capacity": [9, 18], "demands": [[1, 4]], "weights": [1.5]}, "weights must hold whole numbers"),
    ({"capacity": [9, 18], "demands": [[1e-300, 4]]}, r"capacity x weight .*made whole"),
    ({"capacity": [9, 18], "demands": [["1", 4]]}, "demands"),
    ({"capacity": [np.nan, 18], "demands": [[1, 4]]}, "capacity"),
])
def test_drf_refusals_name_the_parameter(kwargs, message):
    with pytest.raises(ValueError, match=message):
        orchestration.drf(**kwargs)


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"cpu_milli": [1500.5, 2000], "mem_mib": [1024, 1024]}, "cpu_milli"),
    ({"cpu_milli": [1000, 2000], "mem_mib": [1024, 0.25]}, "mem_mib"),
    ({"cpu_milli": [1000], "mem_mib": [1024], "gpus": [0.5]}, "gpus"),
    ({"cpu_milli": [2**64], "mem_mib": [1024]}, "cpu_milli"),
])
def test_cluster_refuses_fractions_and_overflow_by_name(kwargs, name):
    """Kubernetes counts millicores, MiB and GPUs in whole units: a fraction is refused, never truncated."""
    with pytest.raises(ValueError, match=name):
        orchestration.cluster(**kwargs)


def test_omega_at_its_maximum_settings_is_refused_before_allocating():
    with pytest.raises(ValueError, match=r"omega\(nodes=2000000.* would need about .*TiB; the limit is"):
        orchestration.omega("monolithic", 2_000_000, horizon=864_000.0, load=1000.0)
    with pytest.raises(ValueError, match=r"omega_jobs\(nodes=2000000.* would need about"):
        orchestration.omega_jobs(2_000_000, 864_000.0, load=1000.0)


def test_omega_memory_limit_follows_the_environment(monkeypatch):
    monkeypatch.setenv("LABCDN_MEMORY_LIMIT", str(omega_bytes(10_000, 600.0, 1.0) - 1))
    with pytest.raises(ValueError, match="LABCDN_MEMORY_LIMIT"):
        orchestration.omega("monolithic", 10_000, horizon=600.0)
    monkeypatch.setenv("LABCDN_MEMORY_LIMIT", "lots")
    with pytest.raises(ValueError, match="LABCDN_MEMORY_LIMIT='lots'"):
        memory_limit()


def test_omega_accepts_a_float16_horizon():
    a = orchestration.omega("monolithic", 100, horizon=np.float16(300.0), seed=1)
    b = orchestration.omega("monolithic", 100, horizon=300.0, seed=1)
    assert a.metrics().equals(b.metrics())
