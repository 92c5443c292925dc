"""Sphinx extension: Graphviz diagrams drawn at build time and inlined in the page as SVG.

``sphinx.ext.graphviz`` runs Debian's ``dot`` (installed by ``make book``/``make test``) on each
``{graphviz}`` block. With ``graphviz_output_format = "svg"`` Sphinx 7 links the file with an
``<object>``; here the SVG itself goes into the page, so the diagram needs no further request, takes
the page's fonts and can be read by a screen reader (``<title>`` from the block's ``alt``). No network
is involved at build time or in the browser.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx.ext.graphviz import GraphvizError, graphviz, render_dot
from sphinx.util import logging

logger = logging.getLogger(__name__)

_PROLOG = re.compile(r"^.*?(?=<svg\b)", re.S)
_COMMENTS = re.compile(r"<!--.*?-->", re.S)


def _visit_inline_svg(self, node):
    code = node["code"]
    options = node["options"]
    try:
        fname, outfn = render_dot(self, code, options, "svg", "graphviz")
    except GraphvizError as exc:
        logger.warning("dot code %r: %s", code, exc, location=node)  # fails the -W build
        raise nodes.SkipNode from exc
    if outfn is None:  # dot is missing: render_dot has warned, which fails the -W build
        raise nodes.SkipNode
    svg = _COMMENTS.sub("", _PROLOG.sub("", Path(outfn).read_text(encoding="utf-8"), count=1))
    alt = node.get("alt", "")
    label = f' role="img" aria-label="{self.attval(alt)}"' if alt else ""
    svg = svg.replace(">", f'{label} style="max-width:100%;height:auto">', 1)
    classes = " ".join(["graphviz", *node.get("classes", [])])
    self.body.append(f'<div class="{classes}">{svg}</div>\n')
    raise nodes.SkipNode


def setup(app):
    app.setup_extension("sphinx.ext.graphviz")
    app.add_node(graphviz, override=True, html=(_visit_inline_svg, None))
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
