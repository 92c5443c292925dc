"""Community activity of an orchestrator's repository: commits and distinct authors per year, from a git clone.

Run it on a local clone (bare or not) to add or refresh that repository's rows in
``data/orchestrator_activity.csv``::

    python -m labcdn.choosing.activity CLONE_PATH --repository github.com/apache/mesos --project Mesos

What is counted, and why:

- **Commits** reachable from the clone's ``HEAD`` (or ``--rev``), *merge commits excluded*
  (``git log --no-merges``): a merge adds no work of its own, and repositories that merge
  through a bot or a web button would otherwise count the merge twice.
- **The year** of a commit is the year of its *author* date in UTC (when the change was
  written), not of its committer date (when it was applied or rebased).
- **Distinct authors** per year are distinct author e-mail addresses, lower-cased, after the
  repository's own ``.mailmap`` (git's ``%aE``); an author with two unmapped addresses counts
  twice, so the count is an upper bound on people.

Each row carries its provenance: the repository, the commit it was computed at
(``computed_at_commit``), that commit's date (``snapshot_date``: the last year of a
repository is counted only up to it) and the day it was computed (``computed_on``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
from pathlib import Path

import polars as pl

from labcdn.datasets import MalformedLine

PATH = Path(__file__).resolve().parents[2] / "data" / "orchestrator_activity.csv"
METHOD = "git log --no-merges; year of the author date in UTC; authors = distinct mailmapped e-mails"
SCHEMA = {
    "project": pl.String,
    "repository": pl.String,
    "year": pl.Int64,
    "commits": pl.Int64,
    "authors": pl.Int64,
    "computed_at_commit": pl.String,
    "snapshot_date": pl.String,
    "computed_on": pl.String,
    "method": pl.String,
    "source": pl.String,
}
_SEP = "\x1f"  # unit separator: cannot occur in a name, e-mail or date


def _git(clone: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", "-C", str(clone), *args], capture_output=True, text=True, check=False,
                              encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise ValueError("git is not installed (labcdn.choosing.activity runs `git log`)") from None
    if done.returncode != 0:
        raise ValueError(f"clone={str(clone)!r}: git {' '.join(args[:2])} failed: {done.stderr.strip()}")
    return done.stdout


def head_commit(clone, rev: str = "HEAD") -> str:
    """The full hash ``rev`` resolves to in ``clone``."""
    return _git(Path(clone), "rev-parse", "--verify", f"{rev}^{{commit}}").strip()


def commit_day(clone, commit: str) -> str:
    """The committer date of ``commit`` as an ISO day in UTC (the last day the snapshot covers)."""
    stamp = int(_git(Path(clone), "show", "-s", "--format=%ct", commit).strip())
    return dt.datetime.fromtimestamp(stamp, dt.UTC).date().isoformat()


def commit_log(clone, rev: str = "HEAD") -> pl.DataFrame:
    """One row per non-merge commit reachable from ``rev``: ``commit``, ``author_date`` (UTC), ``email``.

    Parameters
    ----------
    clone : str or pathlib.Path
        A local git repository (a bare mirror works).
    rev : str
        Where to walk back from.

    Returns
    -------
    polars.DataFrame
        ``commit`` (hash), ``author_date`` (datetime, UTC), ``email`` (lower-cased, after ``.mailmap``).
    """
    clone = Path(clone)
    if not clone.exists():
        raise ValueError(f"clone={str(clone)!r} does not exist; pass the path of a local git clone")
    text = _git(clone, "log", "--no-merges", f"--format=%H{_SEP}%at{_SEP}%aE", rev, "--")
    rows = [line.split(_SEP) for line in text.splitlines() if line]
    commits, stamps, emails = zip(*rows, strict=True) if rows else ((), (), ())
    return pl.DataFrame(
        {"commit": list(commits), "author_ts": [int(s) for s in stamps], "email": [e.lower() for e in emails]},
        schema={"commit": pl.String, "author_ts": pl.Int64, "email": pl.String},
    ).select("commit", pl.from_epoch("author_ts", time_unit="s").dt.replace_time_zone("UTC").alias("author_date"),
             "email")


def yearly(log: pl.DataFrame) -> pl.DataFrame:
    """Commits and distinct authors per calendar year (UTC) of a :func:`commit_log` frame."""
    return (log.group_by(pl.col("author_date").dt.year().cast(pl.Int64).alias("year"))
            .agg(pl.len().cast(pl.Int64).alias("commits"), pl.col("email").n_unique().cast(pl.Int64).alias("authors"))
            .sort("year"))


def activity(clone, *, project: str, repository: str, rev: str = "HEAD", today: dt.date | None = None) -> pl.DataFrame:
    """Commits and distinct authors per year of one repository, with provenance.

    Parameters
    ----------
    clone : str or pathlib.Path
        A local clone of ``repository``.
    project : str
        The tool the repository belongs to (``"Mesos"``, ``"Nomad"``, ...).
    repository : str
        Where the clone came from, e.g. ``"github.com/apache/mesos"``.
    rev : str
        The revision counted back from (default ``HEAD``).
    today : datetime.date, optional
        The day recorded as ``computed_on`` (default: today, UTC).

    Returns
    -------
    polars.DataFrame
        Columns of :data:`SCHEMA`, one row per year with at least one commit.
    """
    for name, value in (("project", project), ("repository", repository)):
        if not isinstance(value, str) or not value.strip() or "," in value:
            raise ValueError(f"{name}={value!r} must be a non-empty string without commas")
    commit = head_commit(clone, rev)
    day = (today or dt.datetime.now(dt.UTC).date()).isoformat()
    return yearly(commit_log(clone, rev)).select(
        pl.lit(project).alias("project"), pl.lit(repository).alias("repository"), "year", "commits", "authors",
        pl.lit(commit).alias("computed_at_commit"), pl.lit(commit_day(clone, commit)).alias("snapshot_date"),
        pl.lit(day).alias("computed_on"),
        pl.lit(METHOD).alias("method"), pl.lit(f"computed from {repository} at {commit[:12]}").alias("source"),
    ).cast(SCHEMA)


def load(path=PATH) -> pl.DataFrame:
    """The committed activity table, checked.

    Rows computed here carry a 40-hex ``computed_at_commit``; rows taken from a
    publication (a repository too large to clone here) leave it empty and name the
    publication in ``source``.

    Raises
    ------
    MalformedLine
        Naming the file and line of a row without a repository, year, counts or
        source, with more authors than commits, or repeating a (repository, year).
    """
    path = Path(path)
    frame = pl.read_csv(path, schema=SCHEMA)
    seen = set()
    for i, row in enumerate(frame.iter_rows(named=True)):
        line = i + 2
        for col in ("project", "repository", "year", "computed_on", "method", "source"):
            if row[col] is None or (isinstance(row[col], str) and not row[col].strip()):
                raise MalformedLine(path, line, row["repository"] or "", f"{col} is empty")
        if row["commits"] is not None and row["authors"] is not None and row["authors"] > row["commits"]:
            raise MalformedLine(path, line, row["repository"], "more authors than commits")
        if row["commits"] is None and row["authors"] is None:
            raise MalformedLine(path, line, row["repository"], "neither commits nor authors")
        sha = row["computed_at_commit"]
        if sha is not None and (len(sha) != 40 or any(c not in "0123456789abcdef" for c in sha)):
            raise MalformedLine(path, line, sha, "computed_at_commit is not a full commit hash")
        key = (row["repository"], row["year"])
        if key in seen:
            raise MalformedLine(path, line, row["repository"], f"year {row['year']} repeats an earlier row")
        seen.add(key)
    return frame


def update(path, rows: pl.DataFrame) -> pl.DataFrame:
    """Replace ``rows``' repository in the CSV at ``path`` (created if absent) and write it back sorted."""
    path = Path(path)
    repos = rows["repository"].unique().to_list()
    old = load(path).filter(~pl.col("repository").is_in(repos)) if path.exists() else pl.DataFrame(schema=SCHEMA)
    out = pl.concat([old, rows.cast(SCHEMA)]).sort("project", "repository", "year")
    out.write_csv(path)
    return out


def main(argv=None) -> int:
    """``python -m labcdn.choosing.activity CLONE --repository R --project P [--out CSV] [--rev REV]``."""
    parser = argparse.ArgumentParser(prog="python -m labcdn.choosing.activity", description=__doc__.split("\n")[0])
    parser.add_argument("clone", help="path of a local git clone (bare is fine)")
    parser.add_argument("--repository", required=True, help="where it came from, e.g. github.com/apache/mesos")
    parser.add_argument("--project", required=True, help="the tool, e.g. Mesos")
    parser.add_argument("--rev", default="HEAD", help="revision to count back from (default HEAD)")
    parser.add_argument("--out", default=str(PATH), help="CSV to update (default data/orchestrator_activity.csv)")
    args = parser.parse_args(argv)
    try:
        rows = activity(args.clone, project=args.project, repository=args.repository, rev=args.rev)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    update(args.out, rows)
    print(f"{args.repository}: {rows['commits'].sum()} commits in {rows.height} years, "
          f"at {rows['computed_at_commit'][0][:12]} -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
