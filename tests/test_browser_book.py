"""The built book in a real browser, with the network cut off.

Run after `jupyter-book build book` (``make test`` does both). Every chapter page
must load with no non-local request, render every chart live (vega-embed from
the book's own files), keep its kernel-free slider working, and log no errors
beyond the known harmless ones.
"""

from __future__ import annotations

import time

import pytest
import yaml
from browser import OfflineGuard
from conftest import ROOT

pytestmark = pytest.mark.browser

HTML = ROOT / "book" / "_build" / "html"


def chapter_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "book" / "_toc.yml").read_text())
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        pages += [chapter["file"] for chapter in part["chapters"]]
    return pages


@pytest.fixture(scope="module")
def built():
    if not (HTML / "index.html").exists():
        pytest.fail(f"{HTML} has no index.html: build the book first (`make book-check`)")
    return HTML


@pytest.mark.parametrize("page_name", chapter_pages())
def test_page_renders_offline(browser, built, artifacts, page_name):
    guard = OfflineGuard()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    guard.attach(page)
    t0 = time.perf_counter()
    page.goto((built / f"{page_name}.html").as_uri(), wait_until="load")
    # Charts in ordinary cell outputs go live (vega-embed); charts saved inside widget
    # Output areas keep their static SVG (the widget manager renders them as HTML).
    live = ".cell_output .labcdn-chart:not(.widget-output .labcdn-chart)"
    if page.locator(live).count():
        page.wait_for_function(
            f"() => [...document.querySelectorAll({live!r})].every(e => e.classList.contains('labcdn-live'))",
            timeout=30_000,
        )
    if page.locator("script[type='application/vnd.jupyter.widget-view+json']").count():
        page.wait_for_selector(".widget-slider, .jupyter-widgets", timeout=30_000)
    charts = page.locator(".labcdn-chart")
    n_charts = charts.count()
    for i in range(n_charts):
        marks = charts.nth(i).locator("svg .mark-group, svg path, svg rect, canvas").count()
        assert marks > 0, f"{page_name}: chart {i} rendered empty"
    page.screenshot(path=str(artifacts / f"book-{page_name.replace('/', '-')}.png"), full_page=True)
    print(f"{page_name}: {n_charts} charts live in {time.perf_counter() - t0:.2f} s")
    page.close()
    assert guard.blocked == [], f"{page_name} tried to reach the network: {guard.blocked}"
    assert guard.errors == [], f"{page_name} logged errors: {guard.errors}"


@pytest.mark.parametrize("page_name", [p for p in chapter_pages() if p.startswith("notebooks/")])
def test_kernel_free_slider_changes_its_chart(browser, built, artifacts, page_name):
    """Each chapter ships at least one Vega-Lite slider that works with no kernel."""
    guard = OfflineGuard()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    guard.attach(page)
    page.goto((built / f"{page_name}.html").as_uri(), wait_until="load")
    sliders = page.locator(".labcdn-chart .vega-bindings input[type=range]")
    sliders.first.wait_for(timeout=30_000)
    assert sliders.count() >= 1, f"{page_name} has no kernel-free slider"
    slider = sliders.first
    chart = page.locator(".labcdn-chart", has=page.locator(".vega-bindings input[type=range]")).first
    before = chart.locator("svg").first.inner_html()
    # Move to the far end from where it starts (a slider may start at its minimum).
    slider.evaluate(
        "el => { el.value = (+el.value === +el.min) ? el.max : el.min;"
        " el.dispatchEvent(new Event('input', {bubbles: true})); }"
    )
    page.wait_for_function(
        "([el, before]) => el.querySelector('svg').innerHTML !== before",
        arg=[chart.element_handle(), before],
        timeout=10_000,
    )
    chart.screenshot(path=str(artifacts / f"slider-{page_name.replace('/', '-')}.png"))
    page.close()
    assert guard.blocked == [], guard.blocked
    assert guard.errors == [], guard.errors
