"""The real data sets behind labcdn's studies: where they live, where they come from, how to read them.

Five files published by others (see :data:`DATA_FILES` or :func:`sources`) are read from
:func:`data_dir` -- ``$LABCDN_DATA`` when set, else ``../shared/data`` beside the repository -- and
never committed. Each loader reads with an explicit schema, checks every row, and raises
:class:`MalformedLine` naming the file and the 1-based line of the first row it cannot trust, or
:class:`DataNotFound` naming the expected path, the variable to set and where to get the file.

The UMass YouTube traces have known defects; :func:`load_umass_youtube` documents how each is handled.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

import numpy as np
import polars as pl

from labcdn._validation import check_choice

ENV_VAR = "LABCDN_DATA"


class DataNotFound(FileNotFoundError):
    """A data file is not where the loader looked; the message says where to put it and where to get it."""


class MalformedLine(ValueError):
    """A line of a data file that cannot be read as a row; ``file``, ``line`` (1-based), ``text``, ``reason``."""

    def __init__(self, file, line, text, reason, hint=""):
        self.file, self.line, self.text, self.reason = str(file), int(line), text, reason
        super().__init__(f"{self.file}, line {self.line}: {reason}: {text!r}{hint}")

    def __reduce__(self):
        return type(self), (self.file, self.line, self.text, self.reason)


class DataFile(NamedTuple):
    """One published file: where it lies under :func:`data_dir` and whom to credit.

    ``rows`` counts the data lines of the file as published (header excluded), before any cleaning.
    """

    key: str
    path: str
    source: str
    citation: str
    sha256: str
    rows: int


_UMASS_SOURCE = "UMass Trace Repository (traces.cs.umass.edu), YouTube traces from the UMass Amherst campus"
_UMASS_CITATION = (
    "M. Zink, K. Suh, Y. Gu, J. Kurose, 'Watch Global, Cache Local: YouTube Network Traffic at a Campus "
    "Network', MMCN 2008 (Proc. SPIE 6818); and 'Characteristics of YouTube network traffic at a campus "
    "network - Measurements, models, and implications', Computer Networks 53(4):501-514, 2009"
)
_ALIBABA_SOURCE = "Alibaba cluster-trace-gpu-v2023, published in github.com/alibaba/clusterdata"
_ALIBABA_CITATION = (
    "Q. Weng, L. Yang, Y. Yu, W. Wang, X. Tang, G. Yang, L. Zhang, 'Beware of Fragmentation: Scheduling "
    "GPU-Sharing Workloads with Fragmentation Gradient Descent', USENIX ATC 2023"
)

#: The registry. Row counts and sha256 digests are those of ../shared/data/README.md.
DATA_FILES: tuple[DataFile, ...] = (
    DataFile(
        "netflix_top10",
        "netflix_top10/all-weeks-global.tsv",
        "Netflix Top 10 (top10.netflix.com), collected by github.com/dbready/netflix_top10",
        "Netflix Top 10, global weekly lists, all weeks (top10.netflix.com)",
        "413b6f6fa3576e47c1f29cf0b3bdb7bd4e75e74c8b727c3dcfe8cca99fcf0564",
        10_560,
    ),
    DataFile(
        "umass_youtube_061807.24",
        "umass_youtube/youtube.parsed.061807.24.dat",
        _UMASS_SOURCE,
        _UMASS_CITATION,
        "9abb47d391974f7f6645821902dfa7a601cf210af2b59f5fe287d5120ca5240b",
        5_771,
    ),
    DataFile(
        "umass_youtube_012908.S1",
        "umass_youtube/youtube.parsed.012908.S1.dat",
        _UMASS_SOURCE,
        _UMASS_CITATION,
        "a5375714257fcab021550fd7e0894995c971fe405b84c33185524ed43bcfbb67",
        37_500,  # the malformed last line included
    ),
    DataFile(
        "alibaba_pods",
        "alibaba_gpu_v2023/openb_pod_list_default.csv",
        _ALIBABA_SOURCE,
        _ALIBABA_CITATION,
        "1ee7ed79c27a3b0861cda8ddba86a004c6aba904caafa329a76ae93ca63834a8",
        8_152,
    ),
    DataFile(
        "alibaba_nodes",
        "alibaba_gpu_v2023/openb_node_list_all_node.csv",
        _ALIBABA_SOURCE,
        _ALIBABA_CITATION,
        "5a85c2af79c66a1efff8bbcbda430400aae56d8431370d738480967e1a9c6b15",
        1_523,
    ),
)
_BY_KEY = MappingProxyType({f.key: f for f in DATA_FILES})
_UMASS_SHORT = MappingProxyType({"061807.24": "umass_youtube_061807.24", "012908.S1": "umass_youtube_012908.S1"})


def data_dir() -> Path:
    """The folder the data files are read from.

    Returns
    -------
    pathlib.Path
        ``$LABCDN_DATA`` when that variable is set and not empty, else ``<repo>/../shared/data``
        where ``<repo>`` is the folder holding the ``labcdn`` package. The folder may not exist.
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    return Path(__file__).resolve().parents[1].parent / "shared" / "data"


