"""Which orchestrator fits: the sourced table, the fit model, the kernel-free chart and the published figures."""

from __future__ import annotations

import re
from dataclasses import asdict

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labcdn import choosing as ch
from labcdn.charts import choosing as charts
from labcdn.charts import to_svg
from labcdn.choosing.tools import VERDICTS, all_requirements
from labcdn.datasets import MalformedLine
from labcdn.orchestration.figures import PUBLISHED as ORCHESTRATION

WORST_FIRST = {v: i for i, v in enumerate(("ruled out", "unverified", "with limits", "fits"))}


def verdicts(req):
    return dict(ch.fit(req).select("tool", "verdict").iter_rows())


def test_the_table_has_every_tool_and_dimension_with_a_source():
    table = ch.load_tools()
    assert table.height == len(ch.TOOLS) * len(ch.tools.DIMENSIONS)
    assert table["source"].str.len_chars().min() > 10
    # a cell nothing could verify says so in its source
    unverified = table.filter(pl.col("fit_value").is_null() & (pl.col("dimension") != "worked_case"))
    assert unverified.height > 0
    assert unverified["source"].str.contains("unverified|announcement").all()


def test_the_table_agrees_with_the_published_figures():
    cells = {(r["tool"], r["dimension"]): r["fit_value"] for r in ch.load_tools().iter_rows(named=True)}
    assert int(cells["Kubernetes", "max_nodes"]) == ORCHESTRATION["k8s_max_nodes"].value
    assert int(cells["Mesos + Marathon", "max_nodes"]) == ch.PUBLISHED["mesos_nodes_digitalocean"].value
    assert int(cells["Amazon ECS", "max_nodes"]) == ch.PUBLISHED["ecs_max_instances"].value


@pytest.mark.parametrize(("row", "reason"), [
    ("Kubernetes,max_nodes,x,lots,s", "not a whole number"),
    ("Kubernetes,stateful,x,maybe,s", "not one of yes"),
    ("Borg,stateful,x,yes,s", "tool is not one of"),
    ("Kubernetes,colour,x,yes,s", "dimension is not one of"),
    ("Kubernetes,stateful,x,yes,", "source is empty"),
    ("Kubernetes,worked_case,x,yes,s", "takes no fit_value"),
])
def test_malformed_rows_name_their_line(tmp_path, row, reason):
    path = tmp_path / "tools.csv"
    path.write_text("tool,dimension,value,fit_value,source\n" + row + "\n")
    with pytest.raises(MalformedLine, match=reason) as err:
        ch.load_tools(path)
    assert err.value.line == 2


def test_a_missing_row_is_refused(tmp_path):
    path = tmp_path / "tools.csv"
    lines = (ch.tools.PATH).read_text().splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n")
    with pytest.raises(MalformedLine, match="row missing"):
        ch.load_tools(path)


def test_defaults_today():
    got = verdicts(ch.Requirements())
    assert got["Mesos + Marathon"] == "ruled out"  # retired to the Attic; DC/OS at end of life
    assert got["Kubernetes"] == got["Amazon ECS"] == "fits"
    assert got["Docker Swarm"] == got["Nomad"] == "unverified"  # no documented cluster size


def test_scale_separates_the_tools_as_the_published_sizes_do():
    at_10k = ch.checks(ch.Requirements(nodes=10_000, maintained=False)).filter(pl.col("requirement") == "nodes")
    status = dict(at_10k.select("tool", "status").iter_rows())
    assert status == {"Kubernetes": "fail", "Mesos + Marathon": "pass", "Amazon ECS": "fail",
                      "Docker Swarm": "unknown", "Nomad": "unknown"}
    assert verdicts(ch.Requirements(nodes=5_000))["Kubernetes"] == "fits"


def test_non_container_workloads_leave_mesos_and_nomad():
    got = verdicts(ch.Requirements(non_container=True, maintained=False))
    assert {t for t, v in got.items() if v != "ruled out"} == {"Mesos + Marathon", "Nomad"}


def test_cloud_agnostic_rules_out_ecs_as_in_the_worked_case():
    got = ch.fit(ch.Requirements(cloud_agnostic=True, maintained=False))
    ecs = got.filter(pl.col("tool") == "Amazon ECS").row(0, named=True)
    assert ecs["verdict"] == "ruled out" and ecs["failed"] == "cloud_agnostic"
    assert set(got.filter(pl.col("verdict") == "fits")["tool"]) == {"Kubernetes", "Mesos + Marathon"}


def test_small_team_counts_control_plane_components_unless_hosted():
    c = ch.checks(ch.Requirements(small_team=True)).filter(pl.col("requirement") == "small_team")
    status = dict(c.select("tool", "status").iter_rows())
    assert status == {"Kubernetes": "pass", "Mesos + Marathon": "fail", "Amazon ECS": "pass",
                      "Docker Swarm": "pass", "Nomad": "pass"}
    assert "hosted offering" in c.filter(pl.col("tool") == "Kubernetes")["reason"][0]


def test_fit_explains_every_verdict_that_is_not_fits():
    out = ch.fit(ch.Requirements(nodes=20_000, stateful=True, managed=True))
    assert out["verdict"].to_list() == sorted(out["verdict"], key=lambda v: -WORST_FIRST[v])
    for r in out.iter_rows(named=True):
        named = [x for x in (r["failed"], r["unverified"], r["limits"]) if x]
        assert (r["verdict"] == "fits") == (not named)
        for req in ", ".join(named).split(", ") if named else []:
            assert req + ":" in r["why"]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(ch.NODE_OPTIONS), st.lists(st.booleans(), min_size=6, max_size=6),
       st.sampled_from(list(ch.REQUIREMENTS)[1:]))
