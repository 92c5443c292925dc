"""Chart builders (polars frame in, Altair chart out) and the offline renderer."""

from labcdn.charts.render import enable, spec_html, to_svg

__all__ = ["enable", "spec_html", "to_svg"]
