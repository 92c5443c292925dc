"""Where the published data files live, whom to credit, how they are checked, and the errors a loader raises.

Five files published by others (see :data:`DATA_FILES` or :func:`sources`) are read from
:func:`data_dir` -- ``$LABCDN_DATA`` when set, else the repository's ``data/`` folder, where each is
committed as the original file compressed with xz (``<path>.xz``; ``scripts/build_data.py`` makes
them from the originals). A folder may hold either form: ``<path>`` is read as it is, ``<path>.xz``
is decompressed first.

Every read of a registered file is checked against the sha256 of the file as published (of the
decompressed bytes, so the check means "this is the published file"); a mismatch raises
:class:`ChecksumMismatch` naming the file, the expected and the actual digest, unless the caller
passes ``verify=False`` for a deliberately different file. A missing file raises
:class:`DataNotFound` naming the expected path; an empty file, or one with a header and no rows,
raises :class:`EmptyDataFile`; a row a loader cannot trust raises :class:`MalformedLine` naming the
file and its 1-based line.
"""

from __future__ import annotations

import hashlib
import lzma
import os
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

import polars as pl

from labcdn._validation import check_choice

ENV_VAR = "LABCDN_DATA"


class DataNotFound(FileNotFoundError):
    """A data file is not where the loader looked; the message says where to put it and where to get it."""


class BadDataFile(ValueError):
    """A data file that a loader refuses as a whole; ``file`` names it, the message says why."""

    def __init__(self, file, message):
        self.file = str(file)
        super().__init__(message)

    def __reduce__(self):
        return type(self), (self.file, str(self))


class EmptyDataFile(BadDataFile):
    """A data file with no rows: empty, or a header alone."""


class ChecksumMismatch(BadDataFile):
    """A registered file whose bytes are not those published; ``expected`` and ``actual`` sha256 digests."""

    def __init__(self, file, expected, actual):
        self.expected, self.actual = expected, actual
        super().__init__(
            file,
            f"{file}: sha256 {actual} is not the published file's {expected}; the file is damaged, cut short "
            f"or another file (restore it with `git checkout data/`, or pass verify=False / --no-verify to "
            f"load a deliberately different file)",
        )

    def __reduce__(self):
        return type(self), (self.file, self.expected, self.actual)


class MalformedLine(BadDataFile):
    """A line of a data file that cannot be read as a row; ``file``, ``line`` (1-based), ``text``, ``reason``."""

    def __init__(self, file, line, text, reason, hint=""):
        self.line, self.text, self.reason = int(line), text, reason
        shown = text if len(text) <= 200 else f"{text[:200]}... ({len(text):,} characters)"
        super().__init__(file, f"{file}, line {self.line}: {reason}: {shown!r}{hint}")

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

#: The registry. Row counts and sha256 digests (of the files as published, uncompressed) are also in
#: data/README.md; tests/test_datasets.py checks that the two agree.
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
_BY_NAME = MappingProxyType({Path(f.path).name: f for f in DATA_FILES})
#: The suffix of the compressed copies committed in data/.
COMPRESSED_SUFFIX = ".xz"
_REPO_DATA = Path(__file__).resolve().parents[2] / "data"


