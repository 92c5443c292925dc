"""Chapter 9 (appendix), "Sweeps": every study's model over a parameter grid, in this process, on a process pool or on Dask.

    from labcdn import sweep
    lf = sweep.run("ranking", {"concentration": [0, 1, 2], "zipf_exponent": [0.6, 0.85]},
                   out="sweeps/ranking", seed=0)
    lf.collect()

or on the command line ``labcdn sweep --study ranking --grid concentration=0:2:21
--grid zipf_exponent=0.5:1.2:15 --out sweeps/ranking`` (``--workers 2`` for a
local pool, ``--scheduler tcp://HOST:PORT`` for a Dask cluster).

==========================  ================================================================
:func:`run`                 evaluate a grid; resumable; returns a lazy scan of the partitions
:func:`execute`             :func:`run`, and how many chunks it computed and reused
:func:`plan`                the manifest and chunks of a sweep, without running it
:func:`evaluate`            the rows a sweep writes for one point (to check committed results)
:func:`status`              how far the sweep in a folder has got
:func:`point_seed`          each point's seed (``SeedSequence`` keyed by the point's hash)
:func:`parse_grid`          ``--grid`` text to a grid
:func:`code_version`        what a study's results depend on (a resumed sweep must match it)
:func:`committed`           a sweep result committed under ``data/sweeps/`` (:func:`available` lists them)
==========================  ================================================================

:data:`STUDIES` names every study (:mod:`~labcdn.sweep.registry`); each one's point function lives in the
package it serves (``labcdn.<package>.sweep_point``). Modules:
:mod:`~labcdn.sweep.grid` (points and seeds), :mod:`~labcdn.sweep.partitions`
(the folder: manifest, atomic partitions, checksum journal),
:mod:`~labcdn.sweep.backends` (where chunks run), :mod:`~labcdn.sweep.provenance`
(code version), :mod:`~labcdn.sweep.driver` (:func:`run`), :mod:`~labcdn.sweep.archive`
(results committed under ``data/sweeps/``).
"""

from labcdn.sweep.archive import available, committed
from labcdn.sweep.backends import connect
from labcdn.sweep.driver import (
    Outcome,
    check_collect,
    check_out,
    default_chunk_size,
    evaluate,
    execute,
    plan,
    run,
)
from labcdn.sweep.grid import parse_grid, point_seed, points
from labcdn.sweep.partitions import Manifest, status
from labcdn.sweep.provenance import code_version
from labcdn.sweep.registry import STUDIES, Study

__all__ = [
    "STUDIES",
    "Manifest",
    "Outcome",
    "Study",
    "available",
    "check_collect",
    "check_out",
    "committed",
    "connect",
    "code_version",
    "default_chunk_size",
    "evaluate",
    "execute",
    "parse_grid",
    "plan",
    "point_seed",
    "points",
    "run",
    "status",
]
