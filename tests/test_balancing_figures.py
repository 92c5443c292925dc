"""The load-balancer study's published defaults are typed once, in labcdn.balancing.figures, and the model uses them."""

from __future__ import annotations

import pytest

from labcdn import balancing as lb
from labcdn.balancing import figures
from labcdn.balancing.algorithms import DEFAULT_BALANCE_FACTOR


def test_the_models_defaults_are_the_published_ones():
    check = lb.HealthCheck()
    assert (check.inter, check.fall, check.rise) == (
        figures.PUBLISHED["check_inter_s"].published,
        figures.PUBLISHED["check_fall"].published,
        figures.PUBLISHED["check_rise"].published,
    ) == (2.0, 3, 2)
    assert DEFAULT_BALANCE_FACTOR == figures.HASH_BALANCE_FACTOR == 125


@pytest.mark.parametrize(("inter", "checks", "window"), [(2.0, 3, (4.0, 6.0)), (2.0, 2, (2.0, 4.0)), (0.5, 1, (0.0, 0.5))])
def test_detection_window_spans_one_interval_ending_at_checks_intervals(inter, checks, window):
    assert figures.detection_window(inter, checks) == window


def test_every_figure_names_its_source():
    for key, fig in figures.PUBLISHED.items():
        assert fig.source and fig.figure and fig.published is not None, key
