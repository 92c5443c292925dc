"""The catalogue: ladder loading, expansion into files, CSR layout."""

from __future__ import annotations

import naive_popularity as naive
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labcdn.popularity import FILES_PER_EPISODE
from labcdn.popularity.catalogue import CatalogueParams, make_catalogue, median_title, title_files
from labcdn.popularity.ladder import LADDER_PATH, LADDER_SCHEMA, SCOPES, load_ladder

LADDER = load_ladder()
GLOBAL_EPISODES = dict(scope_shares=(1.0, 0.0, 0.0), film_share=0.0)
PUBLISHED_FILES_PER_EPISODE = FILES_PER_EPISODE  # Vora, Deek, Livengood (The Crown)


def test_default_ladder_loads_with_its_schema():
    assert list(LADDER.frame.columns) == list(LADDER_SCHEMA)
    assert LADDER.frame.schema == LADDER_SCHEMA
    assert set(LADDER.frame["kind"]) == {"video", "audio", "text"}
    assert LADDER.frame.filter(LADDER.frame["source"].str.len_chars() < 10).height == 0


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), runtime=st.floats(0.3, 1.5))
def test_a_global_episode_has_about_1200_files(seed, runtime):
    cat = make_catalogue(CatalogueParams(n_titles=5, episode_runtime_h=runtime, **GLOBAL_EPISODES), seed)
    files = cat.files_per_title()
    assert np.all(np.abs(files - PUBLISHED_FILES_PER_EPISODE) <= 0.1 * PUBLISHED_FILES_PER_EPISODE)


def test_local_titles_have_far_fewer_files():
    local = make_catalogue(CatalogueParams(n_titles=50, scope_shares=(0, 0, 1)), 1).files_per_title()
    global_ = make_catalogue(CatalogueParams(n_titles=50, scope_shares=(1, 0, 0)), 1).files_per_title()
    assert 60 <= local.min() and local.max() <= 250
    assert local.max() * 4 < global_.min()


def test_sizes_are_size_rate_times_runtime():
    cat = make_catalogue(CatalogueParams(n_titles=30), 3)
    expected = LADDER.size_kbps[cat.row] * 1000 / 8 * cat.runtime_h[cat.title] * 3600
    np.testing.assert_allclose(cat.size_bytes, np.maximum(1, np.round(expected)), rtol=0, atol=0)
    assert np.all(cat.size_bytes == np.floor(cat.size_bytes))


def test_text_files_are_small_and_video_dominates_storage():
    cat = make_catalogue(CatalogueParams(n_titles=30), 3)
    kind = LADDER.kind[cat.row]
    share = [cat.size_bytes[kind == k].sum() / cat.size_bytes.sum() for k in range(3)]
    assert share[0] > 0.8 and share[2] < 0.02


def test_csr_layout_is_consistent():
    cat = make_catalogue(CatalogueParams(n_titles=40), 7)
    off = cat.title_offsets
    assert off[0] == 0 and off[-1] == cat.n_files and np.all(np.diff(off) > 0)
    np.testing.assert_array_equal(cat.title, np.repeat(np.arange(cat.n_titles), cat.files_per_title()))
    np.testing.assert_allclose(cat.title_size_bytes(), np.bincount(cat.title, weights=cat.size_bytes))
    for arr, dtype in ((cat.title, np.int32), (cat.language, np.int16), (cat.size_bytes, np.float64)):
        assert arr.dtype == dtype and arr.size == cat.n_files
    assert np.all(cat.language[LADDER.per[cat.row] == 0] == -1)
    assert np.all(cat.language[LADDER.per[cat.row] != 0] >= 0)


@pytest.mark.parametrize("max_variants", [0, 1, 2])
def test_expansion_matches_the_slow_reference(max_variants):
    cat = make_catalogue(CatalogueParams(n_titles=12, max_variants=max_variants), 11)
    rows = list(LADDER.frame.iter_rows(named=True))
    expected = naive.expand_titles(rows, cat.scope, cat.audio_languages, cat.text_languages, max_variants)
    for t, files in enumerate(expected):
        sl = slice(cat.title_offsets[t], cat.title_offsets[t + 1])
        got = list(zip(cat.row[sl].tolist(), cat.language[sl].tolist(), cat.variant[sl].tolist(), strict=True))
        assert got == files


def test_same_seed_same_bytes_other_seed_other_catalogue():
    a, b = make_catalogue(seed=5), make_catalogue(seed=5)
    for x, y in zip(a[1:], b[1:], strict=True):
        np.testing.assert_array_equal(x, y)
    c = make_catalogue(seed=6)
    assert not np.array_equal(a.scope, c.scope)
    d = make_catalogue(rng=np.random.default_rng(5))
    np.testing.assert_array_equal(a.size_bytes, d.size_bytes)


