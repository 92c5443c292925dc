"""The chapter's decision drawn from the sourced table: what each requirement reads, and each tool's answer.

:func:`fit_dot` writes the Graphviz source of chapter 10's diagram from
``data/orchestrator_tools.csv`` through :func:`labcdn.choosing.checks`, the same
checks :func:`labcdn.choosing.fit` makes; the notebook carries that source in a
``{graphviz}`` block (drawn at build time), and the tests check the two agree, so
the picture cannot drift from the table.
"""

from __future__ import annotations

import html

import polars as pl

from labcdn.choosing.tools import REQUIREMENTS, TOOLS, Requirements, _lookup, checks, load_tools

#: Row labels of the diagram, one per requirement.
LABELS = {"nodes": "nodes (largest documented)", "stateful": "stateful", "non_container": "non-container",
          "managed": "managed offering", "small_team": "small team", "cloud_agnostic": "cloud-agnostic",
          "maintained": "still maintained"}
SHORT = {"Kubernetes": "Kubernetes", "Mesos + Marathon": "Mesos +<BR/>Marathon", "Amazon ECS": "Amazon<BR/>ECS",
         "Docker Swarm": "Docker<BR/>Swarm", "Nomad": "Nomad"}
#: What a cell shows for each status when the requirement is asked, and its colour.
MARKS = {"pass": ("yes", "#b7e4c7"), "partial": ("partly", "#ffe8a1"), "unknown": ("?", "#e9ecef"),
         "fail": ("no", "#f4b6b6")}


def fit_dot(table: pl.DataFrame | None = None) -> str:
    """Graphviz source: your requirements → each tool's answer in the table → the verdict.

    Parameters
    ----------
    table : polars.DataFrame, optional
        :func:`labcdn.choosing.load_tools` (default: the committed table).

    Returns
    -------
    str
        A ``digraph`` whose middle node is an HTML-like table: one row per requirement,
        one column per tool, each cell the check's status when that requirement is
        asked (for the cluster size, the documented maximum).
    """
    table = load_tools() if table is None else table
    cells = _lookup(table)
    asked = Requirements(nodes=1, **{k: True for k in list(REQUIREMENTS)[1:]})
    status = {(r["tool"], r["requirement"]): r["status"] for r in checks(asked, table).iter_rows(named=True)}
    head = "".join(f'<TD><B>{SHORT[t]}</B></TD>' for t in TOOLS)
    rows = [f'<TR><TD ALIGN="LEFT"><B>asked</B></TD>{head}</TR>']
    for req in REQUIREMENTS:
        tds = []
        for tool in TOOLS:
            mark, colour = MARKS[status[tool, req]]
            if req == "nodes":
                value = cells[tool, "max_nodes"]["fit_value"]
                mark = "?" if value is None else f"{int(value):,}"
            tds.append(f'<TD BGCOLOR="{colour}">{mark}</TD>')
        rows.append(f'<TR><TD ALIGN="LEFT">{html.escape(LABELS[req])}</TD>{"".join(tds)}</TR>')
    grid = "\n    ".join(rows)
    return "\n".join([
        "digraph fit {",
        '  graph [bgcolor="transparent", rankdir=TB, ranksep=0.22, fontname="Helvetica"];',
        '  node [fontname="Helvetica", fontsize=10, shape=box, style="rounded,filled", penwidth=0, margin="0.1,0.05"];',
        '  edge [color="#6c757d", arrowsize=0.6];',
        '  ask [label="your requirements", fillcolor="#c6dbef"];',
        '  table [shape=plaintext, style="", margin=0, label=<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0"'
        ' CELLPADDING="3" COLOR="#ffffff">',
        f"    {grid}",
        "  </TABLE>>];",
        '  verdict [label="each tool\'s verdict is its worst check among those asked:\\n'
        'fits · with limits · unverified (?) · ruled out", fillcolor="#f1f3f4"];',
        "  ask -> table -> verdict;",
        "}",
    ])
