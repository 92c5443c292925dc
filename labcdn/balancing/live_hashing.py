"""How NGINX and HAProxy map a URI to a server with consistent hashing, as their sources define it.

**NGINX** ``hash $request_uri consistent`` (``ngx_http_upstream_hash_module.c``,
``ngx_http_upstream_init_chash``): a server written ``HOST:PORT`` in the
``upstream`` block gets ``160 * weight`` points; point ``j`` is
``crc32(HOST "\\0" PORT prev)``, where ``prev`` is point ``j - 1`` as 4
little-endian bytes (0 for the first). Points are sorted and equal points
dropped. A key goes to the first point at or after ``crc32(key)``, wrapping to
the first point (``ngx_http_upstream_find_chash_point``).

**HAProxy** ``balance uri`` with ``hash-type consistent`` (``src/backend.c``
``get_server_uh``, ``src/lb_chash.c`` ``chash_get_server_hash``): the key is
the request URI up to the first ``?``, hashed with SDBM (the default hash
function) and then, because the hash type is not ``map-based``, passed through
``full_hash`` (2.6's ``get_server_uh``: ``if ((px->lbprm.algo & BE_LB_HASH_TYPE)
!= BE_LB_HASH_MAP) hash = full_hash(hash)``; later versions apply it only with
the ``avalanche`` modifier); server ``puid`` has ``16 * weight`` points at
``full_hash(puid * 4096 + i)`` (:mod:`labcdn.balancing.rings`; ``puid`` is
1, 2, ... in line order unless ``id`` sets it), and the key
goes to the *nearer* of the points just before and at-or-after it (the one
before on a tie). With one server left HAProxy skips hashing.

The ring construction is plain Python over a few thousand points; the lookup
is one vectorised ``searchsorted``, so no numba kernel is needed here.

References
----------
.. [1] NGINX 1.22, ``src/http/modules/ngx_http_upstream_hash_module.c``,
   https://github.com/nginx/nginx; "hash ... consistent: ketama consistent
   hashing", https://nginx.org/en/docs/http/ngx_http_upstream_module.html#hash.
.. [2] HAProxy 2.6, ``src/backend.c`` (``get_server_uh``, ``gen_hash``),
   ``src/lb_chash.c``, ``include/haproxy/hash.h`` (``hash_sdbm``),
   https://github.com/haproxy/haproxy; configuration manual, ``balance uri``
   and ``hash-type``.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

from labcdn._validation import check_array
from labcdn.balancing.algorithms import WEIGHT_SCALE
from labcdn.balancing.rings import SRV_EWGHT_RANGE, full_hash

NGINX_POINTS_PER_WEIGHT = 160  # ngx_http_upstream_init_chash: npoints = peer->weight * 160


def _names(servers):
    names = [str(s) for s in servers]
    if not names:
        raise ValueError("servers must name at least one server")
    if len(set(names)) != len(names):
        raise ValueError(f"servers must be distinct; got {names}")
    return names


def _weights(weights, n):
    if weights is None:
        return np.ones(n, dtype=np.int64)
    w = check_array("weights", weights, dtype=np.float64, low=1, high=256)
    if w.size != n or not np.all(w == np.rint(w)):
        raise ValueError(f"weights must be {n} whole numbers in [1, 256]; got {list(w)}")
    return w.astype(np.int64)


def nginx_ring(servers, weights=None):
    """NGINX's consistent-hash points for the servers of an ``upstream`` block.

    Parameters
    ----------
    servers : sequence of str
        The servers as written in the ``server`` directives (``"127.0.0.1:8080"``).
    weights : sequence of int, optional
        Their ``weight=`` (1 when omitted).

    Returns
    -------
    points, owner : numpy.ndarray of int64
        Sorted distinct CRC32 points and the index of the server owning each.
    """
    names = _names(servers)
    w = _weights(weights, len(names))
    points, owner = [], []
    for b, name in enumerate(names):
        host, sep, port = name.rpartition(":")
        if not (sep and port.isdigit()):
            host, port = name, ""
        base = host.encode() + b"\0" + port.encode()
        prev = 0
        for _ in range(NGINX_POINTS_PER_WEIGHT * int(w[b])):
            prev = zlib.crc32(base + struct.pack("<I", prev))
            points.append(prev)
            owner.append(b)
    points = np.array(points, dtype=np.int64)
    owner = np.array(owner, dtype=np.int64)
    order = np.argsort(points, kind="stable")
    points, owner = points[order], owner[order]
    keep = np.ones(points.size, dtype=bool)
    keep[1:] = points[1:] != points[:-1]
    return points[keep], owner[keep]


def nginx_chash(keys, servers, weights=None) -> np.ndarray:
    """The server NGINX ``hash KEY consistent`` picks for each key, all servers up.

    Parameters
    ----------
    keys : sequence of str
        The hash keys (for ``$request_uri``: the URI with its query string).
    servers, weights
        As in :func:`nginx_ring`.

    Returns
    -------
    numpy.ndarray of int64
        Index into ``servers`` for each key.
    """
    points, owner = nginx_ring(servers, weights)
    h = np.array([zlib.crc32(str(k).encode()) for k in keys], dtype=np.int64)
    i = np.searchsorted(points, h, side="left")
    return owner[i % points.size]


def sdbm(data: bytes) -> int:
    """HAProxy's ``hash_sdbm``: ``h = c + (h << 6) + (h << 16) - h`` on 32 bits."""
    h = 0
    for c in data:
        h = (c + (h << 6) + (h << 16) - h) & 0xFFFFFFFF
    return h


