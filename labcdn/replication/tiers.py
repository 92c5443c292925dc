"""Tiers: RAM, flash servers for popular content, storage servers for the tail.

At sites with heavy traffic Open Connect mixes server types: "high throughput
servers (up to 100Gbps) are used to serve very popular content and high
capacity storage servers (200TB+) are used to serve the tail of the catalog",
and "popular files are locked into memory rather than fetched constantly from
disk" (Vora, Deek & Livengood 2018). This module allocates a catalogue over
such a heterogeneous cluster:

1. Files are ranked by popularity as Open Connect measures it, views = bytes
   streamed / size (here ``demand / size``).
2. **Popularity cutoff per server type.** The flash tier takes the top files
   until it carries its share of the cluster's NIC capacity
   (``flash_target``; by default ``flash NICs / all NICs``, so both tiers run
   at the same mean utilisation) or its storage is full, counting copies. The
   storage tier takes the next files until its storage is full; the rest are
   not in the cluster and their traffic leaves it.
3. **Copies** within each tier follow the copy rule of
   :func:`labcdn.replication.copy_counts`, against the fair share of one
   server of that type (``demand x its NIC / all NICs``); copies are placed by
   consistent hashing over the tier's servers and requests routed as in
   :func:`labcdn.replication.server_loads`.
4. **RAM.** In each tier the most popular files are held in memory on every
   server that stores them, until the tier's RAM (``servers x ram_gb``) is
   full; the last one partly (the page cache works on pages, not files).
   Their reads come from RAM; the rest from disk. Disk load is compared with
   the tier's aggregate disk throughput (files are spread by hashing, so
   per-server packing is left out).

References
----------
.. [1] M. Vora, R. Deek, E. Livengood, "Content Popularity for Open Connect",
   Netflix TechBlog, 2018.
.. [2] M. Vora, A. Berglund, V. Sadafal, D. Pfitzner, E. Livengood,
   "Distributing Content to Open Connect", Netflix TechBlog (heterogeneous
   cluster allocation).
.. [3] D. Gallatin, "Serving 100 Gbps from an Open Connect Appliance",
   Netflix TechBlog, 2017.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import polars as pl

from labcdn._validation import check_array, check_choice, check_range
from labcdn.replication.allocation import server_loads
from labcdn.replication.copies import copy_counts
from labcdn.replication.parameters import COPY_RULES, DEFAULTS, _checked
from labcdn.replication.placement import place
from labcdn.replication.workloads import popularity_ranking, workload


@dataclass(frozen=True)
class ServerType:
    """One kind of server: NIC, disk throughput, storage and RAM.

    Attributes
    ----------
    name : str
        ``"flash"`` or ``"storage"``.
    nic_gbps : float
        Network limit.
    disk_gbps : float
        Aggregate read throughput of the drives.
    storage_tb : float
        Content storage.
    ram_gb : float
        Memory for content (page cache).
    """

    name: str
    nic_gbps: float
    disk_gbps: float
    storage_tb: float
    ram_gb: float

    def __post_init__(self):
        check_range("nic_gbps", self.nic_gbps, 0.0, 10_000.0, low_open=True)
        check_range("disk_gbps", self.disk_gbps, 0.0, 10_000.0, low_open=True)
        check_range("storage_tb", self.storage_tb, 0.0, 100_000.0)
        check_range("ram_gb", self.ram_gb, 0.0, 1e6)


#: Flash server: 100 Gbps NIC ("high throughput servers (up to 100Gbps)", Vora et al. 2018;
#: Gallatin 2017); NVMe read throughput 200 Gbps and 24 TB of flash are assumptions (the
#: appliance page's per-revision figures were not available to us); 256 GB RAM (assumption).
FLASH = ServerType("flash", nic_gbps=100.0, disk_gbps=200.0, storage_tb=24.0, ram_gb=256.0)
#: Storage server: 200 TB ("high capacity storage servers (200TB+)", Vora et al. 2018); a
#: quad-port 10GbE NIC = 40 Gbps and 64 GB RAM, as in the 2013 storage appliance (36 HDDs,
#: 262 TB raw; Ars Technica 2022 teardown); disk 36 Gbps = 36 drives x ~1 Gbps each under
#: many concurrent streams (assumption).
STORAGE = ServerType("storage", nic_gbps=40.0, disk_gbps=36.0, storage_tb=200.0, ram_gb=64.0)
TIERS = ("ram", "flash", "storage", "outside")


class TierPlan(NamedTuple):
    """Where each file lives: ``tier`` (0 flash, 1 storage, -1 not in the cluster), ``copies``
    (within its tier; 0 outside) and ``ram_fraction`` (share of its bytes held in RAM)."""

    tier: np.ndarray
    copies: np.ndarray
    ram_fraction: np.ndarray


def allocate(demand, size_bytes, *, flash_servers=DEFAULTS.flash_servers, storage_servers=DEFAULTS.storage_servers,
             flash=FLASH, storage=STORAGE, flash_target=None, copy_rule=DEFAULTS.copy_rule,
             max_copies=DEFAULTS.max_copies, copy_share=DEFAULTS.copy_share,
             uniform_copies=DEFAULTS.uniform_copies, ranking=None):
    """Heterogeneous allocation: popularity cutoffs per server type, copies, and RAM.

    Parameters
    ----------
    demand : array_like of float
        Demand per file, >= 0, not all zero.
    size_bytes : array_like of float
        Size per file, > 0.
    flash_servers, storage_servers : int
        Servers of each type, >= 0, at least one in all.
    flash, storage : ServerType
        Specifications (``ram_gb`` is the RAM used for content).
    flash_target : float, optional
        Share of demand the flash tier should carry, in [0, 1]; default its share
        of the NIC capacity. Its storage may stop it short.
    copy_rule, max_copies, copy_share, uniform_copies
        As :func:`labcdn.replication.copy_counts`, within each tier (caps are
        clipped to the tier's servers).
    ranking : array_like of int, optional
        :func:`labcdn.replication.popularity_ranking` of ``demand`` and ``size_bytes``
        (a :class:`Workload` keeps it), so that planning one workload many times sorts it once;
        computed if omitted. It is checked (files in order of views, ties by index).

    Returns
    -------
    TierPlan
    """
    demand = check_array("demand", demand, dtype=np.float64, low=0.0, min_size=1)
    size = check_array("size_bytes", size_bytes, dtype=np.float64)
    if size.size != demand.size:
        raise ValueError(f"size_bytes must have one entry per file ({demand.size}); got {size.size}")
    if np.any(size <= 0):
        raise ValueError(f"size_bytes must be > 0; smallest value is {size.min()!r}")
    if demand.sum() <= 0:
        raise ValueError("demand must not be all zero")
    n_f = check_range("flash_servers", flash_servers, 0, 10_000, integer=True)
    n_s = check_range("storage_servers", storage_servers, 0, 10_000, integer=True)
    if n_f + n_s < 1:
        raise ValueError("flash_servers + storage_servers must be at least 1")
    for name, t in (("flash", flash), ("storage", storage)):
        if not isinstance(t, ServerType):
            raise ValueError(f"{name} must be a labcdn.replication.ServerType; got {type(t).__name__}")
    check_choice("copy_rule", copy_rule, COPY_RULES)
    nic_total = n_f * flash.nic_gbps + n_s * storage.nic_gbps
    target = n_f * flash.nic_gbps / nic_total if flash_target is None else check_range(
        "flash_target", flash_target, 0.0, 1.0)
    order = popularity_ranking(demand, size) if ranking is None else _checked_ranking(ranking, demand / size)
    d_sorted, s_sorted = demand[order], size[order]
    carried = np.cumsum(d_sorted)
    total = carried[-1]  # summed in the same order as the cutoff, so a target of 1 is reached exactly
    tier = np.full(demand.size, -1, dtype=np.int64)
    copies = np.zeros(demand.size, dtype=np.int64)
    ram = np.zeros(demand.size, dtype=np.float64)
    start = 0
    for code, (n, spec) in enumerate(((n_f, flash), (n_s, storage))):
        if n == 0 or start == demand.size:
            continue
        c = copy_counts(d_sorted[start:], copy_rule, n, max_copies=min(max_copies, n), copy_share=copy_share,
                        uniform_copies=min(uniform_copies, n), mean_load=total * spec.nic_gbps / nic_total)
        stored = np.cumsum(c * s_sorted[start:])
        stop = start + int(np.searchsorted(stored, spec.storage_tb * n * 1e12, side="right"))
        if code == 0:  # the fewest top files whose demand reaches the target share
            goal = target * total  # 0 for a target of 0, or one so small the product underflows: no file
            reach = np.searchsorted(carried, goal, side="left") + 1 if goal > 0 else 0
            stop = min(stop, int(reach))
        idx = order[start:stop]
        tier[idx] = code
        copies[idx] = c[:stop - start]
        held = copies[idx] * size[idx]
        before = np.cumsum(held) - held  # RAM taken by the more popular files of the tier
        ram[idx] = np.clip((spec.ram_gb * n * 1e9 - before) / held, 0.0, 1.0)
        start = stop
    return TierPlan(tier, copies, ram)


def _checked_ranking(ranking, views):
    """``ranking`` as int64 if it is :func:`popularity_ranking` of these views; otherwise a ValueError."""
    order = check_array("ranking", ranking, dtype=np.int64, low=0)
    if order.size != views.size:
        raise ValueError(f"ranking must have one entry per file ({views.size}); got {order.size}")
    if order.max() >= views.size:
        raise ValueError(f"ranking must be a permutation of the file indices 0..{views.size - 1}")
    drop = np.diff(views[order])
    # Strictly increasing in (-views, index): n indices in range so ordered are a permutation as well.
    if not np.all((drop < 0) | ((drop == 0) & (np.diff(order) > 0))):
        if np.bincount(order, minlength=views.size).max() > 1:
            raise ValueError(f"ranking must be a permutation of the file indices 0..{views.size - 1}")
        raise ValueError("ranking must list the files by views (demand / size_bytes), most popular first, "
                         "ties in index order: popularity_ranking(demand, size_bytes)")
    return order


def _specs(d):
    return (ServerType("flash", FLASH.nic_gbps, FLASH.disk_gbps, FLASH.storage_tb, d.ram_gb_flash),
            ServerType("storage", STORAGE.nic_gbps, STORAGE.disk_gbps, STORAGE.storage_tb, d.ram_gb_storage))


def _plan(d, work):
    flash, storage = _specs(d)
    plan = allocate(work.demand, work.size_bytes, flash_servers=d.flash_servers, storage_servers=d.storage_servers,
                    flash=flash, storage=storage, copy_rule=d.copy_rule, max_copies=d.max_copies,
                    copy_share=d.copy_share, uniform_copies=d.uniform_copies, ranking=work.ranking)
    return plan, flash, storage


def tier_shares(defaults=DEFAULTS, work=None):
    """Which tier carries what share of the traffic, and what it stores.

    Parameters
    ----------
    defaults : ReplicationParams
        Slider values (``flash_servers``, ``storage_servers``, ``ram_gb_*``, copy rule).
    work : Workload, optional
        Files (default :func:`labcdn.replication.workload` ``(defaults)``).

    Returns
    -------
    polars.DataFrame
        One row per tier (ram, flash, storage, outside): ``traffic_share`` (RAM
        reads on any server; disk reads on flash; disk reads on storage; not in the
        cluster), ``files`` (files with any bytes read from it) and ``stored_tb``
        (bytes held, copies included; RAM in TB).
    """
    d = _checked(defaults)
    work = workload(d) if work is None else work
    return _shares(_plan(d, work)[0], work)


def _shares(plan, work):
    """:func:`tier_shares` of a plan already made."""
    dem = work.demand / work.demand.sum()
    held = plan.copies * work.size_bytes
    rows = [{"tier": "ram", "traffic_share": float((plan.ram_fraction * dem).sum()),
             "files": int(np.count_nonzero(plan.ram_fraction > 0)),
             "stored_tb": float((plan.ram_fraction * held).sum() / 1e12)}]
    for code, name in enumerate(("flash", "storage")):
        on = plan.tier == code
        rows.append({"tier": name, "traffic_share": float(((1.0 - plan.ram_fraction[on]) * dem[on]).sum()),
                     "files": int(np.count_nonzero(on & (plan.ram_fraction < 1.0))),
                     "stored_tb": float(held[on].sum() / 1e12)})
    out = plan.tier < 0
    rows.append({"tier": "outside", "traffic_share": float(dem[out].sum()), "files": int(out.sum()),
                 "stored_tb": 0.0})
    return pl.DataFrame(rows)


def server_types(defaults=DEFAULTS, work=None):
    """Per server type: cutoff, storage, traffic, RAM share, disk and NIC utilisation.

    Demand is ``defaults.utilisation`` times the cluster's aggregate NIC capacity.

    Parameters
    ----------
    defaults : ReplicationParams
        Slider values; ``routing``, ``placement`` and ``vnodes`` apply within each tier.
    work : Workload, optional
        Files (default :func:`labcdn.replication.workload` ``(defaults)``).

    Returns
    -------
    polars.DataFrame
        One row per type with servers: ``type, servers, files, stored_tb,
        capacity_tb, traffic_share, ram_share`` (of that tier's traffic),
        ``disk_utilisation`` (tier aggregate), ``peak_nic_utilisation``,
        ``mean_nic_utilisation``, and ``usable_fraction``: the cluster-wide demand
        at which the first NIC or tier disk saturates, over aggregate NIC capacity
        (the same value on every row).
    """
    d = _checked(defaults)
    work = workload(d) if work is None else work
    plan, flash, storage = _plan(d, work)
    specs = ((d.flash_servers, flash), (d.storage_servers, storage))
    nic_total = sum(n * t.nic_gbps for n, t in specs)
    demand_gbps = work.demand / work.demand.sum() * d.utilisation * nic_total
    rows = []
    for code, (n, spec) in enumerate(specs):
        if n == 0:
            continue
        on = np.flatnonzero(plan.tier == code)
        load = np.zeros(n)
        if on.size:
            placed = place(work.keys[on], plan.copies[on], n, algorithm=d.placement, vnodes=d.vnodes)
            load = server_loads(placed, demand_gbps[on], routing=d.routing).load
        disk = float(((1.0 - plan.ram_fraction[on]) * demand_gbps[on]).sum())
        traffic = float(demand_gbps[on].sum())
        rows.append({"type": spec.name, "servers": n, "files": int(on.size),
                     "stored_tb": float((plan.copies[on] * work.size_bytes[on]).sum() / 1e12),
                     "capacity_tb": n * spec.storage_tb, "traffic_share": traffic / demand_gbps.sum(),
                     "ram_share": 1.0 - disk / traffic if traffic > 0 else 0.0,
                     "disk_utilisation": disk / (n * spec.disk_gbps),
                     "peak_nic_utilisation": float(load.max() / spec.nic_gbps),
                     "mean_nic_utilisation": float(load.sum() / (n * spec.nic_gbps))})
    table = pl.DataFrame(rows)
    peak = max(table["peak_nic_utilisation"].max(), table["disk_utilisation"].max())
    served = float(demand_gbps[plan.tier >= 0].sum())
    usable = served / nic_total / peak if peak > 0 else float("nan")
    return table.with_columns(pl.lit(usable).alias("usable_fraction"))
