"""Fitting the six quantities the post does not give, each to the step it governs.

:func:`calibrate` solves for them; :func:`default_fit` is the fit of the shipped
calibration and :func:`evaluate` a configuration under it; :func:`sensitivity`
refits with each uncertain input at the ends of its plausible range and shows
which published steps an assumption can move.
"""

from __future__ import annotations

import math
from dataclasses import fields, replace
from functools import lru_cache

import polars as pl
from tqdm.auto import tqdm

from labcdn._validation import check_choice, check_range
from labcdn.serving.appliance import ServerConfig, ServerResult, evaluate_fitted, step_configs
from labcdn.serving.calibration import FIT_ROWS, Calibration, Fit, default_calibration, find_root
from labcdn.serving.figures import STEPS


def calibrate(calibration: Calibration | None = None, *, tol: float = 1e-12, max_rounds: int = 100) -> Fit:
    """Fit the six quantities the post does not give, each to its published step.

    Each anchor (``STEPS[i].anchor``) is solved for in turn with the others
    held, and the round repeats until no quantity moves by more than ``tol``
    (relative): CPU work per page on the 2015 platform (baseline, 40 Gbps);
    the inactive-queue lock's hold (serving from RAM, 22 Gbps); the disk-path
    share of CPU work (fake NUMA leaves ``fake_numa_cpu_idle`` of the CPU idle
    at the published 52 Gbps); the pbuf mutex's hold (60 Gbps); CPU work on
    the 2016 prototype (proactive scanning, 80 Gbps); memory efficiency
    (software TLS, 58 Gbps).

    Parameters
    ----------
    calibration : Calibration, optional
        Inputs; default the shipped file.
    tol : float
        Relative convergence tolerance, in (0, 1e-3].
    max_rounds : int
        Rounds before giving up, in [1, 10000].

    Returns
    -------
    Fit
        The fitted quantities.
    """
    cal = default_calibration() if calibration is None else calibration
    check_range("tol", tol, 0.0, 1e-3, low_open=True)
    check_range("max_rounds", max_rounds, 1, 10_000, integer=True)
    configs = dict(zip((s.key for s in STEPS), step_configs(), strict=True))
    anchors = {s.anchor: (s, configs[s.key]) for s in STEPS if s.anchor}
    fit = cal.fitted if cal.fitted is not None else Fit(15.0, 10.0, 0.3, 1.0, 5.0, 0.5)
    brackets = {"cpu_us_v2": (1e-3, 1e4), "cpu_us_v3": (1e-3, 1e4), "disk_share": (0.0, 0.999),
                "inactive_hold_us": (1e-6, 1e3), "pbuf_hold_us": (1e-6, 1e4), "memory_efficiency": (1e-3, 1.0)}

    def metric(step, cfg, trial):
        res = evaluate_fitted(cfg, trial, cal)
        if step.anchor == "disk_share":  # CPU-bound rate the idle share implies at the published figure
            return res.network_gbps - step.published_gbps / (1.0 - cal.fake_numa_cpu_idle)
        return res.gbps - step.published_gbps

    for _ in range(max_rounds):
        moved = 0.0
        for name, (step, cfg) in anchors.items():
            attr = FIT_ROWS[name]
            lo, hi = brackets[attr]
            if attr == "disk_share":  # keep some base CPU work on every platform
                hi = min(hi, 1.0 - cal.multi_page_mbuf_cpu_saving / (1 - 1 / cal.max_pages_per_mbuf) - 1e-6)

            def f(v, attr=attr, step=step, cfg=cfg, base=fit):
                try:
                    return metric(step, cfg, replace(base, **{attr: v}))
                except ValueError:  # no base work left: treat as far too little CPU work
                    return math.inf if attr != "memory_efficiency" else -math.inf

            try:
                value = find_root(f, lo, hi)
                if not abs(f(value)) <= 1e-6 * step.published_gbps:  # a jump, not a root
                    raise ValueError("no root")
            except ValueError:
                raise ValueError(
                    f"cannot reach the published {step.published_gbps} Gbps of step {step.key!r} by moving "
                    f"{name} within [{lo}, {hi}]; check the calibration inputs") from None
            moved = max(moved, abs(value - getattr(fit, attr)) / max(abs(value), 1e-300))
            fit = replace(fit, **{attr: value})
        if moved <= tol:
            return fit
    raise ValueError(f"calibration did not converge in {max_rounds} rounds (last relative move {moved:.3g})")


@lru_cache(maxsize=1)
def default_fit() -> Fit:
    """:func:`calibrate` of the shipped calibration, computed once."""
    return calibrate(default_calibration())


def evaluate(config: ServerConfig, fit: Fit | None = None, calibration: Calibration | None = None) -> ServerResult:
    """Throughput and bottleneck of one serving configuration.

    Parameters
    ----------
    config : ServerConfig
        The knobs.
    fit : Fit, optional
        Fitted quantities; default :func:`default_fit`.
    calibration : Calibration, optional
        Inputs; default the shipped file.

    Returns
    -------
    ServerResult
        Gbps, the network's own rate, ceilings, stall share and bottleneck
        (:func:`labcdn.serving.appliance.evaluate_fitted`).
    """
    return evaluate_fitted(config, default_fit() if fit is None else fit, calibration)


