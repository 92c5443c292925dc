"""Tests of labcdn.datasets: tiny hand-written fixtures, and the real files committed (xz) in data/."""

from __future__ import annotations

import hashlib
import json
import lzma
import pickle
import shutil
import tempfile
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import labcdn
from labcdn import datasets
from labcdn.cli import main
from labcdn.datasets import (
    DATA_FILES,
    BadDataFile,
    ChecksumMismatch,
    DataNotFound,
    EmptyDataFile,
    Loaded,
    MalformedLine,
    SkippedLine,
    data_dir,
    data_path,
    load_alibaba_nodes,
    load_alibaba_pods,
    load_netflix_top10,
    load_umass_youtube,
    read_data,
    request_trace,
    sort_by_time,
    sources,
    verify_all,
)

FIXTURES = Path(__file__).parent / "fixtures"
UMASS_SMALL = FIXTURES / "umass_small.dat"
UMASS_BAD = FIXTURES / "umass_malformed.dat"
NETFLIX_SMALL = FIXTURES / "netflix_small.tsv"
PODS_SMALL = FIXTURES / "alibaba_pods_small.csv"
NODES_SMALL = FIXTURES / "alibaba_nodes_small.csv"
KEEP_ALL = {"drop_placeholders": False, "drop_hostnames": False}


# --------------------------------------------------------------------------- slow, obvious references


def naive_umass(lines, *, drop_placeholders=True, drop_hostnames=True):
    """Parse well-formed UMass lines the obvious way: list of (line, timestamp, video_id, out_of_order)."""
    rows = []
    for number, line in enumerate(lines, start=1):
        fields = line.split()
        video = fields[4].split("&")[0]
        is_placeholder = video.startswith("UMASS") and len(video) == 11 and video[5:].isdigit()
        if (drop_placeholders and is_placeholder) or (drop_hostnames and "." in video):
            continue
        rows.append([number, float(fields[0]), video, False])
    for k in range(1, len(rows)):
        rows[k][3] = rows[k][1] < rows[k - 1][1]
    return [tuple(r) for r in rows]


def naive_dense_ids(values):
    seen = {}
    return [seen.setdefault(v, len(seen)) for v in values]


def umass_rows(frame):
    return list(zip(frame["line"], frame["timestamp"], frame["video_id"], frame["out_of_order"], strict=True))


def variant(tmp_path, source, number, text, name=None):
    """A copy of ``source`` with line ``number`` (1-based) replaced by ``text``."""
    lines = source.read_text().split("\n")
    lines[number - 1] = text
    path = tmp_path / (name or source.name)
    path.write_text("\n".join(lines))
    return path


# --------------------------------------------------------------------------- registry and locations


def test_sources_lists_the_five_files_with_their_origins():
    table = sources()
    assert table.columns == ["key", "path", "rows", "source", "citation", "sha256"]
    assert table.height == 5
    assert table["key"].n_unique() == 5
    assert dict(zip(table["key"], table["rows"], strict=True)) == {
        "netflix_top10": 10_560,
        "umass_youtube_061807.24": 5_771,
        "umass_youtube_012908.S1": 37_500,
        "alibaba_pods": 8_152,
        "alibaba_nodes": 1_523,
    }
    assert all(len(s) == 64 and int(s, 16) >= 0 for s in table["sha256"])
    assert "dbready/netflix_top10" in table.filter(pl.col("key") == "netflix_top10")["source"].item()
    assert table["citation"].str.contains("Zink").sum() == 2
    assert table["citation"].str.contains("Beware of Fragmentation").sum() == 2


def test_data_dir_defaults_to_the_repository_data_folder(monkeypatch):
    """The default is found from the loader's own file, some folders deep in the package; the
    folder holding the ``labcdn`` package, found from ``labcdn/__init__.py``, checks the depth."""
    monkeypatch.delenv("LABCDN_DATA", raising=False)
    repo = Path(labcdn.__file__).resolve().parents[1]
    assert (repo / "labcdn" / "datasets").is_dir()
    assert data_dir() == repo / "data"
    assert datasets.data_dir() == data_dir()
    monkeypatch.setenv("LABCDN_DATA", "")
    assert data_dir() == repo / "data"


def test_a_fresh_clone_has_every_real_file_and_each_is_the_published_one(monkeypatch):
    """Nothing may skip for lack of data: every registered file is in data/ (as .xz) and verifies."""
    monkeypatch.delenv("LABCDN_DATA", raising=False)
    for entry in DATA_FILES:
        assert data_path(entry.key) == data_dir() / (entry.path + ".xz")
    assert verify_all()["status"].to_list() == ["ok"] * len(DATA_FILES)


def test_data_readme_records_each_files_sha256_and_source():
    readme = (Path(labcdn.__file__).resolve().parents[1] / "data" / "README.md").read_text()
    listed = dict(line.split()[::-1] for line in readme.split("```")[1].strip().splitlines())
    assert listed == {entry.path: entry.sha256 for entry in DATA_FILES}
    for entry in DATA_FILES:
        assert f"`{entry.path}`" in readme and f"{entry.rows:,}" in readme


