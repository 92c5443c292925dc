"""Sphinx extension: serve the book's JavaScript from its own files, never a CDN.

Why an extension: Jupyter Book 1 adds every ``*.js`` under ``html_static_path``
to every page, so the vendored bundles live outside ``_static`` (in
``book/_vendor``, fetched by ``make vendor``) and are copied in at
``build-finished``; scripts are added only to the pages that need them.

- Vega, Vega-Lite and vega-embed: vl-convert's bundle, wrapped in a function so
  Sphinx's global ``_`` and require.js's ``define`` cannot collide with it. Added
  to every page that holds a ``labcdn-chart``, followed by ``vega-fit.js`` (beside
  this file), which fits each live chart to its column: "container" width for a
  single view, wrapped panels and facets, legends below the plot.
- ipywidgets: require.js and ``@jupyter-widgets/html-manager``'s ``embed-amd.js``
  (with its font files beside it), added to pages whose notebook saved widget
  state; the manager is told to load any further module from the book itself.
- MathJax: ``es5/tex-mml-chtml.js`` and its woff fonts, copied to
  ``_static/labcdn/mathjax`` (``mathjax_path`` in ``_config.yml`` points there).
- Widget state: a page that displays no widget (the chapters remove their live
  panels from the book) gets neither the notebook's saved state nor the manager.
- Build logs: myst-nb writes ``reports/*.err.log`` into the output folder when a
  notebook's execution logs errors; they are for the builder (the log names them),
  not for readers, so they are moved out of the site to ``<outdir>/../reports``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

STATIC_SUBDIR = "labcdn"
VEGA_BUNDLE = f"{STATIC_SUBDIR}/vega-bundle.js"
VEGA_FIT = f"{STATIC_SUBDIR}/vega-fit.js"
REQUIRE_JS = f"{STATIC_SUBDIR}/require.min.js"
EMBED_AMD = f"{STATIC_SUBDIR}/embed-amd.js"
MATHJAX_SHIM = f"{STATIC_SUBDIR}/mathjax-hub-shim.js"

# The widget manager typesets labels with MathJax 2's ``MathJax.Hub.Queue`` whenever
# ``window.MathJax`` exists; the book loads MathJax 3, which has no Hub. Forward to v3.
_MATHJAX_SHIM_JS = """(function () {
  var M = window.MathJax;
  if (!M || M.Hub) { return; }
  M.Hub = {Queue: function (job) {
    var el = job && job[2];
    if (el && M.typesetPromise) { M.typesetPromise([el]).catch(function () {}); }
  }};
})();
"""


def _vendor_dir(app) -> Path:
    return Path(app.srcdir) / app.config.labcdn_vendor_dir


def _check_vendor(app) -> None:
    vendor = _vendor_dir(app)
    needed = [
        vendor / "requirejs" / "require.js",
        vendor / "html-manager" / "dist" / "embed-amd.js",
        vendor / "mathjax" / "tex-mml-chtml.js",
    ]
    missing = [str(p) for p in needed if not p.is_file()]
    if missing and app.builder.format == "html":
        raise ExtensionError(
            "labcdn_offline: vendored JavaScript missing: " + ", ".join(missing) + " — run `make vendor` first"
        )


def _has_chart(doctree) -> bool:
    if doctree is None:
        return False
    for node in doctree.findall(nodes.raw):
        if "labcdn-chart" in node.astext():
            return True
    return False


def _has_widgets(app, pagename: str) -> bool:
    try:
        from myst_nb.sphinx_ import NbMetadataCollector
    except ImportError:  # pragma: no cover - myst-nb is a hard dependency of jupyter-book
        return False
    return "ipywidgets_state" in NbMetadataCollector.get_js_files(app.env, pagename)


def _shows_widget(doctree) -> bool:
    return doctree is not None and any(
        "application/vnd.jupyter.widget-view+json" in node.astext() for node in doctree.findall(nodes.raw)
    )


def _drop_unused_widget_state(app, pagename, templatename, context, doctree):
    """A page that displays no widget (its panels are removed from the book) ships no widget state.

    The notebooks save their widget state for JupyterLab, where a chapter opened before Run All shows its
    panels from it; in the book those cells are removed, and the state (which names modules such as
    anywidget that the book does not serve) would only make the widget manager fail to load them.
    """
    if app.builder.format != "html" or _shows_widget(doctree):
        return
    try:
        from myst_nb.sphinx_ import NbMetadataCollector
    except ImportError:  # pragma: no cover - myst-nb is a hard dependency of jupyter-book
        return
    js_files = NbMetadataCollector.get_js_files(app.env, pagename)
    for key in [k for k in js_files if k.startswith("ipywidgets")]:
        del js_files[key]


def _on_page(app, pagename, templatename, context, doctree):
    if app.builder.format != "html":
        return
    if _has_chart(doctree):
        app.add_js_file(VEGA_BUNDLE, priority=100)
        app.add_js_file(VEGA_FIT, priority=101)
    if _has_widgets(app, pagename):
        # require.js must run after every other classic script: a UMD script that runs later
        # (the theme's clipboard.min.js) would call its anonymous define() and break it
        # ("Mismatched anonymous define() module"). Deferred scripts run after all classic ones.
        cdn = context["pathto"](f"_static/{STATIC_SUBDIR}/modules/", 1)
        app.add_js_file(MATHJAX_SHIM, priority=890, loading_method="defer")
        app.add_js_file(REQUIRE_JS, priority=900, loading_method="defer")
        app.add_js_file(EMBED_AMD, priority=910, loading_method="defer", **{"data-jupyter-widgets-cdn": cdn})


def _on_finished(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    import vl_convert as vlc

    target = Path(app.outdir) / "_static" / STATIC_SUBDIR
    target.mkdir(parents=True, exist_ok=True)
    (target / "modules").mkdir(exist_ok=True)
    bundle = vlc.javascript_bundle()
    wrapped = "(function(define, module, exports){\n" + bundle + "\n}).call(window);\n"
    (target / "vega-bundle.js").write_text(wrapped, encoding="utf-8")
    (target / "mathjax-hub-shim.js").write_text(_MATHJAX_SHIM_JS, encoding="utf-8")
    shutil.copyfile(Path(__file__).with_name("vega-fit.js"), target / "vega-fit.js")
    vendor = _vendor_dir(app)
    shutil.copyfile(vendor / "requirejs" / "require.js", target / "require.min.js")
    for path in (vendor / "html-manager" / "dist").iterdir():
        if path.suffix != ".map" and path.is_file():
            shutil.copyfile(path, target / path.name)
    shutil.copytree(vendor / "mathjax", target / "mathjax", dirs_exist_ok=True)
    _move_build_logs(Path(app.outdir))


def _move_build_logs(outdir: Path) -> None:
    """Keep execution logs out of the published site (they stay beside it for the builder)."""
    reports = outdir / "reports"
    if not reports.is_dir():
        return
    keep = outdir.parent / "reports"
    keep.mkdir(parents=True, exist_ok=True)
    for log in sorted(reports.glob("*.log")):
        shutil.move(str(log), keep / log.name)
        logger.info(f"labcdn_offline: build log {log.name} moved out of the site to {keep}")
    if not any(reports.iterdir()):
        reports.rmdir()


def setup(app):
    app.add_config_value("labcdn_vendor_dir", "_vendor", "html")
    app.connect("builder-inited", _check_vendor)
    # Before myst-nb's own handler (priority 500), which adds the notebook's widget state to the page.
    app.connect("html-page-context", _drop_unused_widget_state, priority=400)
    app.connect("html-page-context", _on_page)
    app.connect("build-finished", _on_finished)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
