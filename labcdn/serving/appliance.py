"""The Open Connect Appliance as a closed network: knobs in, Gbps and bottleneck out.

:class:`ServerConfig` holds the knobs the Netflix post turned (hardware
platform, NUMA domains, share served from RAM, TLS, non-temporal stores, pages
per mbuf, RSS-assisted LRO, the pbuf allocator, proactive page scanning) and
the critical-section lengths. :func:`evaluate_fitted` turns a configuration into a
:class:`~labcdn.serving.ClosedNetwork` (CPU work, memory, the per-domain
inactive page-queue lock, the global pbuf mutex), solves it exactly, applies
the hard ceilings (NIC line rate, the NIC's PCIe slot, the NVMe links) and the
page-daemon stalls, and names the bottleneck.

Every number comes from ``data/serving_calibration.csv``
(:func:`labcdn.serving.read_calibration`), one row per parameter with its
source. Six quantities the post does not give are fitted by
:func:`labcdn.serving.calibrate`, each to the one published step it governs
(:data:`labcdn.serving.STEPS`, field ``anchor``); every other step is a
prediction.

Model of one page (4 KiB, thread-level microseconds, ``h`` = share served from RAM):

- CPU work ``base + (1 - h) disk + mbufs * mbuf + acks / lro * ack + tls * crypto``,
  with ``mbuf``, ``ack`` and ``crypto`` from cycle counts and the published
  mbuf saving, ``disk`` from the fitted ``disk_share``, and ``base`` whatever
  the fitted total at the platform's reference step leaves;
- memory traffic ``page * ((1 - h) + 1 + tls * (2 + RFO)) + mbufs * lines * 64 * layers``
  bytes at the fitted share of peak bandwidth (DMA in from disk, DMA out to the
  NIC, the cipher's read and write, the read-for-ownership that non-temporal
  stores remove, and the mbuf metadata the post counts);
- ``h`` acquisitions of the domain's inactive-queue lock, and ``2 (1 - h) / 32``
  of the global pbuf mutex (one pbuf per 128 KiB read, taken and given back)
  until the zone allocator removes it. That only pages served from RAM take
  the inactive-queue lock is this model's reading, not the post's words: a
  cached page is requeued on the inactive queue when sendfile releases it,
  while a page read for one-off use is freed (``SF_NOCACHE``), under the
  free-page lock, which the model leaves out. It is what lets the same lock
  allow 40 Gbps from disk and only 22 Gbps from RAM, as the post measured;
- stalls: without proactive scanning the page daemon stops all serving for
  ``stall_seconds`` at a rate proportional to the disk-read rate, a fraction
  ``f`` of time: ``Gbps = m / (1 + k m)`` with ``m`` the network/ceiling rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from labcdn._validation import check_choice, check_range
from labcdn.serving.calibration import PLATFORMS, Calibration, Fit, default_calibration, find_root
from labcdn.serving.figures import BASELINE, STEPS
from labcdn.serving.network import ClosedNetwork, NetworkSolution, asymptotic_bounds, solve

MAX_CPUS = 256
NETWORK_LABELS = {"cpu": "cpu", "lock": "inactive-queue lock", "global_lock": "pbuf mutex",
                  "memory": "memory bandwidth"}


@dataclass(frozen=True)
class ServerConfig:
    """The knobs of one serving configuration.

    Attributes
    ----------
    platform : str
        ``"E5-2697v2"`` (2015), ``"E5-2697v3"`` (2016 prototype) or
        ``"E5-2697Av4"`` (2017, TLS).
    cpus : int, optional
        Logical CPUs in [1, 256]; default the platform's thread count.
    domains : int
        NUMA domains, each with its own page queues (1, or ``cpus // 2`` for
        the post's fake NUMA); in [1, cpus].
    ram_fraction : float, optional
        Share of pages already in RAM, in [0, 1]; default the calibration's
        normal mix (0.15).
    pcie_lanes : int, optional
        Lanes of the NIC's Gen3 slot (1, 2, 4, 8, 16); default the platform's.
    tls : bool
        Software TLS (kernel AES-GCM) on every byte.
    nontemporal : bool
        The cipher writes with non-temporal stores (no read-for-ownership).
    pages_per_mbuf : int
        Pages one mbuf carries, in [1, 24]; above 1 the TLS header and
        trailer ride in-line too.
    rss_lro : bool
        RSS-assisted LRO (the aggregation rate of ``lro_after``).
    pbuf_zone : bool
        pbufs from the zone allocator (no global pbuf mutex).
    proactive_scan : bool
        Proactive page scanning (no page-daemon stalls).
    inactive_hold_us, pbuf_hold_us : float, optional
        Uncontended critical-section lengths in microseconds, in [0, 100];
        default the calibrated ones.
    handoff_ns : float, optional
        Extra hold per spinning CPU in nanoseconds, in [0, 1000]; default the
        calibration's.
    """

    platform: str = "E5-2697v2"
    cpus: int | None = None
    domains: int = 1
    ram_fraction: float | None = None
    pcie_lanes: int | None = None
    tls: bool = False
    nontemporal: bool = False
    pages_per_mbuf: int = 1
    rss_lro: bool = False
    pbuf_zone: bool = False
    proactive_scan: bool = False
    inactive_hold_us: float | None = None
    pbuf_hold_us: float | None = None
    handoff_ns: float | None = None

    def __post_init__(self):
        check_choice("platform", self.platform, PLATFORMS)
        # whole-number floats (a grid slider's 12.0) are accepted and stored as int
        if self.cpus is not None:
            object.__setattr__(self, "cpus", check_range("cpus", self.cpus, 1, MAX_CPUS, integer=True))
        high = MAX_CPUS if self.cpus is None else self.cpus
        object.__setattr__(self, "domains", check_range("domains", self.domains, 1, high, integer=True))
        if self.ram_fraction is not None:
            check_range("ram_fraction", self.ram_fraction, 0.0, 1.0)
        if self.pcie_lanes is not None:
            check_choice("pcie_lanes", self.pcie_lanes, (1, 2, 4, 8, 16))
            object.__setattr__(self, "pcie_lanes", int(self.pcie_lanes))
        object.__setattr__(self, "pages_per_mbuf", check_range("pages_per_mbuf", self.pages_per_mbuf, 1, 24,
                                                               integer=True))
        for name in ("tls", "nontemporal", "rss_lro", "pbuf_zone", "proactive_scan"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name}={getattr(self, name)!r} must be True or False")
        for name, high in (("inactive_hold_us", 100.0), ("pbuf_hold_us", 100.0), ("handoff_ns", 1000.0)):
            if getattr(self, name) is not None:
                check_range(name, getattr(self, name), 0.0, high)


@dataclass(frozen=True)
class ServerResult:
    """What :func:`evaluate` found for one configuration.

    Attributes
    ----------
    gbps : float
        Modelled TCP payload throughput.
    network_gbps : float
        What the CPUs, memory and locks alone would sustain.
    ceilings : dict
        Hard limits in Gbps of payload: ``nic``, ``pcie``, ``disk``.
    stall_fraction : float
        Share of time lost to page-daemon stalls.
    bottleneck : str
        What limits ``gbps``.
    cpu_us : float
        CPU work per page per logical CPU.
    memory_bytes : float
        DRAM traffic per page.
    """

    config: ServerConfig
    network: ClosedNetwork
    solution: NetworkSolution
    gbps: float
    network_gbps: float
    ceilings: dict
    stall_fraction: float
    bottleneck: str
    cpu_us: float
    memory_bytes: float

    @property
    def capped_gbps(self) -> float:
        """Throughput while serving (between page-daemon stalls): network rate or ceiling."""
        return self.gbps / (1.0 - self.stall_fraction)

    def serving_solution(self) -> NetworkSolution:
        """The network as it runs at :attr:`capped_gbps`, for lock statistics.

        When a ceiling binds, the CPUs idle part of each loop waiting for it;
        that idle time is added to CPU work until the network's rate equals
        the ceiling (the solution's ``cpu_busy`` then counts idle CPUs too).
        """
        if self.capped_gbps >= self.network_gbps * (1.0 - 1e-12):
            return self.solution
        target = self.solution.throughput * self.capped_gbps / self.network_gbps
        net = self.network

        def excess(extra):
            return solve(replace(net, cpu_us=net.cpu_us + extra)).throughput - target

        extra = find_root(excess, 0.0, net.cpus / target)
        return solve(replace(net, cpu_us=net.cpu_us + extra))


def mbufs_per_page(pages_per_mbuf: int, tls: bool, cal: Calibration) -> float:
    """Mbufs allocated and walked per 4 KiB page served.

    Without TLS one mbuf wraps ``pages_per_mbuf`` pages. With software TLS the
    plaintext and the ciphertext each have their chain (2 per ``pages_per_mbuf``
    pages), and single-page mbufs add the post's 2 metadata mbufs per TLS record
    (header and trailer); multi-page mbufs carry those in-line.
    """
    if tls:
        inline = pages_per_mbuf > 1
        return 2.0 / pages_per_mbuf + (0.0 if inline else
                                       cal.tls_metadata_mbufs * cal.page_bytes / cal.tls_record_bytes)
    return 1.0 / pages_per_mbuf


def _cpu_and_memory(cfg: ServerConfig, cal: Calibration, fit: Fit, h: float) -> tuple[float, float]:
    """CPU work (us per page per logical CPU) and DRAM bytes per page."""
    p = cal.platform(cfg.platform)
    per_thread = 2.0 / cal.smt_speedup
    cycle_us = 1.0 / (p.ghz * 1e3)
    v3 = cal.platform("E5-2697v3")
    zref = {"E5-2697v2": fit.cpu_us_v2, "E5-2697v3": fit.cpu_us_v3}.get(cfg.platform, fit.cpu_us_v3 * v3.ghz / p.ghz)
    acks_per_page = cal.page_bytes / (cal.segments_per_ack * cal.mss_bytes)
    ack_us = cal.ack_cycles * cycle_us * per_thread
    mbuf_us = cal.multi_page_mbuf_cpu_saving / (1.0 - 1.0 / cal.max_pages_per_mbuf) * zref
    h_ref = cal.ram_fraction
    disk_us = fit.disk_share * zref / (1.0 - h_ref)
    base = zref - (1.0 - h_ref) * disk_us - mbuf_us - acks_per_page / cal.lro_before * ack_us
    if base <= 0:
        raise ValueError(f"calibration leaves no base CPU work on {cfg.platform} (base = {base:.3g} us); "
                         "disk_share, the mbuf saving and ack_cycles together exceed the fitted CPU work")
    mbufs = mbufs_per_page(cfg.pages_per_mbuf, cfg.tls, cal)
    lro = cal.lro_after if cfg.rss_lro else cal.lro_before
    crypto_us = cal.page_bytes * cal.aes_gcm_cycles_per_byte * cycle_us * per_thread if cfg.tls else 0.0
    cpu_us = base + (1.0 - h) * disk_us + mbufs * mbuf_us + acks_per_page / lro * ack_us + crypto_us
    data_passes = (1.0 - h) + 1.0 + ((2.0 if cfg.nontemporal else 3.0) if cfg.tls else 0.0)
    meta = mbufs * cal.mbuf_cache_lines * cal.cache_line_bytes * cal.mbuf_layers
    return cpu_us, cal.page_bytes * data_passes + meta


def build(cfg: ServerConfig, cal: Calibration, fit: Fit):
    """The network, ceilings (Gbps) and stall coefficient of one configuration.

    Returns
    -------
    (ClosedNetwork, dict, float, float, float)
        Network, ceilings, stall coefficient ``k`` (per Gbps), CPU work and
        memory bytes per page.
    """
    p = cal.platform(cfg.platform)
    cpus = p.threads if cfg.cpus is None else cfg.cpus
    if cfg.domains > cpus:
        raise ValueError(f"domains={cfg.domains} is out of range; expected [1, {cpus}] (cpus)")
    h = cal.ram_fraction if cfg.ram_fraction is None else cfg.ram_fraction
    cpu_us, mem_bytes = _cpu_and_memory(cfg, cal, fit, h)
    memory_us = mem_bytes / (fit.memory_efficiency * p.memory_gbytes_s * 1e3)
    net = ClosedNetwork(
        cpus=cpus,
        domains=cfg.domains,
        cpu_us=cpu_us,
        memory_us=memory_us,
        lock_us=fit.inactive_hold_us if cfg.inactive_hold_us is None else cfg.inactive_hold_us,
        lock_visits=h,
        global_lock_us=fit.pbuf_hold_us if cfg.pbuf_hold_us is None else cfg.pbuf_hold_us,
        global_lock_visits=0.0 if cfg.pbuf_zone else (1.0 - h) * cal.pbuf_locks_per_io / cal.pbuf_pages_per_io,
        handoff_us=(cal.handoff_ns_per_waiter if cfg.handoff_ns is None else cfg.handoff_ns) / 1e3,
    )
    link = cal.pcie_gts_per_lane * cal.pcie_encoding * cal.pcie_tlp_efficiency
    lanes = p.nic_lanes if cfg.pcie_lanes is None else cfg.pcie_lanes
    ceilings = {
        "nic": cal.nic_line_gbps * cal.mss_bytes / cal.frame_bytes,
        "pcie": lanes * link * (1.0 - cal.nic_dma_overhead),
        "disk": p.nvme_drives * cal.nvme_lanes * link / (1.0 - h) if p.nvme_drives > 0 and h < 1.0 else math.inf,
    }
    stall_k = 0.0
    if not cfg.proactive_scan and h < 1.0:
        per_disk_gbps = cal.stall_seconds * cal.stalls_per_minute / 60.0 / (
            (1.0 - cal.ram_fraction) * cal.stall_reference_gbps)
        stall_k = per_disk_gbps * (1.0 - h)
    return net, ceilings, stall_k, cpu_us, mem_bytes


def evaluate_fitted(config: ServerConfig, fit: Fit, calibration: Calibration | None = None) -> ServerResult:
    """Throughput and bottleneck of one serving configuration under given fitted quantities.

    :func:`labcdn.serving.evaluate` is this with the default fit; the calibration
    (:mod:`labcdn.serving.fitting`) calls it with trial fits.

    Parameters
    ----------
    config : ServerConfig
        The knobs.
    fit : Fit
        Fitted quantities (:func:`labcdn.serving.default_fit`, or a trial of the calibration).
    calibration : Calibration, optional
        Inputs; default the shipped file.

    Returns
    -------
    ServerResult
        Gbps, the network's own rate, ceilings, stall share and bottleneck.
    """
    if not isinstance(config, ServerConfig):
        raise ValueError(f"config must be a labcdn.serving.ServerConfig; got {type(config).__name__}")
    cal = default_calibration() if calibration is None else calibration
    net, ceilings, stall_k, cpu_us, mem_bytes = build(config, cal, fit)
    sol = solve(net)
    net_gbps = sol.throughput * cal.gbps_per_page_per_us
    cap_name = min(ceilings, key=ceilings.get)
    capped = min(net_gbps, ceilings[cap_name])
    gbps = capped / (1.0 + stall_k * capped)
    if ceilings[cap_name] < net_gbps:
        label = cap_name
    else:
        bounds = asymptotic_bounds(net)
        label = NETWORK_LABELS[min(bounds, key=bounds.get)]
    if stall_k > 0:
        label += " + page-daemon stalls"
    return ServerResult(config=config, network=net, solution=sol, gbps=gbps, network_gbps=net_gbps,
                        ceilings=ceilings, stall_fraction=1.0 - gbps / capped, bottleneck=label,
                        cpu_us=cpu_us, memory_bytes=mem_bytes)


def step_configs() -> tuple[ServerConfig, ...]:
    """One configuration per published step, each the previous one plus the step's changes."""
    cfg = ServerConfig(**BASELINE)
    out = []
    for step in STEPS:
        cfg = replace(cfg, **step.changes)
        out.append(cfg)
    return tuple(out)