def test_env_var_wins_and_loaders_read_from_it(monkeypatch, tmp_path):
    """Fixtures copied under the registered names load only when asked not to verify: they are not
    the published files."""
    copies = {
        "netflix_top10": NETFLIX_SMALL,
        "umass_youtube_012908.S1": UMASS_SMALL,
        "alibaba_pods": PODS_SMALL,
        "alibaba_nodes": NODES_SMALL,
    }
    for entry in DATA_FILES:
        if entry.key in copies:
            (tmp_path / entry.path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(copies[entry.key], tmp_path / entry.path)
    monkeypatch.setenv("LABCDN_DATA", str(tmp_path))
    assert data_dir() == tmp_path
    assert data_path("alibaba_nodes") == tmp_path / "alibaba_gpu_v2023/openb_node_list_all_node.csv"
    with pytest.raises(ChecksumMismatch, match="openb_node_list_all_node.csv: sha256 "):
        load_alibaba_nodes()
    assert load_netflix_top10(verify=False).height == 4
    assert load_umass_youtube("012908.S1", verify=False).frame["line"].to_list() == [1, 3, 5, 6, 8]
    assert load_alibaba_pods(verify=False).height == 4
    assert load_alibaba_nodes(verify=False).height == 3
    # the compressed form is read the same way
    xz = tmp_path / "alibaba_gpu_v2023/openb_node_list_all_node.csv"
    xz.with_name(xz.name + ".xz").write_bytes(lzma.compress(xz.read_bytes()))
    xz.unlink()
    assert load_alibaba_nodes(verify=False)["sn"].to_list() == load_alibaba_nodes(NODES_SMALL)["sn"].to_list()
    with pytest.raises(DataNotFound) as info:
        load_umass_youtube("061807.24")
    message = str(info.value)
    assert str(tmp_path / "umass_youtube/youtube.parsed.061807.24.dat") in message
    assert "$LABCDN_DATA" in message
    assert "UMass Trace Repository" in message


@pytest.mark.parametrize(
    ("call", "source"),
    [
        (lambda p: load_netflix_top10(p / "all-weeks-global.tsv"), "top10.netflix.com"),
        (lambda p: load_alibaba_pods(p / "pods.csv"), "alibaba/clusterdata"),
        (lambda p: load_alibaba_nodes(p / "nodes.csv"), "alibaba/clusterdata"),
        (lambda p: load_umass_youtube(p / "youtube.parsed.012908.S1.dat"), "UMass Trace Repository"),
    ],
)
def test_missing_file_names_path_env_var_and_source(tmp_path, call, source):
    with pytest.raises(DataNotFound) as info:
        call(tmp_path)
    assert isinstance(info.value, FileNotFoundError)
    message = str(info.value)
    assert str(tmp_path) in message
    assert "$LABCDN_DATA" in message
    assert source in message


def test_unknown_short_name_lists_the_short_names():
    with pytest.raises(DataNotFound, match=r"short names: 061807\.24, 012908\.S1"):
        load_umass_youtube("061807")


def test_bad_arguments_raise_value_error_naming_them():
    with pytest.raises(ValueError, match="key='netflix'"):
        data_path("netflix")
    with pytest.raises(ValueError, match="lenient=1"):
        load_umass_youtube(UMASS_SMALL, lenient=1)
    with pytest.raises(ValueError, match="name_or_path=42"):
        load_umass_youtube(42)
    with pytest.raises(ValueError, match="verify='no'"):
        load_umass_youtube(UMASS_SMALL, verify="no")
    with pytest.raises(ValueError, match="verify=0"):
        read_data(NODES_SMALL, verify=0)


# --------------------------------------------------------------------------- UMass fixtures


def test_umass_schema_and_defaults():
    loaded = load_umass_youtube(UMASS_SMALL)
    assert isinstance(loaded, Loaded)
    assert loaded.skipped == ()
    assert dict(loaded.frame.schema) == (
        {
            "timestamp": pl.Float64,
            "youtube_server_ip": pl.String,
            "client_ip": pl.String,
            "request_kind": pl.Categorical,
            "video_id": pl.String,
            "content_server_ip": pl.String,
            "out_of_order": pl.Boolean,
            "line": pl.Int32,
        }
    )
    assert loaded.frame["line"].to_list() == [1, 3, 5, 6, 8]
    assert loaded.frame["timestamp"][0] == 1189828805.208862


def test_umass_strips_every_ampersand_suffix():
    frame = load_umass_youtube(UMASS_SMALL, **KEEP_ALL).frame
    assert frame["video_id"].to_list() == [
        "lML9dik8QNw", "UMASS000000", "bBXyB7niEc0", "UMASS000001",
        "lML9dik8QNw", "GxCkoqhtOqg", "ash-v10.ash.youtube.com", "qVEcloLm4I4",
    ]  # fmt: skip


def test_umass_placeholders_dropped_by_default_whoever_the_client():
    dropped = load_umass_youtube(UMASS_SMALL, drop_hostnames=False).frame
    kept = load_umass_youtube(UMASS_SMALL, drop_placeholders=False, drop_hostnames=False).frame
    assert not dropped["video_id"].str.starts_with("UMASS").any()
    placeholders = kept.filter(pl.col("video_id").str.starts_with("UMASS"))
    assert placeholders["client_ip"].to_list() == ["127.0.19.61", "140.8.52.41"]
    assert kept.height - dropped.height == 2


def test_umass_hostnames_dropped_by_default():
    kept = load_umass_youtube(UMASS_SMALL, drop_hostnames=False).frame
    assert kept.filter(pl.col("video_id").str.contains(".", literal=True))["line"].to_list() == [7]
    assert not load_umass_youtube(UMASS_SMALL).frame["video_id"].str.contains(".", literal=True).any()


def test_umass_out_of_order_flags_the_returned_frame():
    kept = load_umass_youtube(UMASS_SMALL, **KEEP_ALL).frame
    assert kept.filter("out_of_order")["line"].to_list() == [6, 8]
    # line 8 (815.1 s) follows line 7 (820.0 s); with the host name dropped it follows line 6 (815.1 s)
    assert load_umass_youtube(UMASS_SMALL).frame.filter("out_of_order")["line"].to_list() == [6]


def test_sort_by_time_is_stable_and_clears_the_flags():
    ordered = sort_by_time(load_umass_youtube(UMASS_SMALL).frame)
    assert ordered["line"].to_list() == [1, 3, 6, 8, 5]  # lines 6 and 8 tie at 815.1 s
    assert not ordered["out_of_order"].any()
    bare = pl.DataFrame({"timestamp": [2.0, 1.0, 2.0], "k": [0, 1, 2]})
    assert sort_by_time(bare)["k"].to_list() == [1, 0, 2]


def test_malformed_line_names_file_and_line_and_shows_it():
    with pytest.raises(MalformedLine) as info:
        load_umass_youtube(UMASS_BAD)
    error = info.value
    assert isinstance(error, ValueError)
    assert (error.line, error.file) == (2, str(UMASS_BAD))
    assert "umass_malformed.dat, line 2" in str(error)
    assert "expected 6 space-separated fields, found 5" in str(error)
    assert "bBXyB7niEc0 '" in str(error)  # the line itself is shown
    assert "lenient=True" in str(error)
    assert pickle.loads(pickle.dumps(error)).line == 2


def test_lenient_skips_and_reports_malformed_lines():
    loaded = load_umass_youtube(UMASS_BAD, lenient=True)
    assert loaded.frame["line"].to_list() == [1, 3, 5]
    assert [(s.line, s.file) for s in loaded.skipped] == [(2, str(UMASS_BAD)), (4, str(UMASS_BAD)), (6, str(UMASS_BAD))]
    assert all(isinstance(s, SkippedLine) for s in loaded.skipped)
    assert "not a number" in loaded.skipped[1].reason
    assert "outside [2005-02-14" in loaded.skipped[2].reason
    assert loaded.skipped[2].text.startswith("594956655.122183 ")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "found 0"),
        ("1189828805.2 63.22.65.73 140.8.48.66 GETVIDEO lML9dik8QNw 55.226.42.233 extra", "found 7"),
        ("nan 63.22.65.73 140.8.48.66 GETVIDEO lML9dik8QNw 55.226.42.233", "outside"),
        ("3e9 63.22.65.73 140.8.48.66 GETVIDEO lML9dik8QNw 55.226.42.233", "outside"),
        ("1189828805.2 63.22.65.73 GETVIDEO 140.8.48.66 lML9dik8QNw 55.226.42.233", "client_ip 'GETVIDEO'"),
        ("1189828805.2 63.22.65.73 140.8.48.66 GETVIDEO &origin 55.226.42.233", "video_id '&origin' is empty"),
        ("1189828805.2 63.22.65.73 140.8.48.66 GETVIDEO lML9dik8QNw host.example", "content_server_ip"),
    ],
)
def test_each_kind_of_malformed_umass_line(tmp_path, text, reason):
    path = variant(tmp_path, UMASS_SMALL, 4, text)
    with pytest.raises(MalformedLine, match=r"umass_small\.dat, line 4: .*" + reason.replace("[", r"\[")):
        load_umass_youtube(path)
    loaded = load_umass_youtube(path, lenient=True, **KEEP_ALL)
    assert [s.line for s in loaded.skipped] == [4]
    assert 4 not in loaded.frame["line"].to_list()


