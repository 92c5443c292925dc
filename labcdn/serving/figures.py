"""The published path to 100 Gbps, as data: each step and the one thing it changed.

Source: D. Gallatin, "Serving 100 Gbps from an Open Connect Appliance", Netflix
Technology Blog, 2017
(https://netflixtechblog.com/serving-100-gbps-from-an-open-connect-appliance-cdb51dda3b99).
Each :class:`Step` lists only the knobs the post changed at that step; the
configuration of a step is the previous step's with those changes applied
(:func:`labcdn.serving.step_configs`). ``anchor`` names the calibrated
quantity a step pins down (``None``: the step is a prediction).

The 24-page mbufs are published as a gain, +7 Gbps over the 65 of non-temporal
stores (:data:`MBUF_PAGE_ARRAYS_GAIN_GBPS`); the 90 Gbps of 100% TLS is the end
state of all the work together, its own step (``all_fixes``). :data:`FACTS`
holds the post's other figures: the gain, the x8 slot's 52 Gbps, the 1 MB
request of 256 pages.
"""

from __future__ import annotations

from typing import NamedTuple

POST = "Gallatin, 'Serving 100 Gbps from an Open Connect Appliance', Netflix TechBlog, 2017"

#: The first step's configuration: the 2015 flash appliance serving mostly from disk
#: (``ram_fraction=None``: the calibration's normal share served from RAM).
BASELINE = {
    "platform": "E5-2697v2",
    "domains": 1,
    "ram_fraction": None,
    "tls": False,
    "nontemporal": False,
    "pages_per_mbuf": 1,
    "rss_lro": False,
    "pbuf_zone": False,
    "proactive_scan": False,
}


class Step(NamedTuple):
    """One published measurement and the change that led to it.

    Attributes
    ----------
    key : str
        Short identifier.
    label : str
        What the post did.
    published_gbps : float
        The figure the post gives (for "well over 90", 90; for the 24-page mbufs, the
        post's "+7 Gbps" added to the previous step's 65).
    quote : str
        The post's words for the figure.
    changes : dict
        Knobs of :class:`labcdn.serving.ServerConfig` changed at this step.
    anchor : str or None
        Calibrated quantity this step fixes, or ``None`` for a prediction.
    """

    key: str
    label: str
    published_gbps: float
    quote: str
    changes: dict
    anchor: str | None


#: The step the post gives as a *gain* rather than a level: 24-page mbufs added 7 Gbps to the
#: 65 Gbps of non-temporal stores. The 90 Gbps of :data:`STEPS`' last row is the end state of
#: all of the work together ("and the rest" included), not the gain of this one change.
MBUF_PAGE_ARRAYS_GAIN_GBPS = 7.0

_NONTEMPORAL_GBPS = 65.0  # "this increased our bandwidth from 58 Gbps to 65 Gbps"

STEPS = (
    Step("baseline", "2015 flash appliance, mostly from disk", 40.0,
         "close to being CPU limited serving at 40 Gbps", {}, "cpu_us.E5-2697v2"),
    Step("from_ram", "serve only the most popular content, all from RAM", 22.0,
         "dropped from being CPU limited at 40 Gbps to being CPU limited at only 22 Gbps",
         {"ram_fraction": 1.0}, "inactive_hold_us"),
    Step("fake_numa", "fake NUMA: one domain (page queues) per 2 CPUs", 52.0,
         "we were able to serve at 52 Gbps (limited by the PCIe Gen3 x8 slot)",
         {"domains": 12}, "disk_share"),
    Step("pbuf_list", "2016 prototype (E5-2697 v3, x16 slot, NVMe): global pbuf list", 60.0,
         "We were stuck at around 60 Gbps on this new hardware, and we were constrained by pbufs",
         {"platform": "E5-2697v3", "domains": 14, "ram_fraction": None}, "pbuf_hold_us"),
    Step("pbuf_zone", "vnode pager takes pbufs from the kernel zone allocator", 70.0,
         "This change removed the lock contention, and boosted our performance into the 70 Gbps range",
         {"pbuf_zone": True}, None),
    Step("proactive_scan", "proactive page scanning instead of twice-a-minute stalls", 80.0,
         "Proactive scanning allowed us to serve at roughly 80 Gbps on the prototype hardware",
         {"proactive_scan": True}, "cpu_us.E5-2697v3"),
    Step("rss_lro", "RSS-assisted LRO (sort packets by RSS hash before LRO)", 90.0,
         "were able to serve at well over 90 Gbps for the first time",
         {"rss_lro": True}, None),
    Step("tls", "100% TLS on the 2017 platform (E5-2697A v4), ISA-L in the kernel", 58.0,
         "we were able to serve TLS-only traffic at roughly 58 Gbps",
         {"platform": "E5-2697Av4", "domains": 16, "tls": True}, "memory_efficiency"),
    Step("nontemporal", "ISA-L stores ciphertext with non-temporal instructions", _NONTEMPORAL_GBPS,
         "this increased our bandwidth from 58 Gbps to 65 Gbps",
         {"nontemporal": True}, None),
    Step("multi_page_mbuf", "24-page mbufs with TLS header and trailer in-line",
         _NONTEMPORAL_GBPS + MBUF_PAGE_ARRAYS_GAIN_GBPS,
         "the new mbuf type carrying up to 24 pages improved performance by 7 Gbps (65 + 7; paraphrased)",
         {"pages_per_mbuf": 24}, None),
    Step("all_fixes", "all of the above together: 100% TLS on the default FreeBSD TCP stack", 90.0,
         "we're able to serve 100% TLS traffic comfortably at 90 Gbps",
         {}, None),
)


_BY_KEY = {s.key: s for s in STEPS}

#: Figures of the post beyond the step levels, ``name -> (value, the post's words, or a paraphrase marked so)``;
#: each typed once
#: (the step levels are read from :data:`STEPS`). Source: :data:`POST`.
FACTS = {
    "mbuf_page_arrays_gain_gbps": (MBUF_PAGE_ARRAYS_GAIN_GBPS,
                                   "mbufs of up to 24 pages for sendfile: +7 Gbps (paraphrase)"),
    "tls_all_fixes_gbps": (_BY_KEY["all_fixes"].published_gbps, _BY_KEY["all_fixes"].quote),
    "pcie_x8_ceiling_gbps": (_BY_KEY["fake_numa"].published_gbps, _BY_KEY["fake_numa"].quote),
    "request_bytes": (1 << 20, "a 1 MB sendfile request (MB read as 2**20 bytes, the kernel's unit)"),
    "request_pages": (256, "can reference 256 VM pages, each wrapped in its own mbuf"),
}
