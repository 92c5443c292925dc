"""One sendfile request through the stack: pages, mbufs, the NIC's PCIe slot, and the 24-page mbuf step.

The post's arithmetic, computed from the model's calibration rather than typed:
a 1 MB ``sendfile`` request references 256 VM pages, each wrapped in its own
mbuf; the new mbuf type carries up to 24 pages (:func:`mbuf_chain`). The 100GbE
NIC of the 2015 appliance sat in a PCIe Gen3 x8 slot, whose usable bandwidth
capped fake NUMA at 52 Gbps (:func:`pcie_slot`). :func:`mbuf_page_arrays_gain`
is the model's gain from 1 to 24 pages per mbuf with TLS on, the figure the
post gives as +7 Gbps.

References
----------
.. [1] D. Gallatin, "Serving 100 Gbps from an Open Connect Appliance", Netflix
   Technology Blog, 2017.
.. [2] PCI-SIG, PCI Express Base Specification 3.0 (8 GT/s, 128b/130b).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import NamedTuple

from labcdn._validation import check_range
from labcdn.serving.appliance import step_configs
from labcdn.serving.calibration import Calibration, default_calibration
from labcdn.serving.figures import FACTS, STEPS
from labcdn.serving.fitting import evaluate


class MbufChain(NamedTuple):
    """The mbuf chain of one request.

    Attributes
    ----------
    request_bytes : int
        Bytes requested.
    pages : int
        4 KiB VM pages the request references.
    mbufs : int
        Mbufs in the chain(s) the stack walks for it (data and, with TLS, ciphertext and record metadata).
    tls_records : int
        TLS records (0 without TLS).
    metadata_bytes : float
        DRAM bytes of mbuf metadata touched: mbufs x cache lines per mbuf x bytes per line x layers.
    """

    request_bytes: int
    pages: int
    mbufs: int
    tls_records: int
    metadata_bytes: float


def mbuf_chain(request_bytes: int | None = None, pages_per_mbuf: int = 1, tls: bool = False,
               calibration: Calibration | None = None) -> MbufChain:
    """Pages and mbufs of one ``sendfile`` request, counted as the model counts them per page.

    Parameters
    ----------
    request_bytes : int, optional
        Size of the request, in [1, 2**34]; default the post's 1 MB (2**20 bytes).
    pages_per_mbuf : int
        Pages one mbuf carries, in [1, the calibration's ``max_pages_per_mbuf``].
    tls : bool
        Software TLS: ciphertext chain and, with 1-page mbufs, 2 metadata mbufs per record.
    calibration : Calibration, optional
        Inputs; default the shipped file.

    Returns
    -------
    MbufChain
    """
    cal = default_calibration() if calibration is None else calibration
    request_bytes = FACTS["request_bytes"][0] if request_bytes is None else request_bytes
    check_range("request_bytes", request_bytes, 1, 1 << 34, integer=True)
    check_range("pages_per_mbuf", pages_per_mbuf, 1, cal.max_pages_per_mbuf, integer=True)
    if not isinstance(tls, bool):
        raise ValueError(f"tls must be True or False; got {tls!r}")
    pages = math.ceil(request_bytes / cal.page_bytes)
    records = math.ceil(request_bytes / cal.tls_record_bytes) if tls else 0
    chains = 2 if tls else 1
    mbufs = chains * math.ceil(pages / pages_per_mbuf)
    if tls and pages_per_mbuf == 1:
        mbufs += int(cal.tls_metadata_mbufs) * records
    meta = mbufs * cal.mbuf_cache_lines * cal.cache_line_bytes * cal.mbuf_layers
    return MbufChain(int(request_bytes), pages, mbufs, records, float(meta))


class PcieSlot(NamedTuple):
    """Bandwidth of a PCIe Gen3 slot, layer by layer (Gbps, one direction).

    Attributes
    ----------
    lanes : int
    signalling_gbps : float
        Lanes x 8 GT/s.
    after_encoding_gbps : float
        After the 128b/130b line code.
    after_tlp_gbps : float
        After TLP headers (the calibration's payload share).
    usable_gbps : float
        After the NIC's descriptor and doorbell DMA: the ceiling the model applies.
    """

    lanes: int
    signalling_gbps: float
    after_encoding_gbps: float
    after_tlp_gbps: float
    usable_gbps: float


def pcie_slot(lanes: int = 8, calibration: Calibration | None = None) -> PcieSlot:
    """Usable bandwidth of the NIC's PCIe Gen3 slot (the post's x8 slot behind 52 Gbps).

    Parameters
    ----------
    lanes : int
        Lanes of the slot, in [1, 32].
    calibration : Calibration, optional
        Inputs; default the shipped file.

    Returns
    -------
    PcieSlot
    """
    cal = default_calibration() if calibration is None else calibration
    check_range("lanes", lanes, 1, 32, integer=True)
    raw = lanes * cal.pcie_gts_per_lane
    enc = raw * cal.pcie_encoding
    tlp = enc * cal.pcie_tlp_efficiency
    return PcieSlot(int(lanes), raw, enc, tlp, tlp * (1.0 - cal.nic_dma_overhead))


def mbuf_page_arrays_gain() -> tuple[float, float]:
    """The model's gain from 1 to 24 pages per mbuf with TLS on, at the post's 24-page step.

    Returns
    -------
    (float, float)
        Gbps with 1-page mbufs (the non-temporal-stores step) and with 24-page mbufs.
    """
    cfg = dict(zip((s.key for s in STEPS), step_configs(), strict=True))["multi_page_mbuf"]
    return evaluate(replace(cfg, pages_per_mbuf=1)).gbps, evaluate(cfg).gbps