def test_request_trace_numbers_objects_in_first_seen_order():
    obj_ids, timestamps = request_trace(load_umass_youtube(UMASS_SMALL).frame)
    assert obj_ids.dtype == np.int64 and timestamps.dtype == np.float64
    assert obj_ids.tolist() == [0, 1, 0, 2, 3]
    assert timestamps[0] == 1189828805.208862
    obj_ids[0] = 7  # the arrays are the caller's to modify
    with pytest.raises(ValueError, match="loaded.frame"):
        request_trace(load_umass_youtube(UMASS_SMALL))
    with pytest.raises(ValueError, match="lacks column"):
        request_trace(pl.DataFrame({"video_id": ["a"]}))
    with pytest.raises(ValueError, match="null"):
        request_trace(pl.DataFrame({"video_id": ["a", None], "timestamp": [0.0, 1.0]}))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text("abc", min_size=1, max_size=2), max_size=40))
def test_request_trace_matches_naive_dense_ids(videos):
    frame = pl.DataFrame({"video_id": videos, "timestamp": np.arange(len(videos), dtype=float)},
                         schema={"video_id": pl.String, "timestamp": pl.Float64})
    obj_ids, timestamps = request_trace(frame)
    assert obj_ids.tolist() == naive_dense_ids(videos)
    assert timestamps.tolist() == list(range(len(videos)))
    if videos:  # dense: every id below the count is used, and each first appears in order
        assert sorted(set(obj_ids.tolist())) == list(range(len(set(videos))))


