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