def data_dir() -> Path:
    """The folder the data files are read from.

    Returns
    -------
    pathlib.Path
        ``$LABCDN_DATA`` when that variable is set and not empty, else ``<repo>/data`` where
        ``<repo>`` is the folder holding the ``labcdn`` package (the committed, compressed copies).
        The folder may not exist.
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    return _REPO_DATA


def data_path(key: str) -> Path:
    """The path of a registered file, checked to exist (not read, so not verified).

    Parameters
    ----------
    key : str
        One of the keys of :data:`DATA_FILES` (see :func:`sources`).

    Returns
    -------
    pathlib.Path
        ``data_dir() / <relative path>`` when that file exists, else the same path with ``.xz``
        appended (the compressed copy).

    Raises
    ------
    DataNotFound
        If neither is there; the message names the path, ``$LABCDN_DATA`` and the public source.
    """
    check_choice("key", key, _BY_KEY)
    return _existing(data_dir() / _BY_KEY[key].path, _BY_KEY[key])


def read_data(path, *, verify=True) -> bytes:
    """The bytes of a data file as published: decompressed when it ends in ``.xz``, checked when registered.

    Parameters
    ----------
    path : str or pathlib.Path
        The file. One whose name (less ``.xz``) is that of a registered file is checked against
        that file's sha256.
    verify : bool
        ``False`` skips the check, for a deliberately different file under a registered name.

    Returns
    -------
    bytes
        The file's content, uncompressed.

    Raises
    ------
    DataNotFound
        If the file is missing.
    BadDataFile
        If a ``.xz`` file cannot be decompressed.
    ChecksumMismatch
        If the file is registered, ``verify`` is true and its sha256 differs from the registry's.
    """
    if not isinstance(verify, bool):
        raise ValueError(f"verify={verify!r} must be True or False")
    path = Path(path)
    entry = _BY_NAME.get(path.name.removesuffix(COMPRESSED_SUFFIX))
    if not path.is_file():
        raise DataNotFound(f"data file {path} not found")
    data = path.read_bytes()
    if path.name.endswith(COMPRESSED_SUFFIX):
        try:
            data = lzma.decompress(data, format=lzma.FORMAT_XZ)
        except lzma.LZMAError as exc:
            raise BadDataFile(path, f"{path}: not a valid xz file ({exc}); restore it with `git checkout data/`") from None
    if verify and entry is not None:
        actual = hashlib.sha256(data).hexdigest()
        if actual != entry.sha256:
            raise ChecksumMismatch(path, entry.sha256, actual)
    return data


def verify_all() -> pl.DataFrame:
    """Check every registered file under :func:`data_dir` against its sha256.

    Returns
    -------
    polars.DataFrame
        One row per file: ``key``, ``path`` (the file read, or the one expected when missing),
        ``status`` (``"ok"``, ``"missing"``, ``"mismatch"`` or ``"unreadable"``), ``expected`` and
        ``actual`` sha256 (``actual`` null unless read).
    """
    rows = []
    for entry in DATA_FILES:
        row = {"key": entry.key, "path": str(data_dir() / entry.path), "expected": entry.sha256, "actual": None}
        try:
            path = data_path(entry.key)
            row["path"] = str(path)
            read_data(path, verify=True)
            row.update(status="ok", actual=entry.sha256)
        except DataNotFound:
            row["status"] = "missing"
        except ChecksumMismatch as exc:
            row.update(status="mismatch", actual=exc.actual)
        except BadDataFile:
            row["status"] = "unreadable"
        rows.append(row)
    return pl.DataFrame(rows, schema={"key": pl.String, "path": pl.String, "status": pl.String,
                                      "expected": pl.String, "actual": pl.String})


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
    compressed = path.with_name(path.name + COMPRESSED_SUFFIX)
    if not path.name.endswith(COMPRESSED_SUFFIX) and compressed.is_file():
        return compressed
    raise DataNotFound(
        f"data file {path} not found{hint}. labcdn reads {entry.path} (or {entry.path}{COMPRESSED_SUFFIX}) "
        f"from ${ENV_VAR} when set, else from the repository's data/ folder (now: {data_dir()}); "
        f"`git checkout data/` restores the committed copy. Public source: {entry.source}. Cite: {entry.citation}."
    )


def _resolve(path, key: str, hint: str = "") -> Path:
    if path is None:
        return _existing(data_dir() / _BY_KEY[key].path, _BY_KEY[key])
    path = Path(path)
    entry = _BY_NAME.get(path.name.removesuffix(COMPRESSED_SUFFIX), _BY_KEY[key])
    return _existing(path, entry, hint)


def _refuse_empty(path: Path, data: bytes, header: bool) -> None:
    """Refuse a file with no rows: empty, blank, or (for a table) a header alone."""
    body = data.strip()
    if not body:
        raise EmptyDataFile(path, f"{path}: the file is empty (no rows)")
    if header and b"\n" not in body:
        raise EmptyDataFile(path, f"{path}: the file has a header and no rows")


def _split_lines(text: str) -> list[str]:
    """Lines split on ``\\n`` only (``str.splitlines`` also splits on characters a title may hold)."""
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    return lines
