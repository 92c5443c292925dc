"""The files of a study: keys, demand shares, sizes and titles.

From the popularity chapter's catalogue (:mod:`labcdn.popularity`)
or the hashing chapter's equal-sized Zipf files (:func:`labcdn.hashing.key_catalog`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from labcdn._validation import check_array
from labcdn.hashing import hash_keys, key_catalog, zipf_demand
from labcdn.popularity import CatalogueParams, DemandParams, file_views, make_catalogue
from labcdn.replication.parameters import DEFAULTS, _checked


class Workload(NamedTuple):
    """Files of a study: ``keys`` (uint64 hashes), ``demand`` (shares summing to 1), ``size_bytes``,
    ``title`` (int64 title index of each file) and ``ranking`` (:func:`popularity_ranking` of the files,
    kept so that models planning one workload many times do not sort it again; ``None``: not kept)."""

    keys: np.ndarray
    demand: np.ndarray
    size_bytes: np.ndarray
    title: np.ndarray
    ranking: np.ndarray | None = None


def popularity_ranking(demand, size_bytes) -> np.ndarray:
    """File indices by popularity as Open Connect measures it, views = demand / size, most popular first.

    Parameters
    ----------
    demand : numpy.ndarray of float
        Demand per file (bytes streamed, or shares of them), >= 0.
    size_bytes : numpy.ndarray of float
        Size per file, > 0, one per file.

    Returns
    -------
    numpy.ndarray of int64
        A permutation of ``arange(n)``; files with equal views keep their index order.
    """
    return np.argsort(-(demand / size_bytes), kind="stable").astype(np.int64, copy=False)


def workload(defaults=DEFAULTS) -> Workload:
    """The files of a study at ``defaults``: keys, demand shares and sizes.

    Parameters
    ----------
    defaults : ReplicationParams
        ``workload``, ``titles``, ``files``, ``zipf_exponent``, ``file_gb`` and ``seed`` are used.

    Returns
    -------
    Workload
        ``catalogue``: demand = bytes streamed per file / total (Open Connect's
        popularity is bytes over size, Vora et al. 2018); keys are the file
        indices hashed with :func:`labcdn.hashing.hash_keys`. ``zipf``: keys
        from :func:`labcdn.hashing.key_catalog`, demand from
        :func:`labcdn.hashing.zipf_demand`.
    """
    d = _checked(defaults)
    if d.workload == "zipf":
        keys = key_catalog(d.files, seed=d.seed)
        demand, size = zipf_demand(d.files, d.zipf_exponent), np.full(d.files, d.file_gb * 1e9)
        return Workload(keys, demand, size, np.arange(d.files, dtype=np.int64), popularity_ranking(demand, size))
    cat = make_catalogue(CatalogueParams(n_titles=d.titles), seed=d.seed)
    views = file_views(cat, DemandParams(zipf_exponent=d.zipf_exponent))
    return catalogue_workload(cat.size_bytes, views.bytes, cat.title)


def catalogue_workload(size_bytes, bytes_streamed, title=None) -> Workload:
    """A workload from per-file sizes and bytes streamed (e.g. ``file_views(...).bytes``).

    Parameters
    ----------
    size_bytes : array_like of float
        File sizes, > 0.
    bytes_streamed : array_like of float
        Bytes streamed per file over any period, >= 0, not all zero.
    title : array_like of int, optional
        Title of each file (e.g. ``Catalogue.title``); each file its own title if omitted.

    Returns
    -------
    Workload
        Keys are ``hash_keys(arange(n))``; demand is each file's share of bytes streamed; ``ranking``
        is :func:`popularity_ranking` of the files.
    """
    size = check_array("size_bytes", size_bytes, dtype=np.float64, min_size=1)
    streamed = check_array("bytes_streamed", bytes_streamed, dtype=np.float64, low=0.0)
    if np.any(size <= 0):
        raise ValueError(f"size_bytes must be > 0; smallest value is {size.min()!r}")
    if streamed.size != size.size:
        raise ValueError(f"bytes_streamed must have one entry per file ({size.size}); got {streamed.size}")
    if streamed.sum() <= 0:
        raise ValueError("bytes_streamed must not be all zero")
    ids = np.arange(size.size, dtype=np.int64)
    title = ids if title is None else check_array("title", title, dtype=np.int64, low=0)
    if title.size != size.size:
        raise ValueError(f"title must have one entry per file ({size.size}); got {title.size}")
    demand = streamed / streamed.sum()
    return Workload(hash_keys(ids), demand, size, title, popularity_ranking(demand, size))