_VIDEO = st.one_of(
    st.text("AZaz09_-", min_size=11, max_size=11),
    st.sampled_from(["lML9dik8QNw", "UMASS000000", "UMASS123456", "ash-v10.ash.youtube.com", "UMASSX"]),
)
_RECORD = st.tuples(
    st.floats(1.108339200e9, 2.1e9, allow_nan=False),
    st.sampled_from(["63.22.65.73", "63.22.65.77"]),
    st.sampled_from(["127.0.19.61", "140.8.52.41", "35.139.191.73"]),
    st.sampled_from(["GETVIDEO", "LLNWD"]),
    _VIDEO,
    st.sampled_from(["", "&origin", "&start=12", "&t"]),
)


@settings(max_examples=30, deadline=None)
@given(st.lists(_RECORD, min_size=1, max_size=30), st.booleans(), st.booleans())  # empty: refused (below)
def test_umass_loader_matches_naive_parser(records, drop_placeholders, drop_hostnames):
    lines = [f"{t!r} {ys} {client} {kind} {video}{suffix} 55.1.2.3 " for t, ys, client, kind, video, suffix in records]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "trace.dat"
        path.write_text("\n".join(lines))
        loaded = load_umass_youtube(path, drop_placeholders=drop_placeholders, drop_hostnames=drop_hostnames)
    expected = naive_umass(lines, drop_placeholders=drop_placeholders, drop_hostnames=drop_hostnames)
    assert umass_rows(loaded.frame) == expected
    assert loaded.skipped == ()
    ordered = sort_by_time(loaded.frame)
    assert sorted(umass_rows(ordered), key=lambda r: (r[1], r[0])) == umass_rows(ordered)


# --------------------------------------------------------------------------- table fixtures


def test_netflix_schema_and_missing_values():
    frame = load_netflix_top10(NETFLIX_SMALL)
    assert dict(frame.schema) == (
        {
            "week": pl.Date,
            "category": pl.Categorical,
            "weekly_rank": pl.Int16,
            "show_title": pl.String,
            "season_title": pl.String,
            "weekly_hours_viewed": pl.Int64,
            "runtime": pl.Float64,
            "weekly_views": pl.Int64,
            "cumulative_weeks_in_top_10": pl.Int16,
        }
    )
    assert frame["season_title"].to_list()[0] is None  # a film: "N/A" in the file
    assert frame["runtime"].to_list() == [1.5, 0.0, None, None]
    assert frame["weekly_views"].to_list() == [11_100_000, 3_300_000, None, None]
    assert frame["week"].to_list()[-1].isoformat() == "2021-07-04"


def test_alibaba_schemas_and_empty_fields():
    pods = load_alibaba_pods(PODS_SMALL)
    assert dict(pods.schema) == (
        {
            "name": pl.String,
            "cpu_milli": pl.Int64,
            "memory_mib": pl.Int64,
            "num_gpu": pl.Int64,
            "gpu_milli": pl.Int64,
            "gpu_spec": pl.String,
            "qos": pl.Categorical,
            "pod_phase": pl.Categorical,
            "creation_time": pl.Int64,
            "deletion_time": pl.Int64,
            "scheduled_time": pl.Int64,
        }
    )
    assert pods["scheduled_time"].to_list() == [0, 427061, None, 12900505]
    assert pods["gpu_spec"].to_list() == [None, None, "V100M32", None]
    nodes = load_alibaba_nodes(NODES_SMALL)
    assert dict(nodes.schema) == (
        {"sn": pl.String, "cpu_milli": pl.Int64, "memory_mib": pl.Int64, "gpu": pl.Int64, "model": pl.Categorical}
    )
    assert nodes["model"].to_list() == [None, "T4", "G2"]


NETFLIX_ROW = "2026-07-19\tFilms (English)\t1\tShipwrecked\tN/A\t16600000\t1.5\t11100000\t2"
POD_ROW = "openb-pod-0009,6000,12288,1,460,,LS,Running,427061,12902960,427061"