def test_scopes_and_runtimes_follow_the_parameters():
    p = CatalogueParams(n_titles=4000, film_share=0.2, language_jitter=0)
    cat = make_catalogue(p, 0)
    shares = np.bincount(cat.scope, minlength=3) / cat.n_titles
    np.testing.assert_allclose(shares, p.scope_shares, atol=0.03)
    assert abs(cat.is_film.mean() - 0.2) < 0.03
    assert abs(np.median(cat.runtime_h[cat.is_film]) - p.film_runtime_h) < 0.05
    assert abs(np.median(cat.runtime_h[~cat.is_film]) - p.episode_runtime_h) < 0.03
    for s in range(3):
        assert np.all(cat.audio_languages[cat.scope == s] == p.audio_languages[s])


def test_to_frame_is_one_row_per_file():
    cat = make_catalogue(CatalogueParams(n_titles=3), 0)
    frame = cat.to_frame()
    assert frame.height == cat.n_files
    assert set(frame["scope"]) <= set(SCOPES)
    assert frame["size_bytes"].sum() == pytest.approx(cat.size_bytes.sum())


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [
        ("n_titles", 0, "n_titles=0"),
        ("scope_shares", (0.5, 0.5), "scope_shares"),
        ("scope_shares", (0.0, 0.0, 0.0), "must not all be 0"),
        ("audio_languages", (0, 8, 2), r"audio_languages\[global\]=0"),
        ("language_jitter", -1, "language_jitter=-1"),
        ("film_share", 1.5, "film_share=1.5"),
        ("episode_runtime_h", 0.0, "episode_runtime_h=0.0"),
    ],
)
def test_bad_parameters_name_themselves(field, value, match):
    with pytest.raises(ValueError, match=match):
        make_catalogue(CatalogueParams(**{field: value}))


def _corrupt(tmp_path, line_no, transform):
    lines = LADDER_PATH.read_text().splitlines()
    lines[line_no - 1] = transform(lines[line_no - 1])
    path = tmp_path / "ladder.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _set_field(index, value):
    def transform(line):
        import csv
        import io

        fields = next(csv.reader([line]))
        fields[index] = value
        buf = io.StringIO()
        csv.writer(buf, lineterminator="").writerow(fields)
        return buf.getvalue()

    return transform


@pytest.mark.parametrize(
    ("line_no", "transform", "match"),
    [
        (7, _set_field(4, "fast"), "bitrate_kbps='fast' is not a number"),
        (9, _set_field(0, "hologram"), "kind='hologram'"),
        (12, _set_field(12, ""), "source is empty"),
        (5, lambda line: line + ",extra", "cannot parse"),
        (6, _set_field(10, "global|mars"), "scopes="),
        (4, _set_field(4, "100"), "must not step down in height and must climb in bitrate"),
        (3, _set_field(6, "2.5"), "variants='2.5' must be a whole number"),
        (8, _set_field(7, "text_language"), "video rows must be per none"),
    ],
)
def test_malformed_ladder_names_file_and_line(tmp_path, line_no, transform, match):
    path = _corrupt(tmp_path, line_no, transform)
    with pytest.raises(ValueError, match=match) as err:
        load_ladder(path)
    assert f"{path}:{line_no}:" in str(err.value)


def test_wrong_header_is_line_one(tmp_path):
    path = _corrupt(tmp_path, 1, lambda line: line.replace("bitrate_kbps", "kbps"))
    with pytest.raises(ValueError, match=rf"{path}:1:"):
        load_ladder(path)


@pytest.mark.parametrize("scope", SCOPES)
def test_median_title_has_the_median_file_count(scope):
    cat = make_catalogue(CatalogueParams(n_titles=120), seed=4)
    t = median_title(cat, scope)
    files = cat.files_per_title()[(cat.scope == SCOPES.index(scope)) & ~cat.is_film]
    assert SCOPES[cat.scope[t]] == scope and not cat.is_film[t]
    assert abs(cat.files_per_title()[t] - np.median(files)) == np.abs(files - np.median(files)).min()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_title_files_count_every_file_of_the_title(seed):
    """Per family, files = rungs x packagings x languages, and the families add up to the title's files."""
    cat = make_catalogue(CatalogueParams(n_titles=30), seed=seed)
    for t in range(cat.n_titles):
        f = title_files(cat, t)
        assert f["files"].sum() == cat.files_per_title()[t]
        assert (f["rungs"] * f["copies"] * f["languages"] == f["files"]).all()
        assert set(f.filter(f["kind"] == "video")["languages"]) <= {1}
        audio = f.filter(f["kind"] == "audio")["languages"]
        assert audio.max() <= cat.audio_languages[t]


def test_title_files_and_median_title_refuse_bad_arguments():
    cat = make_catalogue(CatalogueParams(n_titles=5), seed=0)
    with pytest.raises(ValueError, match="title"):
        title_files(cat, 5)
    with pytest.raises(ValueError, match="scope"):
        median_title(cat, "planetary")
