"""The driver: plan a sweep, hand its chunks to a backend, write each partition as it arrives."""

from __future__ import annotations

import hashlib
import math
import os
import platform
import sys
from pathlib import Path
from typing import NamedTuple

import numba
import numpy as np
import polars as pl
from tqdm import tqdm

import labcdn
from labcdn._validation import check_range
from labcdn.sweep import backends, registry
from labcdn.sweep.checks import check_points
from labcdn.sweep.grid import canonical, column_types, grid_hash, point_seed, points
from labcdn.sweep.partitions import Manifest, Store
from labcdn.sweep.provenance import code_version

#: Partitions a sweep is cut into by default: enough to keep a few hundred workers busy and to lose
#: little on a kill, few enough that the folder stays small.
TARGET_CHUNKS = 256


def default_chunk_size(n_points: int) -> int:
    """Points per chunk when none is given; it depends on the grid only, never on the backend.

    Parameters
    ----------
    n_points : int

    Returns
    -------
    int
        ``ceil(n_points / 256)``, at least 1.
    """
    return max(1, math.ceil(n_points / TARGET_CHUNKS))


def _jsonable_grid(grid):
    def plain(v):
        if isinstance(v, np.generic):
            return v.item()
        if isinstance(v, np.ndarray | range | tuple | list):
            return [plain(x) for x in v]
        if isinstance(v, dict):
            return {str(k): plain(x) for k, x in v.items()}
        return v

    out = plain(dict(grid) if isinstance(grid, dict) else list(grid))
    try:
        canonical(out)
    except (TypeError, ValueError):
        return None
    return out


def plan(study: str, grid, *, seed: int = 0, chunk_size: int | None = None):
    """Expand a sweep without running it: the manifest and the chunks ``(chunk, first, points, seeds)``.

    Parameters
    ----------
    study : str
        A name from :data:`labcdn.sweep.STUDIES`.
    grid : mapping or sequence of mappings
        See :func:`labcdn.sweep.grid.points`.
    seed : int
        Sweep seed.
    chunk_size : int, optional
        Points per partition (default :func:`default_chunk_size`).

    Returns
    -------
    manifest : Manifest
    chunks : list of tuple
    """
    s = registry.get(study)
    full, columns = points(s.defaults, grid)
    check_points(s.name, full)
    types = column_types(full, columns)
    seeds = [point_seed(seed, s.name, p) for p in full]
    n = len(full)
    cs = default_chunk_size(n) if chunk_size is None else check_range("chunk_size", chunk_size, 1, None, integer=True)
    n_chunks = math.ceil(n / cs)
    created = {"labcdn": labcdn.__version__, "python": platform.python_version(), "numpy": np.__version__,
               "numba": numba.__version__, "polars": pl.__version__}
    manifest = Manifest(study=s.name, grid_hash=grid_hash(s.name, full), code_version=code_version(s), seed=int(seed),
                        chunk_size=cs, n_points=n, n_chunks=n_chunks, columns=types, grid=_jsonable_grid(grid),
                        created=created)
    chunks = [(c, c * cs, full[c * cs:(c + 1) * cs], seeds[c * cs:(c + 1) * cs]) for c in range(n_chunks)]
    return manifest, chunks


class Outcome(NamedTuple):
    """What :func:`execute` did.

    Attributes
    ----------
    frame : polars.LazyFrame
        The sweep's rows, as :func:`run` returns them.
    computed : int
        Chunks computed by this call (missing ones, and damaged ones it repaired).
    reused : int
        Chunks found complete and sound in ``out`` and kept.
    backend : str
        ``"in-process"``, ``"process pool"`` or ``"dask"``.
    """

    frame: pl.LazyFrame
    computed: int
    reused: int
    backend: str


def run(study: str, grid, *, out, client=None, workers: int | None = None, seed: int = 0,
        chunk_size: int | None = None, progress: bool = True, report=None) -> pl.LazyFrame:
    """Evaluate a study over a parameter grid, writing one Parquet partition per finished chunk.

    Run it again with the same arguments after an interruption (even ``kill -9``)
    and it computes only what is missing. Every point's seed derives from
    ``seed`` and the point alone (:func:`labcdn.sweep.point_seed`), so the
    result does not depend on the backend.

    Parameters
    ----------
    study : str
        A name from :data:`labcdn.sweep.STUDIES` (``ranking``, ``prediction``, ``hashing``,
        ``serving``, ``balancing``, ``orchestration``, ``replication``).
    grid : mapping or sequence of mappings
        ``{name: values}`` for the Cartesian product (last name varying fastest) or
        an explicit list of ``{name: value}`` points; unnamed parameters keep the
        study's defaults. ``replicate`` (int) repeats a configuration with a new seed.
    out : path
        Folder of the sweep: ``manifest.json``, ``journal.tsv``, ``part-NNNNN.parquet``.
        A folder holding a different sweep (grid, seed, chunking or code version) is refused.
    client : distributed.Client, optional
        Compute on this Dask cluster (its dashboard address is printed on stderr).
    workers : int, optional
        Without ``client``: 1 (default) computes in this process, more uses a local
        process pool of that many workers.
    seed : int
        Sweep seed (non-negative).
    chunk_size : int, optional
        Points per partition; default ``ceil(points / 256)``. It must stay the same
        when a sweep is resumed.
    progress : bool
        tqdm bar on stderr: points done, rate, ETA.
    report : callable, optional
        Receives a line for each damaged or leftover file found on start (default: stderr).

    Returns
    -------
    polars.LazyFrame
        A scan of every partition in point order: ``point``, the grid's parameters,
        ``seed``, then the study's result columns (one or a few rows per point).
    """
    return execute(study, grid, out=out, client=client, workers=workers, seed=seed, chunk_size=chunk_size,
                   progress=progress, report=report).frame