@pytest.mark.parametrize(
    ("load", "source", "number", "text", "reason"),
    [
        (load_netflix_top10, NETFLIX_SMALL, 1, NETFLIX_ROW, "the header should be"),
        (load_netflix_top10, NETFLIX_SMALL, 3, "2026-07-19\tFilms (English)\t1", "expected 9 fields, found 3"),
        (load_netflix_top10, NETFLIX_SMALL, 3, NETFLIX_ROW.replace("\t1\t", "\t11\t"), "weekly_rank must be in"),
        (load_netflix_top10, NETFLIX_SMALL, 3, NETFLIX_ROW.replace("\t1\t", "\tfirst\t"), "weekly_rank is not"),
        (load_netflix_top10, NETFLIX_SMALL, 3, NETFLIX_ROW.replace("2026-07-19", "2026-19-07"), "week is not"),
        (load_netflix_top10, NETFLIX_SMALL, 3, NETFLIX_ROW.replace("Shipwrecked", ""), "show_title is empty"),
        (load_netflix_top10, NETFLIX_SMALL, 3, NETFLIX_ROW.replace("16600000", "N/A"), "weekly_hours_viewed is not"),
        (load_netflix_top10, NETFLIX_SMALL, 3, NETFLIX_ROW.replace("1.5", "inf"), "runtime must be finite"),
        (load_netflix_top10, NETFLIX_SMALL, 3, NETFLIX_ROW.replace("11100000", "-1"), "weekly_views must be >= 0"),
        (load_netflix_top10, NETFLIX_SMALL, 3, NETFLIX_ROW[:-1] + "0", "cumulative_weeks_in_top_10 must be >= 1"),
        (load_netflix_top10, NETFLIX_SMALL, 3, NETFLIX_ROW[:-1] + "99999", "cumulative_weeks_in_top_10 is not"),
        (load_alibaba_pods, PODS_SMALL, 3, POD_ROW.replace(",6000,", ",-6000,"), "cpu_milli must be >= 0"),
        (load_alibaba_pods, PODS_SMALL, 3, POD_ROW.replace(",460,", ",1460,"), "gpu_milli must be <= 1000"),
        (load_alibaba_pods, PODS_SMALL, 3, POD_ROW.replace(",12288,", ",12 GiB,"), "memory_mib is not"),
        (load_alibaba_pods, PODS_SMALL, 3, POD_ROW + ",", "expected 11 fields, found 12"),
        (load_alibaba_pods, PODS_SMALL, 3, POD_ROW.replace("0009", "0000"), "name repeats"),
        (load_alibaba_pods, PODS_SMALL, 3, POD_ROW.replace("12902960", "1"), "deletion_time must be >= creation"),
        (load_alibaba_pods, PODS_SMALL, 3, POD_ROW[:-6] + "427060", "scheduled_time must be >= creation"),
        (load_alibaba_nodes, NODES_SMALL, 3, "openb-node-1520,104000,-1,2,T4", "memory_mib must be >= 0"),
        (load_alibaba_nodes, NODES_SMALL, 3, "openb-node-0000,32000,262144,0,", "sn repeats"),
        (load_alibaba_nodes, NODES_SMALL, 3, ",32000,262144,0,", "sn is empty"),
    ],
)
def test_malformed_table_row_names_file_and_line(tmp_path, load, source, number, text, reason):
    path = variant(tmp_path, source, number, text)
    with pytest.raises(MalformedLine) as info:
        load(path)
    assert (info.value.file, info.value.line) == (str(path), number)
    assert f"{source.name}, line {number}: " in str(info.value)
    assert reason in info.value.reason


def test_undecodable_bytes_are_reported_by_line(tmp_path):
    path = tmp_path / "nodes.csv"
    path.write_bytes(NODES_SMALL.read_bytes().replace(b"G2", b"G\xff"))
    with pytest.raises(MalformedLine, match="nodes.csv, line 4: bytes that are not UTF-8"):
        load_alibaba_nodes(path)


# --------------------------------------------------------------------------- the real files


def _real(key):
    return data_path(key)


@pytest.fixture(params=[f.key for f in DATA_FILES])
def real_entry(request):
    return next(f for f in DATA_FILES if f.key == request.param)


@pytest.fixture(scope="module")
def netflix():
    return load_netflix_top10(_real("netflix_top10"))


@pytest.fixture(scope="module")
def umass_0618():
    return load_umass_youtube(_real("umass_youtube_061807.24"))


@pytest.fixture(scope="module")
def s1_all():
    """S1 with nothing dropped but its malformed last line."""
    return load_umass_youtube(_real("umass_youtube_012908.S1"), lenient=True, **KEEP_ALL)


def test_real_file_sha256_and_line_count(real_entry):
    data = lzma.decompress(data_path(real_entry.key).read_bytes())
    assert hashlib.sha256(data).hexdigest() == real_entry.sha256
    header = 0 if real_entry.path.endswith(".dat") else 1
    assert len(data.rstrip(b"\n").split(b"\n")) - header == real_entry.rows


def test_netflix_published_figures(netflix):
    assert netflix.height == 10_560
    assert netflix.select("show_title", "season_title").n_unique() == 3_831
    assert netflix["weekly_views"].null_count() == 4_080
    # views (and runtime) are missing exactly before the week of 2023-06-18
    missing = netflix.filter(pl.col("weekly_views").is_null())
    assert missing["week"].max().isoformat() == "2023-06-11"
    assert netflix.filter(pl.col("week") >= pl.date(2023, 6, 18))["weekly_views"].null_count() == 0
    assert netflix["runtime"].null_count() == 4_080
    assert (netflix["week"].dt.weekday() == 7).all()  # weeks are named by their Sunday
    per_list = netflix.group_by("week", "category").agg(pl.col("weekly_rank").sort())
    assert per_list.height == 264 * 4
    assert per_list["weekly_rank"].to_list() == [list(range(1, 11))] * per_list.height
    # "N/A" seasons: 5,271 of the 5,280 film rows, and 171 TV rows (stand-up shows, specials)
    films = pl.col("category").cast(pl.String).str.starts_with("Films")
    no_season = netflix.filter(pl.col("season_title").is_null())
    assert (no_season.height, no_season.filter(films).height) == (5_442, 5_271)


