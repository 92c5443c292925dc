"""Ranking and fill: efficiency curves, storage needed, the headline ratio and its sweep."""

from __future__ import annotations

from dataclasses import replace

import naive_popularity as naive
import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from popularity_cases import SMALL, TINY, demands, seeds

from labcdn.popularity import (
    LADDER_PATH,
    Catalogue,
    DemandParams,
    efficiency_curve,
    file_views,
    load_ladder,
    make_catalogue,
    ratio_sweep,
    storage_needed,
    storage_ratio,
    study,
)


@pytest.fixture(scope="module")
def video_only_ladder(tmp_path_factory):
    lines = LADDER_PATH.read_text().splitlines()
    path = tmp_path_factory.mktemp("ladder") / "video.csv"
    path.write_text("\n".join([lines[0]] + [x for x in lines[1:] if x.startswith("video,")]) + "\n")
    return load_ladder(path)


@pytest.mark.parametrize("target", [0.3, 0.9, 0.99])
def test_kappa_zero_gives_ratio_one_when_a_title_is_one_kind_of_file(video_only_ladder, target):
    cat = make_catalogue(SMALL, 4, ladder=video_only_ladder)
    prefs = tuple(e for e in DemandParams().family_preference if e[1] in video_only_ladder.families)
    v = file_views(cat, DemandParams(concentration=0.0, family_preference=prefs))
    assert storage_ratio(cat, v.bytes, target) == pytest.approx(1.0, rel=1e-9)


@settings(max_examples=15, deadline=None)
@given(seed=seeds, target=st.floats(0.05, 1.0))
def test_equal_views_within_each_title_give_ratio_one(seed, target):
    cat = make_catalogue(SMALL, seed)
    per_title_views = np.random.default_rng(seed).pareto(1.0, cat.n_titles) + 0.01
    nbytes = per_title_views[cat.title] * cat.size_bytes
    assert storage_ratio(cat, nbytes, target) == pytest.approx(1.0, rel=1e-9)


def test_kappa_zero_with_all_kinds_is_near_one_and_kappa_concentrates():
    """With video, audio and text, kappa = 0 still leaves views per file differing by kind
    (one video and one audio file-equivalent per session, spread over different numbers
    of files), so the ratio is close to but below 1; it falls as kappa grows."""
    cat = make_catalogue(replace(SMALL, n_titles=60), 0)
    ratios = [storage_ratio(cat, file_views(cat, DemandParams(concentration=k)).bytes) for k in (0.0, 1.0, 2.0)]
    assert 0.9 < ratios[0] <= 1.0
    assert ratios[0] > ratios[1] > ratios[2]


@settings(max_examples=15, deadline=None)
@given(seed=seeds, demand=demands)
def test_interpolated_file_curve_dominates_the_title_curve(seed, demand):
    """The interpolated file curve is the fractional-knapsack optimum; the title curve is one
    feasible fractional fill, so file ranking never needs more storage for any target."""
    cat = make_catalogue(SMALL, seed)
    nbytes = file_views(cat, demand).bytes
    for target in (0.1, 0.5, 0.8, 0.9, 0.95, 0.999, 1.0):
        f = storage_needed(cat, nbytes, target, "file")
        t = storage_needed(cat, nbytes, target, "title")
        assert f <= t * (1 + 1e-12)
    assert storage_ratio(cat, nbytes) <= 1.0 + 1e-12


@settings(max_examples=12, deadline=None)
@given(seed=seeds, demand=demands, fill=st.sampled_from(["stop", "skip"]))
def test_step_fills_file_beats_title_up_to_one_blocked_file(seed, demand, fill):
    """At a given capacity the file fill can lose to the title fill, but never by more than
    the bytes of the first file that did not fit: E_file(C) + b_next(C) / B >= E_title(C)."""
    cat = make_catalogue(SMALL, seed)
    nbytes = file_views(cat, demand).bytes
    caps = np.linspace(0, cat.size_bytes.sum(), 41)
    e_file = efficiency_curve(cat, nbytes, "file", caps, fill)["efficiency"].to_numpy()
    e_title = efficiency_curve(cat, nbytes, "title", caps, fill)["efficiency"].to_numpy()
    items = naive.ranked_items(cat.size_bytes.tolist(), nbytes.tolist(), cat.title.tolist(), cat.n_titles, "file")
    slack = np.array([naive.first_blocked_bytes(items, c) for c in caps]) / nbytes.sum()
    assert np.all(e_file + slack >= e_title - 1e-12)


