"""The catalogue a CDN stores: titles, each expanded into the files that encode it.

A *title* is a film or an episode. Open Connect does not store titles, it stores
files: one per video encoding profile x bitrate rung x packaging, one per audio
language x audio profile x rung, one per subtitle language x text format. The
published figure is about 1,200 files for one episode of *The Crown* (Vora,
Deek, Livengood, "Content Popularity for Open Connect", Netflix TechBlog, 2018).

``data/encoding_ladder.csv`` lists one row per *kind of file* (see
:func:`load_ladder`); :func:`make_catalogue` expands it per title, with the
files of a title stored contiguously (CSR layout, like ``scipy.sparse``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import polars as pl

from labcdn._jit import kernel
from labcdn._validation import check_memory, check_range, rng_from

DEVICE_CLASSES = ("tv", "mobile", "computer")
SCOPES = ("global", "regional", "local")
KINDS = ("video", "audio", "text")
PER = ("none", "audio_language", "text_language")
ROLES = ("main", "description")

LADDER_PATH = Path(__file__).resolve().parents[2] / "data" / "encoding_ladder.csv"

#: Explicit schema of the ladder CSV (column -> polars dtype), in file order.
LADDER_SCHEMA = {
    "kind": pl.String,
    "family": pl.String,
    "rung": pl.Int32,
    "height": pl.Int32,
    "bitrate_kbps": pl.Float64,
    "size_kbps": pl.Float64,
    "variants": pl.Int32,
    "per": pl.String,
    "max_languages": pl.Int32,
    "role": pl.String,
    "scopes": pl.String,
    "devices": pl.String,
    "source": pl.String,
}


class Ladder(NamedTuple):
    """The encoding ladder as flat arrays, one entry per row of the CSV.

    ``family`` indexes ``families``; ``scope_mask[s, r]`` / ``device_mask[d, r]``
    say whether scope ``SCOPES[s]`` carries row ``r`` and device class
    ``DEVICE_CLASSES[d]`` can play it. ``kind``, ``per`` and ``role`` index
    ``KINDS``, ``PER`` and ``ROLES``. ``frame`` is the typed table itself.
    """

    frame: pl.DataFrame
    families: tuple[str, ...]
    kind: np.ndarray
    family: np.ndarray
    rung: np.ndarray
    height: np.ndarray
    bitrate_kbps: np.ndarray
    size_kbps: np.ndarray
    variants: np.ndarray
    per: np.ndarray
    max_languages: np.ndarray
    role: np.ndarray
    scope_mask: np.ndarray
    device_mask: np.ndarray


def load_ladder(path: str | Path | None = None) -> Ladder:
    """Read and check an encoding-ladder CSV.

    Parameters
    ----------
    path : str or Path, optional
        CSV with the columns of :data:`LADDER_SCHEMA`, one row per line.
        Defaults to ``data/encoding_ladder.csv``.

    Returns
    -------
    Ladder
        The rows as typed arrays, plus the typed polars frame.

    Raises
    ------
    ValueError
        Naming the file and the line of the first malformed row.

    Notes
    -----
    Parsed ladders are cached by path, size and modification time, and their
    arrays are read-only, so sliders that redraw catalogues do not re-read the file.
    """
    path = Path(LADDER_PATH if path is None else path).resolve()
    stat = path.stat() if path.is_file() else None
    key = (str(path), stat.st_size, stat.st_mtime_ns) if stat else None
    if key is not None and key in _LADDER_CACHE:
        return _LADDER_CACHE[key]
    ladder = _read_ladder(path)
    if key is not None:
        _LADDER_CACHE.clear()  # keep one: the book uses one ladder at a time
        _LADDER_CACHE[key] = ladder
    return ladder


_LADDER_CACHE: dict = {}


def _read_ladder(path):
    try:
        raw = pl.read_csv(path, schema=dict.fromkeys(LADDER_SCHEMA, pl.String), has_header=True)
    except pl.exceptions.PolarsError as exc:
        raise ValueError(f"{path}:{_ragged_line(path)}: cannot parse the ladder ({exc})") from None
    header = _header(path)
    if header != list(LADDER_SCHEMA):
        raise ValueError(f"{path}:1: header must be {','.join(LADDER_SCHEMA)}; got {','.join(header)}")
    if raw.height == 0:
        raise ValueError(f"{path}:2: the ladder has no rows")
    typed = {name: [] for name in LADDER_SCHEMA}
    for i, rec in enumerate(raw.iter_rows(named=True)):
        for name, value in _parse_row(rec, f"{path}:{i + 2}").items():
            typed[name].append(value)
    frame = pl.DataFrame(typed, schema=LADDER_SCHEMA)
    _check_families(frame, path)
    return _ladder_arrays(frame)


def _header(path):
    with open(path, newline="") as fh:
        return next(csv.reader(fh), [])


def _ragged_line(path):
    with open(path, newline="") as fh:
        for number, fields in enumerate(csv.reader(fh), start=1):
            if len(fields) != len(LADDER_SCHEMA):
                return number
    return 1


def _parse_row(rec, where):
    out = {}
    for name, dtype in LADDER_SCHEMA.items():
        text = rec[name]
        if text is None or text.strip() == "":
            if name == "source":
                raise ValueError(f"{where}: source is empty; cite a publication or write 'assumption: ...'")
            raise ValueError(f"{where}: {name} is empty")
        text = text.strip()
        if dtype in (pl.Int32, pl.Float64):
            try:
                value = float(text)
            except ValueError:
                raise ValueError(f"{where}: {name}={text!r} is not a number") from None
            if not np.isfinite(value) or value < 0:
                raise ValueError(f"{where}: {name}={text!r} must be a finite number >= 0")
            if dtype == pl.Int32:
                if value != int(value):
                    raise ValueError(f"{where}: {name}={text!r} must be a whole number")
                value = int(value)
            out[name] = value
        else:
            out[name] = text
    for name, allowed in (("kind", KINDS), ("per", PER), ("role", ROLES)):
        if out[name] not in allowed:
            raise ValueError(f"{where}: {name}={out[name]!r} is not one of {', '.join(allowed)}")
    for name, allowed in (("scopes", SCOPES), ("devices", DEVICE_CLASSES)):
        items = out[name].split("|")
        bad = [x for x in items if x not in allowed]
        if bad or len(set(items)) != len(items):
            raise ValueError(f"{where}: {name}={out[name]!r} must be '|'-separated values from {', '.join(allowed)}")
    expected_per = {"video": "none", "audio": "audio_language", "text": "text_language"}[out["kind"]]
    if out["per"] != expected_per:
        raise ValueError(f"{where}: per={out['per']!r} but {out['kind']} rows must be per {expected_per}")
    if out["rung"] < 1:
        raise ValueError(f"{where}: rung={out['rung']} must be >= 1")
    if out["variants"] < 1 or (out["kind"] == "text" and out["variants"] > 2):
        raise ValueError(f"{where}: variants={out['variants']} must be >= 1 (text: 1 or 2)")
    if out["kind"] == "text" and out["bitrate_kbps"] != 0:
        raise ValueError(f"{where}: text rows have bitrate_kbps 0 (their size goes in size_kbps)")
    if out["kind"] != "text" and out["bitrate_kbps"] <= 0:
        raise ValueError(f"{where}: bitrate_kbps must be > 0 for {out['kind']} rows")
    if out["size_kbps"] <= 0:
        raise ValueError(f"{where}: size_kbps must be > 0")
    if out["role"] == "description" and out["kind"] != "audio":
        raise ValueError(f"{where}: role 'description' is for audio rows only")
    return out


def _check_families(frame, path):
    """Rows of one family share kind/per/role/devices/max_languages; rungs climb."""
    shared = ("kind", "per", "role", "devices", "max_languages")
    first_line = {}
    for i, rec in enumerate(frame.iter_rows(named=True)):
        line, fam = i + 2, rec["family"]
        if fam not in first_line:
            first_line[fam] = (line, rec)
            continue
        line0, rec0 = first_line[fam]
        for name in shared:
            if rec[name] != rec0[name]:
                raise ValueError(f"{path}:{line}: family {fam!r} has {name}={rec[name]!r} but line {line0} has {rec0[name]!r}")
    for fam in first_line:
        sub = frame.with_row_index("line", offset=2).filter(pl.col("family") == fam).sort("rung")
        rungs, heights, rates = (sub[c].to_numpy() for c in ("rung", "height", "bitrate_kbps"))
        lines = sub["line"].to_numpy()
        for j in range(1, sub.height):
            if rungs[j] == rungs[j - 1]:
                raise ValueError(f"{path}:{lines[j]}: family {fam!r} repeats rung {rungs[j]}")
            if heights[j] < heights[j - 1] or (sub["kind"][0] != "text" and rates[j] <= rates[j - 1]):
                raise ValueError(f"{path}:{lines[j]}: family {fam!r} rung {rungs[j]} must not step down in height "
                                 "and must climb in bitrate")
        if sub["kind"][0] == "text" and sub.height > 1 and np.any(np.diff(heights) <= 0):
            raise ValueError(f"{path}:{lines[-1]}: text family {fam!r} with several rungs needs distinct heights")


def _ladder_arrays(frame):
    frame = frame.sort(["kind", "family", "rung"], maintain_order=True)
    families = tuple(dict.fromkeys(frame["family"].to_list()))
    n = frame.height
    scope_mask = np.zeros((len(SCOPES), n), dtype=np.bool_)
    device_mask = np.zeros((len(DEVICE_CLASSES), n), dtype=np.bool_)
    for r, (scopes, devices) in enumerate(zip(frame["scopes"], frame["devices"], strict=True)):
        for s in scopes.split("|"):
            scope_mask[SCOPES.index(s), r] = True
        for d in devices.split("|"):
            device_mask[DEVICE_CLASSES.index(d), r] = True
    ladder = Ladder(
        frame=frame,
        families=families,
        kind=np.array([KINDS.index(k) for k in frame["kind"]], dtype=np.int8),
        family=np.array([families.index(f) for f in frame["family"]], dtype=np.int16),
        rung=frame["rung"].to_numpy().astype(np.int16),
        height=frame["height"].to_numpy().astype(np.int32),
        bitrate_kbps=frame["bitrate_kbps"].to_numpy().astype(np.float64),
        size_kbps=frame["size_kbps"].to_numpy().astype(np.float64),
        variants=frame["variants"].to_numpy().astype(np.int16),
        per=np.array([PER.index(p) for p in frame["per"]], dtype=np.int8),
        max_languages=frame["max_languages"].to_numpy().astype(np.int32),
        role=np.array([ROLES.index(p) for p in frame["role"]], dtype=np.int8),
        scope_mask=scope_mask,
        device_mask=device_mask,
    )
    for arr in ladder[2:]:
        if isinstance(arr, np.ndarray):
            arr.flags.writeable = False
    return ladder


@dataclass(frozen=True)
class CatalogueParams:
    """What the catalogue holds. Defaults are published figures or marked assumptions.

    Attributes
    ----------
    n_titles : int
        Films plus episodes. 500 keeps every study in this book well under 100 ms.
    scope_shares : (global, regional, local)
        Share of titles released worldwide (Netflix originals, fully localised),
        in a region, or locally. Assumption: no per-title breakdown is published.
    audio_languages : (global, regional, local)
        Audio languages per title, original included. Global: Netflix dubs into
        up to 34 languages (Netflix, 2021, on its localisation programme);
        regional and local: assumption.
    text_languages : (global, regional, local)
        Subtitle languages per title. Global: Netflix subtitles in up to 37
        languages (same source); regional and local: assumption.
    language_jitter : int
        Each title's language counts vary uniformly by +/- this many (assumption).
    film_share : float
        Share of titles that are films; the rest are episodes. Assumption: a
        catalogue of ~4,000 films and ~2,000 series holds far more episodes.
    film_runtime_h, episode_runtime_h : float
        Median runtimes. Films: 1.7 h, the median runtime of English films in
        Netflix's weekly global Top 10 (2021-2026); episodes: 0.8 h (assumption).
    runtime_sigma : float
        Log-normal spread of runtimes around the medians (assumption).
    max_variants : int
        Cap on packaging copies per ladder row (0 = as in the ladder); a lever
        for "how many files per title" in sweeps.
    """

    n_titles: int = 500
    scope_shares: tuple[float, float, float] = (0.3, 0.4, 0.3)
    audio_languages: tuple[int, int, int] = (34, 8, 2)
    text_languages: tuple[int, int, int] = (37, 15, 4)
    language_jitter: int = 2
    film_share: float = 0.15
    film_runtime_h: float = 1.7
    episode_runtime_h: float = 0.8
    runtime_sigma: float = 0.2
    max_variants: int = 0


class Catalogue(NamedTuple):
    """Titles and their files, files of a title contiguous (CSR layout).

    Per title (length ``n_titles``): ``scope`` (index into ``SCOPES``),
    ``runtime_h``, ``is_film``, ``audio_languages``, ``text_languages``.
    Files of title ``t`` are ``title_offsets[t]:title_offsets[t + 1]``.
    Per file: ``title`` (int32), ``row`` (ladder row, int16), ``language``
    (int16; -1 for video, else the audio or text language, 0 = original audio
    or the most-watched subtitle language), ``variant`` (packaging copy, int16)
    and ``size_bytes`` (float64 = size rate x runtime, rounded to whole bytes so
    that sums are exact in any order). ``row_variants`` is the number of
    packaging copies each ladder row got (after ``max_variants``).
    """

    ladder: Ladder
    title_offsets: np.ndarray
    scope: np.ndarray
    runtime_h: np.ndarray
    is_film: np.ndarray
    audio_languages: np.ndarray
    text_languages: np.ndarray
    title: np.ndarray
    row: np.ndarray
    language: np.ndarray
    variant: np.ndarray
    size_bytes: np.ndarray
    row_variants: np.ndarray

    @property
    def n_titles(self) -> int:
        return self.scope.size

    @property
    def n_files(self) -> int:
        return self.title.size

    def files_per_title(self) -> np.ndarray:
        """Number of files of each title (int64, length ``n_titles``)."""
        return np.diff(self.title_offsets)

    def title_size_bytes(self) -> np.ndarray:
        """Bytes stored per title (float64, length ``n_titles``)."""
        return np.add.reduceat(self.size_bytes, self.title_offsets[:-1]) if self.n_files else np.zeros(0)

    def to_frame(self) -> pl.DataFrame:
        """One row per file, for display: title, scope, kind, family, rung, height, language, variant, size."""
        lad = self.ladder
        families = pl.Series(lad.families)
        return pl.DataFrame(
            {
                "title": self.title,
                "scope": pl.Series(SCOPES)[self.scope[self.title]],
                "kind": pl.Series(KINDS)[lad.kind[self.row]],
                "family": families[lad.family[self.row]],
                "rung": lad.rung[self.row],
                "height": lad.height[self.row],
                "language": self.language,
                "variant": self.variant,
                "size_bytes": self.size_bytes,
            }
        )


def make_catalogue(params: CatalogueParams | None = None, seed: int | None = 0, *, rng=None,
                   ladder: Ladder | None = None) -> Catalogue:
    """Draw a catalogue: titles with a scope, a runtime and language counts, expanded into files.

    Parameters
    ----------
    params : CatalogueParams, optional
        Catalogue shape; defaults to ``CatalogueParams()``.
    seed : int, optional
        Seed for the draws (same seed, same catalogue). Ignored when ``rng`` is given.
    rng : numpy.random.Generator, optional
        Generator to draw from instead of ``seed``.
    ladder : Ladder, optional
        Encoding ladder; defaults to :func:`load_ladder` ``()``.

    Returns
    -------
    Catalogue
        Flat arrays; title ``t`` owns files ``title_offsets[t]:title_offsets[t+1]``.
        Title index is the popularity rank used by :mod:`labcdn.popularity.demand`.

    References
    ----------
    Vora, Deek, Livengood, "Content Popularity for Open Connect", Netflix TechBlog, 2018.
    """
    p = _checked(params if params is not None else CatalogueParams())
    rng = rng_from(None if rng is not None else seed, rng)
    ladder = load_ladder() if ladder is None else ladder
    n = p.n_titles
    # draws, in this order: scope, film flag, runtime noise, audio jitter, text jitter
    scope = np.searchsorted(np.cumsum(p.scope_shares) / sum(p.scope_shares), rng.random(n), side="right")
    scope = np.minimum(scope, len(SCOPES) - 1).astype(np.int8)
    is_film = rng.random(n) < p.film_share
    median = np.where(is_film, p.film_runtime_h, p.episode_runtime_h)
    runtime_h = median * np.exp(p.runtime_sigma * rng.standard_normal(n))
    j = p.language_jitter
    n_audio = np.asarray(p.audio_languages)[scope] + rng.integers(-j, j + 1, n)
    n_text = np.asarray(p.text_languages)[scope] + rng.integers(-j, j + 1, n)
    n_audio = np.maximum(n_audio, 1).astype(np.int32)
    n_text = np.maximum(n_text, 0).astype(np.int32)

    variants = ladder.variants if p.max_variants == 0 else np.minimum(ladder.variants, p.max_variants)
    counts = _files_per_title(ladder, variants, scope, n_audio, n_text)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    total = int(offsets[-1])
    check_memory(f"make_catalogue(n_titles={n}) with {total} files", total * CATALOGUE_BYTES_PER_FILE,
                 "lower n_titles or the language counts")
    title = np.empty(total, dtype=np.int32)
    row = np.empty(total, dtype=np.int16)
    language = np.empty(total, dtype=np.int16)
    variant = np.empty(total, dtype=np.int16)
    size = np.empty(total, dtype=np.float64)
    _expand_kernel(offsets, scope, runtime_h, n_audio, n_text, ladder.scope_mask, ladder.per,
                   ladder.max_languages, variants.astype(np.int16), ladder.size_kbps,
                   title, row, language, variant, size)
    return Catalogue(ladder, offsets, scope, runtime_h, is_film, n_audio, n_text, title, row, language, variant, size,
                     variants.astype(np.int16))


#: Bytes per file of a catalogue's arrays while it is drawn (title, row, language, variant, size and
#: temporaries), measured with tracemalloc: 18.1 at 1-4 million files; rounded up.
CATALOGUE_BYTES_PER_FILE = 20


def expected_files(params: CatalogueParams | None = None, ladder: Ladder | None = None) -> float:
    """The mean number of files a catalogue drawn with ``params`` holds, computed without drawing it.

    Each scope's files per title averaged over every audio and text jitter (uniform, as drawn),
    weighted by the scope shares, times ``n_titles``. A drawn catalogue of many titles lands within
    a fraction of a percent of it (the law of large numbers); memory checks use it.

    Parameters
    ----------
    params : CatalogueParams, optional
    ladder : Ladder, optional

    Returns
    -------
    float
    """
    p = _checked(params if params is not None else CatalogueParams())
    ladder = load_ladder() if ladder is None else ladder
    variants = ladder.variants if p.max_variants == 0 else np.minimum(ladder.variants, p.max_variants)
    jitter = np.arange(-p.language_jitter, p.language_jitter + 1)
    ja, jt = (g.ravel() for g in np.meshgrid(jitter, jitter))
    shares = np.asarray(p.scope_shares, dtype=np.float64) / sum(p.scope_shares)
    mean = 0.0
    for k in range(len(SCOPES)):
        scope = np.full(ja.size, k, dtype=np.int8)
        n_audio = np.maximum(p.audio_languages[k] + ja, 1).astype(np.int32)
        n_text = np.maximum(p.text_languages[k] + jt, 0).astype(np.int32)
        mean += shares[k] * float(_files_per_title(ladder, variants, scope, n_audio, n_text).mean())
    return p.n_titles * mean


def _checked(p):
    check_range("n_titles", p.n_titles, 1, 1_000_000, integer=True)
    for name in ("scope_shares", "audio_languages", "text_languages"):
        value = getattr(p, name)
        if len(value) != len(SCOPES):
            raise ValueError(f"{name}={value!r} needs one value per scope {SCOPES}")
    for s, v in zip(SCOPES, p.scope_shares, strict=True):
        check_range(f"scope_shares[{s}]", v, 0.0, 1.0)
    if sum(p.scope_shares) <= 0:
        raise ValueError(f"scope_shares={p.scope_shares!r} must not all be 0")
    for s, v in zip(SCOPES, p.audio_languages, strict=True):
        check_range(f"audio_languages[{s}]", v, 1, 200, integer=True)
    for s, v in zip(SCOPES, p.text_languages, strict=True):
        check_range(f"text_languages[{s}]", v, 0, 200, integer=True)
    check_range("language_jitter", p.language_jitter, 0, 20, integer=True)
    check_range("film_share", p.film_share, 0.0, 1.0)
    check_range("film_runtime_h", p.film_runtime_h, 0.0, 10.0, low_open=True)
    check_range("episode_runtime_h", p.episode_runtime_h, 0.0, 10.0, low_open=True)
    check_range("runtime_sigma", p.runtime_sigma, 0.0, 2.0)
    check_range("max_variants", p.max_variants, 0, 100, integer=True)
    return p


def _files_per_title(ladder, variants, scope, n_audio, n_text):
    """Files per title: sum over the scope's rows of variants x languages carried."""
    per_row = np.empty((scope.size, ladder.per.size), dtype=np.int64)
    langs = np.ones_like(per_row)
    langs[:, ladder.per == 1] = n_audio[:, None]
    langs[:, ladder.per == 2] = n_text[:, None]
    cap = np.where(ladder.max_languages > 0, ladder.max_languages, np.iinfo(np.int32).max)
    langs = np.minimum(langs, cap[None, :])
    per_row[:] = langs * variants[None, :] * ladder.scope_mask[scope]
    return per_row.sum(axis=1)


@kernel
def _expand_kernel(offsets, scope, runtime_h, n_audio, n_text, scope_mask, per, max_languages, variants,
                   size_kbps, title, row, language, variant, size):
    n_rows = per.size
    for t in range(scope.size):
        k = offsets[t]
        bytes_per_kbps = runtime_h[t] * 3600.0 * 1000.0 / 8.0
        for r in range(n_rows):
            if not scope_mask[scope[t], r]:
                continue
            if per[r] == 0:
                n_lang = 1
            elif per[r] == 1:
                n_lang = n_audio[t]
            else:
                n_lang = n_text[t]
            if max_languages[r] > 0 and n_lang > max_languages[r]:
                n_lang = max_languages[r]
            for lang in range(n_lang):
                for v in range(variants[r]):
                    title[k] = t
                    row[k] = r
                    language[k] = -1 if per[r] == 0 else lang
                    variant[k] = v
                    size[k] = max(1.0, np.round(size_kbps[r] * bytes_per_kbps))
                    k += 1
