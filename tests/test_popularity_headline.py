"""Chapter 1's grounded headline: the 2016 ladder, ranking on predicted views, the waterfall and its band."""

from __future__ import annotations

import csv
from dataclasses import replace

import naive_popularity as naive
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labcdn import prediction
from labcdn.popularity import (
    SCOPES,
    ApplianceLoad,
    era,
    figures,
    file_views,
    make_catalogue,
    predicted_ranking,
    predicted_study,
    predicted_views,
    sensitivity,
    sessions_per_day,
    storage_needed,
    study,
    waterfall,
)
from labcdn.popularity.predicted import ranked_storage


def small(name, n_titles=40, seed=0):
    e = era(name)
    cat = make_catalogue(replace(e.catalogue, n_titles=n_titles), seed, ladder=e.ladder())
    return e, cat


def test_the_switch_year_is_2016():
    assert figures.SWITCH_YEAR == 2016
    assert figures.PUBLISHED["switch_year"].published == 2016
    assert figures.PUBLISHED["storage_ratio"].published == 0.5


@pytest.mark.parametrize("name", ["2016", "today"])
def test_noise_free_predictions_reproduce_the_exact_ranking(name):
    e, cat = small(name, 60)
    exact = study(demand_params=e.demand, catalogue=cat)
    perfect = predicted_study(cat, e.demand, sessions_scale=None, seed=3)
    assert perfect.ratio == pytest.approx(exact.ratio, rel=1e-12)
    assert perfect.file_storage_fraction == pytest.approx(exact.file_storage_fraction, rel=1e-12)
    assert perfect.title_storage_fraction == pytest.approx(exact.title_storage_fraction, rel=1e-12)
    assert perfect.file_efficiency == pytest.approx(exact.file_efficiency, rel=1e-12)
    assert perfect.title_efficiency == pytest.approx(exact.title_efficiency, rel=1e-12)


