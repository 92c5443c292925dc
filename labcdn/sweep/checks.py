"""Every point of a grid checked before the first one runs.

A point function validates its parameters only when it runs, so a bad value
in the middle of a grid (``concentration=0:6:13`` reaches 6.5, above the
model's 5) would be found after the points before it had been computed. Each
study's ``sweep_point`` module defines ``check(params)``, which puts one point
through the model's own checks (its parameter classes and validators, or the
ranges its wrapper checks first) without computing anything;
:func:`check_points` runs it on every distinct point of a grid and names the
first that fails, with its index.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from labcdn.sweep import registry


def check_points(study: str, full_points: Sequence[dict]) -> None:
    """Put every distinct point of a grid through its study's check; the first failure names its point.

    Parameters
    ----------
    study : str
        Registered study name (a study whose ``sweep_point`` has no ``check`` is checked as it runs).
    full_points : sequence of dict
        As :func:`labcdn.sweep.grid.points` returns them (``replicate`` included; it is not checked here).

    Raises
    ------
    ValueError
        ``"<the model's message> [study 'x', point i of n (params)]; nothing was computed"``.
    """
    check = getattr(importlib.import_module(registry.get(study).point.__module__), "check", None)
    if check is None:
        return
    seen = set()
    for i, point in enumerate(full_points):
        params = {k: v for k, v in point.items() if k != "replicate"}
        key = repr(sorted(params.items()))
        if key in seen:
            continue
        seen.add(key)
        try:
            check(params)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{exc} [study {study!r}, point {i} of {len(full_points)} ({params})]; nothing was "
                             "computed: fix the grid") from None
