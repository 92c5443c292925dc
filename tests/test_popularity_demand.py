"""Demand: file shares per title session, views and bytes, the family mix."""

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
    DemandParams,
    family_mix,
    file_shares,
    file_views,
    load_ladder,
    make_catalogue,
    title_sessions,
)

KIND = load_ladder().kind  # 0 video, 1 audio, 2 text


def _kind_sums(cat, share):
    kinds = KIND[cat.row]
    return np.stack([np.bincount(cat.title, weights=share * (kinds == k), minlength=cat.n_titles)
                     for k in range(3)])


@settings(max_examples=20, deadline=None)
@given(seed=seeds, demand=demands)
def test_shares_sum_to_one_video_one_audio_and_the_subtitle_share(seed, demand):
    cat = make_catalogue(SMALL, seed)
    video, audio, text = _kind_sums(cat, file_shares(cat, demand))
    np.testing.assert_allclose(video, 1.0, rtol=1e-12)
    np.testing.assert_allclose(audio, 1.0, rtol=1e-12)
    np.testing.assert_allclose(text, np.where(cat.text_languages > 0, demand.subtitle_share, 0.0), atol=1e-12)


@pytest.mark.parametrize(
    "demand",
    [
        DemandParams(),
        DemandParams(concentration=0.0),
        DemandParams(concentration=1.7, audio_description_share=0.1, sdh_share=0.6),
        DemandParams(device_share=(0.2, 0.5, 0.3), bandwidth_median_mbps=(3.0, 1.0, 2.0),
                     legacy_packaging_ratio=(1.0, 0.0, 0.5), subtitle_zipf_exponent=0.0),
    ],
)
def test_shares_match_the_slow_reference(demand):
    cat = make_catalogue(TINY, 2)
    np.testing.assert_allclose(file_shares(cat, demand), naive.file_shares(cat, demand), rtol=1e-10, atol=1e-15)


@settings(max_examples=5, deadline=None)
@given(seed=seeds, demand=demands)
def test_shares_match_the_slow_reference_on_random_inputs(seed, demand):
    cat = make_catalogue(replace(TINY, n_titles=3), seed)
    np.testing.assert_allclose(file_shares(cat, demand), naive.file_shares(cat, demand), rtol=1e-10, atol=1e-15)


@settings(max_examples=15, deadline=None)
@given(seed=seeds, demand=demands, days=st.floats(0.1, 30.0))
def test_views_are_bytes_over_size_per_file_and_per_title(seed, demand, days):
    cat = make_catalogue(SMALL, seed)
    v = file_views(cat, demand, days)
    np.testing.assert_allclose(v.views, v.bytes / cat.size_bytes, rtol=1e-12)
    np.testing.assert_allclose(v.title_popularity, v.title_bytes / v.title_size, rtol=1e-12)
    np.testing.assert_allclose(v.title_bytes, np.bincount(cat.title, weights=v.bytes), rtol=1e-12)
    np.testing.assert_allclose(v.title_views.sum(), demand.sessions_per_day * days, rtol=1e-12)
    video_views = _kind_sums(cat, v.views)[0]  # every session streams one video file-equivalent
    np.testing.assert_allclose(video_views, v.title_views, rtol=1e-12)


def test_title_sessions_follow_zipf():
    s = title_sessions(100, 0.85, 1e6)
    assert s.sum() == pytest.approx(1e6)
    assert s[0] / s[9] == pytest.approx(10**0.85)


def test_family_mix_shares_sum_to_one_per_kind():
    cat = make_catalogue(SMALL, 0)
    mix = family_mix(cat, file_views(cat))
    sums = mix.group_by("kind").agg(pl.col("view_share", "byte_share", "storage_share").sum())
    for col in ("view_share", "byte_share", "storage_share"):
        np.testing.assert_allclose(sums[col].to_numpy(), 1.0, rtol=1e-12)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda c: file_shares(c, DemandParams(device_share=(0.7, 0.2, 0.2))), "device_share"),
        (lambda c: file_shares(c, DemandParams(concentration=-0.5)), "concentration=-0.5"),
        (lambda c: file_shares(c, DemandParams(family_preference=(("tv", "Betamax", 1.0),))), "Betamax"),
        (lambda c: file_shares(c, DemandParams(family_preference=(("tv", "AVC-main", 1.0),))), "no playable"),
        (lambda c: file_shares(c, DemandParams(subtitle_share=1.2)), "subtitle_share=1.2"),
        (lambda c: file_shares(c, DemandParams(resolution_cap_share=((1.0,),) * 3)), "resolution_cap_share"),
        (lambda c: file_views(c, days=0), "days=0"),
    ],
)
def test_bad_arguments_name_the_parameter(call, match):
    cat = make_catalogue(TINY, 0)
    with pytest.raises(ValueError, match=match):
        call(cat)