def test_ranked_storage_with_true_predictions_is_storage_needed():
    e, cat = small("2016")
    v = file_views(cat, e.demand)
    f, t, _, eff = ranked_storage(cat, v.bytes, v.bytes, 0.9, seed=1)
    assert f == pytest.approx(storage_needed(cat, v.bytes, 0.9, "file"), rel=1e-12)
    assert t == pytest.approx(storage_needed(cat, v.bytes, 0.9, "title"), rel=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ranked_storage_matches_the_slow_reference(seed):
    e, cat = small("today", 8, seed)
    v = file_views(cat, e.demand)
    rng = np.random.default_rng(seed)
    pred = v.bytes * rng.lognormal(0.0, 1.0, v.bytes.size)  # distinct scores: no ties
    f, t, _, _ = ranked_storage(cat, v.bytes, pred, 0.85, seed=seed)
    args = (cat.size_bytes.tolist(), v.bytes.tolist(), pred.tolist(), cat.title.tolist(), cat.n_titles)
    assert f == pytest.approx(naive.storage_needed(naive.ranked_on_predictions(*args, "file"), 0.85), rel=1e-9)
    assert t == pytest.approx(naive.storage_needed(naive.ranked_on_predictions(*args, "title"), 0.85), rel=1e-9)


def test_noisier_predictions_never_lower_the_file_storage_need_in_expectation():
    e, cat = small("2016", 60)
    v = file_views(cat, e.demand)
    means = []
    for scale in (None, 1.0, 0.1, 0.01, 0.001):
        need = [predicted_study(cat, e.demand, sessions_scale=scale, seed=s, views=v).file_storage_fraction
                for s in range(20)]
        means.append(np.mean(need))
    assert all(b >= a for a, b in zip(means, means[1:], strict=False)), means
    assert means[-1] > means[0]


def test_sessions_per_day_is_throughput_over_bytes_per_session():
    e, cat = small("2016")
    v = file_views(cat, e.demand)
    load = ApplianceLoad(served_gbps=40.0, mean_to_peak=0.5)
    assert sessions_per_day(v, load) == pytest.approx(
        naive.sessions_per_day(40.0, 0.5, v.bytes.sum(), v.title_views.sum()), rel=1e-12)
    assert sessions_per_day(v, replace(load, served_gbps=80.0)) == pytest.approx(2 * sessions_per_day(v, load))


def test_predicted_views_are_unbiased_and_use_chapter_2s_window():
    lam = np.array([0.0, 0.3, 5.0, 200.0])
    draws = np.array([predicted_views(lam, 7, seed=s) for s in range(4000)])
    assert draws[:, 0].max() == 0.0
    assert np.allclose(draws.mean(axis=0), lam, rtol=0.05, atol=0.02)
    assert np.allclose(draws.var(axis=0), lam / 7, rtol=0.15, atol=0.01)  # a week's mean of Poisson days
    for s in range(5):  # the same numbers as chapter 2's window predictor fed the same counts
        counts = np.random.default_rng(s).poisson(lam * 7) / 7
        daily = np.column_stack([counts, lam])
        chapter_2 = prediction.predict(daily, 1, "window", window_days=1)
        assert np.array_equal(predicted_views(lam, 7, seed=None, rng=np.random.default_rng(s)), chapter_2)


def _ladder_rows(path):
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["variants"], r["max_languages"] = int(r["variants"]), int(r["max_languages"])
    return rows


@pytest.mark.parametrize("name", ["2016", "today"])
def test_ladders_reproduce_their_per_episode_file_counts_from_their_rows(name):
    """A global episode's files = sum over its scope's rows of packagings x languages, from the CSV as written."""
    e, cat = small(name, 200)
    rows = _ladder_rows(e.ladder_path)
    assert all(r["source"].strip() for r in rows)
    glob = SCOPES.index("global")
    for t in np.flatnonzero((cat.scope == glob) & ~cat.is_film)[:5]:
        by_hand = sum(
            r["variants"] * (1 if r["per"] == "none" else
                             min(int(cat.audio_languages[t] if r["per"] == "audio_language" else cat.text_languages[t]),
                                 r["max_languages"] or 10**9))
            for r in rows if "global" in r["scopes"].split("|"))
        assert cat.files_per_title()[t] == by_hand
        assert len(naive.expand_titles(rows, [glob], [cat.audio_languages[t]], [cat.text_languages[t]])[0]) == by_hand


def test_2016_ladder_holds_the_2016_profiles_and_not_later_ones():
    fams = set(era("2016").ladder().families)
    # Streaming Media 2016: CE1/CE2 VC1, CE3 H.264, CE4 HEVC and VP9, mobile AVC High and VP9-M, HDR10, Dolby Vision
    assert {"VC1", "AVC-main", "HEVC-SDR", "VP9-UHD", "AVC-high", "VP9", "HEVC-HDR10", "DolbyVision"} <= fams
    assert not {"AV1", "AV1-HDR10plus", "Atmos", "IMSC1.1"} & fams
    assert era("2016").catalogue.text_languages[0] == figures.PUBLISHED["languages_2016"].published


def test_waterfall_steps_and_band():
    h = waterfall(seed=0, n_seeds=3, n_titles=30)
    assert h.steps["key"].to_list() == ["exact_today", "exact_2016", "predicted_2016"]
    assert h.ratio == h.steps["ratio"][-1] and h.ratio_exact_today == h.steps["ratio"][0]
    assert np.isclose(h.steps["delta"].sum(), h.ratio)
    assert (h.steps["p05"] <= h.steps["p95"]).all()
    assert h.seeds.height == 9 and h.n_seeds == 3
    again = waterfall(seed=0, n_seeds=3, n_titles=30)
    assert again.steps.equals(h.steps)


def test_sensitivity_and_validation():
    s = sensitivity(n_titles=30, values={"sessions_scale": (0.01, 1.0), "max_variants": (1,), "avc_main_weight": (1.0,)})
    assert s["parameter"].to_list() == ["sessions_scale", "sessions_scale", "max_variants", "avc_main_weight"]
    base = sensitivity(n_titles=30, values={"sessions_scale": (1.0,)})["ratio"][0]
    assert s["ratio"][3] == base  # a factor of 1 changes nothing
    with pytest.raises(ValueError, match="unknown"):
        sensitivity(values={"nope": (1,)})
    e, cat = small("2016", 10)
    with pytest.raises(ValueError, match="sessions_scale"):
        predicted_study(cat, e.demand, sessions_scale=0.0)
    with pytest.raises(ValueError, match="mean_to_peak"):
        predicted_study(cat, e.demand, load=ApplianceLoad(mean_to_peak=1.5))
    with pytest.raises(ValueError, match="era"):
        era("1999")


def test_cli_reports_the_headline_its_band_and_steps(capsys):
    import json

    from labcdn.cli import main

    assert main(["ranking", "--json", "--titles", "30", "--seeds", "3"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["switch_year"] == 2016 and out["published_ratio"] == 0.5
    assert [s["key"] for s in out["steps"]] == ["exact_today", "exact_2016", "predicted_2016"]
    assert out["file_vs_title_storage_ratio"] == out["steps"][-1]["ratio"]
    assert out["file_vs_title_storage_ratio_exact_today"] == out["exact_today"]["ratio"]
    assert out["seeds"]["n"] == 3 and out["seeds"]["ratio_p05"] <= out["seeds"]["ratio_p95"]


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**16), log_scale=st.floats(-3.0, 3.0), target=st.floats(0.5, 0.99))
def test_no_prediction_beats_perfect_knowledge(seed, log_scale, target):
    """Exact views order files (and titles) by density, the fractional-knapsack optimum at each granularity, so
    ranking on any prediction needs at least as much storage, seed by seed."""
    e, cat = small("2016", 12, seed % 7)
    v = file_views(cat, e.demand)
    exact = predicted_study(cat, e.demand, target, sessions_scale=None, seed=seed, views=v)
    noisy = predicted_study(cat, e.demand, target, sessions_scale=10**log_scale, seed=seed, views=v)
    assert noisy.file_storage_fraction >= exact.file_storage_fraction * (1 - 1e-12)
    assert noisy.title_storage_fraction >= exact.title_storage_fraction * (1 - 1e-12)


def test_leaving_families_out_of_an_era():
    e = era("2016").leaving_out(("VC1",))
    assert "VC1" not in e.ladder().families
    assert all(f != "VC1" for _, f, _ in e.demand.family_preference)
    full = small("2016", 20)[1]
    cat = make_catalogue(replace(e.catalogue, n_titles=20), 0, ladder=e.ladder())
    assert cat.n_files < full.n_files
    with pytest.raises(ValueError, match="not in the ladder"):
        era("2016").leaving_out(("AV1",)).ladder()


@pytest.mark.parametrize("scale", [None, 0.01, 1.0, 30.0])
def test_predicted_ranking_gives_predicted_study_at_every_target(scale):
    """Counting and ranking once, then scoring many targets, is the same as a full study per target."""
    e = era("2016")
    cat = make_catalogue(replace(e.catalogue, n_titles=40), seed=5, ladder=e.ladder())
    v = file_views(cat, e.demand)
    ranking = predicted_ranking(cat, e.demand, sessions_scale=scale, seed=9, views=v)
    for target in (0.5, 0.77, 0.9, 0.99):
        kept = ranking.study(target, n_points=11, capacity_fraction=0.2)
        full = predicted_study(cat, e.demand, target, sessions_scale=scale, seed=9, views=v, n_points=11,
                               capacity_fraction=0.2)
        assert kept.curves.equals(full.curves)
        assert kept._replace(curves=None) == full._replace(curves=None)


def test_predicted_ranking_checks_the_target():
    e = era("2016")
    cat = make_catalogue(replace(e.catalogue, n_titles=10), seed=0, ladder=e.ladder())
    with pytest.raises(ValueError, match="target_efficiency"):
        predicted_ranking(cat, e.demand).study(1.5)
