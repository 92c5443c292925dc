"""pyproject.toml and environment.yml declare the same packages with the same lower bounds."""

from __future__ import annotations

import re
import tomllib

import yaml
from conftest import ROOT

REQ = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$")


def _parse(spec: str) -> tuple[str, str]:
    name, bounds = REQ.match(spec).groups()
    return name.lower().replace("_", "-"), bounds.replace(" ", "")


def pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + project["optional-dependencies"]["dev"]
    return dict(_parse(s) for s in specs)


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


def test_environment_yml_matches_pyproject():
    assert environment_requirements() == pyproject_requirements()


def test_every_dependency_has_a_lower_bound():
    unbounded = [name for name, bounds in pyproject_requirements().items() if ">=" not in bounds]
    assert unbounded == []


def test_python_floor_agrees():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert f"python{project['requires-python']}" in env["dependencies"]
