"""Published figures beside the model's, and the headline numbers at the defaults."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import polars as pl

from labcdn.hashing.algorithms import ALGORITHMS, DEFAULTS, Defaults, build
from labcdn.hashing.balance import balance, overprovisioning, share_balance
from labcdn.hashing.costs import best_time
from labcdn.hashing.disruption import disruption


class Figure(NamedTuple):
    """One published number and where it comes from."""

    figure: str
    source: str
    published: float | None
    note: str


LAMPING = "Lamping & Veach 2014, A Fast, Minimal Memory, Consistent Hash Algorithm"
MAGLEV = "Eisenbud et al. 2016, Maglev, NSDI, section 5.3"
PUBLISHED = {
    "ring_1000_points_std": Figure("ring, 1000 points per server: std of share", LAMPING, 0.032,
                                   "model: CV of exact arc shares, 1000 servers"),
    "jump_std": Figure("jump: std of bucket share / mean", LAMPING, 7.64e-9,
                       "model: exact shares under independent 31-bit draws, n = defaults.servers; "
                       "grows about as n * 2**-31"),
    "maglev_spread": Figure("maglev, M > 100 N: max/min share - 1", MAGLEV, 0.01,
                            "published as 'at most 1%'; model: 655 backends, M = 65537"),
    "overprov_ring_small": Figure("over-provisioning, ring (Karger), N=1000, M=65537", MAGLEV, 0.297,
                                  "model: 1000 points per backend"),
    "overprov_rendezvous_small": Figure("over-provisioning, rendezvous, N=1000, M=65537", MAGLEV, 0.495, ""),
    "overprov_maglev_small": Figure("over-provisioning, maglev, N=1000, M=65537", MAGLEV, None,
                                    "published as 'almost perfect'"),
    "overprov_ring_large": Figure("over-provisioning, ring (Karger), N=1000, M=655373", MAGLEV, 0.103,
                                  "model: 1000 points per backend"),
    "overprov_rendezvous_large": Figure("over-provisioning, rendezvous, N=1000, M=655373", MAGLEV, 0.123, ""),
    "maglev_vs_ring_removal": Figure("keys moved on removal, maglev / ring", "Envoy docs, Maglev load balancer",
                                     2.0, "published as 'approximately double'; model at the defaults"),
    "bounded_max": Figure("bounded loads, c = 1.25: max load / mean", "Mirrokni, Thorup & Zadimoghaddam 2018",
                          1.25, "an upper bound; model: 1 point per server, where the plain ring is far off"),
}
TIMED = {
    "maglev_build_small": Figure("maglev table build, M=65537, N=1000 (ms)", MAGLEV, 1.8,
                                 "machine-dependent; best of 5"),
    "maglev_build_large": Figure("maglev table build, M=655373, N=1000 (ms)", MAGLEV, 22.9,
                                 "machine-dependent; best of 5"),
}


def _model_figures(defaults):
    """The model's value for each key of ``PUBLISHED``."""
    over = overprovisioning()
    over = {(r["algorithm"], r["table_size"]): r["overprovision"] for r in over.iter_rows(named=True)}
    removal = disruption(("ring", "maglev"), servers=defaults.servers, files=defaults.files,
                         vnodes=defaults.vnodes, table_size=defaults.table_size, seed=defaults.seed)
    removal = dict(removal.filter(pl.col("change") == "remove").select("algorithm", "moved").iter_rows())
    bounded = balance("bounded", servers=defaults.servers, files=defaults.files, vnodes=1,
                      balance_factor=1.25, seed=defaults.seed)
    return {
        "ring_1000_points_std": share_balance("ring", servers=1000, vnodes=1000)[1],
        "jump_std": share_balance("jump", servers=defaults.servers)[1],
        "maglev_spread": share_balance("maglev", servers=655, table_size=65_537)[2] - 1.0,
        "overprov_ring_small": over["ring", 65_537],
        "overprov_rendezvous_small": over["rendezvous", 65_537],
        "overprov_maglev_small": over["maglev", 65_537],
        "overprov_ring_large": over["ring", 655_373],
        "overprov_rendezvous_large": over["rendezvous", 655_373],
        "maglev_vs_ring_removal": removal["maglev"] / removal["ring"],
        "bounded_max": bounded.filter(pl.col("demand") == "uniform")["max_over_mean"][0],
    }


def published_figures(defaults=DEFAULTS, *, timings=False):
    """Each published figure beside the model's reproduction of it.

    Parameters
    ----------
    defaults : Defaults
        Slider values used where a figure depends on them.
    timings : bool
        Also time Maglev's table build (machine-dependent: keep it out of
        outputs that are compared between runs).

    Returns
    -------
    polars.DataFrame
        One row per figure: ``figure, source, published, model, note``.

    References
    ----------
    .. [1] J. Lamping, E. Veach, arXiv:1406.2294, 2014.
    .. [2] D. E. Eisenbud et al., NSDI 2016.
    .. [3] Envoy documentation, "Supported load balancers: Maglev".
    .. [4] V. Mirrokni, M. Thorup, M. Zadimoghaddam, SODA 2018.
    """
    if not isinstance(defaults, Defaults):
        raise ValueError(f"defaults must be a labcdn.hashing.Defaults; got {type(defaults).__name__}")
    model = _model_figures(defaults)
    figures = dict(PUBLISHED)
    if timings:
        for key, m in (("maglev_build_small", 65_537), ("maglev_build_large", 655_373)):
            model[key] = 1e3 * best_time(lambda m=m: build("maglev", 1000, table_size=m), 5)
        figures.update(TIMED)
    return pl.DataFrame(
        [{"figure": f.figure, "source": f.source, "published": f.published, "model": float(model[key]),
          "note": f.note} for key, f in figures.items()],
        schema={"figure": pl.String, "source": pl.String, "published": pl.Float64, "model": pl.Float64,
                "note": pl.String},
    )


def summary(defaults=DEFAULTS):
    """Headline balance and disruption per algorithm at the defaults (for ``labcdn hashing --json``).

    Parameters
    ----------
    defaults : Defaults
        Slider values to evaluate at.

    Returns
    -------
    dict
        ``{"defaults": {...}, "algorithms": {name: {"balance": {demand:
        {"max_over_mean", "cv"}}, "disruption": {change: {"moved", "ideal",
        "excess"}}}}}``, plain floats (JSON-serialisable).
    """
    if not isinstance(defaults, Defaults):
        raise ValueError(f"defaults must be a labcdn.hashing.Defaults; got {type(defaults).__name__}")
    common = {"servers": defaults.servers, "files": defaults.files, "vnodes": defaults.vnodes,
              "table_size": defaults.table_size, "balance_factor": defaults.balance_factor,
              "zipf_exponent": defaults.zipf_exponent, "seed": defaults.seed}
    bal = balance(ALGORITHMS, **common)
    dis = disruption(ALGORITHMS, **common)
    out = {"defaults": {k: (v.item() if isinstance(v, np.generic) else v) for k, v in defaults._asdict().items()},
           "algorithms": {}}
    for name in ALGORITHMS:
        out["algorithms"][name] = {
            "balance": {r["demand"]: {"max_over_mean": r["max_over_mean"], "cv": r["cv"]}
                        for r in bal.filter(pl.col("algorithm") == name).iter_rows(named=True)},
            "disruption": {r["change"]: {"moved": r["moved"], "ideal": r["ideal"], "excess": r["excess"]}
                           for r in dis.filter(pl.col("algorithm") == name).iter_rows(named=True)},
        }
    return out
