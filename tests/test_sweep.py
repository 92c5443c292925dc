"""labcdn.sweep: same bytes on every backend, resumable after SIGKILL, damage detected, other sweeps refused."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from labcdn import sweep
from labcdn.cli import main
from labcdn.sweep import backends
from labcdn.sweep import grid as sweep_grid
from labcdn.sweep.partitions import JOURNAL, MANIFEST
from labcdn.sweep.provenance import module_closure

# Cheap points: a few ms each.
SMALL = {"servers": [5, 10, 15, 20], "algorithm": ["ring", "jump"], "files": 2000}
# One cheap point per study, to check each is wired to its model.
CHEAP = {
    "ranking": {"n_titles": 40},
    "prediction": {"n_titles": 30, "n_days": 4},
    "hashing": {"servers": 8, "files": 1000},
    "serving": {"cpus": 8},
    "balancing": {"requests": 2000, "backends": 4},
    "orchestration": {"nodes": 50, "horizon": 300.0},
    "replication": {"workload": "zipf", "files": 1000, "servers": 10},
}


def files_of(out: Path) -> dict[str, bytes]:
    """Every file of a sweep folder but the manifest's ``created`` stamp (versions, not results)."""
    got = {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.name != MANIFEST}
    manifest = json.loads((out / MANIFEST).read_text())
    manifest.pop("created")
    got[MANIFEST] = json.dumps(manifest, sort_keys=True).encode()
    return got


# --- grids and seeds -------------------------------------------------------------------------------------


def test_parse_grid_pairs_ranges_and_json():
    assert sweep.parse_grid(["concentration=0:1:3 zipf_exponent=0.6,0.85", "tls=true,false;platform=E5-2697v2"]) == {
        "concentration": [0.0, 0.5, 1.0], "zipf_exponent": [0.6, 0.85], "tls": [True, False],
        "platform": ["E5-2697v2"]}
    assert sweep.parse_grid('{"servers": [1, 2], "files": 10}') == {"servers": [1, 2], "files": 10}
    assert sweep.parse_grid('[{"servers": 3}, {"servers": 4, "replicate": 1}]') == [
        {"servers": 3}, {"servers": 4, "replicate": 1}]
    for bad in ("servers", "servers=", '{"servers": [1,', ""):
        with pytest.raises(ValueError):
            sweep.parse_grid([bad])


def test_points_fill_defaults_coerce_and_order():
    defaults = sweep.registry.get("hashing").defaults
    pts, columns = sweep.points(defaults, {"servers": [2, 3.0], "zipf_exponent": [1, 0.5]})
    assert columns == ["servers", "zipf_exponent"]
    assert [(p["servers"], p["zipf_exponent"]) for p in pts] == [(2, 1.0), (2, 0.5), (3, 1.0), (3, 0.5)]
    assert all(type(p["servers"]) is int and type(p["zipf_exponent"]) is float for p in pts)
    assert all(p["vnodes"] == defaults["vnodes"] and p["replicate"] == 0 for p in pts)


@pytest.mark.parametrize(("grid", "message"), [
    ({"nope": [1]}, "'nope' is not one of"),
    ({"seed": [1, 2]}, "use 'replicate'"),
    ({"servers": [2.5]}, r"servers=2\.5 must be a whole number"),
    ({"algorithm": [3]}, "must be text"),
    ({"servers": []}, "has no values"),
    ({}, "grid is empty"),
])
def test_points_refuse_bad_grids(grid, message):
    with pytest.raises(ValueError, match=message):
        sweep.points(sweep.registry.get("hashing").defaults, grid)


def test_a_worker_running_other_code_refuses_the_chunk():
    manifest, chunks = sweep.plan("serving", {"cpus": [8]})
    (_, first, pts, seeds), = chunks
    backends.evaluate_chunk("serving", first, pts, seeds, manifest.columns, manifest.code_version)
    with pytest.raises(RuntimeError, match="install the same labcdn on every worker"):
        backends.evaluate_chunk("serving", first, pts, seeds, manifest.columns, "0.0.0+0000000000000000")


def test_unknown_study_names_the_others():
    with pytest.raises(ValueError, match="'ranking'"):
        sweep.plan("nope", {"x": [1]})


small_grids = st.dictionaries(
    st.sampled_from(["servers", "vnodes", "files", "replicate"]),
    st.lists(st.integers(1, 400), min_size=1, max_size=4, unique=True), min_size=1, max_size=3)


