"""Benchmarks for labcdn.replication, same input, one process (benchmarks are not tests).

Target from issue 5: per-server load for 10^6 files on 100 servers in <= 100 ms
warm. Peers: a NumPy equal split (``np.repeat`` + ``np.bincount``) for the
expected loads; uhashring's ``range(key, size)`` (distinct successors on its
ring) for placing N copies; a plain Python loop for request-level
least-loaded-of-d routing. The balanced (least-loaded) allocation has no
peer installed (no LP or max-flow library): it is timed against the target.
"""

from __future__ import annotations

import numpy as np
from _harness import Comparison, best_of
from uhashring import HashRing

import labcdn.hashing as H
import labcdn.replication as R


def _numpy_split(placement, demand):
    copies = placement.copies()
    return np.bincount(placement.holders, weights=np.repeat(demand / copies, copies), minlength=placement.servers)


def bench_loads(quick):
    files = 100_000 if quick else 1_000_000
    keys = H.key_catalog(files, seed=0)
    demand = H.zipf_demand(files, 0.8)
    out = []
    for rule in ("none", "popularity", "uniform"):
        copies = R.copy_counts(demand, rule, 100)
        placement = R.place(keys, copies, 100)
        np.testing.assert_allclose(_numpy_split(placement, demand),
                                   R.server_loads(placement, demand, routing="random").load, rtol=1e-9)
        size = f"{files:,} files, 100 servers, {rule} copies"
        out.append(Comparison("expected loads, random copy", size,
                              best_of(lambda p=placement: R.server_loads(p, demand, routing="random")),
                              "NumPy repeat + bincount", best_of(lambda p=placement: _numpy_split(p, demand))))
        out.append(Comparison("place + loads, least loaded (balanced)", size,
                              best_of(lambda c=copies: R.server_loads(R.place(keys, c, 100), demand,
                                                                      routing="least_loaded"), repeat=3),
                              "none (target 100 ms)", None))
    return out


def bench_placement(quick):
    files = 5_000 if quick else 100_000
    names = [f"oca-{i}" for i in range(100)]
    ring = HashRing(nodes=names)
    key_names = [f"file-{i}" for i in range(files)]
    keys = H.hash_keys(np.arange(files))
    copies = np.full(files, 3)
    repeat = 1 if quick else 3
    return [Comparison("place 3 copies on a ring (distinct successors)", f"{files:,} files, 100 servers",
                       best_of(lambda: R.place(keys, copies, 100)), "uhashring range(key, 3)",
                       best_of(lambda: [list(ring.range(k, 3)) for k in key_names], repeat=repeat))]


def _python_least_loaded(holders, files, draws, servers):
    load = [0] * servers
    for r, f in enumerate(files):
        a, b = holders[f][int(draws[r][0] * 3)], holders[f][int(draws[r][1] * 3)]
        load[a if load[a] <= load[b] else b] += 1
    return load


def bench_requests(quick):
    requests = 100_000 if quick else 1_000_000
    keys = H.key_catalog(100_000, seed=1)
    demand = H.zipf_demand(keys.size, 0.8)
    placement = R.place(keys, np.full(keys.size, 3), 100)
    lists = [placement.holders[placement.offsets[i]:placement.offsets[i + 1]].tolist() for i in range(keys.size)]
    gen = np.random.default_rng(2)
    files = gen.integers(0, keys.size, requests).tolist()
    draws = gen.random((requests, 2)).tolist()
    return [Comparison("requests, least loaded of 2 copies", f"{requests:,} requests, 100 servers",
                       best_of(lambda: R.simulate_requests(placement, demand, requests, routing="least_loaded",
                                                           choices=2, seed=3), repeat=3),
                       "Python loop (files and draws given)",
                       best_of(lambda: _python_least_loaded(lists, files, draws, 100), repeat=1))]


def bench_study(quick):
    work = R.workload()
    return [Comparison("compare(): 3 copy rules x 3 routings + failures", "chapter defaults",
                       best_of(lambda: R.compare(work=work), repeat=1 if quick else 3), "none", None)]


def run(quick: bool = False) -> list[Comparison]:
    """Time labcdn.replication and its peers; ``quick=True`` finishes in a few seconds."""
    return bench_loads(quick) + bench_placement(quick) + bench_requests(quick) + bench_study(quick)


if __name__ == "__main__":
    import sys

    for c in run(quick="--quick" in sys.argv):
        ratio = "" if c.ratio is None else f"  x{c.ratio:.1f}"
        peer = "" if c.peer_s is None else f"{c.peer_s * 1e3:9.2f} ms"
        print(f"{c.name:50s} {c.size:40s} {c.labcdn_s * 1e3:9.2f} ms  {c.peer:40s} {peer}{ratio}")
