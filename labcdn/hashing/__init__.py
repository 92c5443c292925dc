"""Chapter 3, "Consistent hashing": which servers get which files, and what moves when a server comes or goes.

The family side by side on the same keys. Every placement is built on a
server set and maps arrays of 64-bit key hashes (``uint64``; see
:func:`hash_keys` for SplitMix64 hashing of integer ids) to server ids:

=============== ===============================================================
``modulo``      :func:`modulo`, :class:`Modulo`: ``hash mod n`` (the baseline)
``ring``        :class:`Ring`: ring with virtual nodes, weighted (Karger et al. 1997)
``ketama``      :class:`Ketama`: libmemcached's MD5 ring, uhashring-compatible
``jump``        :func:`jump`, :class:`Jump`: jump consistent hash (Lamping & Veach 2014)
``rendezvous``  :class:`Rendezvous`: highest random weight, weighted (Thaler & Ravishankar 1998)
``maglev``      :class:`Maglev`: prime lookup table (Eisenbud et al. 2016)
``bounded``     :class:`BoundedLoads`: ring with capacity ``ceil(c m / n)`` (Mirrokni et al. 2018)
=============== ===============================================================

:func:`build` makes any of them by name; each keeps the contract of
:class:`~labcdn.hashing.servers.Placement`: ``servers``, ``lookup(key_hashes)`` and ``nbytes``. The measurements return tidy polars
frames: :func:`balance`, :func:`loads`, :func:`hash_space_shares`,
:func:`hot_spot`, :func:`overprovisioning`, :func:`disruption`,
:func:`costs`, :func:`published_figures`; :func:`summary` gives the headline
numbers at :data:`DEFAULTS`.
"""

from labcdn.hashing.algorithms import ALGORITHMS, DEFAULTS, WEIGHTED, Defaults, build
from labcdn.hashing.balance import (
    SHARE_ALGORITHMS,
    balance,
    hash_space_shares,
    hot_spot,
    loads,
    overprovisioning,
    share_balance,
)
from labcdn.hashing.bounded_loads import BoundedLoads
from labcdn.hashing.costs import costs
from labcdn.hashing.disruption import disruption
from labcdn.hashing.figures import published_figures, summary
from labcdn.hashing.jump_hash import Jump, jump, jump_shares
from labcdn.hashing.ketama import Ketama
from labcdn.hashing.keys import hash_keys, ketama_hash, key_catalog, zipf_demand
from labcdn.hashing.maglev import Maglev, maglev_table
from labcdn.hashing.modulo_hash import Modulo, modulo
from labcdn.hashing.rendezvous import Rendezvous
from labcdn.hashing.ring import Ring

__all__ = [
    "ALGORITHMS",
    "DEFAULTS",
    "SHARE_ALGORITHMS",
    "WEIGHTED",
    "BoundedLoads",
    "Defaults",
    "Jump",
    "Ketama",
    "Maglev",
    "Modulo",
    "Rendezvous",
    "Ring",
    "balance",
    "build",
    "costs",
    "disruption",
    "hash_keys",
    "hash_space_shares",
    "hot_spot",
    "jump",
    "jump_shares",
    "ketama_hash",
    "key_catalog",
    "loads",
    "maglev_table",
    "modulo",
    "overprovisioning",
    "published_figures",
    "share_balance",
    "summary",
    "zipf_demand",
]
