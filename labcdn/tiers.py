"""Tiers: RAM, flash servers for popular content, storage servers for the tail.

The model lives in :mod:`labcdn.replication.tiers` and :mod:`labcdn.replication.ram`
(it builds on the replication package's copies, placement and routing, and the
replication summary reports its shares); this module is its short import path.
"""

from labcdn.replication.ram import published_figures, ram_by_title
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

__all__ = [
    "FLASH",
    "STORAGE",
    "TIERS",
    "ServerType",
    "TierPlan",
    "allocate",
    "published_figures",
    "ram_by_title",
    "server_types",
    "tier_shares",
]
