"""A reader with a phone (issue 28): 390 px wide, a touch screen, no mouse.

Every tooltip a mouse reaches by hovering, a finger reaches by tapping (book/_static/w2v.js): a
tap on a glyph shows the same tooltip, a second tap on it or a tap elsewhere hides it. The
blueprint's line notes are text of the page, each linked to its line, and the listing fits the
phone's width. One page load per check.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from conftest import POINT_JS, console_log, wait_for_bokeh
from w2v.book.blueprint import NOTES, code_lines

PHONE = dict(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, device_scale_factor=2)

# The columns of a named data source, as the page holds them.
DATA_JS = """([name, columns]) => {
  for (const d of Bokeh.documents) {
    const m = d.get_model_by_name(name)
    if (m) return columns.map(c => Array.from(m.data[c]))
  }
  return null
}"""


@pytest.fixture
def phone(browser, server):
    """phone('book/journey.html') → (page, log) on a touch screen 390 px wide."""
    contexts = []

    def _open(path: str):
        context = browser.new_context(**PHONE)
        contexts.append(context)
        page = context.new_page()
        log = console_log(page, server)
        page.goto(f"{server}/{path}")
        page.wait_for_load_state("networkidle")
        return page, log

    yield _open
    for context in contexts:
        context.close()


def tooltips(page) -> list[str]:
    """The text of every Bokeh tooltip on screen."""
    return [t for t in page.locator(".bk-tooltip-content").all_inner_texts() if t.strip()]


def isolated_point(xs, ys) -> int:
    """The point farthest from its nearest neighbour: a tap there lands on it alone."""
    xy = np.column_stack([xs, ys])
    dist = np.linalg.norm(xy[:, None] - xy[None], axis=-1) + np.eye(len(xy)) * 1e9
    return int(np.argmax(dist.min(axis=1)))


@pytest.mark.corpus_free
def test_a_tap_on_a_map_dot_shows_its_tooltip_and_a_second_tap_hides_it(phone):
    page, log = phone("book/journey.html")
    wait_for_bokeh(page, timeout=30_000)
    xs, ys, words = page.evaluate(DATA_JS, ["map-points", ["x", "y", "word"]])
    i = isolated_point(xs, ys)
    point = page.evaluate(POINT_JS, ["map-plot", xs[i], ys[i]])
    assert point is not None, "no plot named map-plot"
    page.touchscreen.tap(*point)
    tip = page.locator(".bk-tooltip-content").filter(has_text=re.compile(rf"\b{re.escape(words[i])}\b"))
    tip.first.wait_for(state="visible", timeout=5_000)
    assert len(tooltips(page)) == 1, tooltips(page)

    page.touchscreen.tap(*point)  # the same dot again: the tooltip goes
    tip.first.wait_for(state="hidden", timeout=5_000)
    assert tooltips(page) == []

    page.touchscreen.tap(*point)  # and comes back; a tap on the text hides it
    tip.first.wait_for(state="visible", timeout=5_000)
    page.locator("#fig-word-map figcaption").tap()
    tip.first.wait_for(state="hidden", timeout=5_000)
    assert tooltips(page) == []
    assert log.problems() == [], log.problems()


@pytest.mark.corpus_free
def test_a_tap_on_a_heatmap_cell_shows_its_word_and_value(phone):
    """The weights heatmap (W beside W′ᵀ): a tapped cell names its word, matrix and value."""
    page, log = phone("book/weights.html")
    wait_for_bokeh(page, timeout=30_000)
    point = page.evaluate(POINT_JS, ["weights-heatmap", 2, 10])  # dimension 2 of W, the 11th word
    assert point is not None, "no plot named weights-heatmap"
    page.touchscreen.tap(*point)
    tip = page.locator(".bk-tooltip-content").filter(has_text=re.compile(r"value"))
    tip.first.wait_for(state="visible", timeout=5_000)
    text = " ".join(tooltips(page))
    assert "word" in text and "matrix" in text and re.search(r"-?\d\.\d{4}", text), text
    assert log.problems() == [], log.problems()



def test_a_tap_on_a_word_of_the_tree_shows_its_tooltip_and_picks_it(phone):
    """The Huffman tree (whole, or on a large vocabulary the view around the context word): a tapped
    word shows the tooltip a hover shows (its count and code) and becomes the context word. (A word
    outside the subtree drawn whole would move the view under the finger, as under a mouse.)"""
    page, log = phone("book/negative-sampling.html")
    wait_for_bokeh(page, timeout=30_000)
    xs, ys, words = page.evaluate(DATA_JS, ["hs-tree-leaves", ["x", "y", "word"]])
    if len(words) == 1:  # the view around a word near the root draws it alone: go to the deepest word
        from w2v import BOOK_CORPUS, hs
        from w2v.corpus import load_corpus

        corpus = load_corpus(BOOK_CORPUS)
        page.locator("#fig-hs-tree select").nth(1).select_option(corpus.vocab[int(np.argmax(hs.huffman_tree(corpus.counts).depth))])
        page.wait_for_function("() => Bokeh.documents.some(d => { const m = d.get_model_by_name('hs-tree-leaves'); "
                               "return m && m.data.word.length > 1 })", timeout=5_000)
        xs, ys, words = page.evaluate(DATA_JS, ["hs-tree-leaves", ["x", "y", "word"]])
    (context,), = page.evaluate(DATA_JS.replace("m.data[c]", "[m.value]"), ["hs-context", ["value"]])
    # the deepest other word: in the subtree drawn whole around the context word, so the view stays put
    i = max((i for i, w in enumerate(words) if w != context), key=lambda i: xs[i])
    point = page.evaluate(POINT_JS, ["hs-tree", xs[i], ys[i]])
    assert point is not None, "no plot named hs-tree"
    page.touchscreen.tap(*point)
    tip = page.locator(".bk-tooltip-content").filter(has_text=re.compile(rf"\b{re.escape(words[i])}\b"))
    tip.first.wait_for(state="visible", timeout=5_000)
    text = " ".join(tooltips(page))
    assert "count" in text and "code" in text, text
    page.wait_for_function("(w) => Bokeh.documents.some(d => { const m = d.get_model_by_name('hs-context'); "
                           "return m && m.value === w })", arg=words[i], timeout=5_000)
    assert log.problems() == [], log.problems()

@pytest.mark.corpus_free
def test_the_blueprint_notes_are_text_of_the_page_linked_to_their_lines(phone):
    page, log = phone("book/blueprint.html")
    lines = code_lines()
    items = page.locator("ol.w2v-line-notes > li")
    assert items.count() == len(lines) == 13
    for (number, code), i in zip(lines, range(items.count())):
        item = items.nth(i)
        assert item.is_visible()
        text = " ".join(item.inner_text().split())
        assert NOTES[code] in text and f"line {number}" in text, text
        box = item.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, f"line {number}'s note is cut: {box}"
    # the notes stack on a phone: each item's note is under its code, not beside it
    code_box = items.first.locator(".w2v-line-note-code").bounding_box()
    note_box = items.first.locator(".w2v-line-note-text").bounding_box()
    assert note_box["y"] >= code_box["y"] + code_box["height"] - 1, (code_box, note_box)
    # a note's link takes the reader to its line
    number, code = lines[9]
    items.nth(9).locator("a.w2v-line-ref").tap()
    assert page.evaluate("() => document.activeElement.dataset.line") == str(number)
    line = page.locator(f'.w2v-line[data-line="{number}"]')
    assert line.evaluate("(el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight }")
    # the listing fits the phone: its longest line wraps instead of running off the edge
    pre = page.locator(".w2v-blueprint pre")
    assert pre.evaluate("(el) => el.scrollWidth <= el.clientWidth + 1"), "the listing scrolls sideways at 390 px"
    assert log.problems() == [], log.problems()
