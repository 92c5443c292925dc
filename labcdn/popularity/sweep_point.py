"""Chapter 1's headline study as a sweep point: file- vs title-ranking storage for one catalogue.

The sweep's study ``"ranking"``; what ``PARAMETERS``, ``MODULES``, ``DESCRIPTION``,
``DATA`` and :func:`point` mean is in :mod:`labcdn.sweep.registry`.
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from labcdn.popularity.catalogue import CatalogueParams, make_catalogue
from labcdn.popularity.demand import DemandParams
from labcdn.popularity.eras import era
from labcdn.popularity.ladder import LADDER_PATH
from labcdn.popularity.predicted import predicted_study

_DEMAND = DemandParams()
_CATALOGUE = CatalogueParams()
_ERA = era("2016")


PARAMETERS = {"concentration": _DEMAND.concentration, "zipf_exponent": _DEMAND.zipf_exponent,
              "n_titles": _CATALOGUE.n_titles, "target_efficiency": 0.9, "capacity_fraction": 0.1,
              "era": "2016", "sessions_scale": 1.0}
MODULES = ("labcdn.popularity.ranking", "labcdn.popularity.predicted", "labcdn.popularity.eras")
DESCRIPTION = "file- vs title-ranking: storage each needs for the target efficiency, chapter 1's headline"
DATA = (LADDER_PATH, _ERA.ladder_path)


def point(params: dict, seed: int) -> pl.DataFrame:
    """Chapter 1's headline for one catalogue (:func:`labcdn.popularity.predicted_study`).

    Parameters
    ----------
    params : dict
        ``concentration`` (κ) and ``zipf_exponent``: :class:`labcdn.popularity.DemandParams`;
        ``n_titles``: :class:`labcdn.popularity.CatalogueParams`; ``target_efficiency`` (0.9) and
        ``capacity_fraction`` (0.1): chapter 1's target and cache size; ``era`` (``"2016"`` or
        ``"today"``, :mod:`labcdn.popularity.eras`) and ``sessions_scale`` (prediction quality:
        factor on the sessions one appliance counts a day; 0 ranks on exact views).
    seed : int
        Seed of the catalogue and of the counted views.

    Returns
    -------
    polars.DataFrame
        One row: ``ratio`` (file ÷ title storage at the target), both storage fractions and
        both efficiencies at ``capacity_fraction``.
    """
    e = era(params["era"])
    cp = replace(e.catalogue, n_titles=params["n_titles"])
    dp = replace(e.demand, concentration=params["concentration"], zipf_exponent=params["zipf_exponent"])
    cat = make_catalogue(cp, seed, ladder=e.ladder())
    scale = params["sessions_scale"]
    s = predicted_study(cat, dp, params["target_efficiency"], sessions_scale=scale if scale > 0 else None,
                        seed=seed, capacity_fraction=params["capacity_fraction"])
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
