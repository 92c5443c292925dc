"""JupyterLab in a real browser: a chapter opened before Run All shows its charts and panels; after Run All,
every live panel redraws when its slider moves; and nothing reaches the network."""

from __future__ import annotations

import time

import pytest
from browser import OfflineGuard, jupyter_lab, run_all, trust
from conftest import ROOT

pytestmark = pytest.mark.browser

CHAPTER = "01_popularity.ipynb"
UNRUN = "03_hashing.ipynb"


@pytest.fixture(scope="module")
def lab(tmp_path_factory, artifacts):
    """A JupyterLab server on a free local port with a random token, the notebooks trusted as `make lab` does."""
    home = tmp_path_factory.mktemp("lab")
    trust(sorted((ROOT / "notebooks").glob("*.ipynb")), home)
    with jupyter_lab(ROOT / "notebooks", home, artifacts / "jupyterlab.log") as server:
        yield server


def test_chapter_readable_before_run_all(browser, lab, artifacts):
    """Opened without running: every chart output shows as a picture, no panel falls back to its text repr."""
    url, token = lab
    guard = OfflineGuard()
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    guard.attach(page)
    page.goto(f"{url}/lab/tree/{UNRUN}?token={token}", wait_until="domcontentloaded")
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=120_000)
    page.wait_for_function(
        "() => document.querySelectorAll('.jp-OutputArea-output .labcdn-chart').length > 0"
    )
    # Outputs render lazily as they scroll into view: walk the notebook once.
    page.evaluate(
        "async () => { const s = document.querySelector('.jp-WindowedPanel-outer') || document.scrollingElement;"
        " for (let y = 0; y < s.scrollHeight; y += 600) { s.scrollTop = y; await new Promise(r => setTimeout(r, 60)); } }"
    )
    charts = page.locator(".jp-OutputArea-output .labcdn-chart")
    n = charts.count()
    empty = [i for i in range(n) if charts.nth(i).locator("svg path, svg .mark-group, img").count() == 0]
    reprs = page.locator(".jp-OutputArea-output pre", has_text="VBox(children=").count()
    page.locator(".jp-OutputArea-output .labcdn-chart").first.screenshot(
        path=str(artifacts / "lab-unrun-chart.png")
    )
    page.close()
    assert n > 0, f"{UNRUN}: no chart outputs found before Run All"
    assert empty == [], f"{UNRUN}: charts {empty} of {n} show no picture before Run All"
    assert reprs == 0, f"{UNRUN}: {reprs} widget panels show as VBox(children=...) text"
    assert guard.blocked == [], guard.blocked


def test_run_all_then_move_a_slider(browser, lab, artifacts):
    url, token = lab
    guard = OfflineGuard()
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    guard.attach(page)
    t0 = time.perf_counter()
    page.goto(f"{url}/lab/tree/{CHAPTER}?token={token}", wait_until="domcontentloaded")
    run_all(page, timeout_ms=300_000)
    ran = time.perf_counter() - t0
    # A ui.live panel: a top-level VBox ending in an Output area (found without its chart, which the move replaces).
    panel = page.locator(".jp-OutputArea-output > .widget-vbox").filter(has=page.locator(".widget-output")).first
    output = panel.locator(":scope > .widget-output").first
    output.scroll_into_view_if_needed()
    before = output.inner_html()
    handle = panel.locator(".noUi-handle").first
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "([el, before]) => el.innerHTML !== before", arg=[output.element_handle(), before], timeout=30_000
    )
    # After a move the chart is drawn in the browser (JupyterLab's Vega-Lite renderer), not sent as SVG.
    output.locator(".jp-RenderedVegaLite svg .mark-group").first.wait_for(timeout=30_000)
    panel.screenshot(path=str(artifacts / "lab-slider.png"))
    print(f"Run All in {ran:.1f} s; slider redraw observed")
    page.close()
    assert guard.blocked == [], f"JupyterLab page tried to reach the network: {guard.blocked}"
    assert guard.errors == [], guard.errors
