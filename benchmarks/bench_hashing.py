"""Benchmarks for labcdn.hashing against its peers, same input, one process (benchmarks are not tests).

Targets from issue 4: jump >= 3x the jump-consistent-hash C extension called
per key; ketama lookups on pre-hashed keys >= 50x uhashring; a Maglev table
for M = 65,537 and 1,000 backends in <= 10 ms; balance and disruption at the
chapter's defaults in <= 100 ms warm.
"""

from __future__ import annotations

import jump as jump_peer
from _harness import Comparison, best_of
from uhashring import HashRing

import labcdn.hashing as H


def bench_jump(quick):
    size = 100_000 if quick else 1_000_000
    keys = H.key_catalog(size, seed=0)
    key_list = [int(k) for k in keys]
    peer = jump_peer.hash
    out = []
    for n in (10, 1000) if quick else (10, 1000, 100_000):
        lab = best_of(lambda n=n: H.jump(keys, n))
        ref = best_of(lambda n=n: [peer(k, n) for k in key_list], repeat=1 if quick else 3)
        out.append(Comparison("jump lookup", f"{size:,} keys, n={n:,}", lab, "jump-consistent-hash (C), per key", ref))
    return out


def bench_ketama(quick):
    size = 20_000 if quick else 200_000
    names = [f"10.0.{i // 256}.{i % 256}:11211" for i in range(100)]
    table = H.Ketama.build(len(names), names=names)
    strings = [f"/video/{i}/seg-{i % 97}.mp4" for i in range(size)]
    points = H.ketama_hash(strings)
    point_list = [int(p) for p in points]
    by_string = HashRing(nodes=names, hash_fn="ketama")
    pre_hashed = HashRing(nodes=names, hash_fn="ketama")
    pre_hashed.hashi = int  # uhashring's own bisect + dict lookup on the same pre-hashed points
    repeat = 1 if quick else 3
    return [
        Comparison("ketama lookup, pre-hashed points", f"{size:,} keys, 100 nodes",
                   best_of(lambda: table.lookup_points(points)), "uhashring get_node (hash bypassed)",
                   best_of(lambda: [pre_hashed.get_node(p) for p in point_list], repeat=repeat)),
        Comparison("ketama lookup, string keys (MD5 included)", f"{size:,} keys, 100 nodes",
                   best_of(lambda: table.lookup_names(strings), repeat=repeat), "uhashring get_node",
                   best_of(lambda: [by_string.get_node(s) for s in strings], repeat=repeat)),
        Comparison("ketama continuum build", "100 nodes", best_of(lambda: H.Ketama.build(len(names), names=names)),
                   "uhashring HashRing(...)", best_of(lambda: HashRing(nodes=names, hash_fn="ketama"), repeat=repeat)),
    ]


def bench_maglev(quick):
    sizes = (65_537,) if quick else (65_537, 655_373)
    return [Comparison("maglev table build", f"M={m:,}, N=1,000",
                       best_of(lambda m=m: H.Maglev.build(1000, table_size=m)),
                       f"none (paper: {1.8 if m == 65_537 else 22.9} ms)", None) for m in sizes]


def bench_defaults(quick):
    d = H.DEFAULTS
    common = {"servers": d.servers, "files": d.files, "vnodes": d.vnodes, "table_size": d.table_size,
              "balance_factor": d.balance_factor, "zipf_exponent": d.zipf_exponent, "seed": d.seed}
    names = ("ring", "rendezvous", "maglev") if quick else H.ALGORITHMS
    return [Comparison(f"balance + disruption at defaults: {name}", f"n={d.servers}, {d.files:,} files",
                       best_of(lambda name=name: (H.balance(name, **common), H.disruption(name, **common)),
                               repeat=3),
                       "none (target 100 ms)", None) for name in names]


def run(quick: bool = False) -> list[Comparison]:
    """Time labcdn.hashing and its peers; ``quick=True`` finishes in a few seconds."""
    return bench_jump(quick) + bench_ketama(quick) + bench_maglev(quick) + bench_defaults(quick)


if __name__ == "__main__":
    import sys

    for c in run(quick="--quick" in sys.argv):
        peer = "" if c.peer_s is None else f"{1e3 * c.peer_s:10.2f} ms  x{c.ratio:7.1f}"
        print(f"{c.name:45s} {c.size:28s} {1e3 * c.labcdn_s:9.2f} ms  {c.peer:38s} {peer}")
