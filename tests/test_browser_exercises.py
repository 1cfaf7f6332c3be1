"""Every chapter's exercises in a real browser, as a student on a phone meets them (390 px, dark):
each solution folded until its title is clicked, then shown with every glued number filled in; no
exercise or solution box wider than the phone; each label an anchor a syllabus can link to, that
opens the page on its exercise. One page load per chapter does all of it.

Labels are `<chapter>-ex-<name>` and unique on their page, so unique across the book."""

from __future__ import annotations

import re

import pytest

from conftest import wait_for_bokeh

# chapter file → the prefix of its exercise labels, and the fewest exercises it has
CHAPTERS = {"index": ("welcome", 3), "blueprint": ("blueprint", 3), "corpus": ("corpus", 3),
            "walkthrough": ("walkthrough", 3), "journey": ("journey", 3), "counts": ("counts", 2),
            "negative-sampling": ("negative-sampling", 2), "weights": ("weights", 2), "two-faces": ("two-faces", 2)}
WIDTH, HEIGHT = 390, 844

# id of every exercise and of the solution that links to it, in page order
BOXES_JS = """() => [...document.querySelectorAll('div.exercise.admonition')].map(ex => {
  const link = document.querySelector(`div.solution a[href="#${ex.id}"]`)
  const sol = link && link.closest('div.solution')
  return {id: ex.id, solution: sol ? sol.id : null}
})"""

# the box's content is laid out and visible (not display: none, not zero-sized)
SHOWN_JS = """sel => {
  const el = document.querySelector(sel)
  if (!el) return false
  const box = el.getBoundingClientRect()
  return el.checkVisibility() && box.width > 0 && box.height > 0
}"""


@pytest.mark.corpus_free
@pytest.mark.parametrize("name", list(CHAPTERS))
def test_exercises_fold_show_their_numbers_fit_a_phone_and_are_anchors(open_page, server, name):
    prefix, fewest = CHAPTERS[name]
    path = f"book/{name}.html"
    page, log = open_page(path, width=WIDTH, height=HEIGHT, theme="dark")
    if page.locator("figure.w2v-bokeh").count():
        wait_for_bokeh(page)
    boxes = page.evaluate(BOXES_JS)
    assert len(boxes) >= fewest, boxes
    assert len({b["id"] for b in boxes}) == len(boxes)
    assert page.locator(".solution").count() == len(boxes)
    for box in boxes:
        assert re.fullmatch(rf"{prefix}-ex-[a-z0-9-]+", box["id"]), box   # stable, chapter-prefixed
        assert box["solution"], f"no solution links to {box['id']}"
        sol, content = f"div.solution#{box['solution']}", f"div.solution#{box['solution']} > section"
        assert not page.evaluate(SHOWN_JS, content), f"{box['solution']} is shown before its title is clicked"
        page.locator(f"{sol} > .admonition-title > button.toggle-button").click()
        page.locator(content).wait_for(state="visible", timeout=5_000)
        text = page.locator(content).inner_text()
        assert text.strip() and "???" not in text and re.search(r"\d", text), (box, text)
        glued = page.locator(f"{content} .pasted-text, {content} .pasted-inline").all_inner_texts()
        derivation = page.locator(f"{content} mjx-container").count() > 0 and not glued  # maths, no data
        assert (glued or derivation) and all(g.strip() for g in glued), (box, glued)
        assert "???" not in page.locator(f"div.exercise#{box['id']}").inner_text()
        for selector in (f"div.exercise#{box['id']}", sol):
            rect = page.locator(selector).bounding_box()
            assert rect["x"] >= 0 and rect["x"] + rect["width"] <= WIDTH + 1, (selector, rect)
            overflow = page.evaluate("s => { const el = document.querySelector(s); return el.scrollWidth - el.clientWidth }",
                                     selector)
            assert overflow <= 1, (selector, overflow)
    # a syllabus links to an exercise: the page opens on it (the last ones sit near the foot of
    # the page, which cannot scroll further: on screen is enough)
    for box in boxes:
        page.goto(f"{server}/{path}#{box['id']}")
        top = page.locator(f"div.exercise#{box['id']}").bounding_box()["y"]
        assert 0 <= top < HEIGHT - 60, (box["id"], top)
    assert log.problems() == [], log.problems()
