"""The load balancers named in the source material: layer, algorithms, health checks, features, and sources.

``data/load_balancers.csv`` has one row per product; list-valued cells are
separated by ``|``, and every row names the documentation or source code it
was read from. ``closest_models`` lists the algorithms of this package that
model the product's rules most closely.
"""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl

from labcdn.balancing.algorithms import ALGORITHMS

PRODUCTS_PATH = Path(__file__).resolve().parents[2] / "data" / "load_balancers.csv"
COLUMNS = ("product", "layer", "algorithms", "health_checks", "features", "closest_models", "source")
LAYERS = ("L3", "L4", "L7")
LIST_COLUMNS = ("layer", "algorithms", "features", "closest_models")


def products(path=None, *, long=False) -> pl.DataFrame:
    """The product table, checked.

    Parameters
    ----------
    path : str or Path, optional
        The CSV; defaults to ``data/load_balancers.csv``.
    long : bool
        False: one row per product, list cells as polars lists. True: one row
        per (product, algorithm), for filtering by algorithm.

    Returns
    -------
    polars.DataFrame

    Raises
    ------
    ValueError
        Naming the file and the line of the first malformed row.
    """
    path = Path(PRODUCTS_PATH if path is None else path)
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows or tuple(rows[0]) != COLUMNS:
        raise ValueError(f"{path}:1: header must be {','.join(COLUMNS)}")
    records = []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(COLUMNS):
            raise ValueError(f"{path}:{line}: expected {len(COLUMNS)} fields, got {len(row)}")
        rec = dict(zip(COLUMNS, (cell.strip() for cell in row), strict=True))
        for name in COLUMNS:
            if not rec[name]:
                raise ValueError(f"{path}:{line}: empty {name}")
        for name in LIST_COLUMNS:
            rec[name] = [item.strip() for item in rec[name].split("|")]
        bad = sorted(set(rec["layer"]) - set(LAYERS))
        if bad:
            raise ValueError(f"{path}:{line}: layer {bad} is not one of {LAYERS}")
        bad = sorted(set(rec["closest_models"]) - set(ALGORITHMS))
        if bad:
            raise ValueError(f"{path}:{line}: closest_models {bad} are not labcdn.balancing algorithms")
        if "http" not in rec["source"] and "manual page" not in rec["source"]:
            raise ValueError(f"{path}:{line}: source must cite a document or page")
        records.append(rec)
    frame = pl.DataFrame(records, schema={name: (pl.List(pl.String) if name in LIST_COLUMNS else pl.String)
                                          for name in COLUMNS})
    if long:
        return frame.explode("algorithms").rename({"algorithms": "algorithm"})
    return frame


#: The three kinds of balancer the source post distinguishes, with the vendors it names.
KINDS = (
    {"kind": "hardware appliance", "vendors": "F5, TP-Link, Barracuda", "cost": "expensive",
     "in the source": "fast, dedicated boxes; the most expensive option"},
    {"kind": "cloud balancer", "vendors": "AWS, Google Cloud, Cloudflare, Incapsula, DigitalOcean, Azure",
     "cost": "from about $20 a month", "in the source": "rented per month from the cloud provider"},
    {"kind": "software you run yourself", "vendors": "the ten products below", "cost": "free or open source "
     "(commercial editions for some)", "in the source": "installed on your own servers or VMs"},
)

#: Each product as the source post describes it (who built it, layers, notable features and users).
SOURCE_POST = {
    "Seesaw": "built by Google, written in Go; anycast and direct server return; needs at least two nodes; "
              "L4, with L7 as an option",
    "KEMP LoadMaster": "commercial, with a free tier that includes WAF, IPS and GSLB; users include Apple, Sony, "
                       "JP Morgan, Audi and Hyundai",
    "HAProxy": "open-source L4/L7 proxy; used at Airbnb, GitHub, Imgur, MaxCDN and Reddit",
    "Zevenet": "L3, L4 and L7; balances FTP, SIP, SSL and HTTP",
    "Neutrino": "built at eBay in Scala on Netty; about 300 requests/s on a 2-core VM; L7 switching is its "
                "edge over HAProxy",
    "Balance": "a small TCP load balancer (its manual page: channel groups, round robin and IP hash)",
    "Pen": "L4 balancer with a GeoIP filter, SSL termination, IPv4 and IPv6",
    "NGINX": "web server and reverse proxy that balances HTTP, TCP and UDP; NGINX Plus goes beyond it "
             "(commercial)",
    "Traefik": "reverse proxy that configures itself from its backends: ECS, Docker, Kubernetes, Rancher",
    "Gobetween": "L4 (TCP, TLS, UDP); IP hash, round robin, least bandwidth, least connections and weight; its "
                 "benchmark places it faster than HAProxy and slower than NGINX",
}


def kinds() -> pl.DataFrame:
    """The source post's three kinds of balancer: hardware, cloud, software."""
    return pl.DataFrame(list(KINDS))


def source_post() -> pl.DataFrame:
    """One row per product: the source post's description beside the product table's layers."""
    table = products()
    missing = sorted(set(table["product"]) ^ set(SOURCE_POST))
    if missing:
        raise ValueError(f"SOURCE_POST and {PRODUCTS_PATH.name} disagree on products: {missing}")
    return table.select("product", pl.col("layer").list.join(" + ").alias("layers")).with_columns(
        pl.col("product").replace_strict(SOURCE_POST).alias("as the source describes it"))
