"""The chapter-2 wiring: scenario, nightly fill per method, proactive against reactive."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from labcdn.prediction import nightly

SMALL = nightly.NightlyParams(n_titles=15, n_days=5, capacity_fraction=0.1, seed=3)


@pytest.fixture(scope="module")
def scene():
    return nightly.scenario(SMALL)


def test_scenario_is_consistent(scene):
    cat = scene.catalogue
    assert scene.file_views.shape == (cat.n_files, SMALL.n_days)
    assert scene.title_views.shape == (cat.n_titles, SMALL.n_days)
    # A file has no views before its title's release day, and some from it on.
    for f in range(0, cat.n_files, 97):
        r = scene.release_day[f]
        assert np.all(scene.file_views[f, :r] == 0)
    released = scene.release_day < SMALL.n_days
    title_release = scene.release_day[cat.title_offsets[:-1]]
    assert np.all(scene.title_views[np.arange(cat.n_titles)[title_release < SMALL.n_days],
                                    title_release[title_release < SMALL.n_days]] > 0)
    assert released.any()


def test_same_seed_same_scenario():
    a, b = nightly.scenario(SMALL), nightly.scenario(SMALL)
    assert a.file_views.tobytes() == b.file_views.tobytes()


def test_run_scores_every_method_on_every_day(scene):
    res = nightly.run(SMALL, scene=scene)
    assert res.days.height == len(nightly.METHODS) * (SMALL.n_days - 1)
    assert set(res.summary["method"]) == set(nightly.METHODS)
    assert res.days["efficiency"].is_between(0.0, 1.0).all()
    assert (res.days["churn"] <= res.days["churn_allowed"] + 1e-12).all()


def test_zero_budget_keeps_the_day_zero_set(scene):
    res = nightly.run(SMALL, scene=scene, budget_fraction=0.0)
    assert res.days["bytes_filled"].sum() == 0


def test_proactive_against_reactive(scene):
    out = nightly.versus_reactive(SMALL, scene=scene, sessions_per_day=300, capacity_fractions=(0.05, 1.0),
                                  budget_fraction=1.0)
    assert set(out["policy"]) == {"lru", "fifo", "lfu", "belady", "nightly fill (ewma)", "nightly fill (oracle)"}
    assert out["byte_hit_ratio"].is_between(0.0, 1.0).all()
    whole = out.filter(pl.col("capacity_fraction") == 1.0)
    ratios = dict(zip(whole["policy"], whole["byte_hit_ratio"], strict=True))
    # With room and budget for the whole catalogue, the oracle fill serves everything; a reactive
    # cache still misses every file's first request.
    assert ratios["nightly fill (oracle)"] == pytest.approx(1.0)
    assert ratios["lru"] < 1.0


def test_bad_arguments_name_the_parameter(scene):
    with pytest.raises(ValueError, match="capacity_fraction="):
        nightly.run(SMALL, scene=scene, capacity_fraction=0.0)
    with pytest.raises(ValueError, match="n_days="):
        nightly.scenario(nightly.NightlyParams(n_days=1))
