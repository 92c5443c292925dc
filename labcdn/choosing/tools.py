"""Which orchestrator fits a set of requirements, read from the sourced table ``data/orchestrator_tools.csv``.

The table holds one row per (tool, dimension): the tool's answer in words, a
machine-readable ``fit_value`` (empty where nothing could be verified) and the
source. :func:`fit` checks each requirement against it:

================= =====================================================================
``nodes``         the documented largest cluster (``max_nodes``) must reach the nodes asked
``stateful``      ``stateful`` is ``yes`` (``partial`` passes with limits)
``non_container`` ``non_container`` is ``yes``
``managed``       ``managed`` is ``yes`` (someone else runs the control plane)
``small_team``    labcdn's rule, not a published criterion: a hosted offering exists, or
                  at most one control-plane component (``control_plane``) to run yourself
``cloud_agnostic`` ``cloud_agnostic`` is ``yes``
``maintained``    ``maintained`` is ``yes``
================= =====================================================================

Each check is ``pass``, ``partial``, ``unknown`` (the table has no verified value),
``fail`` or ``not required``; a tool's verdict is its worst check: ``fits``, ``with
limits``, ``unverified`` or ``ruled out``.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import polars as pl

from labcdn._validation import check_range
from labcdn.datasets import MalformedLine

PATH = Path(__file__).resolve().parents[2] / "data" / "orchestrator_tools.csv"
TOOLS = ("Kubernetes", "Mesos + Marathon", "Amazon ECS", "Docker Swarm", "Nomad")
DIMENSIONS = ("max_nodes", "stateful", "non_container", "managed", "cloud_agnostic", "control_plane", "maintained",
              "worked_case")
LEVELS = ("yes", "partial", "no")
#: Requirements in the order they are shown, each with the dimension it reads.
REQUIREMENTS = {"nodes": "max_nodes", "stateful": "stateful", "non_container": "non_container", "managed": "managed",
                "small_team": "control_plane", "cloud_agnostic": "cloud_agnostic", "maintained": "maintained"}
#: Cluster sizes offered by the selector (nodes in one cluster).
NODE_OPTIONS = (100, 1_000, 5_000, 10_000, 20_000)
#: Worst first: a tool's verdict is the verdict of its worst check.
STATUSES = ("fail", "unknown", "partial", "pass", "not required")
VERDICTS = {"fail": "ruled out", "unknown": "unverified", "partial": "with limits", "pass": "fits",
            "not required": "fits"}
SMALL_TEAM_MAX_COMPONENTS = 1  # labcdn's rule for "small team" (an assumption, not a published figure)


@dataclass(frozen=True)
class Requirements:
    """What a team needs from an orchestrator (defaults: a 1,000-node cluster that is still maintained)."""

    nodes: int = 1_000  #: nodes in one cluster
    stateful: bool = False  #: stateful workloads (databases, queues) with their storage
    non_container: bool = False  #: workloads that are not containers (binaries, JVM jobs, VMs)
    managed: bool = False  #: a hosted offering, so nobody on the team runs the control plane
    small_team: bool = False  #: a small team to operate it
    cloud_agnostic: bool = False  #: not tied to one cloud provider
    maintained: bool = True  #: the project is still maintained today

    def __post_init__(self):
        check_range("nodes", self.nodes, 1, None, integer=True)
        for f in fields(self)[1:]:
            if not isinstance(getattr(self, f.name), bool):
                raise ValueError(f"{f.name}={getattr(self, f.name)!r} must be True or False")


#: The defaults: a 1,000-node cluster that is still maintained, nothing else asked.
DEFAULT = Requirements()


def load_tools(path=PATH) -> pl.DataFrame:
    """The sourced table, checked: every tool has every dimension once, with a value and a source.

    Raises
    ------
    MalformedLine
        Naming the file and line of a row with an unknown tool or dimension, an empty
        value or source, a repeated (tool, dimension), or a ``fit_value`` of the wrong kind.
    """
    path = Path(path)
    frame = pl.read_csv(path, schema=dict.fromkeys(("tool", "dimension", "value", "fit_value", "source"), pl.String))
    seen = set()
    for i, row in enumerate(frame.iter_rows(named=True)):
        line, text = i + 2, f"{row['tool']}, {row['dimension']}"
        if row["tool"] not in TOOLS:
            raise MalformedLine(path, line, text, f"tool is not one of {', '.join(TOOLS)}")
        if row["dimension"] not in DIMENSIONS:
            raise MalformedLine(path, line, text, f"dimension is not one of {', '.join(DIMENSIONS)}")
        for col in ("value", "source"):
            if not (row[col] or "").strip():
                raise MalformedLine(path, line, text, f"{col} is empty")
        if (row["tool"], row["dimension"]) in seen:
            raise MalformedLine(path, line, text, "repeats an earlier row")
        seen.add((row["tool"], row["dimension"]))
        _check_fit_value(path, line, text, row["dimension"], row["fit_value"])
    missing = [(t, d) for t in TOOLS for d in DIMENSIONS if (t, d) not in seen]
    if missing:
        raise MalformedLine(path, frame.height + 1, f"{missing[0][0]}, {missing[0][1]}", "row missing")
    return frame


def _check_fit_value(path, line, text, dimension, value):
    if value is None or dimension == "worked_case":
        if value is not None:
            raise MalformedLine(path, line, text, "worked_case takes no fit_value")
        return
    if dimension in ("max_nodes", "control_plane"):
        if not value.isdigit():
            raise MalformedLine(path, line, text, f"fit_value {value!r} is not a whole number")
    elif value not in LEVELS:
        raise MalformedLine(path, line, text, f"fit_value {value!r} is not one of {', '.join(LEVELS)}")


def _lookup(table: pl.DataFrame) -> dict:
    return {(r["tool"], r["dimension"]): r for r in table.iter_rows(named=True)}


def _check(cell: dict, requirement: str, wanted, managed_cell: dict) -> tuple[str, str]:
    """Status and reason of one requirement for one tool."""
    value, text = cell["fit_value"], cell["value"]
    if requirement == "nodes":
        if value is None:
            return "unknown", f"no verified maximum: {text}"
        top = int(value)
        return ("pass", text) if top >= wanted else ("fail", f"{wanted:,} nodes asked: {text}")
    if not wanted:
        return "not required", text
    if requirement == "small_team":
        if managed_cell["fit_value"] == "yes":
            return "pass", f"hosted offering: {managed_cell['value']}"
        if value is None:
            return "unknown", text
        ok = int(value) <= SMALL_TEAM_MAX_COMPONENTS
        return ("pass" if ok else "fail"), f"no hosted offering; {text}"
    if value is None:
        return "unknown", text
    return {"yes": "pass", "partial": "partial", "no": "fail"}[value], text


def checks(requirements: Requirements = DEFAULT, table: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every (tool, requirement) check: ``tool, requirement, status, reason, source``.

    Parameters
    ----------
    requirements : Requirements
        What is asked.
    table : polars.DataFrame, optional
        :func:`load_tools` (default: the committed table).
    """
    if not isinstance(requirements, Requirements):
        raise ValueError(f"requirements must be a labcdn.choosing.Requirements; got {type(requirements).__name__}")
    table = load_tools() if table is None else table
    cells = _lookup(table)
    wanted = asdict(requirements)
    rows = []
    for tool in TOOLS:
        for req, dim in REQUIREMENTS.items():
            cell = cells[tool, dim]
            status, reason = _check(cell, req, wanted[req], cells[tool, "managed"])
            source = cell["source"] if req != "small_team" or status == "not required" else (
                f"{cells[tool, 'managed']['source']}; {cell['source']}")
            rows.append({"tool": tool, "requirement": req, "status": status, "reason": reason, "source": source})
    return pl.DataFrame(rows, schema={c: pl.String for c in ("tool", "requirement", "status", "reason", "source")})


