"""A reader with a keyboard and a screen reader (issue 28), on the journey page: a plot's canvas,
which takes no keys, is no Tab stop; a slider is announced as it reads ("step 15,000"), not as the
checkpoint index underneath, also after it moves; every figure has a text version (its description
and a folded table of the data its tooltips show) that the keyboard opens; toolbar buttons are
buttons with a name.
One page load for the journey; the walkthrough (the book's one figure with a toolbar) is read as loaded
for every read-only check of it (conftest.loaded_page).
"""

from __future__ import annotations

import re

import pytest

from conftest import wait_for_bokeh

# Every element of the page, light DOM and Bokeh's open shadow roots, matching a selector.
ALL_JS = """(selector) => {
  const found = [], walk = root => {
    found.push(...root.querySelectorAll(selector))
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot)
  }
  walk(document)
  return found.map(el => ({tab: el.tabIndex, role: el.getAttribute('role'), label: el.getAttribute('aria-label'),
                           now: el.getAttribute('aria-valuenow'), text: el.getAttribute('aria-valuetext')}))
}"""


def _ready(page):
    wait_for_bokeh(page, timeout=30_000)
    page.wait_for_function("document.documentElement.dataset.w2vSliders !== undefined", timeout=20_000)


def test_canvases_are_no_tab_stops_and_sliders_announce_the_step(open_page, book_run):
    page, log = open_page("book/journey.html")
    _ready(page)
    canvases = page.evaluate(ALL_JS, ".bk-events")
    assert canvases, "no Bokeh canvas found"
    assert [c for c in canvases if c["tab"] >= 0] == [], "a canvas that takes no keys is a Tab stop"
    steps = [int(s) for s in book_run.checkpoint_steps]
    sliders = page.evaluate(ALL_JS, '[role="slider"]')
    assert len(sliders) >= 2, sliders
    for s in sliders:
        assert s["label"], s
        assert re.fullmatch(r"step [\d,]+", s["text"] or ""), f"slider announces {s['text']!r}"
    sizes = page.evaluate("""() => { const found = [], walk = root => {
        for (const el of root.querySelectorAll('[role="slider"]')) { const r = el.getBoundingClientRect(); found.push([r.width, r.height]) }
        for (const el of root.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot) }
      walk(document); return found }""")
    assert all(w >= 24 and h >= 24 for w, h in sizes), f"slider handles smaller than 24 × 24 px: {sizes}"
    # moved with the keyboard, the slider still announces the step it shows
    handle = page.locator('#fig-word-map [role="slider"]')
    handle.focus()
    handle.press("Home")
    page.wait_for_timeout(200)
    text = handle.get_attribute("aria-valuetext")
    assert text == f"step {steps[0]:,}", text

    # every figure: a "Show the data" right after it, reached with Tab and opened with Enter
    figures = page.locator("figure.w2v-bokeh")
    for i in range(figures.count()):
        fig_id = figures.nth(i).get_attribute("id")
        details = page.locator(f"figure#{fig_id} + details.w2v-figure-data")
        assert details.count() == 1, f"#{fig_id} has no data toggle"
        assert details.locator("p").first.text_content() == figures.nth(i).get_attribute("aria-label")
    summary = page.locator("#fig-word-map-data > summary")
    summary.focus()
    page.keyboard.press("Enter")
    table = page.locator("#fig-word-map-data table")
    table.first.wait_for(state="visible", timeout=5_000)
    words = " ".join(table.first.locator("tbody td:first-child").all_inner_texts())
    corpus = book_run.corpus
    missing = [w for w in corpus.vocab if not re.search(rf"\b{re.escape(w)}\b", words)]
    assert missing == [], f"the map's data table lacks {missing}"
    assert log.problems() == [], log.problems()


@pytest.mark.corpus_free
@pytest.mark.page("book/walkthrough.html")
def test_toolbar_buttons_are_named_buttons(loaded_page):
    page, log = loaded_page("book/walkthrough.html")  # read-only: the page as loaded for every read-only check of it
    _ready(page)
    # a tool button is a host element whose own shadow root holds its icon
    tools = page.evaluate("""() => { const found = [], walk = root => {
        for (const el of root.querySelectorAll('*')) if (el.shadowRoot) {
          if ([...el.shadowRoot.children].some(c => c.classList.contains('bk-tool-icon'))) found.push(el)
          walk(el.shadowRoot) } }
      walk(document); return found.map(el => ({role: el.getAttribute('role'), label: el.getAttribute('aria-label'),
                                               title: el.title, tab: el.tabIndex})) }""")
    assert tools, "the walkthrough's loss plot has no toolbar"
    assert all(t["role"] == "button" and t["label"] and t["tab"] == 0 for t in tools), tools
    assert log.problems() == [], log.problems()
