"""How labcdn's Altair charts reach the reader, with or without a network.

Altair's default renderer loads Vega from a CDN, so offline it shows
"Error loading script". The ``labcdn`` renderer instead emits one HTML block
that works everywhere:

- an SVG of the chart rendered on the kernel side by vl-convert, visible in
  JupyterLab, in nbval's comparisons and in any static page;
- a small script that, where ``window.vegaEmbed`` exists (the book loads the
  Vega bundle from its own files), replaces the SVG with the live chart, so
  tooltips and Vega-Lite parameters bound to sliders work with no kernel.

The element id is a hash of the spec, so re-executing a notebook gives the
same bytes (nbval compares them).
"""

from __future__ import annotations

import hashlib
import html
import json

import altair as alt
import vl_convert as vlc

RENDERER = "labcdn"
EMBED_OPTIONS = {"renderer": "svg", "actions": False}


def spec_html(spec: dict) -> str:
    """Return the HTML block for a Vega-Lite ``spec`` (static SVG + live upgrade).

    Parameters
    ----------
    spec : dict
        A complete Vega-Lite specification, e.g. ``chart.to_dict()``.

    Returns
    -------
    str
        ``<div class="labcdn-chart">`` holding the SVG, followed by the script
        that hands the spec to ``vegaEmbed`` when the page provides it.
    """
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"))
    div_id = "labcdn-chart-" + hashlib.sha1(text.encode()).hexdigest()[:16]
    svg = vlc.vegalite_to_svg(spec)
    options = json.dumps(EMBED_OPTIONS, sort_keys=True)
    # "</" inside a <script> would end it early; JSON allows escaping the slash.
    payload = text.replace("</", "<\\/")
    script = (
        "(function(){"
        f'var el=document.getElementById("{div_id}");'
        "if(!el||!window.vegaEmbed){return;}"
        f"window.vegaEmbed(el,{payload},{options})"
        '.then(function(r){el.labcdnView=r.view;el.classList.add("labcdn-live");})'
        ".catch(function(err){console.error(err);});"
        "})();"
    )
    return (
        f'<div id="{div_id}" class="labcdn-chart" role="img" '
        f'aria-label="{html.escape(str(spec.get("description", "chart")))}">{svg}</div>\n'
        f'<script type="text/javascript">{script}</script>'
    )


def _renderer(spec: dict, **_metadata) -> dict:
    return {"text/html": spec_html(spec)}


def enable() -> None:
    """Make every Altair chart displayed afterwards use the offline ``labcdn`` renderer."""
    if RENDERER not in alt.renderers.names():
        alt.renderers.register(RENDERER, _renderer)
    alt.renderers.enable(RENDERER)


def to_svg(chart: alt.TopLevelMixin) -> str:
    """Render a chart to an SVG string on the kernel side (no browser needed)."""
    return vlc.vegalite_to_svg(chart.to_dict())
