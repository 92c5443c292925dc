"""The catalogue a CDN stores: titles, each expanded into the files that encode it.

A *title* is a film or an episode. Open Connect does not store titles, it stores
files: one per video encoding profile x bitrate rung x packaging, one per audio
language x audio profile x rung, one per subtitle language x text format. The
published figure is about 1,200 files for one episode of *The Crown* (Vora,
Deek, Livengood, "Content Popularity for Open Connect", Netflix TechBlog).

``data/encoding_ladder.csv`` lists one row per *kind of file*
(:mod:`labcdn.popularity.ladder`); :func:`make_catalogue` expands it per title,
with the files of a title stored contiguously (CSR layout, like ``scipy.sparse``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import polars as pl

from labcdn._jit import kernel
from labcdn._validation import check_memory, check_range, rng_from
from labcdn.popularity.ladder import KINDS, SCOPES, Ladder, load_ladder


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
    Vora, Deek, Livengood, "Content Popularity for Open Connect", Netflix TechBlog.
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


def median_title(catalogue: Catalogue, scope: str = "global", film: bool = False) -> int:
    """A title with the median number of files among the catalogue's titles of one scope and type.

    Parameters
    ----------
    catalogue : Catalogue
    scope : {"global", "regional", "local"}
    film : bool
        Films (True) or episodes (False).

    Returns
    -------
    int
        The first such title whose file count is closest to the median (the median itself
        when a title has it).
    """
    if scope not in SCOPES:
        raise ValueError(f"scope={scope!r} must be one of {SCOPES}")
    picked = np.flatnonzero((catalogue.scope == SCOPES.index(scope)) & (catalogue.is_film == bool(film)))
    if picked.size == 0:
        raise ValueError(f"the catalogue has no {scope} {'film' if film else 'episode'}")
    files = catalogue.files_per_title()[picked]
    return int(picked[np.argmin(np.abs(files - np.median(files)))])


def title_files(catalogue: Catalogue, title: int) -> pl.DataFrame:
    """What one title's files are: per kind and codec family, the rungs, packaging copies and languages.

    Parameters
    ----------
    catalogue : Catalogue
    title : int
        Index of the title, in ``[0, n_titles)``.

    Returns
    -------
    polars.DataFrame
        ``kind, family, rungs, copies, languages, files`` (one row per family, in ladder order):
        ``files = rungs x copies x languages`` for every family, languages being 1 for video.
    """
    check_range("title", title, 0, catalogue.n_titles - 1, integer=True)
    lo, hi = catalogue.title_offsets[title], catalogue.title_offsets[title + 1]
    lad = catalogue.ladder
    rows = catalogue.row[lo:hi]
    frame = pl.DataFrame({
        "kind": pl.Series(KINDS)[lad.kind[rows]],
        "family": pl.Series(lad.families)[lad.family[rows]],
        "row": rows.astype(np.int64),
        "language": catalogue.language[lo:hi],
        "variant": catalogue.variant[lo:hi],
    })
    return (frame.group_by("kind", "family", maintain_order=True)
            .agg(rungs=pl.col("row").n_unique(), copies=pl.col("variant").n_unique(),
                 languages=pl.col("language").n_unique(), files=pl.len())
            .with_columns(pl.col("rungs", "copies", "languages", "files").cast(pl.Int64)))
