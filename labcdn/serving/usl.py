"""The Universal Scalability Law fitted to modelled throughput versus CPUs.

Gunther's USL writes the throughput of ``N`` CPUs as

    X(N) = lambda N / (1 + alpha (N - 1) + beta N (N - 1)),

``alpha`` the contention (the serial share that queues) and ``beta`` the
coherency cost (pairwise exchange, which makes throughput fall past the peak
``N* = sqrt((1 - alpha) / beta)``). :func:`usl_fit` fits it the textbook way:
``lambda = X(1)``, then least squares of ``N X(1) / X(N) - 1`` on ``N - 1``
and ``N (N - 1)`` with ``alpha, beta >= 0``. :func:`scaling` computes the
curves to fit: the serving network of one configuration with 1..``max_cpus``
CPUs, all CPUs in one domain or one fake-NUMA domain per two CPUs.

References
----------
.. [1] N. J. Gunther, *Guerrilla Capacity Planning*, Springer, 2007, ch. 4-6.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import NamedTuple

import numpy as np
import polars as pl

from labcdn._validation import check_array, check_range
from labcdn.serving.appliance import ServerConfig, step_configs
from labcdn.serving.figures import STEPS
from labcdn.serving.fitting import evaluate

LAYOUTS = ("one domain", "fake NUMA")


class UslFit(NamedTuple):
    """A fitted Universal Scalability Law.

    Attributes
    ----------
    lam : float
        Throughput of one CPU (units of the data).
    alpha : float
        Contention coefficient, >= 0.
    beta : float
        Coherency coefficient, >= 0.
    n_star : float
        CPUs at peak throughput, ``sqrt((1 - alpha) / beta)`` (inf when beta is 0).
    """

    lam: float
    alpha: float
    beta: float
    n_star: float

    def __call__(self, n):
        """USL throughput at ``n`` CPUs."""
        n = np.asarray(n, dtype=np.float64)
        return self.lam * n / (1.0 + self.alpha * (n - 1.0) + self.beta * n * (n - 1.0))


def usl_fit(cpus, throughput) -> UslFit:
    """Fit the USL to throughput measured at several CPU counts.

    Parameters
    ----------
    cpus : array_like of int
        CPU counts, >= 1; must include 1 and at least two other values.
    throughput : array_like of float
        Throughput at each count, > 0.

    Returns
    -------
    UslFit
        ``lam``, ``alpha``, ``beta`` and the peak ``n_star``.

    References
    ----------
    .. [1] N. J. Gunther, *Guerrilla Capacity Planning*, Springer, 2007, ch. 5.
    """
    n = check_array("cpus", cpus, dtype=np.float64, low=1.0, min_size=3)
    x = check_array("throughput", throughput, dtype=np.float64, min_size=3)
    if x.size != n.size:
        raise ValueError(f"throughput must have one value per cpus entry; got {x.size} for {n.size}")
    if np.any(x <= 0):
        raise ValueError("throughput must be > 0 everywhere")
    if not np.any(n == 1):
        raise ValueError("cpus must include 1 (the USL is normalised by X(1))")
    lam = float(x[n == 1].mean())
    rest = n != 1
    y = n[rest] * lam / x[rest] - 1.0
    a = np.column_stack([n[rest] - 1.0, n[rest] * (n[rest] - 1.0)])
    coef, *_ = np.linalg.lstsq(a, y, rcond=None)
    alpha, beta = float(coef[0]), float(coef[1])
    if alpha < 0 or beta < 0:  # non-negative least squares on two unknowns: try each face
        best = None
        for col in (0, 1):
            c = max(float(a[:, col] @ y / (a[:, col] @ a[:, col])), 0.0)
            sse = float(((y - c * a[:, col]) ** 2).sum())
            if best is None or sse < best[0]:
                best = (sse, col, c)
        _, col, c = best
        alpha, beta = (c, 0.0) if col == 0 else (0.0, c)
    n_star = math.sqrt(max(1.0 - alpha, 0.0) / beta) if beta > 0 else math.inf
    return UslFit(lam, alpha, beta, n_star)


def _layout_domains(layout, cpus):
    return 1 if layout == "one domain" else max(1, cpus // 2)


def scaling(config: ServerConfig | None = None, max_cpus: int = 48) -> pl.DataFrame:
    """Modelled throughput versus CPUs, one domain and fake NUMA, with the fitted USL.

    Throughput is what the CPUs, memory and locks sustain (no NIC, PCIe or
    disk ceiling, no page-daemon stalls): the software's own scaling.

    Parameters
    ----------
    config : ServerConfig, optional
        Configuration whose CPU count and domains are varied; default the
        serve-from-RAM step (the post's contention experiment).
    max_cpus : int
        Largest CPU count, in [3, 256].

    Returns
    -------
    polars.DataFrame
        ``layout, cpus, gbps, usl_gbps``: one row per layout and CPU count.
    """
    return pl.concat([pl.DataFrame({"layout": [layout] * cpus.size, "cpus": cpus, "gbps": gbps,
                                    "usl_gbps": fit(cpus)})
                      for layout, cpus, gbps, fit in _curves(config, max_cpus)])


def _curves(config, max_cpus):
    """``(layout, cpus, gbps, UslFit)`` per layout: the curves :func:`scaling` and :func:`usl_table` share."""
    config = _default_config() if config is None else config
    if not isinstance(config, ServerConfig):
        raise ValueError(f"config must be a labcdn.serving.ServerConfig; got {type(config).__name__}")
    max_cpus = check_range("max_cpus", max_cpus, 3, 256, integer=True)
    out = []
    for layout in LAYOUTS:
        cpus = np.arange(1, max_cpus + 1)
        gbps = np.array([evaluate(replace(config, cpus=int(c), domains=_layout_domains(layout, int(c))))
                         .network_gbps for c in cpus])
        out.append((layout, cpus, gbps, usl_fit(cpus, gbps)))
    return out


def usl_table(config: ServerConfig | None = None, max_cpus: int = 48) -> pl.DataFrame:
    """USL coefficients for one domain and for fake NUMA.

    Parameters
    ----------
    config : ServerConfig, optional
        As for :func:`scaling`.
    max_cpus : int
        Largest CPU count fitted, in [3, 256].

    Returns
    -------
    polars.DataFrame
        ``layout, lambda_gbps, alpha, beta, n_star, peak_gbps``; ``n_star``
        is inf (and ``peak_gbps`` the asymptote ``lambda / alpha``, or inf)
        when the fit finds no coherency term.
    """
    rows = []
    for layout, _, _, fit in _curves(config, max_cpus):
        if math.isfinite(fit.n_star):
            peak = float(fit(fit.n_star))
        else:
            peak = fit.lam / fit.alpha if fit.alpha > 0 else math.inf
        rows.append({"layout": layout, "lambda_gbps": fit.lam, "alpha": fit.alpha, "beta": fit.beta,
                     "n_star": fit.n_star, "peak_gbps": peak})
    return pl.DataFrame(rows)


def _default_config() -> ServerConfig:
    keys = [s.key for s in STEPS]
    return step_configs()[keys.index("from_ram")]
