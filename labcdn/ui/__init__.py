"""Widget layouts: they build and link controls, and nothing else.

Models live in ``labcdn/<topic>.py`` and charts in ``labcdn/charts``; a layout
here only wires controls to a ``draw`` callable that the notebook supplies.
"""

from labcdn.ui.controls import live, slider, slider_points

__all__ = ["live", "slider", "slider_points"]
