"""A caption drawn from data: text above a live chart that changes without changing the chart's shape.

A live panel's view is updated in place when only its data change (``labcdn.ui.LiveChart``); a title
that carries the moved values would change the spec and rebuild the view. The caption is a text mark
on a one-row dataset, so a redraw only sends the new row.
"""

from __future__ import annotations

import altair as alt
import polars as pl


def caption(text: str, width: int = 400) -> alt.Chart:
    """A bold line of ``text``, as a chart of one text mark, for ``alt.vconcat(caption(...), chart)``.

    Parameters
    ----------
    text : str
    width : int
        Pixels reserved for the line.

    Returns
    -------
    altair.Chart
    """
    return (
        alt.Chart(caption_rows(text))
        .mark_text(align="left", baseline="top", fontSize=13, fontWeight="bold", x=0, y=0)
        .encode(text="caption:N")
        .properties(width=width, height=16)
    )


def caption_rows(text: str) -> pl.DataFrame:
    """The data behind :func:`caption`: one row, column ``caption``."""
    if not isinstance(text, str):
        raise ValueError(f"text must be a str; got {type(text).__name__}")
    return pl.DataFrame({"caption": [text]})
