"""The UMass campus YouTube traces: requests, their known defects, and a replayable request sequence.

:func:`load_umass_youtube` reads a trace and documents how each defect of the published files is
handled; :func:`sort_by_time` orders the requests and :func:`request_trace` turns them into dense
object ids for a cache simulation.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

import numpy as np
import polars as pl

from labcdn.datasets.registry import (
    EmptyDataFile,
    MalformedLine,
    _refuse_empty,
    _resolve,
    _split_lines,
    read_data,
)


class SkippedLine(NamedTuple):
    """A malformed line that a lenient load left out."""

    file: str
    line: int
    reason: str
    text: str


class Loaded(NamedTuple):
    """What :func:`load_umass_youtube` returns: the ``frame`` and the ``skipped`` malformed lines."""

    frame: pl.DataFrame
    skipped: tuple[SkippedLine, ...]


#: Short names of the two traces and their keys in :data:`~labcdn.datasets.registry.DATA_FILES`.
_UMASS_SHORT = MappingProxyType({"061807.24": "umass_youtube_061807.24", "012908.S1": "umass_youtube_012908.S1"})

# A request stamped before youtube.com went live (2005-02-14) or past 32-bit Unix time
# (2038-01-19) cannot be real: S1's last line carries half of its predecessor's timestamp (1988).
_FIRST_TIMESTAMP = 1_108_339_200.0
_LAST_TIMESTAMP = 2_147_483_648.0
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}")
# YouTube ids have 11 characters; the published files also hold 10- and 22-character ids and a
# 23-character host name (28 characters at most with a suffix). Anything past 64 is not an id.
_MAX_ID = 64
_UMASS_FIELDS = ("timestamp", "youtube_server_ip", "client_ip", "request_kind", "video_id", "content_server_ip")
_IP_FIELDS = (1, 2, 5)


def _umass_path(name_or_path) -> Path:
    if isinstance(name_or_path, str) and name_or_path in _UMASS_SHORT:
        return _resolve(None, _UMASS_SHORT[name_or_path])
    if not isinstance(name_or_path, (str, os.PathLike)):
        raise ValueError(f"name_or_path={name_or_path!r} must be one of {', '.join(_UMASS_SHORT)} or a path")
    return _resolve(name_or_path, "umass_youtube_061807.24", f" (short names: {', '.join(_UMASS_SHORT)})")


def _umass_problem(fields: list[str]) -> str | None:
    if len(fields) != len(_UMASS_FIELDS):
        return f"expected {len(_UMASS_FIELDS)} space-separated fields, found {len(fields)}"
    try:
        stamp = float(fields[0])
    except ValueError:
        return f"timestamp {fields[0]!r} is not a number"
    if not _FIRST_TIMESTAMP <= stamp < _LAST_TIMESTAMP:
        return f"timestamp {fields[0]} lies outside [2005-02-14, 2038-01-19)"
    for j in _IP_FIELDS:
        if not _IPV4.fullmatch(fields[j]):
            return f"{_UMASS_FIELDS[j]} {fields[j]!r} is not an IPv4 address"
    if not fields[4].partition("&")[0]:
        return f"video_id {fields[4]!r} is empty"
    if len(fields[4]) > _MAX_ID:
        return f"video_id has {len(fields[4]):,} characters (at most {_MAX_ID})"
    if "\ufffd" in "".join(fields):
        return "bytes that are not UTF-8"
    return None


def load_umass_youtube(name_or_path, *, lenient=False, drop_placeholders=True, drop_hostnames=True,
                       verify=True) -> Loaded:
    """A UMass campus YouTube trace, one row per request, in file order.

    Defects of the published files and how they are handled:

    - ``&origin``, ``&start``, ``&t`` suffixes of video ids are stripped (6,090 lines of S1, 2 of 061807).
    - ``UMASS######`` ids are one-off placeholders (8,492 in S1, each requested once, 4,675 of them by
      ``127.0.x.x`` clients, the rest by campus clients); **dropped by default**,
      ``drop_placeholders=False`` keeps them.
    - In S1 from line 28,942 on, 2,374 well-formed lines (and the malformed last one) carry the host
      name ``ash-v10.ash.youtube.com`` where the video id belongs; these name no video and would form one false hot object; **dropped by
      default** (ids containing a dot), ``drop_hostnames=False`` keeps them.
    - Timestamps out of order (each file is blocks of sorted requests) are kept in file order and
      flagged in ``out_of_order``; :func:`sort_by_time` sorts stably.
    - A malformed line -- wrong field count, a timestamp that is not a number or lies outside
      [2005-02-14, 2038-01-19), an IP field that is not a dotted quad of octets 0-255, an empty id or
      one longer than 64 characters -- raises :class:`MalformedLine` naming file and line; S1's last
      line (timestamp 594956655, in 1988) is one. With ``lenient=True`` such lines are left out and
      listed in ``Loaded.skipped``; a file with no well-formed line is refused all the same.
    - Not repaired: 57 ids in 061807 have 10 characters (a truncated 11-character id; only 26 match a
      unique full id in the file) and a few have 22; they are kept as they are.

    Parameters
    ----------
    name_or_path : str or pathlib.Path
        ``"061807.24"`` or ``"012908.S1"`` (files of :func:`data_dir`), or the path of a trace file.
    lenient : bool
        Skip malformed lines instead of raising.
    drop_placeholders : bool
        Drop ``UMASS`` followed by six digits (the placeholder ids).
    drop_hostnames : bool
        Drop requests whose video id contains a dot (a host name, not a video).
    verify : bool
        Check a registered trace against the published file's sha256 (default). ``False`` loads a
        deliberately different file under a registered name; it is still parsed strictly.

    Returns
    -------
    Loaded
        ``frame``: ``timestamp`` (Float64 Unix seconds), ``youtube_server_ip``, ``client_ip``
        (String), ``request_kind`` (Categorical: ``GETVIDEO``, ``LLNWD``), ``video_id``,
        ``content_server_ip`` (String), ``out_of_order`` (Boolean, true where the timestamp is
        earlier than that of the row before it in this frame), ``line`` (Int32, 1-based line in the
        file); ``skipped``: a tuple of :class:`SkippedLine` (empty unless ``lenient``).

    Raises
    ------
    DataNotFound
        If the file is missing.
    ChecksumMismatch
        If ``verify`` and the file is a registered one whose sha256 differs from the published file's.
    EmptyDataFile
        If the file holds no line, or (``lenient``) no well-formed line.
    MalformedLine
        For the first malformed line, unless ``lenient``.

    References
    ----------
    Zink, Suh, Gu, Kurose, "Watch Global, Cache Local", MMCN 2008; "Characteristics of YouTube
    network traffic at a campus network", Computer Networks 53(4), 2009. UMass Trace Repository.
    """
    for name, flag in (("lenient", lenient), ("drop_placeholders", drop_placeholders),
                       ("drop_hostnames", drop_hostnames), ("verify", verify)):
        if not isinstance(flag, bool):
            raise ValueError(f"{name}={flag!r} must be True or False")
    path = _umass_path(name_or_path)
    data = read_data(path, verify=verify)
    _refuse_empty(path, data, header=False)
    lines = _split_lines(data.decode("utf-8", errors="replace"))
    columns = tuple([] for _ in _UMASS_FIELDS)
    numbers, skipped = [], []
    for number, line in enumerate(lines, start=1):
        fields = line.split()
        problem = _umass_problem(fields)
        if problem is not None:
            if not lenient:
                raise MalformedLine(path, number, line, problem, " (pass lenient=True, or labcdn caching --lenient, to skip it)")
            skipped.append(SkippedLine(str(path), number, problem, line))
            continue
        fields[4] = fields[4].partition("&")[0]
        for column, value in zip(columns, fields, strict=True):
            column.append(value)
        numbers.append(number)
    if not numbers:
        raise EmptyDataFile(path, f"{path}: none of its {len(lines):,} lines is a well-formed request "
                                  f"(the first: line {skipped[0].line}, {skipped[0].reason})")
    frame = pl.DataFrame(
        {**dict(zip(_UMASS_FIELDS, columns, strict=True)), "line": numbers},
        schema={"timestamp": pl.String, **dict.fromkeys(_UMASS_FIELDS[1:], pl.String), "line": pl.Int32},
    ).with_columns(pl.col("timestamp").cast(pl.Float64), pl.col("request_kind").cast(pl.Categorical))
    if drop_placeholders:
        frame = frame.filter(~pl.col("video_id").str.contains(r"^UMASS\d{6}$"))
    if drop_hostnames:
        frame = frame.filter(~pl.col("video_id").str.contains(".", literal=True))
    frame = _flag_out_of_order(frame).select(*_UMASS_FIELDS, "out_of_order", "line")
    return Loaded(frame, tuple(skipped))


def _flag_out_of_order(frame: pl.DataFrame) -> pl.DataFrame:
    previous = pl.col("timestamp").shift(1)
    return frame.with_columns((pl.col("timestamp") < previous).fill_null(False).alias("out_of_order"))


def _require(frame, columns) -> None:
    if not isinstance(frame, pl.DataFrame):
        hint = " (pass loaded.frame)" if isinstance(frame, Loaded) else ""
        raise ValueError(f"frame must be a polars DataFrame; got {type(frame).__name__}{hint}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"frame lacks column(s) {', '.join(missing)}; it has {', '.join(frame.columns)}")


def sort_by_time(frame: pl.DataFrame) -> pl.DataFrame:
    """The requests sorted by timestamp, ties kept in file order.

    Parameters
    ----------
    frame : polars.DataFrame
        A frame with a ``timestamp`` column, e.g. ``load_umass_youtube(...).frame``.

    Returns
    -------
    polars.DataFrame
        The same rows, stably sorted; ``out_of_order`` (when present) is recomputed, so all false.
    """
    _require(frame, ("timestamp",))
    ordered = frame.sort("timestamp", maintain_order=True)
    return _flag_out_of_order(ordered) if "out_of_order" in frame.columns else ordered


def request_trace(frame: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The request sequence of a trace, ready for a cache simulation.

    The trace has no object sizes and none are invented here: callers choose a size model.

    Parameters
    ----------
    frame : polars.DataFrame
        Requests in the order to replay, with ``video_id`` and ``timestamp`` columns
        (e.g. ``load_umass_youtube(...).frame``, or :func:`sort_by_time` of it).

    Returns
    -------
    obj_ids : numpy.ndarray of int64
        Dense object ids ``0 .. n_objects-1``, numbered in order of first request.
    timestamps : numpy.ndarray of float64
        The request times, seconds.
    """
    _require(frame, ("video_id", "timestamp"))
    ids = frame["video_id"]
    if ids.null_count():
        raise ValueError(f"video_id has {ids.null_count()} null value(s); drop them first")
    if ids.dtype.is_nested():
        raise ValueError(f"video_id must hold one id per request; got dtype {ids.dtype}")
    try:
        times = frame["timestamp"].cast(pl.Float64).to_numpy(writable=True)
    except pl.exceptions.PolarsError as exc:
        raise ValueError(f"timestamp must hold numbers (seconds); {str(exc).splitlines()[0]}") from None
    if not np.all(np.isfinite(times)):
        raise ValueError(f"timestamp has {int(np.count_nonzero(~np.isfinite(times)))} missing or non-finite value(s)")
    first_seen = ids.unique(maintain_order=True)
    obj_ids = ids.replace_strict(first_seen, np.arange(len(first_seen)), return_dtype=pl.Int64)
    return obj_ids.to_numpy(writable=True), times
