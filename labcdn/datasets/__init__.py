"""The real data sets behind labcdn's studies: where they live, where they come from, how to read them.

Five files published by others (see :data:`DATA_FILES` or :func:`sources`) are read from
:func:`data_dir` -- ``$LABCDN_DATA`` when set, else the repository's ``data/``, where they are
committed xz-compressed (``data/README.md``; ``scripts/build_data.py`` rebuilds them from the
originals). Each loader checks the file against the published file's sha256 (``verify=False`` for a
deliberately different file; :class:`ChecksumMismatch` names file, expected and actual digest),
refuses an empty or header-only file (:class:`EmptyDataFile`), reads with an explicit schema, checks
every row, and raises :class:`MalformedLine` naming the file and the 1-based line of the first row
it cannot trust, or :class:`DataNotFound` naming the expected path.

The UMass YouTube traces have known defects; :func:`load_umass_youtube` documents how each is handled.

Modules: :mod:`~labcdn.datasets.registry` (the files, their location and the errors),
:mod:`~labcdn.datasets.tables` (Netflix Top 10 and Alibaba GPU cluster tables),
:mod:`~labcdn.datasets.umass` (the UMass YouTube traces and the request sequence for a cache).
"""

from labcdn.datasets.registry import (
    DATA_FILES,
    ENV_VAR,
    BadDataFile,
    ChecksumMismatch,
    DataFile,
    DataNotFound,
    EmptyDataFile,
    MalformedLine,
    data_dir,
    data_path,
    read_data,
    sources,
    verify_all,
)
from labcdn.datasets.tables import load_alibaba_nodes, load_alibaba_pods, load_netflix_top10
from labcdn.datasets.umass import Loaded, SkippedLine, load_umass_youtube, request_trace, sort_by_time

__all__ = [
    "DATA_FILES",
    "ENV_VAR",
    "BadDataFile",
    "ChecksumMismatch",
    "DataFile",
    "DataNotFound",
    "EmptyDataFile",
    "Loaded",
    "MalformedLine",
    "SkippedLine",
    "data_dir",
    "data_path",
    "load_alibaba_nodes",
    "load_alibaba_pods",
    "load_netflix_top10",
    "load_umass_youtube",
    "read_data",
    "request_trace",
    "sort_by_time",
    "sources",
    "verify_all",
]
