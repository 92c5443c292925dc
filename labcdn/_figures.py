"""The record every study's ``figures`` module keeps for a published number."""

from __future__ import annotations

from typing import NamedTuple


class Figure(NamedTuple):
    """One published number and where it comes from.

    Attributes
    ----------
    figure : str
        What the number measures, in words.
    source : str
        Who published it, where and when.
    published : float or None
        The number (``None``: published only in words).
    note : str
        The source's own words, or how the model reads the figure.
    """

    figure: str
    source: str
    published: float | None
    note: str
