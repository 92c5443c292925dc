"""nbval: no notebook cell may skip.

The real data sets are committed in ``data/`` (``labcdn.datasets``), so no chapter lacks its data on a
fresh clone, and nothing here skips a chapter any more. A cell that nbval would skip anyway (a
``nbval-skip`` tag, a ``pytest.skip`` reached while running) is turned into a failure that names the
cell and nbval's reason, so ``make test`` can never pass with cells left unchecked.
"""

from __future__ import annotations

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and str(item.path).endswith(".ipynb"):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        report.outcome = "failed"
        report.longrepr = f"{item.nodeid} would be skipped ({reason}); no notebook cell may skip (notebooks/conftest.py)"