def data_path(key: str) -> Path:
    """The path of a registered file, checked to exist.

    Parameters
    ----------
    key : str
        One of the keys of :data:`DATA_FILES` (see :func:`sources`).

    Returns
    -------
    pathlib.Path
        ``data_dir() / <relative path>``.

    Raises
    ------
    DataNotFound
        If the file is not there; the message names the path, ``$LABCDN_DATA`` and the public source.
    """
    check_choice("key", key, _BY_KEY)
    return _existing(data_dir() / _BY_KEY[key].path, _BY_KEY[key])


def sources() -> pl.DataFrame:
    """The registry of data files, one row per file.

    Returns
    -------
    polars.DataFrame
        Columns ``key``, ``path`` (relative to :func:`data_dir`), ``rows`` (data lines as published),
        ``source``, ``citation`` and ``sha256``.
    """
    return pl.DataFrame(
        [f._asdict() for f in DATA_FILES],
        schema={"key": pl.String, "path": pl.String, "source": pl.String, "citation": pl.String,
                "sha256": pl.String, "rows": pl.Int64},
    ).select("key", "path", "rows", "source", "citation", "sha256")


def _existing(path: Path, entry: DataFile, hint: str = "") -> Path:
    if path.is_file():
        return path
    raise DataNotFound(
        f"data file {path} not found{hint}. labcdn's copy of this data set is {entry.path} in ${ENV_VAR} "
        f"when set, else in ../shared/data beside the repository (now: {data_dir()}). "
        f"Public source: {entry.source}. Cite: {entry.citation}."
    )


def _resolve(path, key: str, hint: str = "") -> Path:
    if path is None:
        return _existing(data_dir() / _BY_KEY[key].path, _BY_KEY[key])
    path = Path(path)
    entry = next((f for f in DATA_FILES if Path(f.path).name == path.name), _BY_KEY[key])
    return _existing(path, entry, hint)


def _split_lines(text: str) -> list[str]:
    """Lines split on ``\\n`` only (``str.splitlines`` also splits on characters a title may hold)."""
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        number = data.count(b"\n", 0, exc.start) + 1
        text = data.split(b"\n")[number - 1].decode("utf-8", errors="replace")
        raise MalformedLine(path, number, text, "bytes that are not UTF-8") from None


# --------------------------------------------------------------------------- delimited tables


class _Column(NamedTuple):
    name: str
    dtype: pl.DataType
    missing: tuple[str, ...] = ()  # values read as null (always include ""); with none, empty is malformed


def _read_table(path: Path, columns, separator: str, checks) -> pl.DataFrame:
    """Read a delimited file with an explicit schema, then run row ``checks`` (expr, reason)."""
    data = path.read_bytes()
    lines = _split_lines(_decode(path, data))
    names = [c.name for c in columns]
    if not lines or lines[0].split(separator) != names:
        raise MalformedLine(path, 1, lines[0] if lines else "", f"the header should be {separator.join(names)!r}")
    for number, line in enumerate(lines[1:], start=2):
        if line.count(separator) != len(names) - 1:
            found = line.count(separator) + 1
            raise MalformedLine(path, number, line, f"expected {len(names)} fields, found {found}")
    # polars reads an empty field as null, so a null here is an empty field
    raw = pl.read_csv(
        data, separator=separator, has_header=True, schema=dict.fromkeys(names, pl.String), quote_char=None
    )
    for c in columns:
        if not c.missing:
            _first_failure(raw, pl.col(c.name).is_not_null(), f"{c.name} is empty", path, lines)
    raw = raw.with_columns(
        pl.when(pl.col(c.name).is_in(list(c.missing))).then(None).otherwise(pl.col(c.name)).alias(c.name)
        for c in columns if c.missing
    )
    frame = raw.select(_parse(c) for c in columns)
    for c in columns:
        _first_failure(
            raw.with_columns(frame[c.name].alias("_parsed")),
            pl.col(c.name).is_null() | pl.col("_parsed").is_not_null(),
            f"{c.name} is not a valid {c.dtype}", path, lines,
        )
    for expr, reason in checks:
        _first_failure(frame, expr, reason, path, lines)
    return frame


def _parse(column: _Column) -> pl.Expr:
    col = pl.col(column.name)
    if column.dtype == pl.Date:
        return col.str.to_date("%Y-%m-%d", strict=False)
    return col.cast(column.dtype, strict=False)


