"""A request stream drawn from the popularity model.

Reactive caches need requests, not expectations. Each day, ``sessions_per_day``
playback sessions pick a title in proportion to that day's views, then one
video file and one audio file of the title in proportion to their shares
(:func:`labcdn.popularity.file_shares`), and a subtitle file with probability
equal to the title's total text share. Each request asks for a whole file, so
its bytes are the file's size, and the day's requests of a file divided by
nothing else are its views — bytes ÷ size, as Open Connect counts them.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from labcdn._jit import kernel
from labcdn._validation import check_array, check_range, rng_from
from labcdn.popularity import KINDS, Catalogue


class Requests(NamedTuple):
    """One row per requested file, in time order.

    ``file`` (int64 file index), ``day`` (int32), ``size_bytes`` (int64, the
    file's size) and ``n_days``.
    """

    file: np.ndarray
    day: np.ndarray
    size_bytes: np.ndarray
    n_days: int

    def daily_views(self, n_files: int) -> np.ndarray:
        """Requests of each file on each day, float64 ``(n_files, n_days)`` in Fortran order."""
        out = np.zeros((n_files, self.n_days), dtype=np.float64, order="F")
        np.add.at(out, (self.file, self.day), 1.0)
        return out


def sample_requests(catalogue: Catalogue, shares, title_daily_views, sessions_per_day: int, *,
                    seed: int | None = None, rng: np.random.Generator | None = None) -> Requests:
    """Draw the files requested by ``sessions_per_day`` sessions on each day.

    Parameters
    ----------
    catalogue : Catalogue
        The files (:func:`labcdn.popularity.make_catalogue`).
    shares : array_like
        Views of each file per session of its title (:func:`labcdn.popularity.file_shares`).
    title_daily_views : array_like
        ``(n_titles, n_days)`` expected views (:func:`labcdn.prediction.daily_title_views`);
        a day with no views at all is an error.
    sessions_per_day : int
        Sessions drawn per day, in [1, 10**7].
    seed, rng
        Randomness: draws, in order, the titles of all sessions (day by day), then
        three uniforms per session (video, audio, subtitle).

    Returns
    -------
    Requests
        Requests of a day follow each other session by session (video, audio,
        then subtitle when drawn).
    """
    n_sessions = check_range("sessions_per_day", sessions_per_day, 1, 10**7, integer=True)
    s = check_array("shares", shares, dtype=np.float64, low=0.0)
    tv = check_array("title_daily_views", title_daily_views, dtype=np.float64, ndim=2, low=0.0)
    if s.size != catalogue.n_files or tv.shape[0] != catalogue.n_titles:
        raise ValueError(
            f"shares ({s.size}) and title_daily_views ({tv.shape[0]} rows) must match the catalogue's "
            f"{catalogue.n_files} files and {catalogue.n_titles} titles"
        )
    totals = tv.sum(axis=0)
    if np.any(totals <= 0):
        raise ValueError(f"title_daily_views has no views on day {int(np.argmin(totals > 0))}")
    rng = rng_from(seed, rng)
    n_days = tv.shape[1]
    titles = np.concatenate([rng.choice(tv.shape[0], size=n_sessions, p=tv[:, d] / totals[d]) for d in range(n_days)])
    uniforms = rng.random((titles.size, 3))
    order, seg_start, seg_end, cum = _segments(catalogue, s)
    file = np.empty(3 * titles.size, dtype=np.int64)
    day = np.empty(3 * titles.size, dtype=np.int32)
    n = _draw_kernel(titles, uniforms, n_sessions, order, seg_start, seg_end, cum, file, day)
    file, day = file[:n].copy(), day[:n].copy()
    return Requests(file, day, catalogue.size_bytes[file].astype(np.int64), n_days)


def _segments(catalogue: Catalogue, shares: np.ndarray):
    """Files sorted by (title, kind) with cumulative shares; segment bounds per (title, kind)."""
    kind = catalogue.ladder.kind[catalogue.row].astype(np.int64)
    key = catalogue.title.astype(np.int64) * len(KINDS) + kind
    order = np.argsort(key, kind="stable")
    bounds = np.arange(catalogue.n_titles * len(KINDS) + 1)
    edges = np.searchsorted(key[order], bounds)
    seg_start = edges[:-1].reshape(catalogue.n_titles, len(KINDS))
    seg_end = edges[1:].reshape(catalogue.n_titles, len(KINDS))
    cum = np.empty(order.size, dtype=np.float64)
    _cumulative_kernel(shares[order], edges, cum)
    return order, seg_start, seg_end, cum


@kernel
def _cumulative_kernel(sorted_shares, edges, cum):
    for k in range(edges.size - 1):
        acc = 0.0
        for i in range(edges[k], edges[k + 1]):
            acc += sorted_shares[i]
            cum[i] = acc


@kernel
def _draw_kernel(titles, uniforms, n_sessions, order, seg_start, seg_end, cum, file, day):
    n = 0
    for i in range(titles.size):
        t = titles[i]
        for k in range(3):
            lo, hi = seg_start[t, k], seg_end[t, k]
            if hi <= lo:
                continue
            total = cum[hi - 1]
            if total <= 0.0:
                continue
            u = uniforms[i, k]
            if k < 2:
                target = u * total  # every session streams one video and one audio file
            elif u < total:
                target = u  # a subtitle file with probability = the title's text share
            else:
                continue
            j = lo + np.searchsorted(cum[lo:hi], target, side="right")
            if j >= hi:
                j = hi - 1
            file[n] = order[j]
            day[n] = i // n_sessions
            n += 1
    return n
