"""The encoding ladder: one row per *kind of file* a title is stored as.

``data/encoding_ladder.csv`` lists video encodes (codec family x rung x
packaging copies), audio (codec x bitrate, per language) and timed text (per
language); :func:`load_ladder` reads it with an explicit schema, checks every
row (naming the file and line of a bad one) and returns it as flat arrays
(:class:`Ladder`) for :func:`labcdn.popularity.make_catalogue` to expand per
title.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import NamedTuple

import numpy as np
import polars as pl

DEVICE_CLASSES = ("tv", "mobile", "computer")
SCOPES = ("global", "regional", "local")
KINDS = ("video", "audio", "text")
PER = ("none", "audio_language", "text_language")
ROLES = ("main", "description")

LADDER_PATH = Path(__file__).resolve().parents[2] / "data" / "encoding_ladder.csv"

#: Explicit schema of the ladder CSV (column -> polars dtype), in file order.
LADDER_SCHEMA = {
    "kind": pl.String,
    "family": pl.String,
    "rung": pl.Int32,
    "height": pl.Int32,
    "bitrate_kbps": pl.Float64,
    "size_kbps": pl.Float64,
    "variants": pl.Int32,
    "per": pl.String,
    "max_languages": pl.Int32,
    "role": pl.String,
    "scopes": pl.String,
    "devices": pl.String,
    "source": pl.String,
}


class Ladder(NamedTuple):
    """The encoding ladder as flat arrays, one entry per row of the CSV.

    ``family`` indexes ``families``; ``scope_mask[s, r]`` / ``device_mask[d, r]``
    say whether scope ``SCOPES[s]`` carries row ``r`` and device class
    ``DEVICE_CLASSES[d]`` can play it. ``kind``, ``per`` and ``role`` index
    ``KINDS``, ``PER`` and ``ROLES``. ``frame`` is the typed table itself.
    """

    frame: pl.DataFrame
    families: tuple[str, ...]
    kind: np.ndarray
    family: np.ndarray
    rung: np.ndarray
    height: np.ndarray
    bitrate_kbps: np.ndarray
    size_kbps: np.ndarray
    variants: np.ndarray
    per: np.ndarray
    max_languages: np.ndarray
    role: np.ndarray
    scope_mask: np.ndarray
    device_mask: np.ndarray


def load_ladder(path: str | Path | None = None) -> Ladder:
    """Read and check an encoding-ladder CSV.

    Parameters
    ----------
    path : str or Path, optional
        CSV with the columns of :data:`LADDER_SCHEMA`, one row per line.
        Defaults to ``data/encoding_ladder.csv``.

    Returns
    -------
    Ladder
        The rows as typed arrays, plus the typed polars frame.

    Raises
    ------
    ValueError
        Naming the file and the line of the first malformed row.

    Notes
    -----
    Parsed ladders are cached by path, size and modification time, and their
    arrays are read-only, so sliders that redraw catalogues do not re-read the file.
    """
    path = Path(LADDER_PATH if path is None else path).resolve()
    stat = path.stat() if path.is_file() else None
    key = (str(path), stat.st_size, stat.st_mtime_ns) if stat else None
    if key is not None and key in _LADDER_CACHE:
        return _LADDER_CACHE[key]
    ladder = _read_ladder(path)
    if key is not None:
        _LADDER_CACHE.clear()  # keep one: the book uses one ladder at a time
        _LADDER_CACHE[key] = ladder
    return ladder


_LADDER_CACHE: dict = {}


def _read_ladder(path):
    try:
        raw = pl.read_csv(path, schema=dict.fromkeys(LADDER_SCHEMA, pl.String), has_header=True)
    except pl.exceptions.PolarsError as exc:
        raise ValueError(f"{path}:{_ragged_line(path)}: cannot parse the ladder ({exc})") from None
    header = _header(path)
    if header != list(LADDER_SCHEMA):
        raise ValueError(f"{path}:1: header must be {','.join(LADDER_SCHEMA)}; got {','.join(header)}")
    if raw.height == 0:
        raise ValueError(f"{path}:2: the ladder has no rows")
    typed = {name: [] for name in LADDER_SCHEMA}
    for i, rec in enumerate(raw.iter_rows(named=True)):
        for name, value in _parse_row(rec, f"{path}:{i + 2}").items():
            typed[name].append(value)
    frame = pl.DataFrame(typed, schema=LADDER_SCHEMA)
    _check_families(frame, path)
    return _ladder_arrays(frame)


def _header(path):
    with open(path, newline="") as fh:
        return next(csv.reader(fh), [])


def _ragged_line(path):
    with open(path, newline="") as fh:
        for number, fields in enumerate(csv.reader(fh), start=1):
            if len(fields) != len(LADDER_SCHEMA):
                return number
    return 1


def _parse_row(rec, where):
    out = {}
    for name, dtype in LADDER_SCHEMA.items():
        text = rec[name]
        if text is None or text.strip() == "":
            if name == "source":
                raise ValueError(f"{where}: source is empty; cite a publication or write 'assumption: ...'")
            raise ValueError(f"{where}: {name} is empty")
        text = text.strip()
        if dtype in (pl.Int32, pl.Float64):
            try:
                value = float(text)
            except ValueError:
                raise ValueError(f"{where}: {name}={text!r} is not a number") from None
            if not np.isfinite(value) or value < 0:
                raise ValueError(f"{where}: {name}={text!r} must be a finite number >= 0")
            if dtype == pl.Int32:
                if value != int(value):
                    raise ValueError(f"{where}: {name}={text!r} must be a whole number")
                value = int(value)
            out[name] = value
        else:
            out[name] = text
    for name, allowed in (("kind", KINDS), ("per", PER), ("role", ROLES)):
        if out[name] not in allowed:
            raise ValueError(f"{where}: {name}={out[name]!r} is not one of {', '.join(allowed)}")
    for name, allowed in (("scopes", SCOPES), ("devices", DEVICE_CLASSES)):
        items = out[name].split("|")
        bad = [x for x in items if x not in allowed]
        if bad or len(set(items)) != len(items):
            raise ValueError(f"{where}: {name}={out[name]!r} must be '|'-separated values from {', '.join(allowed)}")
    expected_per = {"video": "none", "audio": "audio_language", "text": "text_language"}[out["kind"]]
    if out["per"] != expected_per:
        raise ValueError(f"{where}: per={out['per']!r} but {out['kind']} rows must be per {expected_per}")
    if out["rung"] < 1:
        raise ValueError(f"{where}: rung={out['rung']} must be >= 1")
    if out["variants"] < 1 or (out["kind"] == "text" and out["variants"] > 2):
        raise ValueError(f"{where}: variants={out['variants']} must be >= 1 (text: 1 or 2)")
    if out["kind"] == "text" and out["bitrate_kbps"] != 0:
        raise ValueError(f"{where}: text rows have bitrate_kbps 0 (their size goes in size_kbps)")
    if out["kind"] != "text" and out["bitrate_kbps"] <= 0:
        raise ValueError(f"{where}: bitrate_kbps must be > 0 for {out['kind']} rows")
    if out["size_kbps"] <= 0:
        raise ValueError(f"{where}: size_kbps must be > 0")
    if out["role"] == "description" and out["kind"] != "audio":
        raise ValueError(f"{where}: role 'description' is for audio rows only")
    return out


def _check_families(frame, path):
    """Rows of one family share kind/per/role/devices/max_languages; rungs climb."""
    shared = ("kind", "per", "role", "devices", "max_languages")
    first_line = {}
    for i, rec in enumerate(frame.iter_rows(named=True)):
        line, fam = i + 2, rec["family"]
        if fam not in first_line:
            first_line[fam] = (line, rec)
            continue
        line0, rec0 = first_line[fam]
        for name in shared:
            if rec[name] != rec0[name]:
                raise ValueError(f"{path}:{line}: family {fam!r} has {name}={rec[name]!r} but line {line0} has {rec0[name]!r}")
    for fam in first_line:
        sub = frame.with_row_index("line", offset=2).filter(pl.col("family") == fam).sort("rung")
        rungs, heights, rates = (sub[c].to_numpy() for c in ("rung", "height", "bitrate_kbps"))
        lines = sub["line"].to_numpy()
        for j in range(1, sub.height):
            if rungs[j] == rungs[j - 1]:
                raise ValueError(f"{path}:{lines[j]}: family {fam!r} repeats rung {rungs[j]}")
            if heights[j] < heights[j - 1] or (sub["kind"][0] != "text" and rates[j] <= rates[j - 1]):
                raise ValueError(f"{path}:{lines[j]}: family {fam!r} rung {rungs[j]} must not step down in height "
                                 "and must climb in bitrate")
        if sub["kind"][0] == "text" and sub.height > 1 and np.any(np.diff(heights) <= 0):
            raise ValueError(f"{path}:{lines[-1]}: text family {fam!r} with several rungs needs distinct heights")


def _ladder_arrays(frame):
    frame = frame.sort(["kind", "family", "rung"], maintain_order=True)
    families = tuple(dict.fromkeys(frame["family"].to_list()))
    n = frame.height
    scope_mask = np.zeros((len(SCOPES), n), dtype=np.bool_)
    device_mask = np.zeros((len(DEVICE_CLASSES), n), dtype=np.bool_)
    for r, (scopes, devices) in enumerate(zip(frame["scopes"], frame["devices"], strict=True)):
        for s in scopes.split("|"):
            scope_mask[SCOPES.index(s), r] = True
        for d in devices.split("|"):
            device_mask[DEVICE_CLASSES.index(d), r] = True
    ladder = Ladder(
        frame=frame,
        families=families,
        kind=np.array([KINDS.index(k) for k in frame["kind"]], dtype=np.int8),
        family=np.array([families.index(f) for f in frame["family"]], dtype=np.int16),
        rung=frame["rung"].to_numpy().astype(np.int16),
        height=frame["height"].to_numpy().astype(np.int32),
        bitrate_kbps=frame["bitrate_kbps"].to_numpy().astype(np.float64),
        size_kbps=frame["size_kbps"].to_numpy().astype(np.float64),
        variants=frame["variants"].to_numpy().astype(np.int16),
        per=np.array([PER.index(p) for p in frame["per"]], dtype=np.int8),
        max_languages=frame["max_languages"].to_numpy().astype(np.int32),
        role=np.array([ROLES.index(p) for p in frame["role"]], dtype=np.int8),
        scope_mask=scope_mask,
        device_mask=device_mask,
    )
    for arr in ladder[2:]:
        if isinstance(arr, np.ndarray):
            arr.flags.writeable = False
    return ladder
