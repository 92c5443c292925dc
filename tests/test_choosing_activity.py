"""Commits and distinct authors per year, recomputed from small git repositories made here."""

from __future__ import annotations

import datetime as dt
import os
import subprocess

import polars as pl
import pytest

from labcdn.choosing import activity
from labcdn.datasets import MalformedLine


def _git(repo, *args, env=None):
    full = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", **(env or {})}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          env=full).stdout.strip()


def _commit(repo, name, email, when, message, committed=None, file="log.txt"):
    """One commit whose author (and committer) identity and dates are set through the environment."""
    with (repo / file).open("a") as log:
        log.write(message + "\n")
    _git(repo, "add", file)
    env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": when,
           "GIT_COMMITTER_NAME": "Committer", "GIT_COMMITTER_EMAIL": "committer@example.org",
           "GIT_COMMITTER_DATE": committed or when}
    _git(repo, "commit", "-q", "-m", message, env=env)


@pytest.fixture
def fixture_repo(tmp_path):
    """Six commits over 2019-2021 by three people (one with two addresses joined by .mailmap) and a merge."""
    repo = tmp_path / "fixture"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _commit(repo, "Ada", "ada@example.org", "2019-03-01T10:00:00+00:00", "first")
    _commit(repo, "Bob", "BOB@example.org", "2019-07-01T10:00:00+00:00", "second")
    # 23:30 on 31 December at UTC-2 is 01:30 on 1 January 2020 in UTC; committed (rebased) in 2021.
    _commit(repo, "Ada", "ada@example.org", "2019-12-31T23:30:00-02:00", "third", committed="2021-05-05T00:00:00+00:00")
    (repo / ".mailmap").write_text("Ada <ada@example.org> <ada.old@example.org>\n")
    _git(repo, "add", ".mailmap")
    _commit(repo, "Ada", "ada.old@example.org", "2020-02-01T10:00:00+00:00", "fourth (old address)")
    _git(repo, "checkout", "-q", "-b", "side")
    _commit(repo, "Cy", "cy@example.org", "2021-01-10T10:00:00+00:00", "fifth", file="side.txt")
    _git(repo, "checkout", "-q", "main")
    _commit(repo, "Bob", "bob@example.org", "2021-02-01T10:00:00+00:00", "sixth")
    env = {"GIT_AUTHOR_NAME": "Bob", "GIT_AUTHOR_EMAIL": "bob@example.org",
           "GIT_AUTHOR_DATE": "2021-03-01T10:00:00+00:00", "GIT_COMMITTER_NAME": "Bob",
           "GIT_COMMITTER_EMAIL": "bob@example.org", "GIT_COMMITTER_DATE": "2021-03-01T10:00:00+00:00"}
    _git(repo, "merge", "-q", "--no-ff", "-m", "merge side", "side", env=env)
    return repo


def test_recomputes_each_year_from_a_fixture_repository(fixture_repo):
    rows = activity.activity(fixture_repo, project="Fixture", repository="example.org/fixture",
                             today=dt.date(2026, 12, 4))
    got = {r["year"]: (r["commits"], r["authors"]) for r in rows.iter_rows(named=True)}
    # 2019: first, second (Ada, Bob); 2020: third (author date in UTC), fourth (Ada's old address, mailmapped);
    # 2021: fifth, sixth (Cy, Bob); the merge is not counted.
    assert got == {2019: (2, 2), 2020: (2, 1), 2021: (2, 2)}
    head = activity.head_commit(fixture_repo)
    assert rows["computed_at_commit"].unique().to_list() == [head] and len(head) == 40
    assert rows["snapshot_date"].unique().to_list() == ["2021-03-01"]
    assert rows["computed_on"].unique().to_list() == ["2026-12-04"]
    assert rows["repository"].unique().to_list() == ["example.org/fixture"]
    assert rows.schema == pl.Schema(activity.SCHEMA)


def test_upper_case_addresses_are_one_author(fixture_repo):
    log = activity.commit_log(fixture_repo)
    assert log.height == 6
    assert set(log["email"]) == {"ada@example.org", "bob@example.org", "cy@example.org"}


def test_a_revision_counts_back_from_there(fixture_repo):
    rows = activity.activity(fixture_repo, project="Fixture", repository="example.org/fixture", rev="side")
    assert dict(zip(rows["year"], rows["commits"], strict=True)) == {2019: 2, 2020: 2, 2021: 1}


def test_the_script_writes_and_refreshes_the_csv(fixture_repo, tmp_path, capsys):
    out = tmp_path / "activity.csv"
    other = activity.activity(fixture_repo, project="Other", repository="example.org/other", rev="side")
    activity.update(out, other)
    argv = [str(fixture_repo), "--repository", "example.org/fixture", "--project", "Fixture", "--out", str(out)]
    assert activity.main(argv) == 0
    assert activity.main(argv) == 0  # a second run replaces the repository's rows instead of adding them
    table = activity.load(out)
    assert table.filter(pl.col("repository") == "example.org/fixture").height == 3
    assert table.filter(pl.col("repository") == "example.org/other").height == 3
    assert "6 commits in 3 years" in capsys.readouterr().out


def test_a_path_that_is_not_a_clone_is_refused(tmp_path, capsys):
    with pytest.raises(ValueError, match="clone="):
        activity.activity(tmp_path / "absent", project="X", repository="r")
    plain = tmp_path / "plain"
    plain.mkdir()
    assert activity.main([str(plain), "--repository", "r", "--project", "X", "--out", str(tmp_path / "o.csv")]) == 2
    assert "error: clone=" in capsys.readouterr().err
    with pytest.raises(ValueError, match="project"):
        activity.activity(plain, project="a,b", repository="r")


def test_the_committed_table_is_consistent():
    table = activity.load()
    computed = table.filter(pl.col("computed_at_commit").is_not_null())
    assert computed.height > 0 and (computed["authors"] <= computed["commits"]).all()
    # one commit and one snapshot per repository; no year after the snapshot
    per_repo = computed.group_by("repository").agg(pl.col("computed_at_commit").n_unique().alias("n"),
                                                   pl.col("year").max(), pl.col("snapshot_date").first())
    assert (per_repo["n"] == 1).all()
    assert all(int(s[:4]) == y for s, y in zip(per_repo["snapshot_date"], per_repo["year"], strict=True))
    published = table.filter(pl.col("computed_at_commit").is_null())
    assert published.height > 0 and published["source"].str.contains("cncf").all()


@pytest.mark.parametrize(("line", "reason"), [
    ("Mesos,r,2016,1,2,,,2026-12-04,m,s", "more authors than commits"),
    ("Mesos,r,2016,3,2,abc,,2026-12-04,m,s", "not a full commit hash"),
    ("Mesos,r,2016,3,2,,,2026-12-04,m,", "source is empty"),
    ("Mesos,r,2016,,,,,2026-12-04,m,s", "neither commits nor authors"),
])
def test_malformed_rows_name_their_line(tmp_path, line, reason):
    path = tmp_path / "bad.csv"
    path.write_text(",".join(activity.SCHEMA) + "\nMesos,r,2015,3,2,,,2026-12-04,m,s\n" + line + "\n")
    with pytest.raises(MalformedLine, match=reason) as err:
        activity.load(path)
    assert err.value.line == 3


def test_a_repeated_year_is_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(",".join(activity.SCHEMA) + "\nMesos,r,2015,3,2,,,d,m,s\nMesos,r,2015,3,2,,,d,m,s\n")
    with pytest.raises(MalformedLine, match="repeats"):
        activity.load(path)
