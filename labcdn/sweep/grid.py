"""Parameter grids: parsing, expansion into points, and the seed of each point.

A grid is either a mapping ``name -> values`` (the Cartesian product, last name
varying fastest) or a list of mappings (an explicit list of points). Every
point is completed with the study's defaults, so a point *is* a full
configuration of the model; its values are coerced to the type of the
default (``1`` becomes ``1.0`` for a float parameter), so the same
configuration always reads the same.

The seed of a point is ``SeedSequence(sweep_seed, spawn_key=key)``'s first
32-bit word, where ``key`` is the first 16 bytes of the SHA-256 of the
point's canonical JSON (study name and every parameter, keys sorted) as four
little-endian ``uint32``. It depends on nothing else: not on the grid the point
came in, its position, its chunk, the backend or the machine, so serial, pool
and Dask runs give every point the same seed, and a point shared by two grids
gets the same result in both. The reserved parameter ``replicate`` (an int,
default 0) is not passed to the model: it only changes the key, giving
independent repetitions of one configuration.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
from collections.abc import Mapping, Sequence

import numpy as np

from labcdn._validation import check_range

REPLICATE = "replicate"
#: Points a grid may expand to, counted as the product of its axes before anything is expanded (each
#: point is a dict of the study's parameters, about 3 KB with its seed and bookkeeping, so this is
#: some 3 GB at most; split a larger sweep into several).
MAX_GRID_POINTS = 1_000_000
POINT_BYTES = 3_000
_RANGE = re.compile(r"^(-?[0-9.eE+-]+):(-?[0-9.eE+-]+):([0-9]+)$")


def canonical(obj) -> str:
    """Canonical JSON of ``obj``: sorted keys, no spaces, shortest round-trip floats, no NaN.

    Parameters
    ----------
    obj : JSON-able object

    Returns
    -------
    str
    """
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), allow_nan=False)


def parse_value(text: str):
    """Read one grid value typed on the command line.

    Parameters
    ----------
    text : str

    Returns
    -------
    bool, None, int, float or str
        ``true``/``false``, ``null``/``none``, then an int, a float, else the text itself.
    """
    low = text.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("null", "none"):
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text.strip()


def parse_grid(specs) -> dict | list:
    """Parse ``--grid`` options: JSON, or ``name=v1,v2`` pairs (``a:b:n``: ``n`` evenly spaced values, to 12 decimals).

    Parameters
    ----------
    specs : str or sequence of str
        Each either a JSON object (``{"name": [values]}``), a JSON list of point
        objects, or whitespace/semicolon-separated ``name=v1,v2,...`` pairs.

    Returns
    -------
    dict or list
        ``name -> list of values`` (a Cartesian grid) or a list of point dicts.

    Examples
    --------
    >>> parse_grid(["concentration=0:1:3 zipf_exponent=0.6,0.85"])
    {'concentration': [0.0, 0.5, 1.0], 'zipf_exponent': [0.6, 0.85]}
    """
    specs = [specs] if isinstance(specs, str) else list(specs)
    grid: dict = {}
    explicit = None
    for spec in specs:
        text = spec.strip()
        if text.startswith(("{", "[")):
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ValueError(f"grid {text[:60]!r} is not valid JSON ({exc})") from None
            if isinstance(value, list):
                explicit = value if explicit is None else explicit + value
            else:
                grid.update(value)
            continue
        for pair in re.split(r"[\s;]+", text):
            if not pair:
                continue
            name, sep, values = pair.partition("=")
            if not sep or not name or not values:
                raise ValueError(f"grid item {pair!r} must read name=v1,v2,... (or name=start:stop:count)")
            grid[name] = _parse_values(values)
    if explicit is not None and grid:
        raise ValueError("give either a list of points or name=values pairs, not both")
    if explicit is None and not grid:
        raise ValueError("the grid is empty: give name=v1,v2 pairs or JSON")
    return explicit if explicit is not None else grid


def _parse_values(text: str) -> list:
    match = _RANGE.match(text)
    if match:
        start, stop, count = float(match[1]), float(match[2]), int(match[3])
        check_range("count", count, 1, 1_000_000, integer=True)
        return [round(float(v), 12) for v in np.linspace(start, stop, count)]  # 0.6, not 0.6000000000000001
    return [parse_value(v) for v in text.split(",")]


def points(defaults: Mapping, grid) -> tuple[list[dict], list[str]]:
    """Expand a grid into full points, in grid order.

    Parameters
    ----------
    defaults : mapping
        The study's parameters and defaults (:attr:`labcdn.sweep.Study.defaults`).
    grid : mapping or sequence of mappings
        ``name -> value or values`` (Cartesian product, last name fastest) or
        an explicit list of ``{name: value}`` points.

    Returns
    -------
    points : list of dict
        Every parameter of every point (defaults filled in) plus ``replicate``.
    columns : list of str
        The parameters the grid names, in order of first mention.
    """
    if isinstance(grid, Mapping):
        if not grid:
            raise ValueError("grid is empty; give at least one parameter")
        names = list(grid)
        values = []
        for name in names:
            vals = grid[name]
            vals = list(vals) if isinstance(vals, list | tuple | np.ndarray | range) else [vals]
            if not vals:
                raise ValueError(f"grid parameter {name!r} has no values")
            values.append(vals)
        check_grid_size(math.prod(len(v) for v in values), " x ".join(str(len(v)) for v in values))
        raw = [dict(zip(names, combo, strict=True)) for combo in itertools.product(*values)]
    elif isinstance(grid, Sequence) and not isinstance(grid, str):
        raw = list(grid)
        if not raw or not all(isinstance(p, Mapping) for p in raw):
            raise ValueError("an explicit grid must be a non-empty list of {name: value} mappings")
        check_grid_size(len(raw), "an explicit list")
    else:
        raise ValueError(f"grid must be a mapping or a list of mappings; got {type(grid).__name__}")
    columns = list(dict.fromkeys(name for p in raw for name in p))
    allowed = [*defaults, REPLICATE]
    for name in columns:
        if name == "seed":
            raise ValueError("'seed' is not a grid parameter: each point's seed derives from the sweep seed; "
                             "use 'replicate' for independent repetitions")
        if name not in allowed:
            raise ValueError(f"grid parameter {name!r} is not one of {', '.join(allowed)}")
    full = []
    for p in raw:
        point = {name: _coerce(name, p[name] if name in p else default, default) for name, default in defaults.items()}
        point[REPLICATE] = check_range(REPLICATE, _plain(p.get(REPLICATE, 0)), 0, 2**31, integer=True)
        full.append(point)
    return full, columns


def check_grid_size(n_points: int, shape: str) -> int:
    """Refuse a grid of more than :data:`MAX_GRID_POINTS` points, with the memory its expansion would take.

    Parameters
    ----------
    n_points : int
        The grid's points (the product of its axes).
    shape : str
        How they arise, for the message (``"1000 x 1000 x 1000"``).

    Returns
    -------
    int
        ``n_points``.
    """
    if n_points > MAX_GRID_POINTS:
        raise ValueError(f"grid has {n_points} points ({shape}), about {n_points * POINT_BYTES / 2**30:.1f} GiB "
                         f"to plan before any runs; at most {MAX_GRID_POINTS} points "
                         f"({MAX_GRID_POINTS * POINT_BYTES / 2**30:.1f} GiB) per sweep: split it into several")
    return n_points


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


def _coerce(name, value, default):
    value = _plain(value)
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{name}={value!r} must be finite")
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ValueError(f"{name}={value!r} must be true or false")
        return value
    if isinstance(default, int):
        if not number or int(value) != value:
            raise ValueError(f"{name}={value!r} must be a whole number")
        return int(value)
    if isinstance(default, float):
        if not number:
            raise ValueError(f"{name}={value!r} must be a number")
        return float(value)
    if isinstance(default, str):
        if not isinstance(value, str):
            raise ValueError(f"{name}={value!r} must be text (one of the study's names)")
        return value
    if value is None or number or isinstance(value, bool | str):
        return value  # an optional parameter (default None): kept as given
    raise ValueError(f"{name}={value!r} must be a number, text, true/false or null")


def point_seed(seed: int, study: str, params: Mapping) -> int:
    """The seed of one point: sweep seed and point, through ``numpy.random.SeedSequence``.

    Parameters
    ----------
    seed : int
        The sweep seed (non-negative).
    study : str
        Study name.
    params : mapping
        The full point (as :func:`points` returns it).

    Returns
    -------
    int
        A seed in ``[0, 2**32)``, passed to the model as its ``seed``.
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not 0 <= seed < 2**63:
        raise ValueError(f"seed={seed!r} must be a non-negative integer below 2**63")
    digest = hashlib.sha256(canonical({"study": study, "params": dict(params)}).encode()).digest()
    key = tuple(int(w) for w in np.frombuffer(digest[:16], dtype="<u4"))
    return int(np.random.SeedSequence(int(seed), spawn_key=key).generate_state(1, np.uint32)[0])