def _toy(sizes, titles):
    titles = np.asarray(titles, dtype=np.int32)
    n = titles.max() + 1
    offsets = np.r_[0, np.cumsum(np.bincount(titles, minlength=n))]
    zeros = np.zeros(titles.size, dtype=np.int16)
    return Catalogue(None, offsets, np.zeros(n, np.int8), np.ones(n), np.zeros(n, bool), np.ones(n, np.int32),
                     np.ones(n, np.int32), titles, zeros, zeros, zeros, np.asarray(sizes, float), np.ones(1, np.int16))


def test_title_fill_can_beat_file_fill_at_a_small_capacity():
    """Title A: one file of 5 bytes serving 50. Title B: a 6-byte file serving 66 (denser than
    A's) and a 10-byte file nobody streams. At capacity 5 the file ranking starts with B's
    6-byte file, which does not fit, and stops; the title ranking (A first) stores A."""
    cat = _toy([5, 6, 10], [0, 1, 1])
    nbytes = np.array([50.0, 66.0, 0.0])
    stop = {r: efficiency_curve(cat, nbytes, r, [5.0])["efficiency"][0] for r in ("file", "title")}
    assert stop["file"] == 0.0 and stop["title"] == pytest.approx(50 / 116)
    skip = efficiency_curve(cat, nbytes, "file", [5.0], fill="skip")["efficiency"][0]
    assert skip == pytest.approx(50 / 116)


@settings(max_examples=15, deadline=None)
@given(seed=seeds, demand=demands, ranking=st.sampled_from(["file", "title"]), fill=st.sampled_from(["stop", "skip"]))
def test_efficiency_is_zero_at_zero_one_when_full_and_never_falls(seed, demand, ranking, fill):
    cat = make_catalogue(SMALL, seed)
    curve = efficiency_curve(cat, file_views(cat, demand).bytes, ranking, fill=fill)
    eff = curve["efficiency"].to_numpy()
    assert eff[0] == 0.0 and eff[-1] == pytest.approx(1.0, rel=1e-12)
    assert np.all(np.diff(eff) >= 0)
    assert curve["capacity_fraction"][-1] == 1.0


