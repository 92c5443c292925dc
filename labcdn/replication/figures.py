"""Published figures about replication and tiers, with their sources, beside the model's numbers.

Each :class:`Figure` is typed once here; :func:`published_figures` sets the
model's value beside it, and the chapter (notebook 4) reads both from there.

References
----------
.. [1] M. Vora, R. Deek, E. Livengood, "Content Popularity for Open Connect",
   Netflix TechBlog, 2018.
.. [2] D. Gallatin, "Serving 100 Gbps from an Open Connect Appliance",
   Netflix TechBlog, 2017.
.. [3] Ars Technica, 2022: teardown of a 2013 Open Connect storage appliance.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from labcdn._figures import Figure
from labcdn.replication.parameters import DEFAULTS, _checked
from labcdn.replication.ram import RAM_TITLES_SHARE, STATED_READING, _title_traffic, what_ram_serves
from labcdn.replication.tiers import FLASH, STORAGE, _plan, _shares
from labcdn.replication.workloads import workload

VORA = "Vora, Deek & Livengood 2018, Content Popularity for Open Connect"
GALLATIN = "Gallatin 2017, Serving 100 Gbps from an Open Connect Appliance"
PUBLISHED = {
    "flash_nic_gbps": Figure("high-throughput (flash) server NIC, Gbps", VORA, 100.0, "'up to 100Gbps'"),
    "storage_tb": Figure("storage server capacity, TB", VORA, 200.0, "'200TB+'"),
    "storage_nic_gbps": Figure("storage appliance NIC, Gbps", "Ars Technica 2022, 2013 OCA teardown", 40.0,
                               "quad-port 10GbE"),
    "traffic_from_ram": Figure("share of traffic served from RAM", GALLATIN, what_ram_serves(STATED_READING),
                               "'only the popular 10-20% of titles from memory', read as 10-20% of traffic (the "
                               "book's one reading, replication.what_ram_serves; chapters 4 and 5); model: the "
                               "tier plan at the defaults"),
    "titles_from_ram": Figure("share of most popular titles served from memory", GALLATIN,
                              sum(RAM_TITLES_SHARE) / 2,
                              "'10-20%' read as titles, a sensitivity; model: share of titles with at least half "
                              "their traffic from RAM"),
}


def published_figures(defaults=DEFAULTS, work=None):
    """Published statements about tiers beside the model's numbers at ``defaults``.

    Parameters
    ----------
    defaults : ReplicationParams
        Slider values.
    work : Workload, optional
        Files (default :func:`labcdn.replication.workload` ``(defaults)``).

    Returns
    -------
    polars.DataFrame
        One row per figure: ``figure, source, published, model, note``.
    """
    d = _checked(defaults)
    work = workload(d) if work is None else work
    plan, _, _ = _plan(d, work)
    shares = dict(_shares(plan, work).select("tier", "traffic_share").iter_rows())
    ram, total = _title_traffic(plan, work)
    served = total > 0
    model = {"flash_nic_gbps": FLASH.nic_gbps, "storage_tb": STORAGE.storage_tb, "storage_nic_gbps": STORAGE.nic_gbps,
             "titles_from_ram": float(np.mean(ram[served] >= 0.5 * total[served])), "traffic_from_ram": shares["ram"]}
    rows = [{"figure": f.figure, "source": f.source, "published": f.published, "model": model[key], "note": f.note}
            for key, f in PUBLISHED.items()]
    return pl.DataFrame(rows, schema={"figure": pl.String, "source": pl.String, "published": pl.Float64,
                                      "model": pl.Float64, "note": pl.String})

