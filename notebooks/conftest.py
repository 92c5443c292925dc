"""nbval: skip a chapter whose real data sets are absent, saying which and where to get them.

A notebook lists the data sets it reads in its metadata, ``{"labcdn": {"requires_data": [key, ...]}}``
(keys of ``labcdn.datasets.DATA_FILES``). Without them every cell of that notebook is skipped with the
loader's own message (expected path, ``$LABCDN_DATA``, public source) instead of failing.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest


@cache
def _missing(path: str) -> str | None:
    from labcdn.datasets import DataNotFound, data_path

    meta = json.loads(Path(path).read_text(encoding="utf-8")).get("metadata", {})
    for key in meta.get("labcdn", {}).get("requires_data", []):
        try:
            data_path(key)
        except DataNotFound as exc:
            return str(exc)
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = str(item.path)
        if path.endswith(".ipynb"):
            reason = _missing(path)
            if reason:
                item.add_marker(pytest.mark.skip(reason=f"real data absent: {reason}"))