@settings(max_examples=40, deadline=None)
@given(small_grids, st.integers(0, 2**40))
def test_seed_depends_on_point_only(grid, seed):
    """A point's seed is the same whatever grid, order or chunk it comes in; distinct points differ."""
    defaults = sweep.registry.get("hashing").defaults
    pts, _ = sweep.points(defaults, grid)
    seeds = [sweep.point_seed(seed, "hashing", p) for p in pts]
    reversed_pts, _ = sweep.points(defaults, dict(reversed(list(grid.items()))))
    by_point = {json.dumps(p, sort_keys=True): s for p, s in zip(pts, seeds, strict=True)}
    for p in reversed_pts:
        assert sweep.point_seed(seed, "hashing", p) == by_point[json.dumps(p, sort_keys=True)]
    for p in pts[:3]:  # alone, as a one-point grid
        alone, _ = sweep.points(defaults, [{k: p[k] for k in grid}])
        assert sweep.point_seed(seed, "hashing", alone[0]) == by_point[json.dumps(p, sort_keys=True)]
    assert len(set(seeds)) == len(seeds)
    assert all(0 <= s < 2**32 for s in seeds)


def test_point_seed_is_seedsequence_keyed_by_the_point_hash():
    import hashlib

    p = sweep.points(sweep.registry.get("hashing").defaults, {"servers": 7})[0][0]
    digest = hashlib.sha256(sweep_grid.canonical({"study": "hashing", "params": p}).encode()).digest()
    key = tuple(int(w) for w in np.frombuffer(digest[:16], dtype="<u4"))
    expect = int(np.random.SeedSequence(5, spawn_key=key).generate_state(1, np.uint32)[0])
    assert sweep.point_seed(5, "hashing", p) == expect
    assert sweep.point_seed(6, "hashing", p) != expect
    with pytest.raises(ValueError, match="non-negative"):
        sweep.point_seed(-1, "hashing", p)


def test_code_version_follows_imports_not_the_whole_package():
    closure = module_closure(["labcdn.popularity.ranking"])
    assert {"labcdn.popularity", "labcdn.popularity.ranking", "labcdn.popularity.catalogue", "labcdn.popularity.demand",
            "labcdn._jit"} <= set(closure)
    assert not any(name.startswith(("labcdn.charts", "labcdn.sweep", "labcdn.balancing")) for name in closure)
    versions = {s: sweep.code_version(sweep.registry.get(s)) for s in ("ranking", "hashing")}
    assert len(set(versions.values())) == 2
    assert versions["ranking"] == sweep.code_version(sweep.registry.get("ranking"))


# --- every study is wired -------------------------------------------------------------------------------


def test_registry_holds_every_study():
    assert set(sweep.STUDIES) == set(CHEAP)


@pytest.mark.parametrize("name", sorted(CHEAP))
def test_each_study_point_runs_its_model(name):
    a = sweep.evaluate(name, CHEAP[name], seed=3)
    b = sweep.evaluate(name, CHEAP[name], seed=3)
    assert a.height >= 1
    assert a.columns[: len(CHEAP[name]) + 1] == [*CHEAP[name], "seed"]
    assert a.equals(b)  # same seed, same rows
    numeric = [c for c, t in a.schema.items() if t == pl.Float64]
    assert numeric, "a study should report at least one measured number"


def test_points_reach_the_model_and_the_seed_matters():
    base = sweep.evaluate("ranking", {"n_titles": 60}, seed=0)
    assert not base.equals(sweep.evaluate("ranking", {"n_titles": 60}, seed=1))
    assert not base.equals(sweep.evaluate("ranking", {"n_titles": 60, "replicate": 1}, seed=0))
    kappa = sweep.evaluate("ranking", {"n_titles": 60, "concentration": 0.0}, seed=0)
    assert kappa["ratio"][0] != base["ratio"][0]
    from dataclasses import replace

    from labcdn import popularity

    e = popularity.era("2016")  # chapter 1's headline: 2016 catalogue, ranked on predicted views
    seed = int(base["seed"][0])
    cat = popularity.make_catalogue(replace(e.catalogue, n_titles=60), seed, ladder=e.ladder())
    direct = popularity.predicted_study(cat, e.demand, 0.9, seed=seed)
    assert base["ratio"][0] == direct.ratio
    exact = sweep.evaluate("ranking", {"n_titles": 60, "era": "today", "sessions_scale": 0.0}, seed=0)
    today = popularity.study(replace(popularity.CatalogueParams(), n_titles=60), popularity.DemandParams(), 0.9,
                             int(exact["seed"][0]), n_points=2)
    assert exact["ratio"][0] == pytest.approx(today.ratio, rel=1e-12)