def test_asking_for_more_never_improves_a_verdict(nodes, flags, extra):
    """Turning one more requirement on can only keep or worsen each tool's verdict."""
    base = ch.Requirements(nodes, *flags)
    more = ch.Requirements(**{**asdict(base), extra: True})
    before, after = verdicts(base), verdicts(more)
    assert all(WORST_FIRST[after[t]] <= WORST_FIRST[before[t]] for t in ch.TOOLS)
    bigger = ch.Requirements(**{**asdict(base), "nodes": max(ch.NODE_OPTIONS)})
    assert all(WORST_FIRST[verdicts(bigger)[t]] <= WORST_FIRST[before[t]] for t in ch.TOOLS)


def test_the_option_table_holds_everything_fit_says():
    """The kernel-free chart picks one row per (tool, requirement) and takes the worst: the same as fit()."""
    opt = ch.option_table()
    rank = {s: i for i, s in enumerate(ch.STATUSES)}
    for req in all_requirements():
        wanted = {k: str(v).lower() for k, v in asdict(req).items()}
        picked = opt.filter(pl.struct("requirement", "option").map_elements(
            lambda s, w=wanted: w[s["requirement"]] == s["option"], return_dtype=pl.Boolean))
        assert picked.height == len(ch.TOOLS) * len(ch.REQUIREMENTS)
        worst = {t: VERDICTS[ch.STATUSES[min(rank[s] for s in g["status"])]]
                 for (t,), g in picked.group_by("tool")}
        assert worst == verdicts(req), req


@pytest.mark.parametrize("req", [ch.Requirements(), ch.Requirements(nodes=10_000, stateful=True),
                                 ch.Requirements(nodes=100, non_container=True, maintained=False),
                                 ch.Requirements(managed=True, small_team=True, cloud_agnostic=True)])
def test_the_chart_computes_the_same_verdicts_in_vega(req):
    """Render the selector chart with these initial values (vl-convert runs Vega) and read its verdict labels."""
    svg = to_svg(charts.fit_matrix(ch.option_table(), req))
    labels = [t for t in re.findall(r">([^<>]+)</text>", svg) if t in set(VERDICTS.values())]
    assert labels == [verdicts(req)[t] for t in ch.TOOLS]


def test_requirements_are_checked():
    with pytest.raises(ValueError, match="nodes"):
        ch.Requirements(nodes=0)
    with pytest.raises(ValueError, match="stateful"):
        ch.Requirements(stateful="yes")
    with pytest.raises(ValueError, match="Requirements"):
        ch.fit({"nodes": 10})


def test_timeline_dates_and_sources():
    events = ch.timeline()
    assert events["date"].is_sorted()
    assert events["source"].str.len_chars().min() > 5
    published = {e.event: e.date for e in ch.TIMELINE}
    assert published["Mesos graduates to an Apache top-level project (announced 2013-07-24)"].year == 2013
    assert published["Kubernetes' first commit (Joe Beda, Google)"].year == 2014
    assert published["Mesosphere open-sources DC/OS"].year == 2016
    data = events.filter(pl.col("kind") == "data")
    assert data.filter(pl.col("event").str.starts_with("last commit"))["event"].str.contains("marathon").any()


def test_published_vs_data_rows():
    table = ch.published_vs_data()
    assert table.height >= 4 and table.null_count().sum_horizontal()[0] == 0
    by = {r["quantity"]: r for r in table.iter_rows(named=True)}
    assert by["Kubernetes: nodes per cluster"]["published"] == by["Kubernetes: nodes per cluster"]["data"]
    share = float(by["Kubernetes' share"]["data"].split("%")[0]) / 100
    assert 0 < share < ch.PUBLISHED["k8s_interest_share"].value


def test_activity_and_timeline_charts_render():
    for chart in (charts.activity_lines(ch.load_activity()), charts.timeline(ch.timeline())):
        assert "<svg" in to_svg(chart)


# ------------------------------------------------------------------------------ the chapter's diagram


def test_the_diagram_in_chapter_10_is_drawn_from_the_table():
    """The notebook's {graphviz} block is exactly fit_dot(): the picture cannot drift from the table."""
    import json
    from pathlib import Path

    from labcdn.choosing.diagram import fit_dot

    nb = json.loads((Path(__file__).resolve().parents[1] / "notebooks" / "10_choosing.ipynb").read_text())
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    blocks = re.findall(r"```\{graphviz\}\n(?::\w+: .*\n)+\n(digraph fit \{.*?\n\})\n```", text, re.S)
    assert blocks == [fit_dot()]


def test_the_diagram_shows_each_tools_answer():
    from labcdn.choosing.diagram import fit_dot

    dot = fit_dot()
    assert dot.count("<TR>") == 1 + len(ch.REQUIREMENTS)
    # "no": non-container (Kubernetes, ECS, Swarm); Mesos' managed, small team, maintained; ECS' cloud-agnostic
    assert dot.count('BGCOLOR="#f4b6b6">no<') == 7
    assert ">10,000<" in dot and dot.count(">?<") == 4  # Swarm and Nomad: no size, no verified hosted offering
    table = ch.load_tools().with_columns(
        pl.when((pl.col("tool") == "Nomad") & (pl.col("dimension") == "max_nodes")).then(pl.lit("20000"))
        .otherwise(pl.col("fit_value")).alias("fit_value"))
    assert ">20,000<" in fit_dot(table) and fit_dot(table).count(">?<") == 3
