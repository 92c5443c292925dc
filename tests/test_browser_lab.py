"""JupyterLab in a real browser: a chapter opened before Run All shows its charts and panels; after Run All,
every live panel redraws when its slider moves; and nothing reaches the network."""

from __future__ import annotations

import time

import pytest
from browser import ACTIVE_NOTEBOOK, OfflineGuard, jupyter_lab, run_all, shutdown_kernels, trust
from conftest import ROOT

pytestmark = pytest.mark.browser

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
    page.goto(f"{url}/lab/tree/{UNRUN}?reset&token={token}", wait_until="domcontentloaded")
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
    # The live panel, from its saved widget state: the LiveChart shows its first draw (no kernel has run).
    panel_charts = page.locator(".labcdn-live-chart .labcdn-live-fallback .labcdn-chart svg").count()
    page.locator(".jp-OutputArea-output .labcdn-chart").first.screenshot(
        path=str(artifacts / "lab-unrun-chart.png")
    )
    page.close()
    assert n > 0, f"{UNRUN}: no chart outputs found before Run All"
    assert empty == [], f"{UNRUN}: charts {empty} of {n} show no picture before Run All"
    assert reprs == 0, f"{UNRUN}: {reprs} widget panels show as VBox(children=...) text"
    assert panel_charts >= 1, f"{UNRUN}: the live panel shows no chart before Run All"
    assert guard.blocked == [], guard.blocked


def chapters_with_panels() -> list[str]:
    return sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb") if "ui.live(" in p.read_text())


# What a ui.live panel redraws: a LiveChart (charts), an HTML widget (tables, text) or an Output area.
VIEW = ".labcdn-live-chart, .widget-html, .widget-output"


@pytest.mark.parametrize("chapter", chapters_with_panels())
def test_every_panel_redraws_after_run_all(browser, lab, artifacts, chapter):
    """Run All, then move one control of every live panel: its view must change, and nothing goes online."""
    url, token = lab
    guard = OfflineGuard()
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    guard.attach(page)
    t0 = time.perf_counter()
    page.goto(f"{url}/lab/tree/{chapter}?reset&token={token}", wait_until="domcontentloaded")
    run_all(page, timeout_ms=600_000)
    ran = time.perf_counter() - t0
    panels = page.locator(f"{ACTIVE_NOTEBOOK} .jp-OutputArea-output > .widget-vbox").filter(has=page.locator(VIEW))
    n = panels.count()
    still = []
    for i in range(n):
        panel = panels.nth(i)
        panel.scroll_into_view_if_needed()
        view = panel.locator(VIEW).first
        if "labcdn-live-chart" in (view.get_attribute("class") or ""):
            # The live view replaces the saved picture once the kernel has sent Vega (after Run All).
            view.locator(".labcdn-live-view svg").first.wait_for(timeout=60_000)
        before = view.inner_html()
        handles, selects = panel.locator(".noUi-handle"), panel.locator("select")
        if handles.count():
            handle = handles.first
            handle.focus()
            at_max = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
            page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
        else:
            select = selects.first
            options = select.locator("option").all_inner_texts()
            current = select.evaluate("e => e.options[e.selectedIndex].text")
            select.select_option(label=next(o for o in options if o != current))
        try:
            page.wait_for_function(
                "([el, before]) => el.innerHTML !== before", arg=[view.element_handle(), before], timeout=30_000
            )
        except Exception:  # noqa: BLE001 - playwright's timeout: the view never changed
            still.append(i)
    page.screenshot(path=str(artifacts / f"lab-{chapter.removesuffix('.ipynb')}.png"))
    print(f"{chapter}: Run All in {ran:.1f} s; {n} panels")
    page.close()
    shutdown_kernels(url, token)
    assert n > 0, f"{chapter}: no live panel found after Run All"
    assert still == [], f"{chapter}: panels {still} of {n} did not redraw after a move"
    assert guard.blocked == [], f"JupyterLab page tried to reach the network: {guard.blocked}"
    assert guard.errors == [], guard.errors
