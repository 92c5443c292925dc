"""Where chunks are computed: in this process, on a local process pool, or on a Dask cluster.

Each backend takes the chunks still to do and yields ``(chunk, frame)`` as
chunks finish, in whatever order they finish; the driver writes each frame as
its partition. A chunk's frame is computed by :func:`evaluate_chunk`, the same
function everywhere, from the same points and seeds, so every backend yields
the same frames. The pool uses the ``spawn`` start method (no fork of a process
that already runs polars' and numba's threads), and each worker exits when the process that started it
dies (:func:`die_with_parent`); Dask uses its own futures and
:func:`distributed.as_completed`.
"""

from __future__ import annotations

import concurrent.futures as cf
import ctypes
import functools
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time

import polars as pl

from labcdn.sweep import registry
from labcdn.sweep.provenance import code_version


@functools.cache
def _worker_code_version(study: str) -> str:
    """This worker process's code version of ``study`` (a worker never sees its code change under it)."""
    return code_version(registry.get(study))


def evaluate_chunk(study: str, first: int, points: list[dict], seeds: list[int], columns: dict,
                   code: str | None = None) -> pl.DataFrame:
    """Run ``study``'s point function on consecutive points; one frame with the point columns first.

    Parameters
    ----------
    study : str
        Registered study name.
    first : int
        Index of the first point in the grid.
    points : list of dict
        Full points (as :func:`labcdn.sweep.grid.points` returns them).
    seeds : list of int
        Each point's seed.
    columns : dict
        Grid column -> polars dtype name; these columns lead each row.
    code : str, optional
        The sweep's code version; a worker whose own differs refuses the chunk
        (on a cluster, every worker must run the same labcdn as the driver).

    Returns
    -------
    polars.DataFrame
        ``point``, the grid columns, ``seed``, then the study's result columns.
    """
    s = registry.get(study)
    if code is not None and _worker_code_version(study) != code:
        raise RuntimeError(f"this worker ({socket.gethostname()}, pid {os.getpid()}) runs study {study!r} at code "
                           f"version {_worker_code_version(study)}, the sweep's is {code}: install the same labcdn "
                           "on every worker as on the machine that starts the sweep")
    frames = []
    for k, (params, seed) in enumerate(zip(points, seeds, strict=True)):
        model_params = {name: v for name, v in params.items() if name != "replicate"}
        where = f"study {study!r}, point {first + k} ({model_params}, seed {seed})"
        try:
            result = s.point(model_params, seed)
        except ValueError as exc:  # a parameter out of range: say which point, keep the model's message
            raise ValueError(f"{exc} [{where}]") from exc
        except Exception as exc:
            exc.add_note(f"in sweep of {where}")
            raise
        clash = {"point", "seed", *columns} & set(result.columns)
        if clash:
            raise ValueError(f"study {study!r} returns columns {sorted(clash)} that clash with the point's columns")
        n = result.height
        head = pl.DataFrame({"point": [first + k] * n, **{c: [params[c]] * n for c in columns}, "seed": [seed] * n},
                            schema={"point": pl.Int64, **{c: getattr(pl, t) for c, t in columns.items()},
                                    "seed": pl.Int64})
        frames.append(head.hstack(result))
    return pl.concat(frames, how="vertical")


