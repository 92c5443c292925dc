"""Popularity under hostile input: a catalogue too large for memory is refused before it is drawn."""

from __future__ import annotations

from dataclasses import replace

import pytest

from labcdn import popularity
from labcdn.cli import main


def test_a_million_titles_is_refused_up_front_with_the_estimate_and_the_limit(capsys):
    cp = replace(popularity.CatalogueParams(), n_titles=1_000_000)
    with pytest.raises(ValueError, match=r"n_titles=1000000 \(about \d+ files\) would need about .* the limit is"):
        popularity.study(cp)
    with pytest.raises(SystemExit) as stop:
        main(["ranking", "--titles", "1000000"])
    assert stop.value.code == 2 and "would need about" in capsys.readouterr().err


def test_make_catalogue_refuses_past_the_limit(monkeypatch):
    monkeypatch.setenv("LABCDN_MEMORY_LIMIT", "1000000")
    with pytest.raises(ValueError, match=r"make_catalogue\(n_titles=500\) with \d+ files would need about"):
        popularity.make_catalogue(popularity.CatalogueParams(), 0)


@pytest.mark.parametrize("n_titles", [2000, 8000])
def test_expected_files_is_what_a_draw_holds(n_titles):
    cp = replace(popularity.CatalogueParams(), n_titles=n_titles)
    drawn = popularity.make_catalogue(cp, 0).size_bytes.size
    assert popularity.catalogue.expected_files(cp) == pytest.approx(drawn, rel=0.03)
