"""What-if tables for the chapter: one knob swept, and the two methods side by side.

:func:`sweep` evaluates a configuration over the values of one knob (the
precomputed grid behind a kernel-free Vega-Lite slider); :func:`two_methods`
solves one configuration's network exactly and simulates it, so the reader
sees the two independent methods agree.
"""

from __future__ import annotations

import dataclasses

import polars as pl

from labcdn._validation import check_choice, check_range
from labcdn.serving.appliance import ServerConfig
from labcdn.serving.calibration import default_calibration
from labcdn.serving.fitting import evaluate
from labcdn.serving.simulation import simulate

KNOBS = tuple(f.name for f in dataclasses.fields(ServerConfig) if f.name != "platform")


def sweep(knob: str, values, config: ServerConfig | None = None) -> pl.DataFrame:
    """Evaluate ``config`` with ``knob`` set to each of ``values``.

    Parameters
    ----------
    knob : str
        A :class:`ServerConfig` field other than ``platform`` (e.g. ``"domains"``).
    values : iterable
        Values to try; each must be valid for the knob.
    config : ServerConfig, optional
        Starting configuration; default :data:`labcdn.serving.DEFAULTS`.

    Returns
    -------
    polars.DataFrame
        ``knob, value, gbps, network_gbps, stall_fraction, bottleneck``: one
        row per value (``value`` as float).
    """
    from labcdn.serving.steps import DEFAULTS  # the defaults live with the chapter's tables

    check_choice("knob", knob, KNOBS)
    config = DEFAULTS.config() if config is None else config
    if not isinstance(config, ServerConfig):
        raise ValueError(f"config must be a labcdn.serving.ServerConfig; got {type(config).__name__}")
    rows = []
    for v in values:
        res = evaluate(dataclasses.replace(config, **{knob: v}))
        rows.append({"knob": knob, "value": float(v), "gbps": res.gbps, "network_gbps": res.network_gbps,
                     "stall_fraction": res.stall_fraction, "bottleneck": res.bottleneck})
    if not rows:
        raise ValueError("values must not be empty")
    return pl.DataFrame(rows)


def two_methods(config: ServerConfig | None = None, events: int = 1_000_000, seed: int = 2017) -> pl.DataFrame:
    """The configuration's network solved exactly and simulated, side by side.

    Parameters
    ----------
    config : ServerConfig, optional
        Default :data:`labcdn.serving.DEFAULTS`.
    events : int
        Simulated service completions, in [1000, 1e9].
    seed : int
        Simulation seed.

    Returns
    -------
    polars.DataFrame
        ``quantity, exact, simulation, rel_diff``: network Gbps, mean CPUs
        doing CPU work, at memory, at the domain locks (all domains) and at
        the global lock.
    """
    from labcdn.serving.steps import DEFAULTS

    config = DEFAULTS.config() if config is None else config
    events = check_range("events", events, 1000, 1e9, integer=True)
    res = evaluate(config)
    net, sol = res.network, res.solution  # evaluate has solved the network exactly
    sim = simulate(net, events, seed=seed)
    per_rate = default_calibration().gbps_per_page_per_us
    d = net.domains
    pairs = {
        "network_gbps": (sol.throughput * per_rate, sim.throughput * per_rate),
        "cpus_working": (sol.cpu_busy, float(sim.mean_number[0])),
        "cpus_at_memory": (sol.memory_queue, float(sim.mean_number[1])),
        "cpus_at_domain_locks": (float(sol.lock_queue.sum()), float(sim.mean_number[2:2 + d].sum())),
        "cpus_at_global_lock": (sol.global_lock_queue, float(sim.mean_number[2 + d])),
    }
    return pl.DataFrame([{"quantity": k, "exact": a, "simulation": b,
                          "rel_diff": (b / a - 1.0) if a > 0 else 0.0} for k, (a, b) in pairs.items()])
