"""The nightly fill window against the serving day: hourly counts of a real trace and the quietest window."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labcdn import datasets, prediction
from labcdn.prediction.serving_day import fill_window, hourly_requests, serving_day

MIDNIGHT_EDT = 1_189_828_800.0  # 2007-09-15 00:00 in Amherst (UTC-4): the S1 trace's first local midnight


def _naive_window(counts, hours):
    """Every start, summed the slow way; the first of the least."""
    sums = [sum(counts[(s + k) % 24] for k in range(hours)) for s in range(24)]
    start = sums.index(min(sums))
    return start, (start + hours) % 24


def test_hours_are_local_time():
    stamps = MIDNIGHT_EDT + 3600.0 * np.array([0.5, 1.5, 1.6, 23.9])
    h = hourly_requests(stamps)
    assert h["requests"].to_list()[:3] == [1, 2, 0] and h["requests"][23] == 1
    assert h["share"].sum() == pytest.approx(1.0)
    assert hourly_requests(stamps, timezone="UTC")["requests"][4] == 1  # 00:30 EDT is 04:30 UTC


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 50), min_size=24, max_size=24), st.integers(1, 24))
def test_fill_window_is_the_quietest_run_of_hours(counts, hours):
    assert fill_window(counts, hours) == _naive_window(counts, hours)


def test_window_wraps_past_midnight():
    counts = [1] * 6 + [9] * 12 + [1] * 6
    assert fill_window(counts, 12) == (18, 6)


def test_the_chapter_trace_fills_overnight_and_peaks_in_the_afternoon():
    frame = datasets.load_umass_youtube("012908.S1", lenient=True).frame
    day = serving_day(frame["timestamp"].to_numpy())
    assert day.hourly["requests"].sum() == frame.height
    assert day.fill_hours == prediction.FILL_WINDOW_HOURS == 12
    assert day.hourly["in_fill_window"].sum() == 12
    inside = day.hourly.filter(day.hourly["in_fill_window"])
    assert inside["share"].sum() == pytest.approx(day.share_in_window)
    assert not day.hourly["in_fill_window"][day.peak_hour]
    assert (day.fill_start, day.fill_end) == _naive_window(day.hourly["requests"].to_list(), 12)


@pytest.mark.parametrize(("args", "match"), [
    (([1] * 23,), "one count per hour"),
    (([1] * 24, 0), "hours"),
    (([1] * 24, 25), "hours"),
    (([-1] + [1] * 23,), "requests"),
])
def test_bad_arguments_name_themselves(args, match):
    with pytest.raises(ValueError, match=match):
        fill_window(*args)


def test_no_timestamps_is_refused():
    with pytest.raises(ValueError, match="timestamps"):
        hourly_requests([])
