"""`make lab` as root: the launcher passes --allow-root deliberately and says so; as a user it adds nothing."""

from __future__ import annotations

from labcdn import lab


def test_root_gets_allow_root_and_a_note():
    argv, note = lab.command(euid=0)
    assert argv[-1] == "--allow-root" and "--ip=127.0.0.1" in argv
    assert note and "root" in note and "127.0.0.1" in note


def test_a_user_gets_no_flag_and_no_note():
    argv, note = lab.command(euid=1000)
    assert "--allow-root" not in argv and note is None
    assert argv[1:5] == ["lab", "--ip=127.0.0.1", "--no-browser", "--ServerApp.root_dir=notebooks"]


def test_the_flag_is_not_doubled():
    argv, _ = lab.command(["--allow-root"], euid=0)
    assert argv.count("--allow-root") == 1
