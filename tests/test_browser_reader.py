"""The built book as a reader meets it: every page at 1280 px and at 390 px, in Debian's chromium, offline.

On each page:

- no chart or diagram overflows its column (nor makes its output scroll sideways);
- every chart is drawn at a readable width (a chart fitted to a "container" width inside an inline box
  collapses to no width at all);
- every input element changes something visible, outside the control itself, when moved (a slider whose
  chart never changes is a dead control);
- no output shows a raw object repr (``VBox(children=...``, ``<... object at 0x...>``, a configuration
  object) or a polars print-out (``shape: (n, m)`` and its row of dtypes);
- the first chart or diagram starts within the first 1.5 screens;
- the page has its diagram (Graphviz, rendered at build time);
- at 390 px, the visible menu button opens the navigation, which lists every chapter.

Run after the book is built (``make book-check``); screenshots go to the artifacts folder.
"""

from __future__ import annotations

import re

import pytest
from browser import OfflineGuard
from test_browser_book import HTML, chapter_pages

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
CHART = ".labcdn-chart"
DIAGRAM = ".graphviz, svg.graphviz, object.graphviz, img.graphviz, .labcdn-diagram"
RAW = {
    "polars print-out (shape and dtype row)": re.compile(r"shape: \(\d+, \d+\)"),
    "dtype row": re.compile(
        r"(^|\n)\s*[│|]?\s*(str|f64|i64|u32|u64|i32|f32|bool)\s+[┆|]\s+(str|f64|i64|u32|u64|i32|f32|bool)\b"
    ),
    "object repr with an address": re.compile(r"<[\w.]+ object at 0x[0-9a-fA-F]+>"),
    "widget repr": re.compile(
        r"\b(VBox|HBox|Output|IntSlider|FloatSlider)\(children=|\b(IntSlider|FloatSlider)\(value="
    ),
    "configuration object": re.compile(r"polars\.config\.Config|<polars\.Config"),
}

# Charts drawn narrower than a reader can read (a collapsed "container" width): their first words.
COLLAPSED_JS = """
([sel, min]) => [...document.querySelectorAll(sel)]
  .filter(el => { const r = el.getBoundingClientRect(); return r.height > 0 && r.width < min; })
  .map(el => `${el.getBoundingClientRect().width.toFixed(0)} px wide: ${el.innerText.trim().slice(0, 50)}`)
"""
MIN_CHART_PX = 120

# Give each control on the page an index; return those a reader can see.
TAG_CONTROLS_JS = """
() => {
  const sel = '.cell_output input, .cell_output select, .cell_output textarea, .cell_output button,'
            + ' .cell_output .noUi-handle';
  const out = [];
  document.querySelectorAll(sel).forEach((el, i) => {
    if (el.classList.contains('copybtn')) return;  // the theme's copy-code button, not a study's control
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return;
    if (el.type === 'hidden') return;
    el.dataset.labcdnCtl = String(i);
    out.push({i, tag: el.tagName.toLowerCase(), type: el.type || '', handle: el.classList.contains('noUi-handle'),
              label: (el.closest('.vega-bind, .widget-slider, .widget-dropdown, .widget-checkbox, .widget-inline-hbox,'
                                  + ' .widget-toggle-buttons, .widget-select-multiple')?.innerText || el.name || '')
                     .trim().split('\\n')[0].slice(0, 60)});
  });
  return out;
}
"""

# What a reader sees of the control's cell output, leaving out the control itself (its own readout moves).
SIGNATURE_JS = """
(i) => {
  const el = document.querySelector(`[data-labcdn-ctl="${i}"]`);
  const cell = el.closest('.cell_output') || el.closest('.cell');
  const own = el.closest('.vega-bind, .widget-slider, .widget-dropdown, .widget-checkbox, .widget-toggle-buttons,'
                         + ' .widget-select-multiple, .widget-inline-hbox') || el;
  own.dataset.labcdnOwn = '1';
  const copy = cell.cloneNode(true);
  copy.querySelectorAll('[data-labcdn-own]').forEach(n => n.remove());
  delete own.dataset.labcdnOwn;
  return copy.innerHTML.replace(/data-labcdn-ctl="\\d+"/g, '');
}
"""

MOVE_JS = """
(i) => {
  const el = document.querySelector(`[data-labcdn-ctl="${i}"]`);
  const fire = (t) => el.dispatchEvent(new Event(t, {bubbles: true}));
  if (el.tagName === 'INPUT' && el.type === 'range') {
    el.value = (+el.value === +el.min) ? el.max : el.min; fire('input'); fire('change');
  } else if (el.tagName === 'SELECT') {
    el.selectedIndex = (el.selectedIndex + 1) % el.options.length; fire('input'); fire('change');
  } else if (el.tagName === 'INPUT' && (el.type === 'checkbox' || el.type === 'radio')) {
    el.click();
  } else if (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA') {
    el.value = el.value + '1'; fire('input'); fire('change');
  } else {
    el.click();
  }
}
"""

