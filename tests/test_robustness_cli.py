"""The CLI under hostile use: every OS error, bad address and Ctrl-C is one line naming what failed, exit non-zero."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

from labcdn.cli import main
from labcdn.sweep.partitions import JOURNAL

GRID = "servers=5,6"


def labcdn(*args, stdout=subprocess.PIPE, timeout=300):
    return subprocess.run([sys.executable, "-P", "-m", "labcdn", *args], cwd=ROOT, stdout=stdout, stderr=subprocess.PIPE,
                          text=True, timeout=timeout)


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


def test_a_full_disk_on_stdout_is_one_line():
    with open("/dev/full", "w") as full:
        done = labcdn("hashing", "--json", stdout=full)
    assert done.returncode == 1
    assert "cannot write the report to standard output (No space left on device)" in one_line(done.stderr)


@pytest.mark.parametrize(("extra", "expected"), [
    (["--out", ""], "out='' is empty"),
    (["--out", "/proc/labcdn-sweep/s"], "No such file or directory: '/proc/labcdn-sweep'"),
    (["--out", "{tmp}/s", "--collect", "/proc/labcdn/rows.csv"], "'/proc/labcdn' is not an existing folder"),
    (["--out", "{tmp}/s", "--collect", "/proc/version/rows.csv"], "'/proc/version' is not an existing folder"),
    (["--out", "{tmp}/s", "--collect", "{tmp}"], "is a folder"),
    (["--out", "{tmp}/s", "--scheduler", "tcp://127.0.0.1:{port}"], "cannot reach the Dask scheduler at tcp://127"),
    (["--out", "{tmp}/s", "--scheduler", "tcp://127.0.0.1:{port}", "--workers", "2"], "give one or the other"),
    (["--out", "{tmp}/s", "--scheduler", "nonsense"], "must read tcp://HOST:PORT"),
])
def test_sweep_paths_and_addresses_are_refused_up_front_in_one_line(tmp_path, extra, expected):
    with socket.socket() as sock:  # a port nothing listens on: bound, never listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        args = [a.format(tmp=tmp_path, port=port) for a in extra]
        start = time.monotonic()
        done = labcdn("sweep", "--study", "hashing", "--grid", GRID, "--no-progress", *args, timeout=120)
        waited = time.monotonic() - start
    assert done.returncode != 0
    assert expected in one_line(done.stderr)
    assert waited < 25  # not Dask's 30 s connect timeout (a bound, not a timing measurement)
    assert not list(tmp_path.glob("s/part-*"))  # refused before any point ran


def test_chunks_computed_now_counts_repairs_on_the_cli(tmp_path, capsys):
    out = tmp_path / "s"
    args = ["sweep", "--study", "hashing", "--grid", "servers=5,6,7,8", "--out", str(out), "--chunk-size", "1",
            "--no-progress", "--json"]
    main(args)
    assert json.loads(capsys.readouterr().out)["chunks_computed_now"] == 4
    part = out / "part-00002.parquet"
    part.write_bytes(part.read_bytes()[:-10])
    main(args)
    assert json.loads(capsys.readouterr().out)["chunks_computed_now"] == 1


def test_ctrl_c_during_a_pool_sweep_is_one_line_and_resumable(tmp_path):
    out = tmp_path / "s"
    grid = {"servers": list(range(2, 300)), "files": 50_000}
    cmd = [sys.executable, "-P", "-m", "labcdn", "sweep", "--study", "hashing", "--grid", json.dumps(grid),
           "--out", str(out), "--workers", "2", "--chunk-size", "1", "--no-progress", "--json"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None:
            if (out / JOURNAL).is_file() and (out / JOURNAL).read_text().count("\n") >= 3:
                break
            time.sleep(0.05)
        assert proc.poll() is None, proc.stderr.read()[-800:]
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the terminal's whole process group
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130
    line = one_line(stderr)
    assert "labcdn sweep: interrupted" in line and str(out) in line and "resume" in line
    assert (out / JOURNAL).read_text().count("\n") >= 3


def test_cli_errors_are_value_errors_for_the_api(tmp_path):
    """What the CLI refuses up front, the API refuses too, by name."""
    from labcdn import sweep

    with pytest.raises(ValueError, match="collect"):
        sweep.check_collect(tmp_path)
    with pytest.raises(ValueError, match="scheduler"):
        sweep.connect("http://x")
    assert sweep.check_collect(tmp_path / "rows.csv") == Path(tmp_path / "rows.csv")
