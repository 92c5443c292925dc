"""Benchmark: the headline study and its efficiency curves against a plain numpy/polars peer.

Run as ``python benchmarks/bench_popularity.py [--quick]``.
"""

from __future__ import annotations

import sys
from dataclasses import replace

import numpy as np
import polars as pl
from _harness import Comparison, best_of

from labcdn.popularity import (
    CatalogueParams,
    efficiency_curve,
    era,
    file_views,
    make_catalogue,
    predicted_study,
    storage_ratio,
    study,
)


def _numpy_curves(size, nbytes, title, n_titles, caps):
    """Peer: the same stop-fill curves with numpy argsort / cumsum / searchsorted only."""
    out = []
    order = np.argsort(-(nbytes / size), kind="stable")
    cs, cb = np.cumsum(size[order]), np.cumsum(nbytes[order])
    k = np.searchsorted(cs, caps, side="right")
    out.append(np.where(k > 0, cb[np.maximum(k - 1, 0)], 0.0) / cb[-1])
    t_size = np.bincount(title, weights=size, minlength=n_titles)
    t_bytes = np.bincount(title, weights=nbytes, minlength=n_titles)
    order = np.argsort(-(t_bytes / t_size), kind="stable")
    cs, cb = np.cumsum(t_size[order]), np.cumsum(t_bytes[order])
    k = np.searchsorted(cs, caps, side="right")
    out.append(np.where(k > 0, cb[np.maximum(k - 1, 0)], 0.0) / cb[-1])
    return out


def _polars_title_curve(size, nbytes, title, caps):
    """Peer: the title-ranking curve with a polars group_by / sort / cum_sum."""
    ranked = (
        pl.DataFrame({"title": title, "size": size, "bytes": nbytes})
        .group_by("title").agg(pl.col("size").sum(), pl.col("bytes").sum())
        .with_columns((pl.col("bytes") / pl.col("size")).alias("views"))
        .sort(["views", "title"], descending=[True, False])
        .select(pl.col("size").cum_sum(), pl.col("bytes").cum_sum())
    )
    cs, cb = ranked["size"].to_numpy(), ranked["bytes"].to_numpy()
    k = np.searchsorted(cs, caps, side="right")
    return np.where(k > 0, cb[np.maximum(k - 1, 0)], 0.0) / cb[-1]


def run(quick: bool = False) -> list[Comparison]:
    """Time labcdn and its peers on the same inputs, in this process."""
    params = CatalogueParams(n_titles=100) if quick else CatalogueParams()
    repeat = 3 if quick else 7
    cat = make_catalogue(params, 0)
    nbytes = file_views(cat).bytes
    caps = np.linspace(0.0, cat.size_bytes.sum(), 101)
    size = f"{cat.n_titles} titles, {cat.n_files} files"

    def ours():
        return [efficiency_curve(cat, nbytes, r, caps)["efficiency"].to_numpy() for r in ("file", "title")]

    def peer():
        return _numpy_curves(cat.size_bytes, nbytes, cat.title, cat.n_titles, caps)

    for a, b in zip(ours(), peer(), strict=True):  # same answer before timing
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ours()[1], _polars_title_curve(cat.size_bytes, nbytes, cat.title, caps), rtol=1e-12)
    return [
        Comparison("efficiency_curve, file + title rankings, stop fill", size, best_of(ours, repeat),
                   "plain numpy (argsort, cumsum, searchsorted)", best_of(peer, repeat)),
        Comparison("efficiency_curve, title ranking", size,
                   best_of(lambda: efficiency_curve(cat, nbytes, "title", caps), repeat),
                   "polars group_by + sort + cum_sum",
                   best_of(lambda: _polars_title_curve(cat.size_bytes, nbytes, cat.title, caps), repeat)),
        Comparison("storage_ratio at 0.9", size, best_of(lambda: storage_ratio(cat, nbytes, 0.9), repeat),
                   "none", None),
        Comparison("study() warm: catalogue + views + curves + ratio (slider budget 100 ms)", size,
                   best_of(lambda: study(params), repeat), "none", None),
        *_headline_recompute(quick, repeat),
    ]


def _headline_recompute(quick, repeat):
    """Chapter 1's live slider (era x prediction quality) at its defaults: 2016, sessions as derived.

    The catalogue and its expected views are drawn once per era (as the chapter caches them);
    a recompute draws a week of counted views, predicts, ranks both ways and draws both curves.
    The peer is the same recompute on exact views (no counting, no prediction).
    """
    e = era("2016")
    cat = make_catalogue(replace(e.catalogue, n_titles=100) if quick else e.catalogue, 0, ladder=e.ladder())
    views = file_views(cat, e.demand)

    def recompute(scale):
        return predicted_study(cat, e.demand, 0.9, sessions_scale=scale, seed=0, views=views, n_points=61)

    return [Comparison("headline recompute warm, 2016, predicted (slider budget 100 ms)",
                       f"{cat.n_titles} titles, {cat.n_files} files", best_of(lambda: recompute(1.0), repeat),
                       "same on exact views", best_of(lambda: recompute(None), repeat))]


if __name__ == "__main__":
    for c in run(quick="--quick" in sys.argv):
        peer = "" if c.peer_s is None else f"  peer {c.peer_s * 1e3:8.2f} ms  x{c.ratio:.2f}  ({c.peer})"
        print(f"{c.name:75s} {c.size:28s} labcdn {c.labcdn_s * 1e3:8.2f} ms{peer}")
