"""Where the published data files live, whom to credit, and the errors a loader raises.

Five files published by others (see :data:`DATA_FILES` or :func:`sources`) are read from
:func:`data_dir` -- ``$LABCDN_DATA`` when set, else ``../shared/data`` beside the repository -- and
never committed. A missing file raises :class:`DataNotFound` naming the expected path, the variable
to set and where to get the file; a row a loader cannot trust raises :class:`MalformedLine` naming
the file and its 1-based line.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

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
    return Path(__file__).resolve().parents[2].parent / "shared" / "data"


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