OVERFLOW_JS = """
([chart, diagram]) => {
  const column = document.querySelector('article.bd-article') || document.querySelector('main');
  const right = column.getBoundingClientRect().right + 1;
  const bad = [];
  document.querySelectorAll(chart + ',' + diagram).forEach((el, n) => {
    const pics = [el, ...el.querySelectorAll('svg, canvas, img, object')];
    const widest = Math.max(...pics.map(p => p.getBoundingClientRect().right));
    const box = el.closest('.output, .cell_output') || el.parentElement;
    if (widest > right || box.scrollWidth > box.clientWidth + 1) {
      bad.push(`${el.matches(chart) ? 'chart' : 'diagram'} ${n}: right edge ${Math.round(widest)} px,`
               + ` column ends at ${Math.round(right)} px`);
    }
  });
  return bad;
}
"""

FIRST_PICTURE_JS = """
([chart, diagram]) => {
  const first = document.querySelector('article.bd-article')?.querySelector(chart + ',' + diagram);
  return first ? first.getBoundingClientRect().top + window.scrollY : null;
}
"""


@pytest.fixture(scope="module")
def built():
    if not (HTML / "index.html").exists():
        pytest.fail(f"{HTML} has no index.html: build the book first (`make book-check`)")
    return HTML


def _open(browser, built, page_name, size):
    guard = OfflineGuard()
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    guard.attach(page)
    page.goto((built / f"{page_name}.html").as_uri(), wait_until="load")
    live = ".cell_output .labcdn-chart:not(.widget-output .labcdn-chart)"
    if page.locator(live).count():
        page.wait_for_function(
            f"() => [...document.querySelectorAll({live!r})].every(e => e.classList.contains('labcdn-live'))",
            timeout=30_000,
        )
    # Widget views (not just saved state: a chapter may remove its panels from the book) render late.
    if page.locator("script[type='application/vnd.jupyter.widget-view+json']").count():
        page.wait_for_selector(".widget-slider, .jupyter-widgets", timeout=30_000)
        page.wait_for_timeout(500)
    return page, guard


def dead_controls(page) -> list[str]:
    dead = []
    for ctl in page.evaluate(TAG_CONTROLS_JS):
        before = page.evaluate(SIGNATURE_JS, ctl["i"])
        if ctl["handle"]:
            handle = page.locator(f'[data-labcdn-ctl="{ctl["i"]}"]')
            handle.focus()
            handle.press(
                "End"
                if handle.get_attribute("aria-valuenow") != handle.get_attribute("aria-valuemax")
                else "Home"
            )
        else:
            page.evaluate(MOVE_JS, ctl["i"])
        page.wait_for_timeout(250)
        if page.evaluate(SIGNATURE_JS, ctl["i"]) == before:
            dead.append(f"{ctl['tag']}{'/' + ctl['type'] if ctl['type'] else ''} {ctl['label']!r}")
    return dead


def mobile_menu(page) -> list[str]:
    toggles = page.locator(".primary-toggle")
    visible = [i for i in range(toggles.count()) if toggles.nth(i).is_visible()]
    if not visible:
        return ["no visible menu button"]
    page.evaluate("() => window.scrollTo(0, 0)")
    toggles.nth(visible[0]).click()
    try:
        page.wait_for_function(
            "() => { const d = document.querySelector('#pst-primary-sidebar-modal');"
            " return d && d.open && d.querySelectorAll('a.reference.internal').length > 0; }",
            timeout=3_000,
        )
    except Exception:  # noqa: BLE001 - playwright's timeout: the menu stayed shut
        return ["the menu button does not open the navigation"]
    n = page.locator("#pst-primary-sidebar-modal a.reference.internal").count()
    page.keyboard.press("Escape")
    expected = len(chapter_pages()) - 1
    return [] if n >= expected else [f"the menu lists {n} links, fewer than the {expected} chapters"]


def raw_outputs(page) -> list[str]:
    found = []
    texts = page.locator(".cell_output").all_inner_texts()
    for n, text in enumerate(texts):
        for what, pattern in RAW.items():
            if m := pattern.search(text):
                found.append(f"output {n}: {what}: {m.group(0).strip()[:60]!r}")
    return found


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("page_name", chapter_pages())
def test_page_reads_well(browser, built, artifacts, page_name, width):
    size = WIDTHS[width]
    page, guard = _open(browser, built, page_name, size)
    name = f"reader-{page_name.replace('/', '-')}-{size[0]}"
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=False)
    problems: dict[str, list[str]] = {}
    problems["charts wider than the column"] = page.evaluate(OVERFLOW_JS, [CHART, DIAGRAM])
    problems["charts drawn at no width"] = page.evaluate(COLLAPSED_JS, [CHART, MIN_CHART_PX])
    problems["raw reprs in outputs"] = raw_outputs(page)
    top = page.evaluate(FIRST_PICTURE_JS, [CHART, DIAGRAM])
    if top is None:
        problems["first picture"] = ["no chart or diagram on the page"]
    elif top > 1.5 * size[1]:
        problems["first picture"] = [
            f"first chart or diagram at {top:.0f} px, beyond 1.5 screens ({1.5 * size[1]:.0f} px)"
        ]
    if page.locator(DIAGRAM).count() == 0:
        problems["diagrams"] = ["no diagram on the page"]
    problems["controls that change nothing visible"] = dead_controls(page)
    if size[0] < 992:
        problems["mobile navigation"] = mobile_menu(page)
    page.close()
    problems["network requests"] = guard.blocked
    problems = {k: v for k, v in problems.items() if v}
    report = "\n".join(
        f"  {k} ({len(v)}):\n" + "\n".join(f"    - {x}" for x in v[:12]) for k, v in problems.items()
    )
    assert not problems, f"{page_name} at {size[0]} px:\n{report}"
