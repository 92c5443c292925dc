"""The request stream drawn from the popularity model."""

from __future__ import annotations

import numpy as np
import pytest
from naive_sessions import draw

from labcdn import popularity
from labcdn.prediction import sessions


@pytest.fixture(scope="module")
def small():
    cat = popularity.make_catalogue(popularity.CatalogueParams(n_titles=12), seed=4)
    shares = popularity.file_shares(cat)
    views = np.random.default_rng(0).random((cat.n_titles, 3)) + 0.01
    return cat, shares, views


def test_equals_the_slow_reference(small):
    cat, shares, views = small
    req = sessions.sample_requests(cat, shares, views, 50, seed=9)
    rng = np.random.default_rng(9)
    totals = views.sum(axis=0)
    titles = np.concatenate([rng.choice(cat.n_titles, size=50, p=views[:, d] / totals[d]) for d in range(3)])
    uniforms = rng.random((titles.size, 3))
    kind = cat.ladder.kind[cat.row]
    want_file, want_day = draw(titles.tolist(), uniforms.tolist(), 50, cat.title.tolist(), kind.tolist(),
                               shares.tolist())
    assert req.file.tolist() == want_file
    assert req.day.tolist() == want_day
    assert np.array_equal(req.size_bytes, cat.size_bytes[req.file].astype(np.int64))


def test_every_session_streams_one_video_and_one_audio(small):
    cat, shares, views = small
    req = sessions.sample_requests(cat, shares, views, 400, seed=1)
    kind = cat.ladder.kind[cat.row[req.file]]
    assert np.count_nonzero(kind == 0) == 3 * 400
    assert np.count_nonzero(kind == 1) == 3 * 400
    subtitles = np.count_nonzero(kind == 2) / (3 * 400)
    assert subtitles == pytest.approx(popularity.DemandParams().subtitle_share, abs=0.05)


def test_file_frequencies_follow_the_shares():
    cat = popularity.make_catalogue(popularity.CatalogueParams(n_titles=1), seed=2)
    shares = popularity.file_shares(cat)
    req = sessions.sample_requests(cat, shares, np.ones((1, 1)), 200_000, seed=3)
    freq = np.bincount(req.file, minlength=cat.n_files) / 200_000
    # Binomial standard error is at most 0.0012 at n = 200,000; 5 sigma.
    assert np.max(np.abs(freq - shares)) < 0.006


def test_same_seed_same_bytes_and_daily_views(small):
    cat, shares, views = small
    a = sessions.sample_requests(cat, shares, views, 30, seed=5)
    b = sessions.sample_requests(cat, shares, views, 30, seed=5)
    assert a.file.tobytes() == b.file.tobytes() and a.day.tobytes() == b.day.tobytes()
    daily = a.daily_views(cat.n_files)
    assert daily.shape == (cat.n_files, 3)
    assert daily.sum() == a.file.size


def test_bad_arguments_name_the_parameter(small):
    cat, shares, views = small
    with pytest.raises(ValueError, match="sessions_per_day="):
        sessions.sample_requests(cat, shares, views, 0)
    with pytest.raises(ValueError, match="no views on day 1"):
        sessions.sample_requests(cat, shares, np.c_[views[:, 0], np.zeros(cat.n_titles)], 10)
    with pytest.raises(ValueError, match="must match the catalogue"):
        sessions.sample_requests(cat, shares[:-1], views, 10)