@pytest.mark.parametrize("ranking", ["file", "title"])
@pytest.mark.parametrize("fill", ["stop", "skip"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fill_matches_the_slow_reference(ranking, fill, seed):
    rng = np.random.default_rng(seed)
    cat = make_catalogue(replace(SMALL, n_titles=6), seed)
    nbytes = rng.pareto(1.2, cat.n_files) * cat.size_bytes * (rng.random(cat.n_files) < 0.8)
    caps = np.sort(rng.random(30)) * cat.size_bytes.sum() * 1.1
    got = efficiency_curve(cat, nbytes, ranking, caps, fill)["efficiency"].to_numpy()
    items = naive.ranked_items(cat.size_bytes.tolist(), nbytes.tolist(), cat.title.tolist(), cat.n_titles, ranking)
    want = [naive.efficiency(items, c, fill) for c in caps]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    for target in (0.01, 0.5, 0.9, 1.0):
        assert storage_needed(cat, nbytes, target, ranking) == pytest.approx(naive.storage_needed(items, target),
                                                                            rel=1e-12)


def test_fill_on_fixed_input():
    cat = _toy([4, 1, 2, 3], [0, 0, 1, 1])
    nbytes = np.array([8.0, 3.0, 2.0, 0.0])  # views 2, 3, 1, 0; titles: 11/5 = 2.2, 2/5 = 0.4
    caps = [0, 1, 4, 5, 6, 7, 10]
    file_stop = efficiency_curve(cat, nbytes, "file", caps)["efficiency"].to_numpy() * 13
    np.testing.assert_allclose(file_stop, [0, 3, 3, 11, 11, 13, 13])
    title_stop = efficiency_curve(cat, nbytes, "title", caps)["efficiency"].to_numpy() * 13
    np.testing.assert_allclose(title_stop, [0, 0, 0, 11, 11, 11, 13])
    assert storage_needed(cat, nbytes, 11 / 13, "file") == pytest.approx(5.0)
    assert storage_needed(cat, nbytes, 12 / 13, "file") == pytest.approx(6.0)
    assert storage_needed(cat, nbytes, 12 / 13, "title") == pytest.approx(7.5)


def test_study_reports_the_ratio_and_both_curves():
    s = study(SMALL, target_efficiency=0.9, seed=3, capacity_fraction=0.2, n_points=11)
    cat = make_catalogue(SMALL, 3)
    assert s.ratio == pytest.approx(storage_ratio(cat, file_views(cat).bytes, 0.9), rel=1e-12)
    assert 0 < s.file_storage_fraction <= s.title_storage_fraction <= 1
    assert s.curves.height == 22 and set(s.curves["ranking"]) == {"file", "title"}
    at = efficiency_curve(cat, file_views(cat).bytes, "title", [0.2 * cat.size_bytes.sum()])["efficiency"][0]
    assert s.title_efficiency == pytest.approx(at)
    again = study(SMALL, target_efficiency=0.9, seed=3, capacity_fraction=0.2, n_points=11)
    assert again.ratio == s.ratio and again.curves.equals(s.curves)


def test_ratio_sweep_is_tidy():
    frame = ratio_sweep(SMALL, kappa=(0.0, 1.0), language_scale=(1.0,), max_variants=(1,), zipf_exponent=())
    assert frame.columns == ["parameter", "value", "ratio", "file_storage_fraction", "title_storage_fraction",
                             "mean_files_per_title"]
    assert frame["parameter"].to_list() == ["kappa", "kappa", "language_scale", "max_variants"]
    assert frame.filter(pl.col("ratio") > 1 + 1e-12).height == 0


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda c: efficiency_curve(c, np.ones(c.n_files), "show"), "ranking='show'"),
        (lambda c: efficiency_curve(c, np.ones(c.n_files), fill="pack"), "fill='pack'"),
        (lambda c: efficiency_curve(c, np.ones(3)), "bytes_per_file has 3 values"),
        (lambda c: efficiency_curve(c, np.ones(c.n_files), capacities=[-1.0]), "capacities must be >= 0"),
        (lambda c: storage_needed(c, np.ones(c.n_files), 0.0), "target_efficiency=0.0"),
        (lambda c: storage_needed(c, np.zeros(c.n_files)), "all 0"),
        (lambda c: study(SMALL, capacity_fraction=2.0), "capacity_fraction=2.0"),
    ],
)
def test_bad_arguments_name_the_parameter(call, match):
    cat = make_catalogue(TINY, 0)
    with pytest.raises(ValueError, match=match):
        call(cat)


def test_within_title_curve_is_a_lorenz_curve():
    from labcdn import popularity

    cat = popularity.make_catalogue(popularity.CatalogueParams(n_titles=6), seed=1)
    views = popularity.file_views(cat)
    out = popularity.within_title(cat, views.bytes, [0, 5], n_points=21)
    assert out.height == 42
    for _, curve in out.group_by("title", maintain_order=True):
        share = curve["bytes_share"].to_numpy()
        assert share[0] == 0.0 and abs(share[-1] - 1.0) < 1e-12
        assert np.all(np.diff(share) >= -1e-15)  # non-decreasing
        assert np.all(share >= curve["storage_share"].to_numpy() - 1e-12)  # most-viewed first: above the diagonal


def test_study_curves_start_at_zero_and_agree_with_efficiency_curve():
    """Regression: the curve's first point once took the value at ``capacity_fraction``."""
    from labcdn import popularity

    cat = popularity.make_catalogue(popularity.CatalogueParams(n_titles=20), seed=3)
    s = popularity.study(catalogue=cat, n_points=11, capacity_fraction=0.3)
    views = popularity.file_views(cat)
    for name in ("file", "title"):
        curve = s.curves.filter(pl.col("ranking") == name)
        assert curve["efficiency"][0] == 0.0
        direct = popularity.efficiency_curve(cat, views.bytes, name, capacities=curve["capacity_bytes"].to_numpy())
        assert np.array_equal(curve["efficiency"].to_numpy(), direct["efficiency"].to_numpy())