#: Plausible ranges of the inputs the post does not pin down (see the calibration file).
SENSITIVITY = {
    "fake_numa_cpu_idle": (0.1, 0.4),  # 'substantial CPU idle time'
    "ack_cycles": (2000.0, 8000.0),  # assumption: half and twice
    "handoff_ns_per_waiter": (0.0, 60.0),  # none, to a full cache-line transfer per spinner
    "mbuf_layers": (3.0, 12.0),  # half and twice the post's six layers
    "smt_speedup": (1.1, 1.5),  # the assumed 1.25 (Intel: 'up to 30%'), widened both ways
    "stall_seconds": (3.0, 5.0),  # 'several seconds'
    "ram_fraction": (0.10, 0.20),  # the post's 10-20%
    "multi_page_mbuf_cpu_saving": (0.05, 0.10),  # the commit's 5-10%
    "pcie_tlp_efficiency": (0.76, 0.914),  # 64-byte read completions .. 256-byte TLPs with 24 bytes of overhead
}


def sensitivity(ranges: dict | None = None, calibration: Calibration | None = None, *,
                progress: bool = True) -> pl.DataFrame:
    """Recalibrate with each uncertain input at the ends of its range; every step's Gbps.

    Each input is moved alone, the six fitted quantities are refitted to their
    anchors, and every step is evaluated again, so the table shows which
    predictions an assumption can move (the anchors stay put by construction).

    Parameters
    ----------
    ranges : dict, optional
        ``{calibration field: (low, high)}``; default :data:`SENSITIVITY`.
    calibration : Calibration, optional
        Inputs; default the shipped file.
    progress : bool
        Show a tqdm bar on stderr (a full run refits 19 times, a few seconds).

    Returns
    -------
    polars.DataFrame
        ``parameter, value, step, published_gbps, model_gbps, rel_error``;
        the calibration as shipped has ``parameter == "as calibrated"``.
    """
    cal = default_calibration() if calibration is None else calibration
    ranges = SENSITIVITY if ranges is None else ranges
    if not isinstance(ranges, dict) or not ranges:
        raise ValueError("ranges must be a non-empty dict {calibration field: (low, high)}")
    known = {f.name for f in fields(Calibration)} - {"platforms", "fitted"}
    for name, values in ranges.items():
        check_choice("ranges key", name, sorted(known))
        if len(values) == 0:
            raise ValueError(f"ranges[{name!r}] must list at least one value")
    trials = [("as calibrated", math.nan, cal)]
    trials += [(name, float(v), replace(cal, **{name: float(v)})) for name, values in ranges.items() for v in values]
    steps = list(zip(STEPS, step_configs(), strict=True))
    rows = []
    for name, value, trial in tqdm(trials, desc="recalibrating", leave=False, disable=not progress):
        fit = calibrate(trial)
        for step, cfg in steps:
            gbps = evaluate_fitted(cfg, fit, trial).gbps
            rows.append({"parameter": name, "value": value, "step": step.key,
                         "published_gbps": step.published_gbps, "model_gbps": gbps,
                         "rel_error": gbps / step.published_gbps - 1.0})
    return pl.DataFrame(rows)


def ram_sensitivity(shares: dict, calibration: Calibration | None = None) -> pl.DataFrame:
    """Recalibrate with the share of traffic served from RAM set by each reading of the source line.

    Parameters
    ----------
    shares : dict
        ``{label: share of traffic from RAM}``, each in [0, 1] (e.g. the rows of
        :func:`labcdn.replication.ram_readings`).
    calibration : Calibration, optional
        Inputs; default the shipped file.

    Returns
    -------
    polars.DataFrame
        ``reading, ram_fraction, calibrates, step, published_gbps, model_gbps,
        rel_error, reason``: one row per step when the six anchors can be
        refitted; otherwise one row with ``calibrates`` false, nulls, and the
        reason (the published step the model can no longer reach).
    """
    cal = default_calibration() if calibration is None else calibration
    if not isinstance(shares, dict) or not shares:
        raise ValueError("shares must be a non-empty dict {reading: share of traffic from RAM}")
    steps = list(zip(STEPS, step_configs(), strict=True))
    rows = []
    for label, share in shares.items():
        check_range(f"shares[{label!r}]", share, 0.0, 1.0)
        trial = replace(cal, ram_fraction=float(share))
        try:
            fit = calibrate(trial)
        except ValueError as err:
            rows.append({"reading": label, "ram_fraction": float(share), "calibrates": False, "step": None,
                         "published_gbps": None, "model_gbps": None, "rel_error": None,
                         "reason": str(err).split(";")[0]})
            continue
        for step, cfg in steps:
            gbps = evaluate(cfg, fit, trial).gbps
            rows.append({"reading": label, "ram_fraction": float(share), "calibrates": True, "step": step.key,
                         "published_gbps": step.published_gbps, "model_gbps": gbps,
                         "rel_error": gbps / step.published_gbps - 1.0, "reason": None})
    return pl.DataFrame(rows, schema={"reading": pl.String, "ram_fraction": pl.Float64, "calibrates": pl.Boolean,
                                      "step": pl.String, "published_gbps": pl.Float64, "model_gbps": pl.Float64,
                                      "rel_error": pl.Float64, "reason": pl.String})