# --- backends: the same bytes --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as c:
        with distributed.Client(c) as client:
            yield client


def test_local_cluster_and_pool_write_the_same_bytes_as_serial(tmp_path, dask_client, capsys):
    serial = sweep.run("hashing", SMALL, out=tmp_path / "serial", seed=11, chunk_size=3, progress=False).collect()
    capsys.readouterr()
    on_dask = sweep.run("hashing", SMALL, out=tmp_path / "dask", seed=11, chunk_size=3, client=dask_client,
                        progress=False).collect()
    assert "dashboard" in capsys.readouterr().err
    pool = sweep.run("hashing", SMALL, out=tmp_path / "pool", seed=11, chunk_size=3, workers=2,
                     progress=False).collect()
    assert serial.height == 8 and serial["point"].to_list() == list(range(8))
    reference = files_of(tmp_path / "serial")
    assert sorted(reference) == [".lock", JOURNAL, MANIFEST, "part-00000.parquet", "part-00001.parquet",
                                 "part-00002.parquet"]
    assert files_of(tmp_path / "dask") == reference
    assert files_of(tmp_path / "pool") == reference
    assert on_dask.equals(serial) and pool.equals(serial)


@pytest.mark.parametrize("name", sorted(CHEAP))
def test_every_study_on_the_cluster_matches_serial(tmp_path, dask_client, name):
    grid = [{**CHEAP[name], "replicate": r} for r in (0, 1)]
    serial = sweep.run(name, grid, out=tmp_path / "serial", seed=5, progress=False).collect()
    on_dask = sweep.run(name, grid, out=tmp_path / "dask", seed=5, client=dask_client, progress=False).collect()
    assert on_dask.equals(serial)
    assert files_of(tmp_path / "dask") == files_of(tmp_path / "serial")