def _first_failure(frame: pl.DataFrame, ok: pl.Expr, reason: str, path: Path, lines: list[str]) -> None:
    """Raise :class:`MalformedLine` for the first row where ``ok`` is false (null counts as passing)."""
    bad = frame.select(ok.fill_null(True).not_().arg_true().first()).item()
    if bad is not None:
        raise MalformedLine(path, bad + 2, lines[bad + 1], reason)


_NETFLIX_COLUMNS = (
    _Column("week", pl.Date),
    _Column("category", pl.Categorical),
    _Column("weekly_rank", pl.Int16),
    _Column("show_title", pl.String),
    _Column("season_title", pl.String, ("", "N/A")),  # "N/A" for most films, stand-up, specials
    _Column("weekly_hours_viewed", pl.Int64),
    _Column("runtime", pl.Float64, ("", "N/A")),  # empty before 2023-06-18
    _Column("weekly_views", pl.Int64, ("", "N/A")),  # empty before 2023-06-18
    _Column("cumulative_weeks_in_top_10", pl.Int16),
)


def load_netflix_top10(path=None) -> pl.DataFrame:
    """Netflix's weekly global Top-10 lists, one row per (week, category, rank).

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The TSV file; default ``data_dir() / "netflix_top10/all-weeks-global.tsv"``.

    Returns
    -------
    polars.DataFrame
        ``week`` (Date, the Sunday ending the week), ``category`` (Categorical), ``weekly_rank``
        (Int16, 1-10), ``show_title`` (String), ``season_title`` (String, null where the file has
        ``N/A``: most films, stand-up shows and specials), ``weekly_hours_viewed`` (Int64), ``runtime`` (Float64 hours, null where the
        file has none, i.e. before June 2023), ``weekly_views`` (Int64, null likewise; use hours
        viewed there), ``cumulative_weeks_in_top_10`` (Int16).

    Raises
    ------
    DataNotFound
        If the file is missing.
    MalformedLine
        For the first line with the wrong header or field count, an empty or unparsable value, a rank
        outside 1-10, a negative count or runtime, or fewer than one cumulative week.

    References
    ----------
    Netflix Top 10, top10.netflix.com; collected by github.com/dbready/netflix_top10.
    """
    checks = (
        (pl.col("weekly_rank").is_between(1, 10), "weekly_rank must be in [1, 10]"),
        (pl.col("weekly_hours_viewed") >= 0, "weekly_hours_viewed must be >= 0"),
        (pl.col("weekly_views") >= 0, "weekly_views must be >= 0"),
        ((pl.col("runtime") >= 0) & pl.col("runtime").is_finite(), "runtime must be finite and >= 0"),
        (pl.col("cumulative_weeks_in_top_10") >= 1, "cumulative_weeks_in_top_10 must be >= 1"),
    )
    return _read_table(_resolve(path, "netflix_top10"), _NETFLIX_COLUMNS, "\t", checks)


_POD_COLUMNS = (
    _Column("name", pl.String),
    _Column("cpu_milli", pl.Int64),
    _Column("memory_mib", pl.Int64),
    _Column("num_gpu", pl.Int64),
    _Column("gpu_milli", pl.Int64),
    _Column("gpu_spec", pl.String, ("",)),  # empty in every row of the published file
    _Column("qos", pl.Categorical),
    _Column("pod_phase", pl.Categorical),
    _Column("creation_time", pl.Int64, ("",)),
    _Column("deletion_time", pl.Int64, ("",)),
    _Column("scheduled_time", pl.Int64, ("",)),  # empty for the 897 Pending pods
)
_NODE_COLUMNS = (
    _Column("sn", pl.String),
    _Column("cpu_milli", pl.Int64),
    _Column("memory_mib", pl.Int64),
    _Column("gpu", pl.Int64),
    _Column("model", pl.Categorical, ("",)),  # empty exactly where gpu == 0
)


def _non_negative(*names):
    return tuple((pl.col(n) >= 0, f"{n} must be >= 0") for n in names)


