"""Every public entry point, every malformed value: a ValueError or TypeError that names the parameter.

One table, :data:`ENTRIES`, lists (entry point, parameter, kind of value) for the packages' top-level
functions and the CLI subcommands; hypothesis draws malformed values of that kind (fractions for counts,
NaN and infinities, empty values, text and other wrong types, integers past 64 bits) and the test
asserts the call is refused with a ``ValueError`` or ``TypeError`` whose message names the parameter,
never another exception type (``OverflowError``, ``IndexError``, numba's typing errors, polars'
errors). Every other argument is a cheap valid value, so a refusal is the parameter's own. Examples per
case are few (the CI profile draws the same ones every run).
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labcdn import (
    balancing,
    caching,
    datasets,
    hashing,
    orchestration,
    popularity,
    prediction,
    replication,
    serving,
    sweep,
)
from labcdn.cli import main

NAN, INF = float("nan"), float("inf")

# --- malformed values, by kind --------------------------------------------------------------------------

_WRONG_TYPES = st.sampled_from(["3", b"3", [[1, 2]], {"a": 1}, object(), 1j])
# a count: an integer parameter (sizes, ids, numbers of things)
COUNT = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6).filter(lambda x: x != int(x)),
    st.sampled_from([NAN, INF, -INF, 2**64, -(2**70), 10**30, True]),
    _WRONG_TYPES,
)
# a real number
REAL = st.one_of(st.sampled_from([NAN, INF, -INF, True]), _WRONG_TYPES)
# a name chosen from a fixed list
CHOICE = st.one_of(st.text(max_size=8).map(lambda s: f"no such {s}"), st.sampled_from([3, 2.5, None, b"ring"]))
# an array of integers
INT_ARRAY = st.one_of(
    st.lists(st.floats(0.01, 100).filter(lambda x: x != int(x)), min_size=1, max_size=4),
    st.sampled_from([[1, NAN], [INF, 1], ["a", "b"], [1, 2**64], [[1, 2], [3]], [True, False], "12", [{}]]),
)
# an array of reals
REAL_ARRAY = st.sampled_from([[1.0, NAN], [INF, 1.0], ["a", "b"], [[1.0, 2.0], [3.0]], "1.5", [None, 1.0],
                              [{}], [True, False]])
# a 1-D array of 64-bit key hashes
KEYS = st.sampled_from([[1.5, 2.0], [NAN], ["a"], [[1, 2], [3]], "12", [None], [{}]])

# a table (polars DataFrame) argument
FRAME = st.sampled_from([pl.DataFrame({"a": [1]}), pl.DataFrame(), "frame.csv", [1, 2], {"a": [1]}])
# the replay's runs: (design, strategy) pairs
RUNS = st.sampled_from([(), [], "monolithic", ("monolithic",), (("monolithic",),), (("nope", "least_allocated"),),
                        (("monolithic", "nope"),), 3])

KINDS = {"count": COUNT, "real": REAL, "choice": CHOICE, "int_array": INT_ARRAY, "real_array": REAL_ARRAY,
         "keys": KEYS, "frame": FRAME, "runs": RUNS}


class Entry(NamedTuple):
    """One parameter of one entry point: ``call(value)`` passes ``value`` as that parameter."""

    name: str  # the entry point, for the test id
    param: str  # what the message must name
    kind: str
    call: object


def arg(fn, param, kind, *args, alias=None, **kwargs):
    """Entry for keyword ``param`` of ``fn`` (other arguments ``args``/``kwargs``)."""
    return Entry(f"{fn.__module__}.{fn.__name__}", alias or param, kind,
                 lambda v: fn(*args, **{**kwargs, param: v}))


def pos(fn, index, param, kind, *args, **kwargs):
    """Entry for positional argument ``index`` of ``fn``."""
    def call(v):
        full = list(args)
        full.insert(index, v)
        return fn(*full, **kwargs)
    return Entry(f"{fn.__module__}.{fn.__name__}", param, kind, call)


def field(fn, defaults, name, kind, **kwargs):
    """Entry for field ``name`` of the ``defaults`` dataclass ``fn`` takes."""
    return Entry(f"{fn.__module__}.{fn.__name__}", name, kind, lambda v: fn(replace(defaults, **{name: v}), **kwargs))


_KEYS = hashing.key_catalog(4, seed=0)
_NET = serving.evaluate(serving.ServerConfig(cpus=4)).network

ENTRIES = [
    # hashing
    pos(hashing.build, 0, "algorithm", "choice", 10),
    pos(hashing.build, 1, "servers", "count", "ring"),
    pos(hashing.build, 1, "servers", "int_array", "ring"),
    arg(hashing.build, "weights", "real_array", "ring", 2),
    arg(hashing.build, "vnodes", "count", "ring", 4),
    arg(hashing.build, "table_size", "count", "maglev", 4),
    arg(hashing.build, "balance_factor", "real", "bounded", 4),
    arg(hashing.key_catalog, "files", "count"),
    arg(hashing.zipf_demand, "files", "count", exponent=1.0),
    arg(hashing.zipf_demand, "exponent", "real", files=10),
    arg(hashing.jump, "n", "count", _KEYS),
    arg(hashing.jump, "keys", "keys", n=3),
    arg(hashing.modulo, "n", "count", _KEYS),
    arg(hashing.hash_keys, "ids", "keys"),
    arg(hashing.jump_shares, "n", "count"),
    arg(hashing.loads, "servers", "count", "ring", files=100),
    arg(hashing.loads, "files", "count", "ring", servers=4),
    arg(hashing.loads, "zipf_exponent", "real", "ring", servers=4, files=100, alias="exponent"),
    arg(hashing.balance, "servers", "count", "ring", files=100),
    arg(hashing.disruption, "servers", "count", "ring", files=100),
    arg(hashing.hash_space_shares, "servers", "count", "ring"),
    # orchestration
    arg(orchestration.drf, "capacity", "real_array", demands=[[1, 1]]),
    arg(orchestration.drf, "weights", "int_array", [9, 18], [[1, 4], [3, 1]]),
    arg(orchestration.cluster, "cpu_milli", "int_array", mem_mib=[1024, 1024]),
    arg(orchestration.cluster, "mem_mib", "int_array", cpu_milli=[1000, 1000]),
    arg(orchestration.uniform_cluster, "nodes", "count"),
    arg(orchestration.uniform_cluster, "cpu_milli", "count", 2),
    arg(orchestration.omega_jobs, "nodes", "count", horizon=60.0),
    arg(orchestration.omega_jobs, "horizon", "real", 10),
    arg(orchestration.omega_jobs, "load", "real", 10, 60.0),
    pos(orchestration.omega, 0, "design", "choice", 10, horizon=60.0),
    arg(orchestration.omega, "nodes", "count", "monolithic", horizon=60.0),
    arg(orchestration.omega, "horizon", "real", "monolithic", 10),
    arg(orchestration.omega, "max_pods", "count", "monolithic", 10, horizon=60.0),
    arg(orchestration.failover_times, "trials", "count", "etcd"),
    arg(orchestration.failover_times, "heartbeat", "real", "etcd", 10),
    pos(orchestration.failover_times, 0, "mechanism", "choice", 10),
    arg(orchestration.availability, "failures_per_year", "real", trials=10),
    arg(orchestration.availability, "trials", "count"),
    arg(orchestration.replay, "inflate", "real", runs=(("monolithic", "least_allocated"),)),
    arg(orchestration.replay, "mode", "choice", runs=(("monolithic", "least_allocated"),)),
    arg(orchestration.expected_saturation, "load", "real"),
    arg(orchestration.replay, "runs", "runs"),
    arg(orchestration.alibaba_jobs, "pods", "frame", alias="pods"),
    arg(orchestration.alibaba_cluster, "nodes", "frame"),
    arg(datasets.request_trace, "frame", "frame"),
    # replication
    arg(replication.place, "copies", "int_array", _KEYS, servers=10),
    arg(replication.place, "servers", "count", _KEYS, [1, 1, 1, 1]),
    arg(replication.place, "keys", "keys", copies=[1], servers=10),
    arg(replication.copy_counts, "demand", "real_array"),
    arg(replication.copy_counts, "servers", "count", [1.0, 2.0]),
    arg(replication.copy_counts, "rule", "choice", [1.0, 2.0]),
    arg(replication.storage_overhead, "copies", "int_array", size_bytes=[1.0, 2.0]),
    arg(replication.usable_fraction, "load", "real_array"),
    arg(replication.balls_into_bins, "bins", "count", balls=10),
    field(replication.compare, replication.DEFAULTS, "servers", "count"),
    field(replication.compare, replication.DEFAULTS, "titles", "count"),
    field(replication.compare, replication.DEFAULTS, "zipf_exponent", "real"),
    field(replication.compare, replication.DEFAULTS, "workload", "choice"),
    field(replication.compare, replication.DEFAULTS, "max_copies", "count"),
    # serving
    arg(serving.ServerConfig, "cpus", "count"),
    arg(serving.ServerConfig, "domains", "count"),
    arg(serving.ServerConfig, "platform", "choice"),
    arg(serving.ServerConfig, "ram_fraction", "real"),
    arg(serving.ServerConfig, "pages_per_mbuf", "count"),
    arg(serving.simulate, "events", "count", _NET),
    arg(serving.simulate, "warmup", "count", _NET, events=100),
    arg(serving.scaling, "max_cpus", "count"),
    arg(serving.usl_fit, "cpus", "real_array", throughput=[1.0, 2.0, 3.0]),
    pos(serving.sweep, 0, "knob", "choice", [1]),
    # balancing
    arg(balancing.cluster, "backends", "count"),
    arg(balancing.cluster, "heterogeneity", "real"),
    arg(balancing.cluster, "speeds", "real_array"),
    arg(balancing.workload, "load", "real", balancing.cluster(2), requests=10),
    arg(balancing.workload, "requests", "count", balancing.cluster(2)),
    arg(balancing.workload, "service", "choice", balancing.cluster(2), requests=10),
    arg(balancing.erlang_c, "servers", "count", offered=0.5),
    arg(balancing.mm1_response, "arrival_rate", "real", service_rate=2.0),
    arg(balancing.mmc_wait, "servers", "count", 1.0, 2.0),
    arg(balancing.supermarket_tail, "length", "count", 0.5),
    field(balancing.run, balancing.DEFAULTS, "backends", "count"),
    field(balancing.run, balancing.DEFAULTS, "load", "real"),
    field(balancing.run, balancing.DEFAULTS, "requests", "count"),
    field(balancing.run, balancing.DEFAULTS, "algorithm", "choice"),
    # caching
    pos(caching.simulate, 0, "policy", "choice", [1, 2], [1, 1], 2),
    pos(caching.simulate, 1, "obj_ids", "int_array", "lru", [1, 1], 2),
    pos(caching.simulate, 2, "sizes", "int_array", "lru", [1, 2], 2),
    pos(caching.simulate, 3, "capacity_bytes", "count", "lru", [1, 2], [1, 1]),
    arg(caching.hit_ratio_curves, "capacities", "int_array", [1, 2], [1, 1]),
    arg(caching.next_use, "obj_ids", "int_array"),
    arg(caching.one_hit_wonders, "obj_ids", "int_array"),
    arg(caching.ranked_fill, "capacity_bytes", "count", [1, 2], [1, 1]),
    # popularity
    field(popularity.make_catalogue, popularity.CatalogueParams(n_titles=5), "n_titles", "count"),
    field(popularity.make_catalogue, popularity.CatalogueParams(n_titles=5), "film_share", "real"),
    arg(popularity.title_sessions, "n_titles", "count", zipf_exponent=1.0, sessions=10.0),
    arg(popularity.title_sessions, "zipf_exponent", "real", n_titles=10, sessions=10.0),
    arg(popularity.study, "target_efficiency", "real", popularity.CatalogueParams(n_titles=5)),
    arg(popularity.study, "capacity_fraction", "real", popularity.CatalogueParams(n_titles=5)),
    # prediction
    arg(prediction.daily_title_views, "n_titles", "count", n_days=5),
    arg(prediction.daily_title_views, "n_days", "count", n_titles=5),
    arg(prediction.synthetic_daily_views, "n_files", "count", n_days=5),
    arg(prediction.predict, "method", "choice", np.ones((3, 4)), 2),
    arg(prediction.predict, "day", "count", np.ones((3, 4))),
    field(prediction.run, prediction.NightlyParams(n_titles=5, n_days=3), "capacity_fraction", "real"),
    field(prediction.run, prediction.NightlyParams(n_titles=5, n_days=3), "n_days", "count"),
    # sweep
    arg(sweep.plan, "chunk_size", "count", "hashing", {"servers": [2, 3]}),
    arg(sweep.plan, "seed", "count", "hashing", {"servers": [2, 3]}),
    arg(sweep.plan, "study", "choice", grid={"servers": [2, 3]}),
    arg(sweep.run, "workers", "count", "hashing", {"servers": [2]}, out="/nonexistent-never-created"),
    arg(sweep.point_seed, "seed", "count", "hashing", {}),
]


def _names(exc: BaseException) -> str:
    return str(exc).lower().replace("-", "_")


@pytest.mark.parametrize("entry", ENTRIES, ids=[f"{e.name}:{e.param}:{e.kind}" for e in ENTRIES])
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_malformed_values_are_refused_by_name(entry, data):
    value = data.draw(KINDS[entry.kind], label=entry.param)
    with pytest.raises((ValueError, TypeError)) as refused:
        entry.call(value)
    assert type(refused.value) in (ValueError, TypeError), repr(refused.value)  # not a subclass (polars, numba)
    assert entry.param.lower() in _names(refused.value), f"{entry.param!r} not named in: {refused.value}"


# --- the CLI: every numeric option of every subcommand ---------------------------------------------------

CLI = [
    ("caching", "--capacity-fraction", "real"),
    ("ranking", "--target", "real"), ("ranking", "--concentration", "real"), ("ranking", "--zipf", "real"),
    ("ranking", "--titles", "count"), ("ranking", "--seed", "count"),
    ("prediction", "--days", "count"), ("prediction", "--capacity-fraction", "real"),
    ("prediction", "--budget-fraction", "real"), ("prediction", "--seed", "count"),
    ("orchestration", "--nodes", "count"),
    ("sweep", "--workers", "count"), ("sweep", "--seed", "count"), ("sweep", "--chunk-size", "count"),
]
CLI_TEXT = {
    "count": st.sampled_from(["1.5", "nan", "inf", "-inf", "", "ten", "1e400", str(2**64), "0x"]),
    "real": st.sampled_from(["nan", "inf", "-inf", "", "ten", "1e400", "-1e400", "0.5.5"]),
}
_ZIPF = {"--zipf"}  # named "zipf_exponent" by the model


@pytest.mark.parametrize(("command", "option", "kind"), CLI, ids=[f"{c}{o}" for c, o, _ in CLI])
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_cli_options_refuse_malformed_values_by_name(command, option, kind, data, capsys, tmp_path):
    text = data.draw(CLI_TEXT[kind], label=option)
    args = [command, f"{option}={text}"]
    if command == "sweep":
        args += ["--study", "hashing", "--grid", "servers=2", "--out", str(tmp_path / "s"), "--no-progress"]
    with pytest.raises(SystemExit) as stop:
        main(args)
    err = capsys.readouterr().err
    assert stop.value.code == 2, err
    assert "Traceback" not in err
    named = option.lstrip("-").replace("-", "_") if option not in _ZIPF else "zipf_exponent"
    assert option in err or named in err.replace("-", "_"), err
