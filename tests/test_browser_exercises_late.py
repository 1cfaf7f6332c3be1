"""The exercises of the later chapters (counts, negative sampling, weights, two faces) in a real
browser: at least two per chapter, each solution hidden until its title is clicked and then
shown with every glued number filled in, labels that are anchors a syllabus can link to, and
boxes that fit a phone's width."""

from __future__ import annotations

import pytest

from conftest import wait_for_bokeh

CHAPTERS = ["counts", "negative-sampling", "weights", "two-faces"]
PAGES = [f"book/{name}.html" for name in CHAPTERS]

# id, visibility and glued values of every exercise and its solution, in page order
BOXES_JS = """() => [...document.querySelectorAll('div.exercise.admonition')].map(ex => {
  const link = document.querySelector(`div.solution a[href="#${ex.id}"]`)
  const sol = link && link.closest('div.solution')
  return {id: ex.id, solution: sol ? sol.id : null}
})"""


def exercises_of(page) -> list[dict]:
    return page.evaluate(BOXES_JS)


def is_shown(page, selector: str) -> bool:
    """The box's text content is laid out and visible (not display: none, not zero-sized)."""
    return page.evaluate("""sel => {
      const el = document.querySelector(sel)
      if (!el) return false
      const box = el.getBoundingClientRect()
      return el.checkVisibility() && box.width > 0 && box.height > 0
    }""", selector)


@pytest.mark.parametrize("path", PAGES)
def test_at_least_two_exercises_each_with_a_folded_solution(open_page, path):
    page, log = open_page(path)
    if page.locator("figure.w2v-bokeh").count():
        wait_for_bokeh(page)
    chapter = path.split("/")[1].removesuffix(".html")
    boxes = exercises_of(page)
    assert len(boxes) >= 2, boxes
    for box in boxes:
        assert box["id"].startswith(f"{chapter}-ex-"), box   # <chapter>-ex-<name>, stable
        assert box["solution"] == f"{box['id']}-solution", box
        sol = f"div.solution#{box['solution']}"
        content = f"{sol} > section"
        assert page.locator(sol).count() == 1
        assert not is_shown(page, content), f"{box['solution']} is shown before its title is clicked"
        page.locator(f"{sol} > .admonition-title > button.toggle-button").click()
        page.wait_for_timeout(150)
        assert is_shown(page, content), f"{box['solution']} stays hidden after a click"
        text = page.locator(content).inner_text()
        assert text.strip() and "???" not in text, (box, text)
        glued = page.locator(f"{content} span.pasted-text").all_inner_texts()
        assert glued and all(g.strip() for g in glued), (box, glued)
        assert "???" not in page.locator(f"div.exercise#{box['id']}").inner_text()
    assert log.problems() == []


def test_exercise_labels_are_unique_anchors(open_page, server):
    seen = set()
    for path in PAGES:
        page, log = open_page(path)
        boxes = exercises_of(page)
        for box in boxes:
            assert box["id"] not in seen, box["id"]
            seen.add(box["id"])
            assert page.locator(f"[id='{box['id']}']").count() == 1
        # a syllabus links to an exercise: the page opens on it (the last one sits at the
        # foot of the page, which cannot scroll further: on screen is enough)
        for box, highest in ((boxes[0], 900 / 3), (boxes[-1], 900 - 100)):
            page.goto(f"{server}/{path}#{box['id']}")
            page.wait_for_timeout(500)
            top = page.locator(f"div.exercise#{box['id']}").bounding_box()["y"]
            assert 0 <= top < highest, (path, box["id"], top)
        assert log.problems() == []


@pytest.mark.parametrize("path", PAGES)
def test_exercise_boxes_fit_a_phone(open_page, path):
    width = 390
    page, log = open_page(path, width=width, height=844, theme="dark")
    for box in exercises_of(page):
        page.locator(f"div.solution#{box['solution']} > .admonition-title > button.toggle-button").click()
        page.wait_for_timeout(100)
        for sel in (f"div.exercise#{box['id']}", f"div.solution#{box['solution']}"):
            rect = page.locator(sel).bounding_box()
            assert rect["x"] >= 0 and rect["x"] + rect["width"] <= width, (sel, rect)
            overflow = page.evaluate("s => { const el = document.querySelector(s);"
                                     " return el.scrollWidth - el.clientWidth }", sel)
            assert overflow <= 1, (sel, overflow)
    assert log.problems() == []