def execute(study: str, grid, *, out, client=None, workers: int | None = None, seed: int = 0,
            chunk_size: int | None = None, progress: bool = True, report=None) -> Outcome:
    """:func:`run`, also saying how many chunks were computed now and how many were reused.

    Parameters
    ----------
    study, grid, out, client, workers, seed, chunk_size, progress, report
        As for :func:`run`.

    Returns
    -------
    Outcome
    """
    if client is not None and workers not in (None, 1):
        raise ValueError("pass either client (a Dask cluster) or workers (a local pool), not both")
    workers = 1 if workers is None else check_range("workers", workers, 1, 4096, integer=True)
    out = check_out(out)
    manifest, chunks = plan(study, grid, seed=seed, chunk_size=chunk_size)
    store = Store(out, manifest, report)
    try:
        return _run(store, manifest, chunks, client, workers, progress)
    finally:
        store.close()


def check_out(out) -> Path:
    """The sweep folder as a path; ``""`` (which would be the current directory) is refused.

    Parameters
    ----------
    out : str or path

    Returns
    -------
    pathlib.Path
    """
    if isinstance(out, bool) or not isinstance(out, str | os.PathLike):
        raise ValueError(f"out={out!r} must be a folder path")
    if not os.fspath(out).strip():
        raise ValueError(f"out={os.fspath(out)!r} is empty; name the sweep's folder (it would otherwise write "
                         "into the current directory)")
    return Path(out)


def check_collect(path) -> Path:
    """Check, before a sweep runs, that its rows can be written to ``path`` (``.csv`` or ``.parquet``).

    Parameters
    ----------
    path : str or path

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ValueError
        Naming the path: empty, a folder, in a folder that does not exist, or not writable.
    """
    if not os.fspath(path).strip():
        raise ValueError("collect='' is empty; name a .csv or .parquet file")
    target = Path(path)
    folder = target.parent
    if target.is_dir():
        raise ValueError(f"collect={str(target)!r} is a folder; name a .csv or .parquet file")
    if not folder.is_dir():
        raise ValueError(f"collect={str(target)!r}: {str(folder)!r} is not an existing folder")
    if not os.access(target if target.exists() else folder, os.W_OK):
        raise ValueError(f"collect={str(target)!r} cannot be written (permission denied)")
    return target


def _run(store, manifest, chunks, client, workers, progress) -> Outcome:
    done = store.verify()
    todo = [c for c in chunks if c[0] not in done]
    if client is not None:
        backend = "dask"
        print(f"sweep: Dask cluster at {client.scheduler.address}, dashboard {client.dashboard_link}", file=sys.stderr)
        tag = hashlib.sha256(canonical([manifest.grid_hash, manifest.code_version, manifest.seed,
                                        manifest.chunk_size]).encode()).hexdigest()[:16]
        results = backends.dask_cluster(manifest.study, todo, manifest.columns, client, tag, manifest.code_version)
    elif workers > 1 and len(todo) > 1:
        backend = "process pool"
        results = backends.process_pool(manifest.study, todo, manifest.columns, workers, manifest.code_version)
    else:
        backend = "in-process"
        results = backends.in_process(manifest.study, todo, manifest.columns)
    sizes = {c: len(pts) for c, _, pts, _ in chunks}
    with tqdm(total=manifest.n_points, initial=sum(sizes[c] for c in done), unit="point",
              desc=f"sweep {manifest.study}",
              file=sys.stderr, disable=not progress, smoothing=0.05, dynamic_ncols=True) as bar:
        for chunk, frame in results:
            store.write(chunk, frame)
            bar.update(sizes[chunk])
    return Outcome(store.scan(), len(todo), len(done), backend)


def evaluate(study: str, params: dict, *, seed: int = 0) -> pl.DataFrame:
    """The rows a sweep with sweep seed ``seed`` writes for one point (without the ``point`` column).

    Parameters
    ----------
    study : str
    params : dict
        The point's parameters (others keep their defaults; ``replicate`` allowed).
    seed : int
        Sweep seed.

    Returns
    -------
    polars.DataFrame
        The named parameters, ``seed``, then the study's result columns.
    """
    manifest, chunks = plan(study, [params], seed=seed, chunk_size=1)
    (_, first, pts, seeds), = chunks
    return backends.evaluate_chunk(manifest.study, first, pts, seeds, manifest.columns).drop("point")
