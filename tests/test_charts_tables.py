"""labcdn.charts.tables: Great Tables for readers, with ids fixed so notebooks re-execute to the same bytes."""

from __future__ import annotations

import polars as pl
import pytest

from labcdn.charts.tables import styled


def test_styled_is_deterministic_and_carries_its_id_and_title():
    frame = pl.DataFrame({"reading": ["traffic", "titles"], "share": [0.15, 0.63]})
    one = styled(frame, "x-1", "What RAM serves", "two readings")._repr_html_()
    two = styled(frame, "x-1", "What RAM serves", "two readings")._repr_html_()
    assert one == two
    assert 'id="labcdn-x-1"' in one and "What RAM serves" in one and "titles" in one


@pytest.mark.parametrize(("frame", "key", "message"), [
    ({"a": [1]}, "k", "polars.DataFrame"), (pl.DataFrame({"a": [1]}), "", "key"),
    (pl.DataFrame({"a": [1]}), "a b", "key")])
def test_styled_refuses_what_it_cannot_show(frame, key, message):
    with pytest.raises(ValueError, match=message):
        styled(frame, key)
