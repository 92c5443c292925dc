"""Benchmark: one CPU-bound sweep on 2 Dask workers and on a 2-process pool, against the same sweep in-process.

Run as ``python benchmarks/bench_sweep.py [--quick]``. Rows:

- the speed-up of two CPU-bound sweeps with 2 workers: ``ratio`` = in-process
  time / 2-worker time (the issue's target is 1.7 or more on a 2-core
  machine). ``ranking``: each point draws a catalogue of 500 titles and ranks
  it (~0.05 s; numba kernels between numpy/polars calls that hold the GIL);
  ``orchestration``: each point is a numba discrete-event simulation of a
  10,000-node cell for an hour (~0.07 s, almost all in one kernel). A Dask
  worker runs tasks in a thread beside its event loop, and code that holds the
  GIL runs ~10-25% slower there than in a plain process; kernel-bound points
  do not pay this. The in-process baseline is not single-core either: polars
  runs its frame work on its own thread pool, so a ranking sweep in-process
  took 1.41 s against 1.63 s with ``POLARS_MAX_THREADS=1`` (measured
  2026-11-26), which caps what two workers can gain on ranking. The
  Dask cluster is started, and its workers warmed up, once, outside the timing;
  the process pool is started inside it, as ``labcdn sweep --workers 2`` does.
  In-process and Dask runs alternate, and each keeps its best time, so both
  see the same background load;
- the Dask path's overhead per grid point: near-free points (the exact serving
  model, ~0.3 ms) one per task, through the Dask backend and through the
  in-process one, without the disk (``labcdn_s`` = Dask wall time per point,
  ``peer_s`` = in-process wall time per point; the difference is the overhead);
- writing one partition (Parquet bytes, fsync, rename, journal line), which
  every backend pays per chunk;
- the cluster's start-up time, for the record;
- a calibration: 2 processes against 1 on plain CPU work. On a machine
  shared with other jobs, this is the most any 2-worker sweep can gain at
  that moment; read the sweep's speed-up beside it.

Every timed sweep writes to a fresh folder (a rerun into the same folder would
resume and compute nothing), and the backends' results are checked to be
identical before anything is reported.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

from _harness import Comparison, best_of

from labcdn import sweep
from labcdn.sweep import backends
from labcdn.sweep.partitions import Store


def _sweeper(root: Path, study, grid, **kw):
    def go():  # a fresh folder each time: the same folder would resume and compute nothing
        out = tempfile.mkdtemp(dir=root)
        return sweep.run(study, grid, out=out, seed=0, progress=False, **kw).collect()

    return go


def _alternating_best(fns, repeat: int) -> list[float]:
    """Best wall time of each function, running them in turn ``repeat`` times."""
    best = [float("inf")] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - t0)
    return best


def _spin(n: int) -> int:
    """Plain CPU work (no numba, no I/O) for the calibration row."""
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def _attainable(n: int, repeat: int) -> Comparison:
    """What 2 processes gain over 1 on plain CPU work on this machine right now (other load included)."""
    with cf.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        list(pool.map(_spin, [1000, 1000]))  # start both workers outside the timing
        two, one = _alternating_best([lambda: list(pool.map(_spin, [n] * 8)), lambda: [_spin(n) for _ in range(8)]],
                                     repeat)
    return Comparison("calibration: 2 processes vs 1 on plain CPU work", f"8 x {n} loop steps", two,
                      "1 process", one)


def _backend_overhead(client, n: int, repeat: int) -> Comparison:
    """Near-free points through the Dask backend and in-process, one point per task, no disk."""
    manifest, chunks = sweep.plan("serving", {"cpus": list(range(4, 4 + n))}, chunk_size=1)
    tag = iter(range(10**9))

    def through_dask():
        return list(backends.dask_cluster("serving", chunks, manifest.columns, client, f"bench{next(tag)}",
                                          manifest.code_version))

    def here():
        return list(backends.in_process("serving", chunks, manifest.columns))

    t_dask, t_here = _alternating_best([through_dask, here], repeat)
    return Comparison("sweep, Dask wall time per point (1 point/task, no disk)", f"{n} serving points",
                      t_dask / n, "in-process, per point", t_here / n)


def _write_cost(root: Path, repeat: int) -> Comparison:
    manifest, chunks = sweep.plan("serving", {"cpus": list(range(4, 54))}, chunk_size=1)
    frames = [frame for _, frame in backends.in_process("serving", chunks, manifest.columns)]

    def write_all():
        store = Store(tempfile.mkdtemp(dir=root), manifest, report=lambda line: None)
        for chunk, frame in enumerate(frames):
            store.write(chunk, frame)
        store.close()

    return Comparison("sweep, write one partition (Parquet, fsync, rename, journal)", "1 row",
                      best_of(write_all, repeat, warmup=0) / len(frames), "none", None)


def run(quick: bool = False) -> list[Comparison]:
    """Time the sweep in-process, on a 2-worker LocalCluster and on a 2-process pool, in this process."""
    from distributed import Client, LocalCluster

    reps = [0] if quick else [0, 1]
    heavy = {  # study -> (grid, what one point is)
        "ranking": ({"concentration": [0.0, 0.5, 1.0, 1.5], "zipf_exponent": [0.6, 0.85, 1.1],
                     "n_titles": [150 if quick else 500], "replicate": reps}, "catalogue ranked"),
        "orchestration": ({"design": ["monolithic", "two_level"], "load": [0.5, 1.0, 1.5], "nodes": [10_000],
                           "replicate": [0, 1, 2, 3]}, "scheduler DES, 1 h"),
    }
    if quick:
        del heavy["orchestration"]
    repeat = 1 if quick else 5
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                               silence_logs=logging.ERROR)
        client = Client(cluster)
        start_s = time.perf_counter() - t0
        try:
            for study, (grid, what) in heavy.items():
                serial = _sweeper(root, study, grid, chunk_size=1)
                on_dask = _sweeper(root, study, grid, chunk_size=1, client=client)
                pool = _sweeper(root, study, grid, chunk_size=1, workers=2)
                first = serial()
                if not (on_dask().equals(first) and pool().equals(first)):  # also warms the Dask workers
                    raise AssertionError("backends disagree")
                size = f"{len(sweep.plan(study, grid)[1])} {study} points ({what})"
                t_serial, t_dask = _alternating_best([serial, on_dask], repeat)
                rows.append(Comparison(f"sweep {study}, 2 Dask workers vs in-process", size, t_dask,
                                       "in-process", t_serial))
                t_serial, t_pool = _alternating_best([serial, pool], max(1, repeat // 2))
                rows.append(Comparison(f"sweep {study}, --workers 2 pool (incl. start) vs in-process", size,
                                       t_pool, "in-process", t_serial))
            rows.append(_backend_overhead(client, 50 if quick else 200, repeat))
        finally:
            client.close()
            cluster.close()
        rows.append(_write_cost(root, repeat))
    rows.append(Comparison("Dask LocalCluster(2 workers) start-up", "2 processes", start_s, "none", None))
    rows.append(_attainable(200_000 if quick else 2_000_000, repeat))
    return rows


if __name__ == "__main__":
    for c in run(quick="--quick" in sys.argv):
        peer = "" if c.peer_s is None else f"  peer {c.peer_s * 1e3:9.2f} ms  x{c.ratio:.2f}  ({c.peer})"
        print(f"{c.name:58s} {c.size:46s} labcdn {c.labcdn_s * 1e3:9.3f} ms{peer}")
