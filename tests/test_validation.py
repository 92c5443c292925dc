"""Tests for labcdn._validation: every refusal is a ValueError that names the parameter and its value."""

from __future__ import annotations

import math

import numpy as np
import pytest

from labcdn._validation import check_range


@pytest.mark.parametrize(("value", "message"), [
    (float("inf"), "n=inf must be a whole number"),
    (-math.inf, "n=-inf must be a whole number"),
    (float("nan"), "n=nan is not allowed"),
    (2.5, "n=2.5 must be a whole number"),
    ("3", "n='3' is not a number"),
    (True, "n=True is not a number"),
    (11, r"n=11 .*\[0, 10\]"),
])
def test_integer_refusals_name_the_parameter(value, message):
    with pytest.raises(ValueError, match=message):
        check_range("n", value, 0, 10, integer=True)


@pytest.mark.parametrize("value", [0, 10, 3.0, np.int64(7), np.float64(4.0)])
def test_whole_numbers_in_range_pass(value):
    got = check_range("n", value, 0, 10, integer=True)
    assert got == value and isinstance(got, int)