def haproxy_uri_key(uri: str) -> int:
    """HAProxy 2.6's ``balance uri`` key with consistent hashing: ``full_hash(sdbm(URI up to '?'))``."""
    return int(full_hash([sdbm(str(uri).split("?", 1)[0].encode())])[0])


def haproxy_ring_ids(weights, ids=None):
    """HAProxy's ring for servers with explicit ids (``server ... id N``), sorted by position.

    Parameters
    ----------
    weights : sequence of int
        Weight of each server.
    ids : sequence of int, optional
        Each server's ``puid``; 1, 2, ... in line order when omitted.

    Returns
    -------
    points, owner : numpy.ndarray of int64
        Ring positions and the index of the server owning each.
    """
    w = _weights(weights, len(weights))
    puid = np.arange(1, w.size + 1, dtype=np.int64) if ids is None else np.asarray(ids, dtype=np.int64)
    if puid.shape != w.shape or np.unique(puid).size != puid.size or puid.min() < 1:
        raise ValueError(f"ids must be {w.size} distinct positive integers; got {list(puid)}")
    counts = w * WEIGHT_SCALE
    owner = np.repeat(np.arange(w.size, dtype=np.int64), counts)
    index = np.arange(owner.size, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    points = full_hash(puid[owner] * SRV_EWGHT_RANGE + index).astype(np.int64)
    order = np.lexsort((index, owner, points))
    return points[order], owner[order]


def haproxy_chash(uris, weights, ids=None) -> np.ndarray:
    """The server HAProxy ``balance uri`` + ``hash-type consistent`` picks for each URI, all servers up.

    Parameters
    ----------
    uris : sequence of str
        Request URIs in origin form (``/path?query``).
    weights : sequence of int
        Weight of each server.
    ids : sequence of int, optional
        Each server's ``puid`` (``server ... id N``); 1, 2, ... when omitted.
        Give ids explicitly to keep a server's points when another is removed
        from the configuration.

    Returns
    -------
    numpy.ndarray of int64
        Index of the server for each URI.
    """
    keys = np.array([haproxy_uri_key(u) for u in uris], dtype=np.int64)
    if len(weights) == 1:
        return np.zeros(keys.size, dtype=np.int64)
    points, owner = haproxy_ring_ids(weights, ids)
    p = points.size
    nxt = np.searchsorted(points, keys, side="left") % p
    prv = (nxt - 1) % p
    dp = (keys - points[prv]) & 0xFFFFFFFF
    dn = (points[nxt] - keys) & 0xFFFFFFFF
    return np.where(dp <= dn, owner[prv], owner[nxt])
