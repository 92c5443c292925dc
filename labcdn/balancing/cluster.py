"""The backends behind the balancer: how fast each one is and what weight the operator gave it.

A backend serves one request at a time, first come first served, at ``speed``
units of work per second; a request of work ``w`` (seconds on a backend of
speed 1) takes ``w / speed``. Weights are whole numbers from 1 to 256, as in
HAProxy and NGINX configurations; they steer the weighted algorithms and size
the consistent-hash ring (16 points per unit of weight, HAProxy's
``BE_WEIGHT_SCALE``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from labcdn._validation import check_array, check_choice, check_range

MAX_BACKENDS = 4096
MAX_WEIGHT = 256  # HAProxy: "weight ... between 0 and 256"
WEIGHT_MODES = ("speed", "equal")
BASE_WEIGHT = 10  # weight of the slowest backend when weights follow speeds


@dataclass(frozen=True, eq=False)
class Cluster:
    """Backend speeds and weights.

    Attributes
    ----------
    speeds : numpy.ndarray of float64
        Work per second of each backend (read-only).
    weights : numpy.ndarray of int64
        Configured weight of each backend, 1-256 (read-only).
    """

    speeds: np.ndarray
    weights: np.ndarray

    @property
    def size(self) -> int:
        """Number of backends."""
        return int(self.speeds.size)

    @property
    def capacity(self) -> float:
        """Total work per second of all backends."""
        return float(self.speeds.sum())


def cluster(backends=16, heterogeneity=1.0, *, speeds=None, weights="speed") -> Cluster:
    """Build a set of backends.

    Parameters
    ----------
    backends : int
        Number of backends, in [1, 4096]; ignored when ``speeds`` is given.
    heterogeneity : float
        Ratio of the fastest to the slowest speed, in [1, 100]. Speeds are
        spaced geometrically between the two and scaled to a mean of 1, so the
        total capacity does not change with heterogeneity.
    speeds : array_like of float, optional
        Explicit positive speeds (overrides ``backends`` and ``heterogeneity``).
    weights : {"speed", "equal"} or array_like of int
        ``"speed"``: proportional to speed, 10 for the slowest backend (an
        operator who knows the capacities); ``"equal"``: 10 for all (one who
        does not); or explicit whole numbers in [1, 256].

    Returns
    -------
    Cluster
    """
    if speeds is None:
        n = check_range("backends", backends, 1, MAX_BACKENDS, integer=True)
        h = float(check_range("heterogeneity", heterogeneity, 1.0, 100.0))
        s = np.geomspace(1.0, h, n) if n > 1 else np.ones(1)
        s = s / s.mean()
    else:
        s = check_array("speeds", speeds, dtype=np.float64, min_size=1)
        if s.size > MAX_BACKENDS:
            raise ValueError(f"speeds has {s.size} backends; at most {MAX_BACKENDS} are allowed")
        if s.min() <= 0:
            raise ValueError(f"speeds must be > 0; smallest value is {s.min()!r}")
        s = s.copy()
    if isinstance(weights, str):
        check_choice("weights", weights, WEIGHT_MODES)
        if weights == "equal":
            w = np.full(s.size, BASE_WEIGHT, dtype=np.int64)
        else:
            w = np.clip(np.rint(BASE_WEIGHT * s / s.min()), 1, MAX_WEIGHT).astype(np.int64)
    else:
        w = check_array("weights", weights, dtype=np.float64, low=1, high=MAX_WEIGHT)
        if w.size != s.size:
            raise ValueError(f"weights has {w.size} entries but there are {s.size} backends")
        if not np.all(w == np.rint(w)):
            raise ValueError("weights must be whole numbers in [1, 256] (HAProxy and NGINX weights are integers)")
        w = w.astype(np.int64)
    s.flags.writeable = False
    w.flags.writeable = False
    return Cluster(speeds=s, weights=w)