def in_process(study, tasks, columns):
    """Compute each chunk here, one after the other.

    Parameters
    ----------
    study : str
    tasks : list of tuple
        ``(chunk, first, points, seeds)`` as :func:`labcdn.sweep.plan` makes them.
    columns : dict
        Grid column -> polars dtype name.

    Yields
    ------
    chunk : int
    frame : polars.DataFrame
        :func:`evaluate_chunk`'s rows.
    """
    for chunk, first, points, seeds in tasks:
        yield chunk, evaluate_chunk(study, first, points, seeds, columns)


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(parent: int) -> None:
    """Make this process exit when process ``parent`` dies (a pool worker's initializer).

    On Linux the kernel delivers SIGKILL when the parent goes (``prctl(PR_SET_PDEATHSIG)``, through
    ctypes), however it goes: ``kill -9``, a crash, Ctrl-C. Elsewhere, and as a second line of
    defence, a daemon thread polls the parent's pid once a second. A parent that died before this
    ran is noticed at once. Without this a killed sweep's workers (hundreds of MB each) and
    multiprocessing's resource tracker stay alive forever, blocked on a queue nobody writes.

    Parameters
    ----------
    parent : int
        The pid of the process that started the pool.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no libc prctl: the watchdog alone
            pass
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="labcdn-parent-watchdog", daemon=True).start()


def _pool_worker(parent: int) -> None:
    """Initializer of a pool worker: Ctrl-C is the driver's to handle (no traceback per worker); die with it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def process_pool(study, tasks, columns, workers: int, code: str):
    """Compute chunks on ``workers`` local processes (``spawn``), yielding each as it finishes.

    Parameters
    ----------
    study, tasks, columns
        As for :func:`in_process`.
    workers : int
        Processes in the pool.
    code : str
        The sweep's code version (each worker checks its own against it).

    Yields
    ------
    chunk : int
    frame : polars.DataFrame
    """
    ctx = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_pool_worker,
                                initargs=(os.getpid(),)) as pool:
        futures = {pool.submit(evaluate_chunk, study, first, points, seeds, columns, code): chunk
                   for chunk, first, points, seeds in tasks}
        stopped = False
        try:
            for fut in cf.as_completed(futures):
                yield futures[fut], fut.result()
        except BaseException:  # Ctrl-C, or the driver stopped: end the chunks in flight instead of waiting
            # No cancel() here: the pool marks every pending future broken once its workers are gone, and
            # a future cancelled meanwhile makes CPython 3.11's pool thread fail (InvalidStateError).
            stopped = True
            for proc in list((getattr(pool, "_processes", None) or {}).values()):
                proc.terminate()
            raise
        finally:
            if not stopped:
                for fut in futures:
                    fut.cancel()


def connect(address: str, timeout: float = 10.0):
    """A ``distributed.Client`` on the scheduler at ``address``, or a ``ValueError`` naming it, at once.

    The scheduler's port is tried first with a plain TCP connection (``timeout`` seconds at most), so
    a wrong address fails in a moment instead of after Dask's 30 s connect timeout.

    Parameters
    ----------
    address : str
        ``tcp://HOST:PORT`` (or ``HOST:PORT``).
    timeout : float
        Seconds to wait for the scheduler.

    Returns
    -------
    distributed.Client
    """
    from urllib.parse import urlsplit

    url = urlsplit(address if "://" in address else f"tcp://{address}")
    try:
        host, port = url.hostname, url.port
    except ValueError:
        host = port = None
    if url.scheme != "tcp" or not host or not port:
        raise ValueError(f"scheduler={address!r} must read tcp://HOST:PORT")
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        raise ValueError(f"cannot reach the Dask scheduler at {address} ({exc.strerror or exc}); is it running, "
                         "and is the address right?") from None
    from distributed import Client

    try:
        return Client(address, timeout=timeout)
    except (OSError, TimeoutError) as exc:
        raise ValueError(f"the Dask scheduler at {address} did not answer ({exc})") from None


def dask_cluster(study, tasks, columns, client, tag: str, code: str):
    """Compute chunks on a Dask cluster: one future per chunk, gathered with ``distributed.as_completed``.

    Parameters
    ----------
    study, tasks, columns
        As for :func:`in_process`.
    client : distributed.Client
    tag : str
        Part of every future's key (``labcdn-sweep-<tag>-<chunk>``): the same sweep gives the same keys.
    code : str
        The sweep's code version (each worker checks its own against it).

    Yields
    ------
    chunk : int
    frame : polars.DataFrame
    """
    from distributed import as_completed

    futures = {}
    for chunk, first, points, seeds in tasks:
        fut = client.submit(evaluate_chunk, study, first, points, seeds, columns, code,
                            key=f"labcdn-sweep-{tag}-{chunk}", pure=False)
        futures[fut.key] = (chunk, fut)
    try:
        for fut in as_completed([f for _, f in futures.values()]):
            yield futures[fut.key][0], fut.result()
    finally:
        client.cancel([f for _, f in futures.values()])
