"""The delimited tables: Netflix's weekly Top-10 lists (TSV) and Alibaba's GPU cluster trace (CSV).

Each loader reads with an explicit schema (every field as text first, so that nothing is guessed),
checks the header, the field count, that every value parses, and the rows' own rules, and raises
:class:`~labcdn.datasets.registry.MalformedLine` at the first line it cannot trust.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import polars as pl

from labcdn.datasets.registry import MalformedLine, _refuse_empty, _resolve, _split_lines, read_data


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        number = data.count(b"\n", 0, exc.start) + 1
        text = data.split(b"\n")[number - 1].decode("utf-8", errors="replace")
        raise MalformedLine(path, number, text, "bytes that are not UTF-8") from None


class _Column(NamedTuple):
    name: str
    dtype: pl.DataType
    missing: tuple[str, ...] = ()  # values read as null (always include ""); with none, empty is malformed


def _read_table(path: Path, columns, separator: str, checks, verify: bool) -> pl.DataFrame:
    """Read a delimited file with an explicit schema, then run row ``checks`` (expr, reason)."""
    data = read_data(path, verify=verify)
    _refuse_empty(path, data, header=True)
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


def load_netflix_top10(path=None, *, verify=True) -> pl.DataFrame:
    """Netflix's weekly global Top-10 lists, one row per (week, category, rank).

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The TSV file; default ``data_dir() / "netflix_top10/all-weeks-global.tsv"``.
    verify : bool
        Check the file against the published file's sha256 (default). ``False`` loads a
        deliberately different file under the registered name; it is still parsed strictly.

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
    ChecksumMismatch
        If ``verify`` and the file is a registered one whose sha256 differs from the published file's.
    EmptyDataFile
        If the file is empty or holds a header alone.
    MalformedLine
        For the first line with the wrong header or field count, an empty or unparsable value, a rank
        outside 1-10 or repeated within its week and category, a negative count or runtime, or fewer
        than one cumulative week.

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
        (pl.struct("week", "category", "weekly_rank").is_first_distinct(),
         "weekly_rank repeats an earlier row of the same week and category"),
    )
    return _read_table(_resolve(path, "netflix_top10"), _NETFLIX_COLUMNS, "\t", checks, verify)


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


def load_alibaba_pods(path=None, *, verify=True) -> pl.DataFrame:
    """The pods of Alibaba's PAI GPU cluster trace (2023), one row per pod.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The CSV file; default ``data_dir() / "alibaba_gpu_v2023/openb_pod_list_default.csv"``.
    verify : bool
        Check the file against the published file's sha256 (default). ``False`` loads a
        deliberately different file under the registered name; it is still parsed strictly.

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
    ChecksumMismatch
        If ``verify`` and the file is a registered one whose sha256 differs from the published file's.
    EmptyDataFile
        If the file is empty or holds a header alone.
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
    return _read_table(_resolve(path, "alibaba_pods"), _POD_COLUMNS, ",", checks, verify)


def load_alibaba_nodes(path=None, *, verify=True) -> pl.DataFrame:
    """The nodes of Alibaba's PAI GPU cluster trace (2023), one row per node.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The CSV file; default ``data_dir() / "alibaba_gpu_v2023/openb_node_list_all_node.csv"``.
    verify : bool
        Check the file against the published file's sha256 (default). ``False`` loads a
        deliberately different file under the registered name; it is still parsed strictly.

    Returns
    -------
    polars.DataFrame
        ``sn`` (String), ``cpu_milli``, ``memory_mib``, ``gpu`` (Int64), ``model`` (Categorical GPU
        model, null for nodes without GPUs).

    Raises
    ------
    DataNotFound
        If the file is missing.
    ChecksumMismatch
        If ``verify`` and the file is a registered one whose sha256 differs from the published file's.
    EmptyDataFile
        If the file is empty or holds a header alone.
    MalformedLine
        For the first line with the wrong header or field count, an unparsable value, a duplicate
        ``sn``, a negative resource, or a GPU model named for a node without GPUs or missing for
        one with them.

    References
    ----------
    Weng et al., USENIX ATC 2023; github.com/alibaba/clusterdata (cluster-trace-gpu-v2023).
    """
    checks = (
        (pl.col("sn").is_first_distinct(), "sn repeats an earlier row"),
        *_non_negative("cpu_milli", "memory_mib", "gpu"),
        (pl.col("model").is_not_null() | (pl.col("gpu") == 0), "a node with GPUs must name their model"),
        (pl.col("model").is_null() | (pl.col("gpu") > 0), "a node without GPUs must not name a GPU model"),
    )
    return _read_table(_resolve(path, "alibaba_nodes"), _NODE_COLUMNS, ",", checks, verify)
