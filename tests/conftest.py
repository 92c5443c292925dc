"""Shared pytest set-up: hypothesis profiles, browser launch and the artifacts folder."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import numba
import numpy as np
import pytest
from hypothesis import settings

# "dev" (the default) draws fresh examples on every run, so local runs keep exploring; a failure prints
# the blob that reproduces it. "ci" (.ci/run sets HYPOTHESIS_PROFILE=ci) draws the same examples on every
# run, so a red CI run is a change in the code, never a roll of the dice.
settings.register_profile("dev", print_blob=True)
settings.register_profile("ci", derandomize=True, print_blob=True, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def _wrapping_integers_without_jit():
    """Compiled kernels wrap uint64 arithmetic (hashes, SplitMix64) silently; under NUMBA_DISABLE_JIT they run on
    NumPy scalars, whose intended wrap-around warns (an error here). Silence only that, and only then."""
    with np.errstate(over="ignore") if numba.config.DISABLE_JIT else contextlib.nullcontext():
        yield


ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_addoption(parser):
    parser.addoption("--artifacts", default=str(ROOT / "artifacts"), help="folder for screenshots and logs")


@pytest.fixture(scope="session")
def artifacts(request) -> Path:
    path = Path(request.config.getoption("--artifacts")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by playwright (never `playwright install`)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (`apt-get install chromium`, as .ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()

