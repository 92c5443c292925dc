"""Chapter 4, "Replication and tiers": how many copies each file gets, where they go, which copy serves.

A cluster of ``S`` servers, each with a NIC limit, serves a catalogue whose
per-file demand is very skewed. With one copy per file, the server holding the
hottest file saturates long before the others: one rock caps the whole
cluster. Copies break the rock into pebbles.

**Copies** (:func:`copy_counts`): ``none`` (one copy), ``uniform`` (``k``
copies of every file) or ``popularity``: file ``i`` with demand ``d_i`` gets
``ceil(d_i / (copy_share * D / S))`` copies, 1 for the tail, at most
``max_copies``, so no copy carries more than ``copy_share`` of a server's mean
load unless the cap binds. That makes ``N`` roughly proportional to popularity,
as Open Connect does ("we replicate titles over N servers, where N is roughly
proportional to the popularity of that content", Vora et al. 2018).

**Placement** (:func:`place`): copy 0 is exactly where :mod:`labcdn.hashing`
puts the file; further copies follow one of two standard constructions:

- ``ring``: the successors of the key on the consistent-hash ring that belong
  to servers not yet holding the file (a preference list, as in Dynamo);
- ``rendezvous``: the ``N`` servers with the highest random weights (top-N HRW).

**Routing** (:func:`server_loads`, expected loads): ``hash`` and ``random``
send each request to one copy chosen uniformly (by a hash of the client, or at
random), so each copy gets ``d_i / N_i``. ``least_loaded`` is the fluid limit
of sending every request to the least utilised of the file's copies: the
*balanced allocation*, which minimises the peak utilisation ``max load / capacity``
and then every lower level in turn (lexicographically). It is computed exactly
by the densest-subset decomposition: the servers ``T`` maximising
``demand of files with every copy in T / capacity of T`` run at that density;
remove them and repeat (Fujishige 1980). Each density is found by Newton's
method on a minimum cut (Dinkelbach), each cut by Dinic's max-flow.
:func:`simulate_requests` routes individual requests instead: one copy by hash,
one at random, or the least loaded of ``d`` copies drawn at random, which is
what the balls-into-bins theory describes (:func:`balls_into_bins`).

**Headline metric** (:func:`usable_fraction`): the total demand at which the
first server saturates, as a fraction of the aggregate capacity:
``mean utilisation / peak utilisation`` (loads scale linearly with demand).
Storage it costs: :func:`storage_overhead`.

**Failure**: a failed server gets no load; its files' demand moves to their
other live copies under the same routing, and files with no live copy leave
the cluster (``lost``); nothing is re-placed (Open Connect fills at night).

**Studies** at the chapter's :class:`ReplicationParams` (tidy polars frames):
:func:`scenario`, :func:`compare`, :func:`server_table`, :func:`failure`,
:func:`copies_sweep`, :func:`routing_check`, :func:`balls_into_bins`, and
:func:`summary` for ``labcdn replication --json``.

**Tiers** (RAM, flash servers for popular files, storage servers for the tail):
:func:`allocate` plans them (:data:`FLASH`, :data:`STORAGE`, :class:`ServerType`),
:func:`tier_shares` and :func:`server_types` tabulate the plan, :func:`ram_by_title`
gives what RAM serves per title, and :func:`published_figures` sets the published
figures (:data:`PUBLISHED`) beside the model's.

=============== ==============================================================
``parameters``  :class:`ReplicationParams`, :data:`DEFAULTS` and the choices
``workloads``   :class:`Workload`, :func:`workload`, :func:`catalogue_workload`, :func:`popularity_ranking`
``copies``      :func:`copy_counts`, :func:`storage_overhead`
``placement``   :class:`Placement`, :func:`place`
``allocation``  :class:`ServerLoads`, :func:`server_loads`, :func:`usable_fraction`
``balanced``    the exact balanced allocation (densest subsets, max-flow)
``requests``    :func:`simulate_requests`, :func:`balls_into_bins`
``tiers``       RAM, flash and storage servers (:func:`~labcdn.replication.tiers.allocate`)
``ram``         what RAM serves: :func:`what_ram_serves` (one reading of the source line for chapters 4 and 5), per title
``figures``     :data:`PUBLISHED`, :func:`published_figures`
``studies``     :class:`Scenario`, :func:`scenario`, :func:`compare`, :func:`summary`, ...
=============== ==============================================================

References
----------
.. [1] M. Vora, R. Deek, E. Livengood, "Content Popularity for Open Connect",
   Netflix TechBlog, 2018.
.. [2] M. Vora, A. Berglund, V. Sadafal, D. Pfitzner, E. Livengood,
   "Distributing Content to Open Connect", Netflix TechBlog (it cites [1]).
.. [3] Y. Azar, A. Broder, A. Karlin, E. Upfal, "Balanced allocations",
   SIAM J. Computing 29(1), 1999.
.. [4] S. Fujishige, "Lexicographically optimal base of a polymatroid with
   respect to a weight vector", Math. of Operations Research 5(2), 1980.
.. [5] G. DeCandia et al., "Dynamo: Amazon's highly available key-value
   store", SOSP 2007 (preference lists on the ring).
"""

from labcdn.replication.allocation import ServerLoads, server_loads, usable_fraction
from labcdn.replication.copies import copy_counts, storage_overhead
from labcdn.replication.figures import PUBLISHED, published_figures
from labcdn.replication.parameters import (
    COPY_RULES,
    DEFAULTS,
    MAX_SERVERS,
    PLACEMENTS,
    ROUTINGS,
    WORKLOADS,
    ReplicationParams,
)
from labcdn.replication.placement import Placement, place
from labcdn.replication.ram import (
    RAM_TITLES_SHARE,
    READINGS,
    STATED_READING,
    ram_by_title,
    ram_readings,
    what_ram_serves,
)
from labcdn.replication.requests import balls_into_bins, simulate_requests
from labcdn.replication.studies import (
    Scenario,
    compare,
    copies_sweep,
    explore,
    failure,
    routing_check,
    scenario,
    server_table,
    summary,
)
from labcdn.replication.tiers import (
    FLASH,
    STORAGE,
    TIERS,
    ServerType,
    TierPlan,
    allocate,
    server_types,
    tier_shares,
)
from labcdn.replication.workloads import Workload, catalogue_workload, popularity_ranking, workload

__all__ = [
    "COPY_RULES",
    "DEFAULTS",
    "FLASH",
    "MAX_SERVERS",
    "PLACEMENTS",
    "PUBLISHED",
    "RAM_TITLES_SHARE",
    "READINGS",
    "STATED_READING",
    "ROUTINGS",
    "STORAGE",
    "TIERS",
    "WORKLOADS",
    "ReplicationParams",
    "Placement",
    "Scenario",
    "ServerLoads",
    "ServerType",
    "TierPlan",
    "Workload",
    "allocate",
    "balls_into_bins",
    "catalogue_workload",
    "compare",
    "copies_sweep",
    "copy_counts",
    "explore",
    "failure",
    "place",
    "popularity_ranking",
    "published_figures",
    "ram_by_title",
    "ram_readings",
    "routing_check",
    "scenario",
    "server_loads",
    "server_table",
    "server_types",
    "simulate_requests",
    "storage_overhead",
    "summary",
    "tier_shares",
    "usable_fraction",
    "what_ram_serves",
    "workload",
]