def test_umass_061807_published_figures(umass_0618):
    frame, skipped = umass_0618
    assert skipped == ()
    assert frame.height == 5_771  # every line; no placeholders or host names in this file
    # The README's 4,513 videos holds after the suffix strip too: only 2 ids carry "&start", and their
    # stripped forms appear nowhere else in the file.
    assert frame["video_id"].n_unique() == 4_513
    assert frame["client_ip"].n_unique() == 598
    assert frame.filter("out_of_order")["line"].to_list() == [5_441]  # the LLNWD block starts over
    assert not frame["video_id"].str.contains("&", literal=True).any()
    counts = frame["video_id"].value_counts()
    once = (counts["count"] == 1).mean()
    assert 0.80 < once < 0.82  # "about 80%": 3,672 of 4,513


def test_umass_s1_last_line_raises_unless_lenient(s1_all):
    path = _real("umass_youtube_012908.S1")
    with pytest.raises(MalformedLine) as info:
        load_umass_youtube(path)
    assert info.value.line == 37_500
    assert "youtube.parsed.012908.S1.dat.xz, line 37500" in str(info.value)
    assert info.value.text.startswith("594956655.122183")
    assert [s.line for s in s1_all.skipped] == [37_500]


def test_umass_s1_published_figures(s1_all):
    frame = s1_all.frame
    # The README's 37,500 requests are the file's lines: they include the malformed last line and
    # every placeholder and host-name line.
    assert frame.height == 37_499
    assert frame["client_ip"].n_unique() == 7_052  # counts the 4,675 loopback pseudo-clients
    placeholders = frame.filter(pl.col("video_id").str.contains(r"^UMASS\d{6}$"))
    assert placeholders.height == 8_492
    assert placeholders["video_id"].n_unique() == 8_492  # each requested once
    # Contrary to the README, not all placeholders come from 127.0.x.x clients (4,675 do); the
    # converse holds: every 127.0.x.x request is a placeholder, one client per request.
    loopback = frame.filter(pl.col("client_ip").str.starts_with("127.0."))
    assert placeholders["client_ip"].str.starts_with("127.0.").sum() == loopback.height == 4_675
    assert loopback["client_ip"].n_unique() == 4_675
    hostnames = frame.filter(pl.col("video_id") == "ash-v10.ash.youtube.com")
    assert hostnames.height == 2_374 and hostnames["line"].min() == 28_942
    assert frame["video_id"].str.contains(".", literal=True).sum() == 2_374
    # The README's 3 out-of-order timestamps: lines 37,322 and 37,323 here, and the malformed 37,500.
    assert frame.filter("out_of_order")["line"].to_list() == [37_322, 37_323]
    assert frame["video_id"].n_unique() == 21_994  # the README's "~22k video ids", placeholders included


def test_umass_s1_defaults_for_cache_studies():
    frame, skipped = load_umass_youtube(_real("umass_youtube_012908.S1"), lenient=True)
    assert len(skipped) == 1
    assert frame.height == 37_499 - 8_492 - 2_374
    assert frame["client_ip"].n_unique() == 2_377
    assert frame.filter("out_of_order")["line"].to_list() == [37_323]  # 37,322 was a placeholder
    obj_ids, timestamps = request_trace(frame)
    assert obj_ids.max() + 1 == frame["video_id"].n_unique() == 13_501
    once = (np.bincount(obj_ids) == 1).mean()
    assert 0.80 < once < 0.81  # "about 80%": 10,867 of 13,501 (88% if placeholders counted as videos)
    assert obj_ids.tolist() == naive_dense_ids(frame["video_id"].to_list())
    assert np.all(np.diff(request_trace(sort_by_time(frame))[1]) >= 0)
    assert timestamps.shape == obj_ids.shape


