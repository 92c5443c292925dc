"""Daily lifecycles: title views day by day and their spread over files."""

from __future__ import annotations

import naive_popularity as naive
import numpy as np
import pytest

from labcdn.popularity import CatalogueParams, file_shares, load_ladder, make_catalogue
from labcdn.prediction import LifecycleParams, daily_title_views, file_views_daily

SMALL = CatalogueParams(n_titles=10, audio_languages=(4, 3, 2), text_languages=(3, 2, 1), language_jitter=1)
TINY = CatalogueParams(n_titles=5, audio_languages=(3, 2, 1), text_languages=(2, 2, 1), language_jitter=1)
KIND = load_ladder().kind  # 0 video, 1 audio, 2 text


@pytest.mark.parametrize(
    "params",
    [LifecycleParams(), LifecycleParams(noise_sigma=0.0, weekly_amplitude=0.0, released_share=0.3, history_days=5)],
)
def test_daily_views_match_the_slow_reference(params):
    got = daily_title_views(7, 20, params, seed=9)
    np.testing.assert_allclose(got, naive.daily_title_views(7, 20, params, 9), rtol=1e-12)
    assert got.shape == (7, 20) and got.dtype == np.float64


def test_daily_views_release_then_decay():
    p = LifecycleParams(noise_sigma=0.0, weekly_amplitude=0.0, released_share=0.0)
    views = daily_title_views(50, 40, p, seed=1)
    for row in views:
        live = np.flatnonzero(row > 0)
        assert np.all(row[: live[0]] == 0) and np.all(np.diff(row[live]) < 0)
        assert row[live[0]] <= p.sessions_per_day
    np.testing.assert_array_equal(views, daily_title_views(50, 40, p, seed=1))


def test_file_views_daily_spreads_title_views_over_files():
    cat = make_catalogue(SMALL, 0)
    shares = file_shares(cat)
    tv = daily_title_views(cat.n_titles, 6, seed=0)
    got = file_views_daily(cat, shares, tv)
    np.testing.assert_allclose(got, naive.file_views_daily(cat.title, shares, tv), rtol=1e-15)
    video = np.stack([np.bincount(cat.title, weights=got[:, d] * (KIND[cat.row] == 0)) for d in range(6)], axis=1)
    np.testing.assert_allclose(video, tv, rtol=1e-12)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda c: daily_title_views(5, 0), "n_days=0"),
        (lambda c: daily_title_views(5, 5, LifecycleParams(decay_days=0.0)), "decay_days=0.0"),
        (lambda c: file_views_daily(c, np.ones(2), np.ones((c.n_titles, 3))), "shares has 2 values"),
        (lambda c: file_views_daily(c, np.ones(c.n_files), np.ones((2, 3))), "title_daily_views has 2 rows"),
    ],
)
def test_bad_arguments_name_the_parameter(call, match):
    cat = make_catalogue(TINY, 0)
    with pytest.raises(ValueError, match=match):
        call(cat)
