"""labcdn.caching.simulate against libcachesim's C core on the same Zipf trace.

Input: Zipf(alpha=0.9) object popularity, 1e6 requests over 1e5 objects
(quick: 1e5 over 1e4), log-normal object sizes (median 32 kB, sigma 1), a cache
of 10% of the trace's footprint.

- labcdn, timed: the whole ``simulate`` call (argument checks, id remapping,
  size-consistency check, for Belady the next-use pass, the policy kernel and
  the tallies).
- libcachesim, timed: ``cache.process_trace(reader)``, i.e. its C loop reading
  the requests from an oracleGeneral binary trace (which carries the next-access
  times Belady needs) and running the cache. Not timed: writing the trace file,
  opening the reader, constructing the cache. Two rows per policy: libcachesim's
  default hash table (``hashpower=24``) and one sized to the trace.

Each pair is checked to give the same miss ratios before it is timed.
"""

from __future__ import annotations

import math
import sys
import tempfile
from pathlib import Path

import numpy as np
from _harness import Comparison, best_of

from labcdn.caching import POLICIES, next_use, simulate

ORACLE_GENERAL = np.dtype([("time", "<u4"), ("obj_id", "<u8"), ("obj_size", "<u4"), ("next", "<i8")])


def zipf_trace(n_req, n_obj, alpha=0.9, seed=0):
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, n_obj + 1) ** alpha
    ids = rng.choice(n_obj, size=n_req, p=weights / weights.sum())
    obj_size = (rng.lognormal(math.log(32e3), 1.0, size=n_obj) + 1).astype(np.int64)
    return ids.astype(np.int64), obj_size[ids]


def write_oracle_general(path, ids, sizes):
    nxt = next_use(ids)
    rec = np.zeros(ids.size, dtype=ORACLE_GENERAL)
    rec["time"] = np.arange(ids.size)
    rec["obj_id"] = ids
    rec["obj_size"] = sizes
    rec["next"] = np.where(nxt == ids.size, -1, nxt)  # the reader maps -1 to "never"
    rec.tofile(path)


def run(quick: bool = False) -> list[Comparison]:
    import libcachesim as lcs

    n_req, n_obj = (100_000, 10_000) if quick else (1_000_000, 100_000)
    repeat, warmup = (3, 1) if quick else (5, 1)
    ids, sizes = zipf_trace(n_req, n_obj)
    _, first = np.unique(ids, return_index=True)
    capacity = int(0.1 * sizes[first].sum())
    peers = {"lru": lcs.LRU, "fifo": lcs.FIFO, "lfu": lcs.LFU, "belady": lcs.Belady}
    fitted = max(10, math.ceil(math.log2(first.size)))
    label = f"{n_req:.0e} req, {first.size} obj, cache 10% of footprint"
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "zipf.oracleGeneral.bin"
        write_oracle_general(path, ids, sizes)
        reader = lcs.TraceReader(str(path), lcs.TraceType.ORACLE_GENERAL_TRACE)
        for policy in POLICIES:
            ours = simulate(policy, ids, sizes, capacity)
            labcdn_s = best_of(lambda p=policy: simulate(p, ids, sizes, capacity), repeat, warmup)
            for hashpower in (24, fitted):
                miss, byte_miss = peers[policy](capacity, hashpower=hashpower).process_trace(reader)
                if round(miss * n_req) != ours.misses or not math.isclose(
                    byte_miss, 1 - ours.byte_hit_ratio, rel_tol=1e-9, abs_tol=1e-12
                ):
                    raise AssertionError(f"{policy}: libcachesim miss ratio {miss} != labcdn {ours.misses / n_req}")
                caches = [peers[policy](capacity, hashpower=hashpower) for _ in range(repeat + warmup)]
                peer_s = best_of(lambda c=caches: c.pop().process_trace(reader), repeat, warmup)
                rows.append(
                    Comparison(
                        name=f"simulate {policy}",
                        size=label,
                        labcdn_s=labcdn_s,
                        peer=f"libcachesim {lcs.__version__} process_trace, hashpower={hashpower}",
                        peer_s=peer_s,
                    )
                )
                del caches
    return rows


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(f"{row.name:16s} {row.size:40s} labcdn {row.labcdn_s * 1e3:8.2f} ms  "
              f"{row.peer:48s} {row.peer_s * 1e3:8.2f} ms  ratio {row.ratio:5.2f}")
