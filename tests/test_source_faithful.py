"""Issue 12: what the chapters must no longer say, and what they must keep saying.

The "~30% for a generic flow-through cache" remark came from an earlier issue text, not from a source;
no chapter (source or committed output), module or data file may carry it again.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
REMARK = re.compile(r"flow[- ]through|generic (reactive |on-miss )?cache would", re.IGNORECASE)


def _texts(nb_path):
    nb = json.loads(nb_path.read_text())
    for i, cell in enumerate(nb["cells"]):
        yield f"cell {i} source", "".join(cell["source"])
        for out in cell.get("outputs", []):
            yield f"cell {i} output", "".join(out.get("text", "")) + json.dumps(out.get("data", {}))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_chapter_carries_the_unsourced_flow_through_remark(path):
    for where, text in _texts(path):
        assert not REMARK.search(text), f"{path.name} {where}: {REMARK.search(text).group(0)!r}"


def test_no_module_or_data_file_carries_it():
    files = [*(ROOT / "labcdn").rglob("*.py"), *(ROOT / "data").glob("*.csv"), *(ROOT / "book").rglob("*.md")]
    assert files
    for f in files:
        assert not REMARK.search(f.read_text(errors="replace")), f


def test_the_pattern_catches_the_old_wording():
    assert REMARK.search("a generic flow-through cache would offload only ~30%")
    assert REMARK.search("unsourced Flow through remark")
    assert not REMARK.search("reactive caches fill on a miss")


# ---------------------------------------------------------------- what RAM serves (issue 12, wrong #5)


def test_one_reading_of_what_ram_serves_feeds_both_chapters():
    from labcdn import replication, serving

    assert replication.STATED_READING == "traffic"
    assert replication.RAM_TITLES_SHARE == (0.10, 0.20)
    stated = replication.what_ram_serves()
    assert stated == pytest.approx(0.15)
    assert serving.default_calibration().ram_fraction == pytest.approx(stated, abs=1e-12)  # chapter 5's default
    lo, hi = replication.RAM_TITLES_SHARE
    assert serving.SENSITIVITY["ram_fraction"] == (replication.what_ram_serves(share=lo),
                                                   replication.what_ram_serves(share=hi))


def test_the_readings_differ_and_the_titles_reading_breaks_most_from_disk():
    from labcdn import replication

    table = replication.ram_readings()
    assert set(table["reading"]) == set(replication.READINGS)
    assert table.filter(table["stated"])["reading"].unique().to_list() == ["traffic"]
    titles = table.filter(table["reading"] == "titles")["traffic_from_ram"].to_numpy()
    assert (titles[1:] > titles[:-1]).all()  # more titles in RAM, more traffic from RAM
    assert titles.min() > 0.5  # on the Zipf catalogue, the top 10% of titles alone carry most traffic
    with pytest.raises(ValueError, match="reading"):
        replication.what_ram_serves("bytes")
    with pytest.raises(ValueError, match="share"):
        replication.what_ram_serves(share=1.5)


def test_titles_reading_against_a_hand_count():
    from labcdn import replication

    work = replication.workload(replication.DEFAULTS)
    per_title = {}
    for t, d in zip(work.title.tolist(), work.demand.tolist(), strict=True):
        per_title[t] = per_title.get(t, 0.0) + d
    ranked = sorted((v for v in per_title.values() if v > 0), reverse=True)
    k = round(0.2 * len(ranked))
    expect = sum(ranked[:k]) / sum(ranked)
    assert replication.what_ram_serves("titles", 0.2, work=work) == pytest.approx(expect, rel=1e-9)


# ---------------------------------------------------------------- what the chapters must keep (issue 12, missing)


def _markdown(name):
    nb = json.loads((ROOT / "notebooks" / name).read_text())
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


DIAGRAMS = {"05_serving.ipynb": ("request_path", "numa_before", "numa_after"),
            "08_operations.ipynb": ("failover", "kubernetes", "mesos_marathon")}


@pytest.mark.parametrize("name", sorted(DIAGRAMS))
def test_diagrams_are_graphviz_figures_with_captions(name):
    text = _markdown(name)
    blocks = re.findall(r"```\{graphviz\}\n((?::\w+:[^\n]*\n)+)\n*(digraph (\w+) \{.*?)\n```", text, re.S)
    assert [b[2] for b in blocks] == list(DIAGRAMS[name])
    for options, dot, _ in blocks:
        caption = re.search(r"^:caption: (.+)$", options, re.M)
        assert caption and len(caption.group(1)) > 80, options
        assert re.search(r"^:alt: .{20,}$", options, re.M), f"no alt text: {options}"
        assert dot.count("{") == dot.count("}")


def test_chapter_5_tells_the_posts_missing_parts():
    text = _markdown("05_serving.ipynb")
    for phrase in ("pmcstat", "flame graphs", "DTrace's `lockstat`", "mirror", "RACK and BBR", "PCIe Gen3 x8",
                   "256 VM pages", "24 pages", "all of the work together"):
        assert phrase in text, phrase
    assert "mbufs that carry up to 24 pages gave 90" not in text  # the misreading


def test_the_technical_posts_rows_are_in_the_comparison():
    from labcdn.orchestration.comparison import comparison

    table = comparison()
    text = " ".join(table["kubernetes"].to_list() + table["mesos_marathon"].to_list())
    for term in ("kubelet", "Pod", "label selectors", "Recreate", "RollingUpdate", "another node", "Liveness",
                 "readiness", "scheduler", "executor", "DC/OS", "emptyDir", "Local persistent volumes",
                 "one task at a time", "two CIDR ranges", "bridge mode", "host port", "Environment variables",
                 "Mesos-DNS", "named virtual IPs", "ELK", "sysdig", "cAdvisor", "Heapster", "InfluxDB", "Grafana",
                 "log", "one vendor accountable", "5,000 nodes", "10,000 nodes", "Apple, Bloomberg and Netflix",
                 "70%", "API simpler"):
        assert term in text, term
