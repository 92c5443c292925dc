"""labcdn.sweep under hostile use: killed parents, huge grids, odd folders, bad points found before any work."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

from labcdn import sweep
from labcdn.sweep.partitions import JOURNAL, MANIFEST

SMALL = {"servers": [5, 10, 15, 20], "algorithm": ["ring", "jump"], "files": 2000}


def _session_members(sid: int) -> dict[int, str]:
    """Live processes of session ``sid``: pid -> command line (zombies are dead and not listed)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) ": state ppid pgrp session ...
        if fields[0] != "Z" and int(fields[3]) == sid:
            found[int(entry.name)] = cmdline
    return found


def test_sigkill_of_a_pool_sweep_leaves_no_process_alive(tmp_path):
    """`kill -9` of `labcdn sweep --workers 2`: within 10 s nothing it started (workers, resource tracker) lives."""
    out = tmp_path / "killed"
    grid = {"servers": list(range(2, 400)), "files": 50_000}
    cmd = [sys.executable, "-P", "-m", "labcdn", "sweep", "--study", "hashing", "--grid", json.dumps(grid),
           "--out", str(out), "--workers", "2", "--chunk-size", "1", "--no-progress", "--json"]
    # its own session: every process it starts, however re-parented, keeps the session id
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        journal = out / JOURNAL
        while time.monotonic() < deadline and proc.poll() is None:
            if journal.is_file() and journal.read_text().count("\n") >= 3:
                break
            time.sleep(0.05)
        assert proc.poll() is None, f"the sweep ended before it could be killed: {proc.stderr.read().decode()[-800:]}"
        started = _session_members(proc.pid)
        assert len(started) >= 3, started  # the driver and two workers at least
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _session_members(proc.pid):
            time.sleep(0.1)
        alive = _session_members(proc.pid)
        assert not alive, f"still alive 10 s after SIGKILL of the sweep: {alive}"
    finally:
        for pid in _session_members(proc.pid):  # only what this test started, by pid
            os.kill(pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()


def test_die_with_parent_exits_when_the_parent_is_already_gone():
    """A worker whose parent died before it armed the signal exits at once (the race prctl cannot cover)."""
    code = ("from labcdn.sweep.backends import die_with_parent; import os; die_with_parent(os.getppid() + 10**6); "
            "print('survived')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 1 and "survived" not in done.stdout


# --- the grid is checked whole, before any point runs ------------------------------------------------------


def test_a_grid_too_large_as_a_product_is_refused_before_expansion():
    axis = list(range(1000))
    grid = {"servers": axis, "files": [1000 + i for i in axis], "vnodes": [1 + i for i in axis]}
    with pytest.raises(ValueError, match=r"grid has 1000000000 points .*at most"):
        sweep.plan("hashing", grid)


def test_a_bad_point_is_refused_before_the_first_point_runs(tmp_path):
    out = tmp_path / "s"
    grid = sweep.parse_grid(["concentration=0:6:13"])
    with pytest.raises(ValueError, match=r"concentration"):
        sweep.run("ranking", grid, out=out, progress=False)
    assert not (out / JOURNAL).exists() or (out / JOURNAL).read_text() == ""
    assert not list(out.glob("part-*.parquet")) if out.exists() else True


def test_an_empty_out_is_refused():
    with pytest.raises(ValueError, match="out"):
        sweep.run("hashing", SMALL, out="", progress=False)


# --- the folder -----------------------------------------------------------------------------------------


def test_an_empty_manifest_is_a_clear_error(tmp_path):
    out = tmp_path / "s"
    out.mkdir()
    (out / MANIFEST).write_text("{}")
    with pytest.raises(ValueError, match=r"manifest\.json is not a readable sweep manifest"):
        sweep.status(out)
    with pytest.raises(ValueError, match=r"manifest\.json is not a readable sweep manifest"):
        sweep.run("hashing", SMALL, out=out, progress=False)


def test_files_the_journal_does_not_name_are_left_alone(tmp_path):
    out = tmp_path / "s"
    sweep.run("hashing", SMALL, out=out, seed=1, chunk_size=2, progress=False)
    mine = out / "part-99999.parquet"
    mine.write_bytes(b"a user's file")
    notes = out / "notes.txt"
    notes.write_text("mine too")
    lines = []
    sweep.run("hashing", SMALL, out=out, seed=1, chunk_size=2, progress=False, report=lines.append)
    assert mine.read_bytes() == b"a user's file" and notes.read_text() == "mine too"
    assert any("part-99999.parquet" in line and "leaving it" in line for line in lines)


def test_chunks_computed_now_counts_repairs(tmp_path):
    out = tmp_path / "s"
    first = sweep.execute("hashing", SMALL, out=out, seed=1, chunk_size=2, progress=False)
    assert (first.computed, first.reused) == (4, 0)
    part = out / "part-00001.parquet"
    part.write_bytes(part.read_bytes()[:-20])  # damaged: the journal still names it
    again = sweep.execute("hashing", SMALL, out=out, seed=1, chunk_size=2, progress=False, report=lambda line: None)
    assert (again.computed, again.reused) == (1, 3)
    assert again.frame.collect().height == first.frame.collect().height


# Values each study's model refuses; the sweep's check must refuse them too, before anything runs.
REFUSED = [
    ("ranking", "concentration", 6.5), ("ranking", "zipf_exponent", -1.0), ("ranking", "n_titles", 0),
    ("ranking", "target_efficiency", 0.0), ("ranking", "capacity_fraction", 1.5),
    ("prediction", "n_days", 1), ("prediction", "capacity_fraction", 0.0), ("prediction", "budget_fraction", 2.0),
    ("prediction", "n_titles", 0),
    ("hashing", "servers", 0), ("hashing", "files", 0), ("hashing", "vnodes", 0),
    ("hashing", "zipf_exponent", 4.0), ("hashing", "algorithm", "nope"),
    ("serving", "cpus", 1000), ("serving", "domains", 0), ("serving", "platform", "nope"),
    ("balancing", "backends", 0), ("balancing", "algorithm", "nope"), ("balancing", "load", 0.0),
    ("balancing", "requests", 0), ("balancing", "service", "nope"),
    ("orchestration", "nodes", 0), ("orchestration", "load", 0.0), ("orchestration", "horizon", 0.0),
    ("orchestration", "max_pods", 0), ("orchestration", "t_job", -1.0), ("orchestration", "design", "nope"),
    ("replication", "servers", 0), ("replication", "titles", 0),
]


@pytest.mark.parametrize(("study", "name", "value"), REFUSED)
def test_the_grid_check_refuses_what_the_model_refuses(study, name, value):
    from labcdn.sweep import registry
    from labcdn.sweep.grid import points

    s = registry.get(study)
    (full,), _ = points(s.defaults, [{name: value}])
    params = {k: v for k, v in full.items() if k != "replicate"}
    with pytest.raises(ValueError, match=name.removeprefix("zipf_")):  # hashing's model says "exponent"
        s.point(params, 0)  # the model itself refuses the value ...
    with pytest.raises(ValueError, match=rf"{name}.*point 1 of 2.*nothing was computed"):
        sweep.plan(study, [{}, {name: value}])  # ... and the sweep says so before the first point