def test_cli_on_a_dask_scheduler(tmp_path, dask_client, capsys):
    address = dask_client.scheduler.address
    assert main(["sweep", "--study", "hashing", "--grid", json.dumps(SMALL), "--out", str(tmp_path / "cli"),
                 "--seed", "11", "--chunk-size", "3", "--scheduler", address, "--no-progress", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["backend"] == "dask"
    assert address in captured.err and "dashboard" in captured.err
    serial = sweep.run("hashing", SMALL, out=tmp_path / "serial", seed=11, chunk_size=3, progress=False)
    assert files_of(tmp_path / "cli") == files_of(tmp_path / "serial")
    assert serial.collect().height == 8


# --- nothing lost ---------------------------------------------------------------------------------------

KILL_GRID = {"servers": list(range(2, 152)), "files": 50_000}


def test_sigkill_midway_then_resume_gives_the_complete_identical_result(tmp_path):
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "labcdn", "sweep", "--study", "hashing", "--grid", json.dumps(KILL_GRID),
           "--out", str(out), "--seed", "4", "--chunk-size", "1", "--no-progress", "--json"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    journal = out / JOURNAL
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if journal.is_file() and journal.read_text().count("\n") >= 5:
            break
        time.sleep(0.002)
    assert proc.poll() is None, f"the sweep ended before it could be killed: {proc.stderr.read().decode()[-500:]}"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    done = sweep.status(out)
    assert 5 <= done["chunks_done"] < done["chunks"] == len(KILL_GRID["servers"])
    lines = []
    resumed = sweep.run("hashing", KILL_GRID, out=out, seed=4, chunk_size=1, progress=False,
                        report=lines.append).collect()
    assert all("recomputing" in line or "half-written" in line for line in lines)
    fresh = sweep.run("hashing", KILL_GRID, out=tmp_path / "fresh", seed=4, chunk_size=1, progress=False).collect()
    assert resumed.equals(fresh)
    assert files_of(out) == files_of(tmp_path / "fresh")


def test_resume_computes_only_what_is_missing(tmp_path):
    out = tmp_path / "s"
    sweep.run("hashing", SMALL, out=out, seed=1, chunk_size=2, progress=False)
    (out / "part-00001.parquet").unlink()
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("part-*.parquet")}
    lines = []
    sweep.run("hashing", SMALL, out=out, seed=1, chunk_size=2, progress=False, report=lines.append)
    after = {p.name: p.stat().st_mtime_ns for p in out.glob("part-*.parquet")}
    assert lines == []
    assert set(after) == {*before, "part-00001.parquet"}
    assert all(after[name] == t for name, t in before.items())


def test_a_failing_point_names_itself_before_any_point_runs(tmp_path):
    out = tmp_path / "s"
    with pytest.raises(ValueError, match=r"cpus=1000 is out of range.*point 2 of 3.*nothing was computed"):
        sweep.run("serving", {"cpus": [8, 9, 1000]}, out=out, progress=False)
    assert sweep.status(out)["chunks_done"] == 0


@pytest.mark.parametrize("damage", ["truncate", "flip", "unrecorded", "torn_journal", "leftover_tmp"])
def test_damaged_partition_is_reported_and_recomputed(tmp_path, damage):
    out = tmp_path / "s"
    good = sweep.run("hashing", SMALL, out=out, seed=2, chunk_size=2, progress=False).collect()
    reference = files_of(out)
    part = out / "part-00002.parquet"
    data = part.read_bytes()
    if damage == "truncate":
        part.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        part.write_bytes(data[:100] + bytes([data[100] ^ 0xFF]) + data[101:])
    elif damage == "unrecorded":  # written and renamed, killed before the journal line
        lines = (out / JOURNAL).read_text().splitlines(keepends=True)
        (out / JOURNAL).write_text("".join(x for x in lines if not x.startswith("2\t")))
    elif damage == "torn_journal":  # killed in the middle of writing the last journal line
        text = (out / JOURNAL).read_text()
        lines = text.splitlines(keepends=True)
        (out / JOURNAL).write_text("".join(x for x in lines if not x.startswith("2\t")) + "2\tpart-000")
    else:
        (out / ".part-00002.parquet.tmp-99999").write_bytes(data[:10])
    reports = []
    again = sweep.run("hashing", SMALL, out=out, seed=2, chunk_size=2, progress=False, report=reports.append)
    assert len(reports) == 1
    expected = {"truncate": "corrupt or truncated", "flip": "corrupt or truncated", "unrecorded": "never recorded",
                "torn_journal": "never recorded", "leftover_tmp": "half-written"}[damage]
    assert expected in reports[0]
    assert again.collect().equals(good)
    assert files_of(out) == reference


def test_other_sweeps_in_the_same_folder_are_refused(tmp_path):
    out = tmp_path / "s"
    sweep.run("hashing", SMALL, out=out, seed=1, chunk_size=2, progress=False)
    with pytest.raises(ValueError, match="another sweep.*grid_hash differ"):
        sweep.run("hashing", {**SMALL, "servers": [5, 10]}, out=out, seed=1, chunk_size=2, progress=False)
    with pytest.raises(ValueError, match="seed differ"):
        sweep.run("hashing", SMALL, out=out, seed=2, chunk_size=2, progress=False)
    with pytest.raises(ValueError, match="chunk_size differ"):
        sweep.run("hashing", SMALL, out=out, seed=1, chunk_size=3, progress=False)
    manifest = json.loads((out / MANIFEST).read_text())
    manifest["code_version"] = "0.0.1+0123456789abcdef"
    (out / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match="computed by other code.*model changed"):
        sweep.run("hashing", SMALL, out=out, seed=1, chunk_size=2, progress=False)
    stray = tmp_path / "stray"
    stray.mkdir()
    (stray / "part-00000.parquet").write_bytes(b"x")
    with pytest.raises(ValueError, match="no manifest.json"):
        sweep.run("hashing", SMALL, out=stray, progress=False)


def test_a_folder_being_written_is_refused(tmp_path):
    fcntl = pytest.importorskip("fcntl")
    out = tmp_path / "s"
    sweep.run("hashing", SMALL, out=out, seed=1, chunk_size=2, progress=False)
    with open(out / ".lock", "a") as held:  # another process in the middle of this sweep
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(ValueError, match="being written by another running sweep"):
            sweep.run("hashing", SMALL, out=out, seed=1, chunk_size=2, progress=False)
    assert sweep.run("hashing", SMALL, out=out, seed=1, chunk_size=2, progress=False).collect().height == 8


def test_the_same_grid_written_differently_resumes(tmp_path):
    out = tmp_path / "s"
    first = sweep.run("hashing", SMALL, out=out, seed=1, chunk_size=2, progress=False).collect()
    explicit = [{"servers": s, "algorithm": a, "files": 2000.0} for s in SMALL["servers"] for a in SMALL["algorithm"]]
    assert sweep.run("hashing", explicit, out=out, seed=1, chunk_size=2, progress=False).collect().equals(first)


# --- the CLI ---------------------------------------------------------------------------------------------


def test_cli_help_names_every_study(capsys):
    with pytest.raises(SystemExit):
        main(["sweep", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert all(name in text for name in sweep.STUDIES)


def test_cli_sweep_json_and_collect(tmp_path, capsys):
    out, csv = tmp_path / "s", tmp_path / "rows.csv"
    rc = main(["sweep", "--study", "serving", "--grid", "cpus=8,16", "--grid", "domains=1,4", "--out", str(out),
               "--collect", str(csv), "--no-progress", "--json"])
    assert rc == 0
    got = json.loads(capsys.readouterr().out)
    assert (got["study"], got["points"], got["rows"], got["chunks_computed_now"]) == ("serving", 4, 4, 4)
    rows = pl.read_csv(csv)
    assert rows.columns[:4] == ["point", "cpus", "domains", "seed"]
    assert rows["gbps"].to_list() == sweep.run("serving", {"cpus": [8, 16], "domains": [1, 4]}, out=out,
                                               progress=False).collect()["gbps"].to_list()
    main(["sweep", "--study", "serving", "--grid", "cpus=8,16 domains=1,4", "--out", str(out), "--no-progress",
          "--json"])
    assert json.loads(capsys.readouterr().out)["chunks_computed_now"] == 0
    with pytest.raises(SystemExit):
        main(["sweep", "--study", "serving", "--grid", "cpus=8", "--out", str(out), "--no-progress"])
    assert "refusing to mix" in capsys.readouterr().err.lower()


# --- committed results -----------------------------------------------------------------------------------

SWEEPS = sweep.archive.SWEEPS_DIR


def readme_command(name: str) -> list[str]:
    """The arguments after ``labcdn sweep`` of the README line that regenerates ``name``."""
    readme = (SWEEPS / "README.md").read_text()
    lines = [line for line in readme.splitlines() if f"--collect data/sweeps/{name}.csv" in line]
    assert len(lines) == 1, f"data/sweeps/README.md must give one command for {name}.csv"
    return lines[0].split("labcdn sweep", 1)[1].split()


def option(args: list[str], name: str) -> list[str]:
    return [args[i + 1] for i, a in enumerate(args) if a == name]


@pytest.mark.parametrize("name", sweep.available())
def test_committed_sweep_is_exactly_its_commands_grid(name):
    """Every point of the command's grid is there, in order, with the seed the sweep derives for it."""
    args = readme_command(name)
    study, seed = option(args, "--study")[0], int(option(args, "--seed")[0])
    full, columns = sweep.points(sweep.registry.get(study).defaults, sweep.parse_grid(option(args, "--grid")))
    table = sweep.committed(name)
    assert table.columns[: len(columns) + 2] == ["point", *columns, "seed"]
    per_point = table.unique("point", keep="first", maintain_order=True)
    assert per_point["point"].to_list() == list(range(len(full)))
    for column in columns:
        assert per_point[column].to_list() == [p[column] for p in full]
    assert per_point["seed"].to_list() == [sweep.point_seed(seed, study, p) for p in full]


@pytest.mark.parametrize("name", sweep.available())
def test_committed_sweep_sample_regenerates_exactly(name):
    """Recompute a sample of points (first, last, two drawn) and compare every column exactly."""
    args = readme_command(name)
    study, seed = option(args, "--study")[0], int(option(args, "--seed")[0])
    table = sweep.committed(name)
    grid_columns = table.columns[1: table.columns.index("seed")]
    sample = sorted({0, table["point"].max(), *np.random.default_rng(0).choice(table["point"].to_numpy(), 2).tolist()})
    for point in sample:
        expect = table.filter(pl.col("point") == point).drop("point")
        got = sweep.evaluate(study, {c: expect[c][0] for c in grid_columns}, seed=seed)
        assert got.columns == expect.columns
        for column in got.columns:
            assert got[column].to_list() == expect[column].to_list(), (name, point, column)


def test_committed_names_are_checked():
    assert "ranking_kappa_zipf" in sweep.available()
    with pytest.raises(ValueError, match="ranking_kappa_zipf"):
        sweep.committed("nope")
