"""Serving under hostile input: a simulation too short to complete a page says so instead of reporting 0."""

from __future__ import annotations

import pytest

from labcdn import serving


def test_a_simulation_that_completes_no_page_is_refused_not_zero():
    net = serving.evaluate(serving.ServerConfig()).network
    with pytest.raises(ValueError, match=r"events=1 completed no page"):
        serving.simulate(net, events=1, seed=0)
    assert serving.simulate(net, events=2000, seed=0).throughput > 0