def fit(requirements: Requirements = DEFAULT, table: pl.DataFrame | None = None) -> pl.DataFrame:
    """Which tools fit ``requirements``, and why.

    Parameters
    ----------
    requirements : Requirements
        What is asked (see :class:`Requirements`).
    table : polars.DataFrame, optional
        :func:`load_tools` (default: the committed table).

    Returns
    -------
    polars.DataFrame
        One row per tool, best first: ``tool``, ``verdict`` (``fits``, ``with
        limits``, ``unverified``, ``ruled out``), ``failed`` (the requirements it
        fails, comma-separated), ``unverified`` and ``limits`` likewise, and
        ``why`` (the reasons of its failed, unverified and limited checks).
    """
    c = checks(requirements, table).with_columns(
        pl.col("status").replace_strict({s: i for i, s in enumerate(STATUSES)}, return_dtype=pl.Int64).alias("rank"))
    out = []
    for tool in TOOLS:
        mine = c.filter(pl.col("tool") == tool)
        worst = STATUSES[mine["rank"].min()]
        by = {s: mine.filter(pl.col("status") == s) for s in ("fail", "unknown", "partial")}
        why = [f"{r['requirement']}: {r['reason']}" for s in ("fail", "unknown", "partial")
               for r in by[s].iter_rows(named=True)]
        out.append({"tool": tool, "verdict": VERDICTS[worst], "order": STATUSES.index(worst),
                    "failed": ", ".join(by["fail"]["requirement"]), "unverified": ", ".join(by["unknown"]["requirement"]),
                    "limits": ", ".join(by["partial"]["requirement"]), "why": "; ".join(why) or "meets every requirement"})
    return pl.DataFrame(out).sort("order", descending=True, maintain_order=True).drop("order")


def option_table(table: pl.DataFrame | None = None) -> pl.DataFrame:
    """Each check for each value a requirement can take: what the kernel-free selector chart filters.

    A check depends only on its own requirement, so this small table (every tool ×
    every requirement × every value of that requirement) holds everything
    :func:`fit` can say; the chart picks the rows of the selected values and takes
    each tool's worst status, as :func:`fit` does.

    Returns
    -------
    polars.DataFrame
        ``requirement, option, tool, status, reason, source``; ``option`` is the
        value as text (``"5000"``, ``"true"``, ``"false"``), as Vega's ``toString`` writes it.
    """
    table = load_tools() if table is None else table
    base = Requirements(maintained=False)
    frames = []
    for req in REQUIREMENTS:
        options = NODE_OPTIONS if req == "nodes" else (False, True)
        for option in options:
            part = checks(_replace(base, **{req: option}), table).filter(pl.col("requirement") == req)
            frames.append(part.with_columns(pl.lit(str(option).lower()).alias("option")))
    return pl.concat(frames).select("requirement", "option", "tool", "status", "reason", "source")


def _replace(req: Requirements, **changes) -> Requirements:
    return Requirements(**{**asdict(req), **changes})


def all_requirements():
    """Every combination the selectors offer (5 cluster sizes × 2⁶ yes/no choices)."""
    for nodes, *flags in itertools.product(NODE_OPTIONS, *[(False, True)] * (len(REQUIREMENTS) - 1)):
        yield Requirements(nodes, *flags)
