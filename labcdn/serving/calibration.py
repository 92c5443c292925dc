"""Every input of the serving model, read from ``data/serving_calibration.csv``.

One row per parameter: name, value, unit and source (the Netflix post, Intel
ARK, FreeBSD commits, RFCs, or an assumption said to be one). Six rows,
``fit.*``, record what :func:`labcdn.serving.calibrate` fitted when the file
was written; the tests check they still agree.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path

CALIBRATION_CSV = Path(__file__).resolve().parents[2] / "data" / "serving_calibration.csv"
PLATFORMS = ("E5-2697v2", "E5-2697v3", "E5-2697Av4")
_PLATFORM_FIELDS = ("cores", "threads", "ghz", "memory_gbytes_s", "nic_lanes", "nvme_drives")


@dataclass(frozen=True)
class Platform:
    """One server generation (Intel ARK figures, see the calibration file)."""

    name: str
    cores: int
    threads: int
    ghz: float
    memory_gbytes_s: float
    nic_lanes: int
    nvme_drives: int


@dataclass(frozen=True)
class Fit:
    """The six quantities :func:`calibrate` fits, each to one published step.

    Attributes
    ----------
    cpu_us_v2, cpu_us_v3 : float
        CPU work per page per logical CPU at the platform's reference step
        (baseline on the E5-2697 v2; proactive scanning on the E5-2697 v3).
        The E5-2697A v4 runs the v3's cycles.
    disk_share : float
        Share of that work spent reading the page from disk.
    inactive_hold_us, pbuf_hold_us : float
        Uncontended hold time per acquisition of the two locks.
    memory_efficiency : float
        Share of peak memory bandwidth the serving mix attains.
    """

    cpu_us_v2: float
    cpu_us_v3: float
    disk_share: float
    inactive_hold_us: float
    pbuf_hold_us: float
    memory_efficiency: float


FIT_ROWS = {"cpu_us.E5-2697v2": "cpu_us_v2", "cpu_us.E5-2697v3": "cpu_us_v3", "disk_share": "disk_share",
              "inactive_hold_us": "inactive_hold_us", "pbuf_hold_us": "pbuf_hold_us",
              "memory_efficiency": "memory_efficiency"}


@dataclass(frozen=True)
class Calibration:
    """Every input of the model, read from ``data/serving_calibration.csv``.

    Field meanings, units and sources are in the file, one row per field
    (``fitted`` holds the ``fit.*`` rows: the values :func:`calibrate`
    produced when the file was written, checked by the tests).
    """

    page_bytes: float
    mss_bytes: float
    frame_bytes: float
    segments_per_ack: float
    nic_line_gbps: float
    pcie_gts_per_lane: float
    pcie_encoding: float
    pcie_tlp_efficiency: float
    nic_dma_overhead: float
    nvme_lanes: float
    smt_speedup: float
    aes_gcm_cycles_per_byte: float
    tls_record_bytes: float
    tls_metadata_mbufs: float
    mbuf_cache_lines: float
    mbuf_layers: float
    cache_line_bytes: float
    multi_page_mbuf_cpu_saving: float
    max_pages_per_mbuf: float
    ack_cycles: float
    lro_before: float
    lro_after: float
    ram_fraction: float
    stall_seconds: float
    stalls_per_minute: float
    stall_reference_gbps: float
    pbuf_pages_per_io: float
    pbuf_locks_per_io: float
    handoff_ns_per_waiter: float
    fake_numa_cpu_idle: float
    platforms: tuple[Platform, ...] = field(default=())
    fitted: Fit | None = None

    @property
    def gbps_per_page_per_us(self) -> float:
        """Gbps carried by a rate of one page per microsecond (``page_bytes * 8 / 1e3``)."""
        return self.page_bytes * 8.0 / 1e3

    def platform(self, name: str) -> Platform:
        """The :class:`Platform` called ``name``."""
        for p in self.platforms:
            if p.name == name:
                return p
        raise ValueError(f"platform={name!r} is not one of {', '.join(repr(p.name) for p in self.platforms)}")


_SCALARS = tuple(f.name for f in fields(Calibration) if f.name not in ("platforms", "fitted"))


def read_calibration(path=None) -> Calibration:
    """Read the calibration file.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        CSV with columns ``name,value,unit,source``; default
        ``data/serving_calibration.csv``.

    Returns
    -------
    Calibration
        The parameters.
    """
    path = Path(CALIBRATION_CSV if path is None else path)
    values: dict[str, float] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header != ["name", "value", "unit", "source"]:
            raise ValueError(f"{path}:1: header must be name,value,unit,source; got {header}")
        for line_no, row in enumerate(reader, start=2):
            if len(row) != 4:
                raise ValueError(f"{path}:{line_no}: expected 4 fields (name,value,unit,source); got {len(row)}")
            name, value, _, source = row
            if name in values:
                raise ValueError(f"{path}:{line_no}: {name!r} appears twice")
            if not source.strip():
                raise ValueError(f"{path}:{line_no}: {name!r} has no source")
            try:
                values[name] = float(value)
            except ValueError:
                raise ValueError(f"{path}:{line_no}: value of {name!r} is not a number: {value!r}") from None
    wanted = set(_SCALARS) | {f"{p}.{f}" for p in PLATFORMS for f in _PLATFORM_FIELDS}
    wanted |= {f"fit.{k}" for k in FIT_ROWS}
    missing, unknown = sorted(wanted - set(values)), sorted(set(values) - wanted)
    if missing or unknown:
        raise ValueError(f"{path}: missing parameters {missing}; unknown parameters {unknown}")
    platforms = tuple(
        Platform(p, int(values[f"{p}.cores"]), int(values[f"{p}.threads"]), values[f"{p}.ghz"],
                 values[f"{p}.memory_gbytes_s"], int(values[f"{p}.nic_lanes"]), int(values[f"{p}.nvme_drives"]))
        for p in PLATFORMS
    )
    fitted = Fit(**{attr: values[f"fit.{k}"] for k, attr in FIT_ROWS.items()})
    return Calibration(**{k: values[k] for k in _SCALARS}, platforms=platforms, fitted=fitted)


@lru_cache(maxsize=1)
def default_calibration() -> Calibration:
    """The shipped calibration file, read once."""
    return read_calibration()


def find_root(f, lo, hi, tol=1e-13, max_iter=200):
    """Root of a monotone ``f`` in ``[lo, hi]`` (Illinois false position; bisection while an end is infinite).

    Raises ``ValueError`` when ``f`` does not change sign on the bracket.
    """
    f_lo, f_hi = f(lo), f(hi)
    if f_lo == 0.0:
        return lo
    if f_hi == 0.0:
        return hi
    if f_lo * f_hi > 0 or math.isnan(f_lo) or math.isnan(f_hi):
        raise ValueError("no sign change")
    for _ in range(max_iter):  # bisect until both ends are finite (infinite = infeasible region)
        if math.isfinite(f_lo) and math.isfinite(f_hi):
            break
        mid = 0.5 * (lo + hi)
        f_mid = f(mid)
        if f_mid == 0.0:
            return mid
        if f_mid * f_lo > 0:
            lo, f_lo = mid, f_mid
        else:
            hi, f_hi = mid, f_mid
    side = 0
    x = lo
    for _ in range(max_iter):
        x = (lo * f_hi - hi * f_lo) / (f_hi - f_lo)
        fx = f(x)
        if fx == 0.0 or abs(hi - lo) <= tol * max(abs(x), 1e-300):
            return x
        if fx * f_hi > 0:
            hi, f_hi = x, fx
            if side == -1:
                f_lo /= 2.0
            side = -1
        else:
            lo, f_lo = x, fx
            if side == 1:
                f_hi /= 2.0
            side = 1
    return x
