"""The comparison data file, the published figures and the JSON summary."""

from __future__ import annotations

import json

import pytest

import labcdn.orchestration as orch
from labcdn.datasets import MalformedLine
from labcdn.orchestration.comparison import COLUMNS, PATH, comparison, quantified, resolve


def test_every_row_has_both_answers_and_sources():
    table = comparison()
    assert table.columns == list(COLUMNS)
    wanted = {"application definition", "scaling constructs", "high availability", "load balancing", "auto-scaling",
              "upgrade and rollback", "health checks", "storage", "networking", "service discovery", "scale",
              "community and vendor control"}  # the issue's list
    assert wanted <= set(table["aspect"])
    for col in COLUMNS[:-1]:
        assert table[col].str.strip_chars().str.len_chars().min() > 0


def test_rows_a_model_quantifies_link_to_it():
    links = dict(quantified().iter_rows())
    for aspect in ("high availability", "auto-scaling", "upgrade and rollback", "scale", "scheduling architecture",
                   "resource fairness"):
        assert callable(resolve(links[aspect]))


def test_published_scale_limits_are_in_the_table_and_the_figures():
    scale = comparison().filter(aspect="scale")["kubernetes"][0]
    for figure in ("5,000 nodes", "150,000 pods", "110 pods per node"):
        assert figure in scale
    figures = orch.published_figures()
    assert dict(zip(figures["key"], figures["value"], strict=True))["k8s_pods_per_node"] == 110


@pytest.mark.parametrize(("edit", "message"), [
    (lambda rows: rows + [rows[-1]], "aspect repeats an earlier row"),
    (lambda rows: rows[:-1] + [rows[-1].rstrip("\n") + "labcdn.orchestration.nowhere\n"], "model does not name"),
])
def test_malformed_rows_name_the_file_and_line(tmp_path, edit, message):
    rows = PATH.read_text().splitlines(keepends=True)
    path = tmp_path / "orchestrators.csv"
    path.write_text("".join(edit(rows)))
    with pytest.raises(MalformedLine, match=message) as info:
        comparison(path)
    assert info.value.file == str(path) and info.value.line >= 2


def test_empty_cell_is_reported(tmp_path):
    rows = PATH.read_text().splitlines(keepends=True)
    rows[3] = 'application definition,,"x",a,b,\n'
    path = tmp_path / "orchestrators.csv"
    path.write_text("".join(rows))
    with pytest.raises(MalformedLine, match="kubernetes is empty") as info:
        comparison(path)
    assert info.value.line == 4


def test_summary_is_json_ready():
    out = orch.summary(nodes=500, horizon=600.0, trials=2000, trace=False)
    text = json.dumps(out)
    back = json.loads(text)
    assert set(back["scheduling"]["designs"]) == {"monolithic", "two_level"}
    assert back["drf_example"] == {"A": {"tasks": 3, "dominant_share": "2/3"},
                                   "B": {"tasks": 2, "dominant_share": "2/3"}}
    assert back["failover_median_s"]["etcd"] < back["failover_median_s"]["zookeeper"]
    assert back["saturation_nodes"]["monolithic/scheduler"] < back["saturation_nodes"]["two_level/batch"]
    assert back["trace"]["available"] is False


def test_defaults_namespace_covers_every_part():
    for part in ("drf", "scheduling", "omega", "failover", "autoscaling", "rolling"):
        assert getattr(orch.DEFAULTS, part) is not None


def test_pros_and_cons_row_holds_only_what_issue_12_states_and_says_so():
    row = comparison().filter(aspect="pros and cons in the source").row(0, named=True)
    pub = orch.PUBLISHED
    assert f"{pub['src_k8s_nodes_1_6'].value:,.0f} nodes" in row["kubernetes"]
    assert f"{pub['src_k8s_interest_share'].value:.0%}" in row["kubernetes"]
    assert f"{pub['src_marathon_nodes_do'].value:,.0f} nodes" in row["mesos_marathon"]
    assert "Apple, Bloomberg and Netflix" in row["mesos_marathon"] and "API simpler" in row["mesos_marathon"]
    for col in ("source_kubernetes", "source_mesos_marathon"):
        assert row[col].startswith("Source post (technical)") and "issue 12" in row[col] and "not checked" in row[col]
