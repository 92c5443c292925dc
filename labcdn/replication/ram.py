"""What RAM serves: per title, the share of its traffic served from the page cache.

Gallatin (2017) reports that the most popular 10-20% of titles are served from
RAM. The model holds *files* in RAM (the most viewed first, until each tier's
page cache is full; :mod:`labcdn.replication.tiers`), so a title is partly in
RAM. :func:`ram_by_title` gives, per title, the share of its traffic that RAM
serves; :func:`labcdn.replication.figures.published_figures` reads the quote as
"the share of titles with at least half their traffic from RAM".

References
----------
.. [1] D. Gallatin, "Serving 100 Gbps from an Open Connect Appliance",
   Netflix TechBlog, 2017.
.. [2] M. Vora, R. Deek, E. Livengood, "Content Popularity for Open Connect",
   Netflix TechBlog, 2018.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from labcdn._validation import check_choice, check_range
from labcdn.replication.parameters import DEFAULTS, _checked
from labcdn.replication.tiers import _plan
from labcdn.replication.workloads import workload


def _title_traffic(plan, work):
    """Per title: demand read from RAM under ``plan``, and all its demand."""
    return (np.bincount(work.title, weights=plan.ram_fraction * work.demand),
            np.bincount(work.title, weights=work.demand))


def ram_by_title(defaults=DEFAULTS, work=None):
    """Per title, the most traffic first: its share of all traffic and the share of it that RAM serves.

    Parameters
    ----------
    defaults : ReplicationParams
        Slider values (tier sizes, RAM per server, copy rule).
    work : Workload, optional
        Files (default :func:`labcdn.replication.workload` ``(defaults)``).

    Returns
    -------
    polars.DataFrame
        One row per title with traffic: ``rank`` (1 = most traffic), ``title``,
        ``traffic_share`` (of all demand) and ``ram_share`` (of the title's own
        traffic, in [0, 1]).
    """
    d = _checked(defaults)
    work = workload(d) if work is None else work
    ram, total = _title_traffic(_plan(d, work)[0], work)
    served = np.flatnonzero(total > 0)
    order = served[np.argsort(-total[served], kind="stable")]
    return pl.DataFrame({"rank": np.arange(1, order.size + 1), "title": order,
                         "traffic_share": total[order] / work.demand.sum(),
                         "ram_share": np.clip(ram[order] / total[order], 0.0, 1.0)})


#: The source line: "most content is served from disk; only the popular 10-20% of titles from memory"
#: (Gallatin 2017). The range, typed once.
RAM_TITLES_SHARE = (0.10, 0.20)

#: How the line can be read as a share of traffic served from RAM (:func:`what_ram_serves`).
READINGS = ("traffic", "titles", "tier model")

#: The one reading both chapters use: "10-20%" is the share of *traffic* (bytes served) that RAM serves.
#: It is the reading under which the whole line holds: "most content is served from disk" is then true
#: of traffic too, which the titles reading breaks on a Zipf catalogue (see the chapters' sensitivity).
STATED_READING = "traffic"


def what_ram_serves(reading=STATED_READING, share=None, defaults=DEFAULTS, work=None) -> float:
    """Share of traffic served from RAM, under one reading of the source line.

    Parameters
    ----------
    reading : {"traffic", "titles", "tier model"}
        ``"traffic"`` (the stated reading): RAM serves ``share`` of the bytes
        served. ``"titles"``: RAM holds the most popular ``share`` of titles
        (by traffic) whole, and serves their traffic in the workload.
        ``"tier model"``: what chapter 4's tier plan puts in the page cache at
        ``defaults`` (``share`` is not used).
    share : float, optional
        The share the line gives, in [0, 1]; default the midpoint of
        :data:`RAM_TITLES_SHARE` (0.15).
    defaults : ReplicationParams
        Slider values of chapter 4 (workload, tier sizes, RAM per server).
    work : Workload, optional
        Files (default :func:`labcdn.replication.workload` ``(defaults)``).

    Returns
    -------
    float
        Share of all traffic served from RAM, in [0, 1].

    References
    ----------
    .. [1] D. Gallatin, "Serving 100 Gbps from an Open Connect Appliance",
       Netflix TechBlog, 2017.
    """
    check_choice("reading", reading, READINGS)
    share = sum(RAM_TITLES_SHARE) / 2 if share is None else share
    check_range("share", share, 0.0, 1.0)
    if reading == "traffic":
        return float(share)
    d = _checked(defaults)
    work = workload(d) if work is None else work
    if reading == "tier model":
        plan = _plan(d, work)[0]
        return float((plan.ram_fraction * work.demand).sum() / work.demand.sum())
    per_title = np.sort(np.bincount(work.title, weights=work.demand))[::-1]
    per_title = per_title[per_title > 0]
    top = per_title[: round(share * per_title.size)]
    return float(top.sum() / per_title.sum())


def ram_readings(defaults=DEFAULTS, work=None) -> pl.DataFrame:
    """Every reading of the source line at both ends of its 10-20% and the midpoint.

    Returns
    -------
    polars.DataFrame
        ``reading, share, traffic_from_ram, stated`` (``stated``: the reading
        both chapters use); the tier model appears once, ``share`` null.
    """
    d = _checked(defaults)
    work = workload(d) if work is None else work
    lo, hi = RAM_TITLES_SHARE
    rows = [{"reading": r, "share": s, "traffic_from_ram": what_ram_serves(r, s, d, work),
             "stated": r == STATED_READING} for r in ("traffic", "titles") for s in (lo, (lo + hi) / 2, hi)]
    rows.append({"reading": "tier model", "share": None, "traffic_from_ram": what_ram_serves("tier model", None, d, work),
                 "stated": False})
    return pl.DataFrame(rows, schema={"reading": pl.String, "share": pl.Float64, "traffic_from_ram": pl.Float64,
                                      "stated": pl.Boolean})