def load_alibaba_pods(path=None) -> pl.DataFrame:
    """The pods of Alibaba's PAI GPU cluster trace (2023), one row per pod.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The CSV file; default ``data_dir() / "alibaba_gpu_v2023/openb_pod_list_default.csv"``.

    Returns
    -------
    polars.DataFrame
        ``name`` (String), ``cpu_milli``, ``memory_mib``, ``num_gpu``, ``gpu_milli`` (Int64; GPU
        share per GPU in thousandths), ``gpu_spec`` (String, null where empty), ``qos``,
        ``pod_phase`` (Categorical), ``creation_time``, ``deletion_time``, ``scheduled_time``
        (Int64 seconds from the trace start, null where empty: unscheduled pods have no
        ``scheduled_time``).

    Raises
    ------
    DataNotFound
        If the file is missing.
    MalformedLine
        For the first line with the wrong header or field count, an unparsable value, a duplicate
        name, a negative resource or time, ``gpu_milli`` above 1000, or times out of order
        (creation <= scheduled <= deletion).

    References
    ----------
    Weng et al., "Beware of Fragmentation: Scheduling GPU-Sharing Workloads with Fragmentation
    Gradient Descent", USENIX ATC 2023; data in github.com/alibaba/clusterdata (cluster-trace-gpu-v2023).
    """
    checks = (
        (pl.col("name").is_first_distinct(), "name repeats an earlier row"),
        *_non_negative("cpu_milli", "memory_mib", "num_gpu", "gpu_milli", "creation_time"),
        (pl.col("gpu_milli") <= 1000, "gpu_milli must be <= 1000"),
        (pl.col("scheduled_time") >= pl.col("creation_time"), "scheduled_time must be >= creation_time"),
        (pl.col("deletion_time") >= pl.col("creation_time"), "deletion_time must be >= creation_time"),
        (pl.col("deletion_time") >= pl.col("scheduled_time"), "deletion_time must be >= scheduled_time"),
    )
    return _read_table(_resolve(path, "alibaba_pods"), _POD_COLUMNS, ",", checks)


def load_alibaba_nodes(path=None) -> pl.DataFrame:
    """The nodes of Alibaba's PAI GPU cluster trace (2023), one row per node.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The CSV file; default ``data_dir() / "alibaba_gpu_v2023/openb_node_list_all_node.csv"``.

    Returns
    -------
    polars.DataFrame
        ``sn`` (String), ``cpu_milli``, ``memory_mib``, ``gpu`` (Int64), ``model`` (Categorical GPU
        model, null for nodes without GPUs).

    Raises
    ------
    DataNotFound
        If the file is missing.
    MalformedLine
        For the first line with the wrong header or field count, an unparsable value, a duplicate
        ``sn`` or a negative resource.

    References
    ----------
    Weng et al., USENIX ATC 2023; github.com/alibaba/clusterdata (cluster-trace-gpu-v2023).
    """
    checks = (
        (pl.col("sn").is_first_distinct(), "sn repeats an earlier row"),
        *_non_negative("cpu_milli", "memory_mib", "gpu"),
    )
    return _read_table(_resolve(path, "alibaba_nodes"), _NODE_COLUMNS, ",", checks)


# --------------------------------------------------------------------------- UMass YouTube traces


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


# A request stamped before youtube.com went live (2005-02-14) or past 32-bit Unix time
# (2038-01-19) cannot be real: S1's last line carries half of its predecessor's timestamp (1988).
_FIRST_TIMESTAMP = 1_108_339_200.0
_LAST_TIMESTAMP = 2_147_483_648.0
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
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
    if "\ufffd" in "".join(fields):
        return "bytes that are not UTF-8"
    return None


def load_umass_youtube(name_or_path, *, lenient=False, drop_placeholders=True, drop_hostnames=True) -> Loaded:
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
      [2005-02-14, 2038-01-19), an IP field that is not dotted-quad, an empty id -- raises
      :class:`MalformedLine` naming file and line; S1's last line (timestamp 594956655, in 1988) is one.
      With ``lenient=True`` such lines are left out and listed in ``Loaded.skipped``.
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
    MalformedLine
        For the first malformed line, unless ``lenient``.

    References
    ----------
    Zink, Suh, Gu, Kurose, "Watch Global, Cache Local", MMCN 2008; "Characteristics of YouTube
    network traffic at a campus network", Computer Networks 53(4), 2009. UMass Trace Repository.
    """
    for name, flag in (("lenient", lenient), ("drop_placeholders", drop_placeholders),
                       ("drop_hostnames", drop_hostnames)):
        if not isinstance(flag, bool):
            raise ValueError(f"{name}={flag!r} must be True or False")
    path = _umass_path(name_or_path)
    lines = _split_lines(path.read_bytes().decode("utf-8", errors="replace"))
    columns = tuple([] for _ in _UMASS_FIELDS)
    numbers, skipped = [], []
    for number, line in enumerate(lines, start=1):
        fields = line.split()
        problem = _umass_problem(fields)
        if problem is not None:
            if not lenient:
                raise MalformedLine(path, number, line, problem, " (pass lenient=True to skip it)")
            skipped.append(SkippedLine(str(path), number, problem, line))
            continue
        fields[4] = fields[4].partition("&")[0]
        for column, value in zip(columns, fields, strict=True):
            column.append(value)
        numbers.append(number)
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
    first_seen = ids.unique(maintain_order=True)
    obj_ids = ids.replace_strict(first_seen, np.arange(len(first_seen)), return_dtype=pl.Int64)
    return obj_ids.to_numpy(writable=True), frame["timestamp"].cast(pl.Float64).to_numpy(writable=True)
