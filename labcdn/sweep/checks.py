"""Every point of a grid checked before the first one runs.

A point function validates its parameters only when it runs, so a bad value
in the middle of a grid (``concentration=0:6:13`` reaches 6.5, above the
model's 5) would be found after the points before it had been computed. For
each study, :data:`CHECKS` holds a function that puts one point's parameters
through the same validation the model applies, without computing anything:
the model's own parameter classes and checks where the model has them
(``ServerConfig``, the replication and catalogue checks, the demand check,
hashing's ``build`` on a small server set), and otherwise the ranges the
model's wrapper checks first. :func:`check_points` runs it on every distinct
point and names the first that fails, with its index.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import replace
from types import SimpleNamespace

from labcdn._validation import check_choice, check_range


def _ranking(p: dict) -> None:
    from labcdn import popularity
    from labcdn.popularity.catalogue import _checked
    from labcdn.popularity.demand import _checked_demand

    _checked(replace(popularity.CatalogueParams(), n_titles=p["n_titles"]))
    demand = replace(popularity.DemandParams(), concentration=p["concentration"], zipf_exponent=p["zipf_exponent"])
    _checked_demand(demand, SimpleNamespace(ladder=_ladder()))
    check_range("capacity_fraction", p["capacity_fraction"], 0.0, 1.0)
    check_range("target_efficiency", p["target_efficiency"], 0.0, 1.0, low_open=True)


@functools.cache
def _ladder():
    from labcdn import popularity

    return popularity.load_ladder()


def _prediction(p: dict) -> None:
    from labcdn import popularity, prediction
    from labcdn.popularity.catalogue import _checked

    params = prediction.NightlyParams(**p)
    _checked(replace(popularity.CatalogueParams(), n_titles=params.n_titles))
    check_range("n_days", params.n_days, 2, 3650, integer=True)
    check_range("capacity_fraction", params.capacity_fraction, 0.0, 1.0, low_open=True)
    check_range("budget_fraction", params.budget_fraction, 0.0, 1.0)


def _hashing(p: dict) -> None:
    from labcdn import hashing
    from labcdn.hashing.servers import MAX_SERVERS

    check_range("servers", p["servers"], 1, MAX_SERVERS, integer=True)
    check_range("files", p["files"], 1, 50_000_000, integer=True)
    check_range("zipf_exponent", p["zipf_exponent"], 0.0, 3.0)
    # the algorithm's own checks (vnodes, table_size, balance_factor), on a server set small enough to be instant
    hashing.build(p["algorithm"], min(p["servers"], 2), vnodes=p["vnodes"], table_size=p["table_size"],
                  balance_factor=p["balance_factor"])


def _serving(p: dict) -> None:
    from labcdn import serving

    serving.ServerConfig(**p)


def _balancing(p: dict) -> None:
    from labcdn import balancing

    d = replace(balancing.DEFAULTS, **p)
    check_choice("algorithm", d.algorithm, balancing.ALGORITHMS)
    check_choice("service", d.service, balancing.SERVICES)
    check_range("load", d.load, 0.0, None, low_open=True)
    check_range("requests", d.requests, 1, None, integer=True)
    balancing.cluster(d.backends, d.heterogeneity, weights=d.weights)
    balancing.studies.settings(d)


def _orchestration(p: dict) -> None:
    from labcdn.orchestration import scheduling

    check_choice("design", p["design"], scheduling.DESIGNS)
    check_range("nodes", p["nodes"], 1, 2_000_000, integer=True)
    check_range("horizon", p["horizon"], 0.0, 10 * 86_400.0, low_open=True)
    check_range("load", p["load"], 0.01, 1000.0)
    check_choice("strategy", p["strategy"], scheduling.STRATEGIES)
    check_range("t_job", p["t_job"], 0.0, 1000.0)
    check_range("t_task", p["t_task"], 0.0, 1000.0)
    if p["service_t_job"] is not None:
        check_range("service_t_job", p["service_t_job"], 0.0, 1000.0)
    check_range("percentage_of_nodes_to_score", p["percentage_of_nodes_to_score"], 0, 100, integer=True)
    check_range("max_pods", p["max_pods"], 1, 10_000, integer=True)
    check_range("allocation_interval", p["allocation_interval"], 0.0, 3600.0, low_open=True)


def _replication(p: dict) -> None:
    from labcdn import replication
    from labcdn.replication.parameters import _checked

    _checked(replace(replication.DEFAULTS, **p))


#: Study name -> ``check(params)``: raises ``ValueError`` naming the parameter, computes nothing.
CHECKS: dict[str, Callable[[dict], None]] = {
    "ranking": _ranking,
    "prediction": _prediction,
    "hashing": _hashing,
    "serving": _serving,
    "balancing": _balancing,
    "orchestration": _orchestration,
    "replication": _replication,
}


def check_points(study: str, full_points: Sequence[dict]) -> None:
    """Put every distinct point of a grid through its study's checks; the first failure names its point.

    Parameters
    ----------
    study : str
        Registered study name (a study without an entry in :data:`CHECKS` is checked as it runs).
    full_points : sequence of dict
        As :func:`labcdn.sweep.grid.points` returns them (``replicate`` included; it is not checked here).

    Raises
    ------
    ValueError
        ``"<the model's message> [study 'x', point i of n (params)]; nothing was computed"``.
    """
    check = CHECKS.get(study)
    if check is None:
        return
    seen = set()
    for i, point in enumerate(full_points):
        params = {k: v for k, v in point.items() if k != "replicate"}
        key = repr(sorted(params.items()))
        if key in seen:
            continue
        seen.add(key)
        try:
            check(params)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{exc} [study {study!r}, point {i} of {len(full_points)} ({params})]; nothing was "
                             "computed: fix the grid") from None
