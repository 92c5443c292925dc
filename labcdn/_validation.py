"""Argument checks shared by the public wrappers.

Each check raises ``ValueError`` naming the parameter, the value it got and
the range it allows, so a reader who moves a slider too far knows what to do.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

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
    # NumPy scalars become Python numbers first: a float16 compared with a bound past 65504 overflows, and
    # would reach numba as a type it has no kernel for (NotImplementedError)
    value = value.item() if isinstance(value, np.generic) else value
    if math.isnan(value):
        raise ValueError(f"{name}=nan is not allowed; expected {_describe(low, high, low_open, high_open)}")
    # isinf first: int(inf) raises OverflowError, which would not name the parameter.
    if integer and (math.isinf(value) or int(value) != value):
        raise ValueError(f"{name}={value!r} must be a whole number in {_describe(low, high, low_open, high_open)}")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        raise ValueError(f"{name}={value!r} is out of range; expected {_describe(low, high, low_open, high_open)}")
    if integer and not -(2**63) <= value < 2**63:  # the models compute in 64-bit integers
        raise ValueError(f"{name}={value!r} does not fit in a 64-bit integer; expected "
                         f"{_describe(low, high, low_open, high_open)}")
    return int(value) if integer else value


def check_choice(name, value, choices: Iterable[str]):
    """Return ``value`` if it is one of ``choices``, else raise ``ValueError``."""
    choices = tuple(choices)
    if value not in choices:
        raise ValueError(f"{name}={value!r} is not one of {', '.join(map(repr, choices))}")
    return value


def check_array(name, values, *, dtype, ndim=1, low=None, high=None, min_size=0):
    """Convert ``values`` to a contiguous array of ``dtype`` and check its bounds.

    Nothing is converted silently: text, booleans and other non-numbers are refused, and for an
    integer ``dtype`` so are fractions (``0.9`` never becomes ``0``), non-finite values and values
    outside the dtype's range (``2**64`` is refused by name rather than raising ``OverflowError``).
    An empty list is an empty array of ``dtype``.
    """
    target = np.dtype(dtype)
    try:
        raw = np.asarray(values)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError(f"{name} must be convertible to a {target.name} array ({exc})") from None
    if raw.dtype.kind == "O":
        raw = _numeric_objects(name, raw, target)
    if raw.size and raw.dtype.kind not in "iuf":
        raise ValueError(f"{name} must hold numbers convertible to {target.name}; got dtype {raw.dtype}")
    if raw.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional; got shape {raw.shape}")
    if raw.size < min_size:
        raise ValueError(f"{name} must have at least {min_size} elements; got {raw.size}")
    if raw.size and target.kind in "iu":
        _check_integral(name, raw, target)
    try:
        arr = np.ascontiguousarray(raw, dtype=target)
    except (TypeError, ValueError, OverflowError) as exc:  # pragma: no cover - the checks above come first
        raise ValueError(f"{name} must be convertible to a {target.name} array ({exc})") from None
    if arr.size and np.issubdtype(arr.dtype, np.floating) and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite; got non-finite values")
    if arr.size and low is not None and arr.min() < low:
        raise ValueError(f"{name} must be >= {low}; smallest value is {arr.min().item()!r}")
    if arr.size and high is not None and arr.max() > high:
        raise ValueError(f"{name} must be <= {high}; largest value is {arr.max().item()!r}")
    return arr


def _numeric_objects(name, raw, target):
    """An object array (Python ints past 64 bits, Fractions, mixed types) as int64/uint64/float64, or refused."""
    flat = raw.ravel()
    for v in flat:
        if isinstance(v, bool | np.bool_) or not isinstance(v, int | float | np.integer | np.floating | Fraction
                                                            | Decimal):
            raise ValueError(f"{name} must hold numbers convertible to {target.name}; got {v!r}")
    if target.kind in "iu":
        info = np.iinfo(target)
        for v in flat:
            if not math.isfinite(v) or int(v) != v:
                raise ValueError(f"{name} must hold whole numbers; got {v!r}")
            if not info.min <= int(v) <= info.max:
                raise ValueError(f"{name} holds {int(v)}, outside {target.name}'s range [{info.min}, {info.max}]")
        return np.array([int(v) for v in flat], dtype=target).reshape(raw.shape)
    return np.array([float(v) for v in flat], dtype=np.float64).reshape(raw.shape)


def _check_integral(name, raw, target):
    info = np.iinfo(target)
    if raw.dtype.kind == "f":
        if not np.all(np.isfinite(raw)):
            raise ValueError(f"{name} must hold whole numbers; got non-finite values")
        frac = raw[raw != np.floor(raw)]
        if frac.size:
            raise ValueError(f"{name} must hold whole numbers; got {frac.flat[0].item()!r} (fractions are not rounded)")
        # float(info.max) rounds up to 2**63, itself out of range: compare with < for the top
        if raw.min() < info.min or raw.max() >= float(info.max) + 1:
            worst = raw.max() if raw.max() >= float(info.max) + 1 else raw.min()
            raise ValueError(f"{name} holds {worst.item():.17g}, outside "
                             f"{target.name}'s range [{info.min}, {info.max}]")
    elif raw.dtype.kind == "u" and target.kind == "i" and raw.max() > info.max:
        raise ValueError(f"{name} holds {int(raw.max())}, outside {target.name}'s range [{info.min}, {info.max}]")
    elif raw.dtype.kind == "i" and target.kind == "u" and raw.min() < 0:
        raise ValueError(f"{name} holds {int(raw.min())}, outside {target.name}'s range [0, {info.max}]")


def memory_limit() -> tuple[int, str]:
    """Bytes a call may allocate, and where that figure comes from.

    The smallest of: ``$LABCDN_MEMORY_LIMIT`` (bytes), the cgroup's ``memory.max`` (a
    container's limit), and ``MemAvailable`` from ``/proc/meminfo``; without any of them,
    the machine's physical memory.

    Returns
    -------
    limit : int
    source : str
    """
    found = []
    env = os.environ.get("LABCDN_MEMORY_LIMIT", "").strip()
    if env:
        try:
            found.append((int(float(env)), "LABCDN_MEMORY_LIMIT"))
        except ValueError:
            raise ValueError(f"LABCDN_MEMORY_LIMIT={env!r} must be a number of bytes") from None
    try:
        text = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if text.isdigit():
            found.append((int(text), "the cgroup's memory.max"))
    except OSError:
        pass
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                found.append((int(line.split()[1]) * 1024, "MemAvailable"))
    except (OSError, ValueError, IndexError):
        pass
    if not found:
        try:
            found.append((os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"), "physical memory"))
        except (ValueError, OSError, AttributeError):  # pragma: no cover - no way to tell: do not refuse
            return 2**63 - 1, "unknown"
    return min(found)


def check_memory(what: str, nbytes: float, advice: str = "") -> float:
    """Refuse, before allocating, a call whose estimated memory exceeds :func:`memory_limit`.

    Parameters
    ----------
    what : str
        The call and its arguments, for the message (``"omega(nodes=2000000, ...)"``).
    nbytes : float
        The estimate, in bytes.
    advice : str
        Which arguments to lower.

    Returns
    -------
    float
        ``nbytes``.
    """
    limit, source = memory_limit()
    if nbytes > limit:
        raise ValueError(f"{what} would need about {_human(nbytes)}; the limit is {_human(limit)} ({source})"
                         + (f": {advice}" if advice else ""))
    return nbytes


def _human(nbytes: float) -> str:
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20)):
        if nbytes >= size:
            return f"{nbytes / size:,.1f} {unit}"
    return f"{nbytes:,.0f} bytes"


def rng_from(seed=None, rng=None):
    """The one way labcdn turns ``seed`` / ``rng`` arguments into a Generator."""
    if rng is not None and seed is not None:
        raise ValueError("pass either seed or rng, not both")
    if rng is not None:
        if not isinstance(rng, np.random.Generator):
            raise ValueError(f"rng must be a numpy.random.Generator; got {type(rng).__name__}")
        return rng
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))
                             or not 0 <= seed < 2**63):
        raise ValueError(f"seed={seed!r} must be a non-negative integer below 2**63")
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
