"""Chapter 1's headline study as a sweep point: file- vs title-ranking storage for one catalogue.

The sweep's study ``"ranking"``; what ``PARAMETERS``, ``MODULES``, ``DESCRIPTION``,
``DATA`` and :func:`point` mean is in :mod:`labcdn.sweep.registry`.
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from labcdn.popularity.catalogue import CatalogueParams
from labcdn.popularity.demand import DemandParams
from labcdn.popularity.ladder import LADDER_PATH
from labcdn.popularity.ranking import study

_DEMAND = DemandParams()
_CATALOGUE = CatalogueParams()


PARAMETERS = {"concentration": _DEMAND.concentration, "zipf_exponent": _DEMAND.zipf_exponent,
              "n_titles": _CATALOGUE.n_titles, "target_efficiency": 0.9, "capacity_fraction": 0.1}
MODULES = ("labcdn.popularity.ranking",)
DESCRIPTION = "file- vs title-ranking: storage each needs for the target efficiency (chapter 1)"
DATA = (LADDER_PATH,)


def point(params: dict, seed: int) -> pl.DataFrame:
    """Storage ratio and both storage fractions for one catalogue (:func:`labcdn.popularity.study`).

    Parameters
    ----------
    params : dict
        ``concentration`` (κ) and ``zipf_exponent``: :class:`labcdn.popularity.DemandParams`;
        ``n_titles``: :class:`labcdn.popularity.CatalogueParams`; ``target_efficiency`` (0.9) and
        ``capacity_fraction`` (0.1): chapter 1's target and cache size.
    seed : int
        Catalogue seed.

    Returns
    -------
    polars.DataFrame
        One row: ``ratio`` (file ÷ title storage at the target), both storage fractions and
        both efficiencies at ``capacity_fraction``.
    """
    cp = replace(_CATALOGUE, n_titles=params["n_titles"])
    dp = replace(_DEMAND, concentration=params["concentration"], zipf_exponent=params["zipf_exponent"])
    s = study(cp, dp, params["target_efficiency"], seed, capacity_fraction=params["capacity_fraction"],
                      n_points=2)
    return pl.DataFrame([{"ratio": s.ratio, "file_storage_fraction": s.file_storage_fraction,
                    "title_storage_fraction": s.title_storage_fraction, "file_efficiency": s.file_efficiency,
                    "title_efficiency": s.title_efficiency}],
                        schema=dict.fromkeys(("ratio", "file_storage_fraction", "title_storage_fraction",
                                              "file_efficiency", "title_efficiency"), pl.Float64), orient="row")


def check(params: dict) -> None:
    """Put one point through the model's own checks without computing it (the sweep checks its whole grid first)."""
    from types import SimpleNamespace

    from labcdn._validation import check_range
    from labcdn.popularity.catalogue import _checked
    from labcdn.popularity.demand import _checked_demand
    from labcdn.popularity.ladder import load_ladder

    _checked(replace(_CATALOGUE, n_titles=params["n_titles"]))
    demand = replace(_DEMAND, concentration=params["concentration"], zipf_exponent=params["zipf_exponent"])
    _checked_demand(demand, SimpleNamespace(ladder=load_ladder()))
    check_range("capacity_fraction", params["capacity_fraction"], 0.0, 1.0)
    check_range("target_efficiency", params["target_efficiency"], 0.0, 1.0, low_open=True)
