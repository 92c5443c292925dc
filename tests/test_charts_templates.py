"""Live-panel charts filled into a template draw exactly what the chapter's chart builder draws."""

from __future__ import annotations

import polars as pl
import pytest
import vl_convert as vlc

from labcdn.charts import serving as serving_charts
from labcdn.charts import templates


def _svg(chart) -> str:
    return vlc.vegalite_to_svg(chart.to_dict())


@pytest.mark.parametrize("gbps", [22.4, 56.0])
def test_limits_spec_draws_the_limits_chart(gbps):
    frame = pl.DataFrame({"limit": ["cpu", "inactive-queue lock", "memory bandwidth", "pcie", "nic"],
                          "gbps": [95.123, gbps + 1.5, float("inf"), 56.04, 100.0]})
    title = f"{gbps:.1f} Gbps, bottleneck: inactive-queue lock"
    fast = serving_charts.limits_spec(frame, gbps, title)
    assert _svg(fast) == _svg(serving_charts.limits(frame, gbps, title))
    assert _svg(fast) != _svg(serving_charts.limits_spec(frame, gbps + 10, title))  # the rows are filled in


def test_fill_refuses_rows_that_fit_no_dataset_and_ambiguous_templates():
    template = serving_charts.limits(pl.DataFrame({"limit": ["cpu"], "gbps": [1.0]}), 1.0, "t").to_dict()
    with pytest.raises(ValueError, match="no dataset of the template has the columns"):
        templates.fill(template, [pl.DataFrame({"resource": ["cpu"], "gbps": [2.0]})])
    twins = {"datasets": {"a": [{"x": 1}], "b": [{"x": 2}]}}
    with pytest.raises(ValueError, match="have the same columns"):
        templates.dataset_names(twins)
