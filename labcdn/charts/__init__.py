"""Chart builders (polars frame in, Altair chart out), the offline renderer and tables for readers."""

from labcdn.charts.render import enable, spec_html, to_svg
from labcdn.charts.tables import table

__all__ = ["enable", "spec_html", "table", "to_svg"]
