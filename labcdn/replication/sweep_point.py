"""Chapter 4 as a sweep point: every copy rule at one routing.

The sweep's study ``"replication"``; what ``PARAMETERS``, ``MODULES``, ``DESCRIPTION``,
``DATA`` and :func:`point` mean is in :mod:`labcdn.sweep.registry`.
"""

from __future__ import annotations

from dataclasses import asdict, replace

import polars as pl

from labcdn.popularity import LADDER_PATH
from labcdn.replication.parameters import DEFAULTS
from labcdn.replication.studies import compare

PARAMETERS = {k: v for k, v in asdict(DEFAULTS).items()
              if k not in ("seed", "copy_rule", "failed", "requests", "flash_servers", "storage_servers",
                           "ram_gb_flash", "ram_gb_storage")}
MODULES = ("labcdn.replication",)
DESCRIPTION = "replication: usable capacity, storage cost and one failure for every copy rule"
DATA = (LADDER_PATH,)


def point(params: dict, seed: int) -> pl.DataFrame:
    """Every copy rule at the point's routing (:func:`labcdn.replication.compare`).

    Parameters
    ----------
    params : dict
        Fields of :data:`labcdn.replication.DEFAULTS` but those :func:`~labcdn.replication.compare`
        sweeps or does not use (``copy_rule``, ``failed``, ``requests``, the tier sizes) and ``seed``
        (100 Gbps servers, Open Connect's popularity rule among the rules compared).
    seed : int
        Seed of the catalogue draw.

    Returns
    -------
    polars.DataFrame
        One row per copy rule: copies, storage overhead, usable fraction, peak utilisation, and
        one failure (the server holding the hottest file's first copy): peak after, demand
        leaving the cluster, usable fraction after.
    """
    d = replace(DEFAULTS, **params, seed=seed)
    table = compare(d, routings=(d.routing,)).drop("routing")
    schema = {"copy_rule": pl.String, "copies": pl.Int64, "storage_overhead": pl.Float64,
              "usable_fraction": pl.Float64, "peak_utilisation": pl.Float64, "failed_server": pl.Int64,
              "peak_after": pl.Float64, "leaving_cluster": pl.Float64, "usable_after": pl.Float64}
    return table.select(pl.col(name).cast(dtype) for name, dtype in schema.items())


def check(params: dict) -> None:
    """Put one point through the model's own checks without computing it (the sweep checks its whole grid first)."""
    from labcdn.replication.parameters import _checked

    _checked(replace(DEFAULTS, **params))
