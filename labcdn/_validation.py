"""Argument checks shared by the public wrappers.

Each check raises ``ValueError`` naming the parameter, the value it got and
the range it allows, so a reader who moves a slider too far knows what to do.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np


def check_range(name, value, low=None, high=None, *, low_open=False, high_open=False, integer=False):
    """Return ``value`` if it lies in the range, else raise ``ValueError``.

    Parameters
    ----------
    name : str
        Parameter name used in the message.
    value : int or float
        The value to check.
    low, high : float, optional
        Bounds; ``None`` means unbounded on that side.
    low_open, high_open : bool
        Exclude the bound itself.
    integer : bool
        Require an integral value.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name}={value!r} is not a number; expected {_describe(low, high, low_open, high_open)}")
    if math.isnan(value):
        raise ValueError(f"{name}=nan is not allowed; expected {_describe(low, high, low_open, high_open)}")
    # isinf first: int(inf) raises OverflowError, which would not name the parameter.
    if integer and (math.isinf(value) or int(value) != value):
        raise ValueError(f"{name}={value!r} must be a whole number in {_describe(low, high, low_open, high_open)}")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        raise ValueError(f"{name}={value!r} is out of range; expected {_describe(low, high, low_open, high_open)}")
    return int(value) if integer else value


def check_choice(name, value, choices: Iterable[str]):
    """Return ``value`` if it is one of ``choices``, else raise ``ValueError``."""
    choices = tuple(choices)
    if value not in choices:
        raise ValueError(f"{name}={value!r} is not one of {', '.join(map(repr, choices))}")
    return value


def check_array(name, values, *, dtype, ndim=1, low=None, high=None, min_size=0):
    """Convert ``values`` to a contiguous array of ``dtype`` and check its bounds."""
    try:
        arr = np.ascontiguousarray(values, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be convertible to a {np.dtype(dtype).name} array ({exc})") from None
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional; got shape {arr.shape}")
    if arr.size < min_size:
        raise ValueError(f"{name} must have at least {min_size} elements; got {arr.size}")
    if arr.size and np.issubdtype(arr.dtype, np.floating) and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite; got non-finite values")
    if arr.size and low is not None and arr.min() < low:
        raise ValueError(f"{name} must be >= {low}; smallest value is {arr.min()!r}")
    if arr.size and high is not None and arr.max() > high:
        raise ValueError(f"{name} must be <= {high}; largest value is {arr.max()!r}")
    return arr


def rng_from(seed=None, rng=None):
    """The one way labcdn turns ``seed`` / ``rng`` arguments into a Generator."""
    if rng is not None and seed is not None:
        raise ValueError("pass either seed or rng, not both")
    if rng is not None:
        if not isinstance(rng, np.random.Generator):
            raise ValueError(f"rng must be a numpy.random.Generator; got {type(rng).__name__}")
        return rng
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise ValueError(f"seed={seed!r} must be a non-negative integer")
    return np.random.default_rng(seed)


def _describe(low, high, low_open, high_open):
    left = "(" if low_open else "["
    right = ")" if high_open else "]"
    lo = "-inf" if low is None else repr(low)
    hi = "inf" if high is None else repr(high)
    if low is None:
        left = "("
    if high is None:
        right = ")"
    return f"{left}{lo}, {hi}{right}"
