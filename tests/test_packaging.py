"""pyproject.toml, requirements.lock and environment.yml agree; the environment is the locked one;
nothing in the suite can skip for a reason other than the few named here."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
import tomllib

import pytest
import yaml
from conftest import ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REQ = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$")
LOCK = ROOT / "requirements.lock"
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==(\S+) \\$")


def _parse(spec: str) -> tuple[str, str]:
    name, bounds = REQ.match(spec).groups()
    return name.lower().replace("_", "-"), bounds.replace(" ", "")


def pyproject_specs() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return project["dependencies"] + project["optional-dependencies"]["dev"]


def pyproject_requirements() -> dict[str, str]:
    return dict(_parse(s) for s in pyproject_specs())


def environment_requirements() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    specs = []
    for item in env["dependencies"]:
        if isinstance(item, dict):
            specs += item["pip"]
        else:
            specs.append(item)
    reqs = dict(_parse(s) for s in specs)
    reqs.pop("pip")
    reqs.pop("python")
    return reqs


def lock_pins() -> tuple[dict[str, str], set[str]]:
    """Every ``name==version`` of the lock, and the names that carry at least one sha256."""
    pins, hashed, current = {}, set(), None
    for line in LOCK.read_text().splitlines():
        if match := PIN.match(line):
            current = canonicalize_name(match[1])
            pins[current] = match[2]
        elif line.strip().startswith("--hash=sha256:") and current is not None:
            hashed.add(current)
    return pins, hashed


def test_environment_yml_matches_pyproject():
    assert environment_requirements() == pyproject_requirements()


def test_every_dependency_has_a_lower_bound():
    unbounded = [name for name, bounds in pyproject_requirements().items() if ">=" not in bounds]
    assert unbounded == []


def test_python_floor_agrees():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert f"python{project['requires-python']}" in env["dependencies"]


def test_lock_pins_every_requirement_within_its_bounds_with_hashes():
    pins, hashed = lock_pins()
    assert len(pins) > 100  # the whole transitive closure, not the direct requirements alone
    assert set(pins) == hashed, "every pinned package carries its sha256"
    outside = {}
    for spec in pyproject_specs():
        req = Requirement(spec)
        name = canonicalize_name(req.name)
        if name not in pins or pins[name] not in req.specifier:
            outside[spec] = pins.get(name)
    assert outside == {}, "run `make lock` after changing pyproject.toml"
    build = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    assert {canonicalize_name(Requirement(r).name) for r in build} | {"pip"} <= set(pins)


def test_lock_lists_exactly_pyprojects_direct_requirements():
    """A requirement dropped from pyproject.toml but still pinned as direct means a stale lock."""
    text = LOCK.read_text()
    direct = set()
    for block in re.split(r"\n(?=\S)", text):
        if "labcdn (pyproject.toml)" in block and (match := PIN.match(block.splitlines()[0])):
            direct.add(canonicalize_name(match[1]))
    assert direct == {canonicalize_name(Requirement(s).name) for s in pyproject_specs()}


def test_the_environment_is_the_locked_one():
    """`make venv` installs from the lock: every locked package is installed at its pinned version."""
    differ = {}
    for name, version in lock_pins()[0].items():
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            differ[name] = (version, installed)
    assert differ == {}, "reinstall with `make venv` (or `make lock` if pyproject.toml changed)"


# --------------------------------------------------------------------------- nothing skips

SKIP = re.compile(r"pytest\.skip\(|mark\.skip\(|mark\.skipif\(|importorskip\(\s*[\"']([\w.]+)|mark\.data\b")
#: The deliberate skip constructs, by file. Each is explained in CONTRIBUTING.md ("Skips").
DELIBERATE = {
    # runs only without NUMBA_DISABLE_JIT, which `make test` never sets
    ("test_hashing.py", "mark.skipif("),
}


def test_no_test_can_skip_for_lack_of_data_or_packages():
    """The real data sets are committed and every package is locked, so no test may skip for either:
    a skip construct is allowed only when named in DELIBERATE, and an ``importorskip`` only for a
    module this environment has (so it never skips)."""
    found, unexpected = set(), []
    for path in sorted((ROOT / "tests").glob("*.py")):
        if path.name == "test_packaging.py":
            continue
        for match in SKIP.finditer(path.read_text()):
            if match[1] is not None:
                if importlib.util.find_spec(match[1]) is None:
                    unexpected.append((path.name, f"importorskip({match[1]!r}) would skip"))
                continue
            found.add((path.name, match[0]))
            if (path.name, match[0]) not in DELIBERATE:
                unexpected.append((path.name, match[0]))
    assert unexpected == []
    assert found == DELIBERATE, "a deliberate skip was removed: drop it from DELIBERATE and CONTRIBUTING.md"


def test_no_notebook_cell_can_skip():
    """notebooks/conftest.py turns a skipped nbval cell into a failure; no notebook asks for a skip."""
    conftest = (ROOT / "notebooks" / "conftest.py").read_text()
    assert 'report.outcome = "failed"' in conftest and "report.skipped" in conftest
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        text = notebook.read_text()
        assert "nbval-skip" not in text and "NBVAL_SKIP" not in text, notebook.name


@pytest.mark.parametrize("name", ["chromium", "graphviz", "haproxy", "nginx-light", "pen"])
def test_make_test_installs_each_system_package_first(name):
    makefile = (ROOT / "Makefile").read_text()
    assert f":{name}" in makefile
    test_line = next(line for line in makefile.splitlines() if line.startswith("test:"))
    assert test_line.split(":", 1)[1].split()[0] == "system-test"


def test_ci_runs_make_test_and_nothing_else():
    commands = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
                if line.strip() and not line.strip().startswith("#")]
    assert commands == ["set -euo pipefail", 'cd "$(dirname "$0")/.."', "export HYPOTHESIS_PROFILE=ci", "make test"]
