"""What each algorithm costs: table build time, lookup throughput, memory.

Times are wall-clock on the machine that runs them (best of ``repeat`` after
one warm-up run, so compilation is excluded); print them in the chapter, never
assert them.
"""

from __future__ import annotations

import time

import polars as pl

from labcdn._validation import check_range
from labcdn.hashing.algorithms import ALGORITHMS, DEFAULTS, build
from labcdn.hashing.balance import algorithm_list
from labcdn.hashing.keys import key_catalog


def best_time(fn, repeat):
    """Best wall time of ``fn()`` over ``repeat`` runs, after one untimed run.

    Parameters
    ----------
    fn : callable
        Work to time.
    repeat : int
        Timed runs.

    Returns
    -------
    float
        Seconds.
    """
    fn()
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def costs(algorithms=ALGORITHMS, *, servers=DEFAULTS.servers, files=DEFAULTS.files, vnodes=DEFAULTS.vnodes,
          table_size=DEFAULTS.table_size, balance_factor=DEFAULTS.balance_factor, seed=DEFAULTS.seed,
          repeat=3):
    """Build time, lookup time per key and lookup-state memory of each algorithm.

    Parameters
    ----------
    algorithms : str or sequence of str
        Algorithms to measure.
    servers, files, vnodes, table_size, balance_factor, seed
        As for :func:`labcdn.hashing.balance`; ``files`` keys are looked up.
    repeat : int
        Timed runs (the best is kept), in [1, 100].

    Returns
    -------
    polars.DataFrame
        One row per algorithm: ``algorithm, servers, build_ms,
        lookup_ns_per_key, lookups_per_s, memory_bytes``.

    References
    ----------
    .. [1] Eisenbud et al. (2016), 5.3: Maglev table generation 1.8 ms for
       M = 65,537 and 22.9 ms for M = 655,373.
    """
    repeat = check_range("repeat", repeat, 1, 100, integer=True)
    keys = key_catalog(files, seed=seed)
    params = {"vnodes": vnodes, "table_size": table_size, "balance_factor": balance_factor}
    rows = []
    for name in algorithm_list(algorithms):
        table = build(name, servers, **params)
        build_s = best_time(lambda name=name: build(name, servers, **params), repeat)
        lookup_s = best_time(lambda table=table: table.lookup(keys), repeat)
        rows.append({"algorithm": name, "servers": table.servers.size, "build_ms": 1e3 * build_s,
                     "lookup_ns_per_key": 1e9 * lookup_s / keys.size, "lookups_per_s": keys.size / lookup_s,
                     "memory_bytes": int(table.nbytes)})
    return pl.DataFrame(rows)
