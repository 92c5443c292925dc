"""Every study the sweep can run: one parameter dict and one seed in, a small tidy frame out.

Each study's point function lives in the package it serves, in a module
``sweep_point`` that defines

- ``point(params, seed) -> polars.DataFrame``: calls the study's model through
  its public API and returns one or a few rows of results (no parameter
  columns: the sweep adds those);
- ``PARAMETERS``: every parameter a grid may set, with its default, read from
  the model's own parameter classes, whose docstrings give each value's source
  (a published figure or a marked assumption);
- ``MODULES``: the labcdn modules the point calls; with everything they import
  they make the study's *code version* (:func:`labcdn.sweep.code_version`);
- ``DESCRIPTION`` (what one point returns, in a line) and ``DATA`` (the input
  files the model reads, also part of its code version).

Point functions draw nothing themselves: ``seed`` goes to the model as its own
seed argument (studies whose model is deterministic ignore it). Output columns
have explicit dtypes, so every chunk of a sweep has the same schema.

=================  ==========================================================
``ranking``        :mod:`labcdn.popularity.sweep_point`: :func:`labcdn.popularity.predicted_study`, chapter 1's headline (2016, predicted)
``prediction``     :mod:`labcdn.prediction.sweep_point`: :func:`labcdn.prediction.run`, one row per method
``hashing``        :mod:`labcdn.hashing.sweep_point`: :func:`labcdn.hashing.balance` and ``disruption``
``serving``        :mod:`labcdn.serving.sweep_point`: :func:`labcdn.serving.evaluate` of a ``ServerConfig``
``balancing``      :mod:`labcdn.balancing.sweep_point`: :func:`labcdn.balancing.run`, one algorithm, one workload
``orchestration``  :mod:`labcdn.orchestration.sweep_point`: :func:`labcdn.orchestration.omega`, one design
``replication``    :mod:`labcdn.replication.sweep_point`: :func:`labcdn.replication.compare`, every copy rule
=================  ==========================================================
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

import polars as pl

from labcdn._validation import check_choice
from labcdn.balancing import sweep_point as balancing
from labcdn.hashing import sweep_point as hashing
from labcdn.orchestration import sweep_point as orchestration
from labcdn.popularity import sweep_point as popularity
from labcdn.prediction import sweep_point as prediction
from labcdn.replication import sweep_point as replication
from labcdn.serving import sweep_point as serving


class Study(NamedTuple):
    """One study the sweep can run.

    Attributes
    ----------
    name : str
    point : callable
        ``point(params: dict, seed: int) -> polars.DataFrame`` with every key of ``defaults``.
    defaults : dict
        Parameter name -> default value (its type fixes how grid values are read).
    modules : tuple of str
        labcdn modules the point function calls (roots of its code version).
    description : str
    data : tuple of pathlib.Path
        Input files the model reads (part of its code version).
    """

    name: str
    point: Callable[[dict, int], pl.DataFrame]
    defaults: dict
    modules: tuple[str, ...]
    description: str
    data: tuple[Path, ...] = ()

    @classmethod
    def from_module(cls, name: str, module: ModuleType) -> Study:
        """The study ``name`` defined by a package's ``sweep_point`` module."""
        return cls(name, module.point, dict(module.PARAMETERS), tuple(module.MODULES), module.DESCRIPTION,
                   tuple(map(Path, module.DATA)))


#: Study name -> :class:`Study`, in the chapters' order.
STUDIES: dict[str, Study] = {
    name: Study.from_module(name, module)
    for name, module in (("ranking", popularity), ("prediction", prediction), ("hashing", hashing),
                         ("serving", serving), ("balancing", balancing), ("orchestration", orchestration),
                         ("replication", replication))
}


def get(name: str) -> Study:
    """The registered study called ``name``.

    Parameters
    ----------
    name : str

    Returns
    -------
    Study

    Raises
    ------
    ValueError
        Naming the registered studies, if ``name`` is not one.
    """
    return STUDIES[check_choice("study", name, STUDIES)]