def grid_hash(study: str, full_points: Sequence[Mapping]) -> str:
    """The identity of a grid: SHA-256 of the study name and every full point, in order.

    Parameters
    ----------
    study : str
    full_points : sequence of mapping
        As :func:`points` returns them.

    Returns
    -------
    str
        64 hex digits.
    """
    return hashlib.sha256(canonical([study, [dict(p) for p in full_points]]).encode()).hexdigest()


def column_types(full_points: Sequence[Mapping], columns: Sequence[str]) -> dict[str, str]:
    """Polars dtype name of each grid column, decided once from every point so each chunk has the same schema.

    Parameters
    ----------
    full_points : sequence of mapping
    columns : sequence of str
        The grid's parameters.

    Returns
    -------
    dict
        Column -> ``"Boolean"``, ``"Int64"``, ``"Float64"`` or ``"String"`` (nulls allowed).
    """
    out = {}
    for name in columns:
        vals = [p[name] for p in full_points if p[name] is not None]
        if vals and all(isinstance(v, bool) for v in vals):
            out[name] = "Boolean"
        elif vals and all(isinstance(v, str) for v in vals):
            out[name] = "String"
        elif all(isinstance(v, int) and not isinstance(v, bool) for v in vals) and vals:
            out[name] = "Int64"
        elif all(isinstance(v, int | float) and not isinstance(v, bool) for v in vals):
            out[name] = "Float64"
        else:
            raise ValueError(f"grid parameter {name!r} mixes text, numbers and true/false: {sorted(map(str, vals))}")
    return out