def test_alibaba_published_figures():
    pods = load_alibaba_pods(_real("alibaba_pods"))
    nodes = load_alibaba_nodes(_real("alibaba_nodes"))
    assert pods.height == 8_152
    assert nodes.height == 1_523
    unscheduled = pods.filter(pl.col("scheduled_time").is_null())
    assert unscheduled.height == 897
    assert (unscheduled["pod_phase"] == "Pending").all()
    assert pods["gpu_spec"].null_count() == 8_152
    assert 140 < pods["deletion_time"].max() / 86_400 < 150  # "~149 days"
    assert ((nodes["gpu"] == 0) == nodes["model"].is_null()).all()
    shapes = set(zip(nodes["cpu_milli"] // 1000, nodes["memory_mib"] // 1024, nodes["gpu"], strict=True))
    assert {(96, 384, 8), (104, 512, 2), (32, 256, 0)} <= shapes


# --------------------------------------------------------------------------- damaged copies of the real files

_LOADERS = {
    "netflix_top10": lambda **kw: load_netflix_top10(**kw),
    "umass_youtube_061807.24": lambda **kw: load_umass_youtube("061807.24", **kw),
    "umass_youtube_012908.S1": lambda **kw: load_umass_youtube("012908.S1", **kw),
    "alibaba_pods": lambda **kw: load_alibaba_pods(**kw),
    "alibaba_nodes": lambda **kw: load_alibaba_nodes(**kw),
}


def _truncated(data: bytes) -> bytes:
    """The first third of the lines, cut at a line boundary (as a partial copy or download would)."""
    lines = data.split(b"\n")
    return b"\n".join(lines[: len(lines) // 3]) + b"\n"


def _garbled(data: bytes) -> bytes:
    """One line in the middle overwritten with junk of the same length."""
    lines = data.split(b"\n")
    middle = len(lines) // 2
    lines[middle] = (b"#?!" * len(lines[middle]))[: len(lines[middle])]
    return b"\n".join(lines)


def _header_only(data: bytes) -> bytes:
    return data.split(b"\n", 1)[0] + b"\n"


_DAMAGES = {"truncated": _truncated, "emptied": lambda data: b"", "garbled": _garbled, "header only": _header_only}


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "xz"])
@pytest.mark.parametrize("damage", list(_DAMAGES))
def test_every_damaged_real_file_is_refused_naming_it(monkeypatch, tmp_path, damage, compressed):
    """Truncated, emptied, garbled or header-only, each real file is refused by its sha256, naming the
    file and both digests; asked not to verify, the loader still refuses it by name (and line)."""
    monkeypatch.delenv("LABCDN_DATA", raising=False)
    originals = {e.key: read_data(data_path(e.key)) for e in DATA_FILES}
    monkeypatch.setenv("LABCDN_DATA", str(tmp_path))
    for entry in DATA_FILES:
        bad = _DAMAGES[damage](originals[entry.key])
        path = tmp_path / (entry.path + (".xz" if compressed else ""))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(lzma.compress(bad) if compressed else bad)
        with pytest.raises(ChecksumMismatch) as info:
            _LOADERS[entry.key]()
        assert (info.value.file, info.value.expected) == (str(path), entry.sha256)
        assert info.value.actual == hashlib.sha256(bad).hexdigest() != entry.sha256
        assert str(path) in str(info.value) and entry.sha256 in str(info.value) and info.value.actual in str(info.value)
        if damage == "truncated" or (damage == "header only" and "umass" in entry.key):
            continue  # cut at a line boundary the rest parses (a trace has no header): only the digest tells
        with pytest.raises(BadDataFile) as info:
            _LOADERS[entry.key](verify=False)
        assert info.value.file == str(path)
        assert str(path) in str(info.value)
        if damage == "garbled":
            assert isinstance(info.value, MalformedLine)
            assert info.value.line == len(bad.split(b"\n")) // 2 + 1
        else:
            assert isinstance(info.value, EmptyDataFile)
    assert set(verify_all()["status"]) == {"mismatch"}


def test_damaged_compressed_copy_is_refused_naming_it(monkeypatch, tmp_path):
    monkeypatch.delenv("LABCDN_DATA", raising=False)
    entry = next(e for e in DATA_FILES if e.key == "alibaba_nodes")
    packed = bytearray(data_path(entry.key).read_bytes())
    packed[len(packed) // 2] ^= 0xFF
    path = tmp_path / (entry.path + ".xz")
    path.parent.mkdir(parents=True)
    path.write_bytes(bytes(packed))
    monkeypatch.setenv("LABCDN_DATA", str(tmp_path))
    with pytest.raises(BadDataFile, match=r"openb_node_list_all_node\.csv\.xz: not a valid xz file"):
        load_alibaba_nodes(verify=False)
    assert verify_all().filter(pl.col("key") == "alibaba_nodes")["status"].item() == "unreadable"


def test_truncated_nodes_cannot_change_the_orchestration_answer(monkeypatch, tmp_path):
    """The issue's case: the nodes file cut to its first 517 of 1,523 nodes loaded silently."""
    from labcdn.orchestration.trace import alibaba_cluster

    monkeypatch.delenv("LABCDN_DATA", raising=False)
    entry = next(e for e in DATA_FILES if e.key == "alibaba_nodes")
    lines = read_data(data_path(entry.key)).split(b"\n")
    path = tmp_path / entry.path
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\n".join(lines[:518]) + b"\n")
    monkeypatch.setenv("LABCDN_DATA", str(tmp_path))
    with pytest.raises(ChecksumMismatch, match="openb_node_list_all_node.csv"):
        alibaba_cluster()
    assert load_alibaba_nodes(verify=False).height == 517  # deliberately, by an explicit flag


# --------------------------------------------------------------------------- rows that look right and are not


def test_empty_and_header_only_fixtures_are_refused_by_name(tmp_path):
    for name, text, load in (
        ("trace.dat", "", load_umass_youtube),
        ("blank.dat", "\n \n", load_umass_youtube),
        ("pods.csv", "", load_alibaba_pods),
        ("pods.csv", PODS_SMALL.read_text().split("\n", 1)[0] + "\n", load_alibaba_pods),
        ("nodes.csv", NODES_SMALL.read_text().split("\n", 1)[0], load_alibaba_nodes),
        ("top.tsv", NETFLIX_SMALL.read_text().split("\n", 1)[0] + "\n", load_netflix_top10),
    ):
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(EmptyDataFile) as info:
            load(path)
        assert info.value.file == str(path) and str(path) in str(info.value)


def test_row_rules_the_published_files_obey(tmp_path):
    """A GPU node with no model (or a model without GPUs), a repeated Top-10 rank, an impossible IP,
    a 50 MB video id: each refused by file and line."""
    cases = [
        (load_alibaba_nodes, NODES_SMALL, 3, "openb-node-1520,104000,524288,2,", "must name their model"),
        (load_alibaba_nodes, NODES_SMALL, 3, "openb-node-1520,104000,524288,0,T4", "must not name a GPU model"),
    ]
    for load, source, number, text, reason in cases:
        path = variant(tmp_path, source, number, text)
        with pytest.raises(MalformedLine) as info:
            load(path)
        assert (info.value.line, reason in info.value.reason) == (number, True)
    lines = NETFLIX_SMALL.read_text().split("\n")
    path = tmp_path / "top.tsv"
    path.write_text("\n".join([*lines[:2], lines[1].replace("Shipwrecked", "Another film")]))
    with pytest.raises(MalformedLine, match=r"top\.tsv, line 3: weekly_rank repeats an earlier row"):
        load_netflix_top10(path)
    good = "1189828805.2 63.22.65.73 140.8.48.66 GETVIDEO lML9dik8QNw 55.226.42.233"
    for bad, reason in ((good.replace("140.8.48.66", "999.999.999.999"), "client_ip '999.999.999.999'"),
                        (good.replace("63.22.65.73", "63.22.65.256"), "youtube_server_ip"),
                        (good.replace("lML9dik8QNw", "x" * 50_000_000), "video_id has 50,000,000 characters")):
        path = variant(tmp_path, UMASS_SMALL, 2, bad)
        with pytest.raises(MalformedLine) as info:
            load_umass_youtube(path)
        assert info.value.line == 2 and reason in str(info.value)
        assert len(str(info.value)) < 1_000  # the message shows the start of a huge line, not all of it
    assert load_umass_youtube(variant(tmp_path, UMASS_SMALL, 2, good.replace("140.8.48.66", "255.0.0.0")),
                              **KEEP_ALL).frame.height == 8


def test_lenient_load_of_junk_is_refused(tmp_path):
    path = tmp_path / "junk.dat"
    path.write_bytes(b"not a trace line\n" * 20_000 + b"\x00\xff junk")
    with pytest.raises(EmptyDataFile, match=r"junk\.dat: none of its 20,001 lines is a well-formed request"):
        load_umass_youtube(path, lenient=True)


# --------------------------------------------------------------------------- the CLI


def test_cli_datasets_verify_exits_nonzero_on_a_mismatch(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("LABCDN_DATA", raising=False)
    assert main(["datasets", "--verify", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert all(f["sha256_ok"] and f["present"] for f in out["files"].values())
    for entry in DATA_FILES:
        target = tmp_path / (entry.path + ".xz")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(data_path(entry.key), target)
    entry = next(e for e in DATA_FILES if e.key == "umass_youtube_061807.24")
    cut = _truncated(read_data(data_path(entry.key)))
    (tmp_path / (entry.path + ".xz")).write_bytes(lzma.compress(cut))
    monkeypatch.setenv("LABCDN_DATA", str(tmp_path))
    with pytest.raises(SystemExit) as info:
        main(["datasets", "--verify"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "youtube.parsed.061807.24.dat.xz: mismatch" in err
    assert entry.sha256 in err and hashlib.sha256(cut).hexdigest() in err
    with pytest.raises(SystemExit) as info:  # the case: 1,920 requests reported, exit 0
        main(["caching", "--json"])
    assert info.value.code == 2
    assert f"sha256 {hashlib.sha256(cut).hexdigest()} is not the published file's {entry.sha256}" in capsys.readouterr().err


def test_cli_missing_data_is_one_line_naming_the_path(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("LABCDN_DATA", str(tmp_path))
    with pytest.raises(SystemExit) as info:
        main(["caching", "--json"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert str(tmp_path / "umass_youtube/youtube.parsed.061807.24.dat") in err
    with pytest.raises(SystemExit) as info:
        main(["datasets", "--verify"])
    assert info.value.code == 2
    assert "openb_pod_list_default.csv: missing" in capsys.readouterr().err


def test_cli_caching_s1_needs_lenient_and_names_the_skipped_line(monkeypatch, capsys):
    monkeypatch.delenv("LABCDN_DATA", raising=False)
    with pytest.raises(SystemExit) as info:
        main(["caching", "--trace", "012908.S1", "--json"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "youtube.parsed.012908.S1.dat.xz, line 37500: timestamp" in err and "--lenient" in err
    assert main(["caching", "--trace", "012908.S1", "--lenient", "--json"]) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert "skipped" in captured.err and "youtube.parsed.012908.S1.dat.xz, line 37500" in captured.err
    assert [s["line"] for s in out["skipped_lines"]] == [37_500]
    assert out["requests"] == 37_499 - 8_492 - 2_374
