"""A sweep's folder: manifest, Parquet partitions written atomically, and a checksum journal.

Layout of ``out``::

    manifest.json          study, grid hash, code version, seed, chunking, the grid itself
    journal.tsv            one line per finished partition: chunk, file, sha256, rows
    .lock                  held (flock) while a sweep writes: a second sweep on the folder is refused
    part-00000.parquet     the rows of chunk 0 (points 0 .. chunk_size - 1), and so on

A partition is written to a temporary file in ``out``, flushed to disk and
renamed over its final name (``os.replace`` is atomic), and only then recorded
in the journal (one ``write`` of one line, flushed). Whatever moment a sweep is
killed at, a partition is either absent, or complete and recorded, or complete
but not yet recorded; a temporary file may be left over. On start,
:meth:`Store.verify` keeps a partition only if its journal line is complete,
its SHA-256 matches, its Parquet footer reads and its row count agrees;
everything else is reported and recomputed. Only files named as this sweep's
partitions (``part-NNNNN.parquet`` for its chunks) or its own temporary files
are ever deleted; anything else in the folder is reported and left alone.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory lock, one sweep per folder is up to the user
    fcntl = None

MANIFEST = "manifest.json"
JOURNAL = "journal.tsv"
LOCK = ".lock"
FORMAT = 1


@dataclass(frozen=True)
class Manifest:
    """What a sweep folder holds; two runs may share a folder only if these agree (``created`` aside)."""

    study: str
    grid_hash: str
    code_version: str
    seed: int
    chunk_size: int
    n_points: int
    n_chunks: int
    columns: dict
    grid: object
    created: dict
    format: int = FORMAT

    def describe(self) -> str:
        return (f"study {self.study!r}, {self.n_points} points, grid {self.grid_hash[:12]}, seed {self.seed}, "
                f"chunk size {self.chunk_size}, code {self.code_version}")


def read_manifest(path) -> Manifest:
    """The manifest at ``path``; anything else (``{}``, a list, another program's JSON) is a ``ValueError``.

    Parameters
    ----------
    path : path

    Returns
    -------
    Manifest
    """
    try:
        data = json.loads(Path(path).read_text())
        if not isinstance(data, dict):
            raise TypeError(f"it holds a JSON {type(data).__name__}, not an object")
        manifest = Manifest(**data)
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path} is not a readable sweep manifest ({exc}); use another --out, or delete "
                         "that folder") from None
    return manifest


def partition_name(chunk: int) -> str:
    """File name of chunk ``chunk``'s partition: ``part-00042.parquet``."""
    return f"part-{chunk:05d}.parquet"


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def parquet_bytes(frame: pl.DataFrame) -> bytes:
    """The exact bytes a partition holds (zstd, statistics on): the same frame gives the same bytes.

    Parameters
    ----------
    frame : polars.DataFrame

    Returns
    -------
    bytes
    """
    buf = io.BytesIO()
    frame.write_parquet(buf, compression="zstd", statistics=True)
    return buf.getvalue()


class Store:
    """One sweep folder, opened for a given :class:`Manifest`.

    Parameters
    ----------
    out : path
        The folder (created if missing).
    manifest : Manifest
    report : callable, optional
        Called with one line per problem found (default: print to stderr).
    """

    def __init__(self, out, manifest: Manifest, report=None):
        self.out = Path(out)
        self.manifest = manifest
        self.report = report if report is not None else (lambda line: print(line, file=sys.stderr))
        self.entries: dict[int, tuple[str, str, int]] = {}
        if self.out.exists() and not self.out.is_dir():
            raise ValueError(f"out={str(self.out)!r} exists and is not a folder")
        self.out.mkdir(parents=True, exist_ok=True)
        self._lock = open(self.out / LOCK, "a")  # held until close()
        try:
            if fcntl is not None:
                try:
                    fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise ValueError(f"out={str(self.out)!r} is being written by another running sweep; wait "
                                     "for it to finish or use another --out") from None
            self._check_manifest()
        except BaseException:
            self._lock.close()
            raise

    def _check_manifest(self) -> None:
        path = self.out / MANIFEST
        if not path.exists():
            if any(p.name.startswith("part-") or p.name == JOURNAL for p in self.out.iterdir()):
                raise ValueError(f"out={str(self.out)!r} holds partitions but no {MANIFEST}: "
                                 "not a sweep folder this code can resume; use another --out")
            _write_atomic(path, json.dumps(asdict(self.manifest), indent=1, sort_keys=True).encode())
            return
        old = read_manifest(path)
        mine, theirs = asdict(self.manifest), asdict(old)
        # n_points, n_chunks and columns follow from the grid hash and chunk size
        differ = [k for k in ("format", "study", "grid_hash", "seed", "chunk_size", "code_version")
                  if mine[k] != theirs[k]]
        if differ == ["code_version"]:
            raise ValueError(f"out={str(self.out)!r} holds {old.describe()}, computed by other code "
                             f"(code version {old.code_version} there, {self.manifest.code_version} now): the "
                             "model changed since that sweep started. Refusing to mix the two; delete the folder "
                             "or use another --out to recompute.")
        if differ:
            raise ValueError(f"out={str(self.out)!r} holds another sweep ({old.describe()}); this one is "
                             f"{self.manifest.describe()}. Refusing to mix them ({', '.join(differ)} differ); "
                             "use another --out, or delete that folder.")

    def verify(self) -> set[int]:
        """Find the chunks already done and sound; report and delete anything else.

        Returns
        -------
        set of int
            Chunks whose partition is complete: journal line present, SHA-256, Parquet
            footer and row count all agree. Temporary files, unrecorded or corrupt
            partitions are reported (one line each) and deleted; files whose names are
            not this sweep's partitions are reported and left alone.
        """
        m = self.manifest
        for tmp in sorted(self.out.glob(".part-*.tmp-*")):
            self.report(f"sweep: removing {tmp.name}, a partition left half-written by an interrupted run")
            tmp.unlink()
        journal = {}
        path = self.out / JOURNAL
        if path.exists():
            text = path.read_text()
            lines = text.split("\n")
            for line in lines[:-1]:  # the last piece has no newline: empty, or a write cut short
                parts = line.split("\t")
                if len(parts) == 4 and parts[0].isdigit() and parts[3].isdigit():
                    journal[int(parts[0])] = (parts[1], parts[2], int(parts[3]))
        done = set()
        for part in sorted(self.out.glob("part-*.parquet")):
            chunk = int(part.stem.split("-")[1]) if part.stem.split("-")[1].isdigit() else -1
            problem = None
            if not 0 <= chunk < m.n_chunks or part.name != partition_name(chunk):
                # not a name this sweep writes: someone else's file, never deleted
                self.report(f"sweep: {part.name} is not a partition of this sweep; leaving it (it is not read)")
                continue
            if chunk not in journal or journal[chunk][0] != part.name:
                problem = "was written but never recorded (the run stopped in between)"
            else:
                data = part.read_bytes()
                if hashlib.sha256(data).hexdigest() != journal[chunk][1]:
                    problem = "is corrupt or truncated (SHA-256 differs from the journal)"
                else:
                    try:
                        rows = pq.read_metadata(io.BytesIO(data)).num_rows
                    except Exception as exc:  # noqa: BLE001 - any unreadable footer means recompute
                        problem = f"has an unreadable Parquet footer ({exc})"
                    else:
                        if rows != journal[chunk][2]:
                            problem = f"holds {rows} rows, the journal says {journal[chunk][2]}"
            if problem:
                self.report(f"sweep: {part.name} {problem}; recomputing it")
                part.unlink()
            else:
                done.add(chunk)
        self.entries = {c: journal[c] for c in sorted(done)}
        self._rewrite_journal()
        return done

    def _rewrite_journal(self) -> None:
        """The journal with one line per sound partition, in chunk order (so finished folders are identical)."""
        lines = "".join(f"{c}\t{n}\t{h}\t{r}\n" for c, (n, h, r) in sorted(self.entries.items()))
        _write_atomic(self.out / JOURNAL, lines.encode())

    def write(self, chunk: int, frame: pl.DataFrame) -> None:
        """Write one chunk's partition atomically, then record it in the journal.

        Parameters
        ----------
        chunk : int
        frame : polars.DataFrame
            The chunk's rows (:func:`labcdn.sweep.backends.evaluate_chunk`).
        """
        data = parquet_bytes(frame)
        name = partition_name(chunk)
        _write_atomic(self.out / name, data)
        line = f"{chunk}\t{name}\t{hashlib.sha256(data).hexdigest()}\t{frame.height}\n"
        with open(self.out / JOURNAL, "a") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())
        self.entries[chunk] = (name, hashlib.sha256(data).hexdigest(), frame.height)

    def close(self) -> None:
        """Release the folder's lock (the operating system also releases it if the process dies)."""
        if not self._lock.closed:
            self._lock.close()

    def scan(self) -> pl.LazyFrame:
        """Every partition, in point order, as one lazy frame.

        The journal is rewritten in chunk order first, so a finished folder has
        the same bytes whichever order its chunks finished in.

        Returns
        -------
        polars.LazyFrame
        """
        self._rewrite_journal()
        paths = [str(self.out / partition_name(c)) for c in sorted(self.entries)]
        if not paths:
            raise ValueError(f"out={str(self.out)!r} holds no finished partition yet")
        return pl.scan_parquet(paths)


def status(out) -> dict:
    """How far the sweep in ``out`` has got, from its manifest and journal (nothing is verified or changed).

    Parameters
    ----------
    out : path

    Returns
    -------
    dict
        ``study, points, chunks, chunks_done, points_done, code_version, grid_hash, seed``; or
        ``{"points": 0, "chunks_done": 0, ...}`` when ``out`` holds no sweep.
    """
    path = Path(out) / MANIFEST
    if not path.is_file():
        return {"study": None, "points": 0, "chunks": 0, "chunks_done": 0, "points_done": 0}
    m = read_manifest(path)
    journal = Path(out) / JOURNAL
    chunks = set()
    if journal.is_file():
        for line in journal.read_text().split("\n")[:-1]:
            head = line.split("\t", 1)[0]
            if head.isdigit() and (Path(out) / partition_name(int(head))).is_file():
                chunks.add(int(head))
    points = sum(min(m.chunk_size, m.n_points - c * m.chunk_size) for c in chunks)
    return {"study": m.study, "points": m.n_points, "chunks": m.n_chunks, "chunks_done": len(chunks),
            "points_done": points, "code_version": m.code_version, "grid_hash": m.grid_hash, "seed": m.seed}
