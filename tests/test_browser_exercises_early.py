"""The exercises of the first five chapters in a real browser: at least three per chapter, each
solution folded until its toggle is clicked and then shown with its glued numbers, each label a
working anchor, no console errors, and no exercise box wider than a 390 px phone."""

from __future__ import annotations

import re

import pytest

from conftest import wait_for_bokeh

CHAPTERS = {"index": "welcome", "blueprint": "blueprint", "corpus": "corpus",
            "walkthrough": "walkthrough", "journey": "journey"}

LABELS_JS = "() => [...document.querySelectorAll('.exercise[id]')].map(e => e.id)"


def settle(page):
    if page.locator("figure.w2v-bokeh").count():
        wait_for_bokeh(page)


@pytest.mark.parametrize("name", list(CHAPTERS))
def test_solutions_are_folded_until_clicked(open_page, name):
    page, log = open_page(f"book/{name}.html")
    settle(page)
    labels = page.evaluate(LABELS_JS)
    assert len(labels) >= 3, labels
    assert all(re.fullmatch(rf"{CHAPTERS[name]}-ex-[a-z0-9-]+", label) for label in labels), labels
    assert len(set(labels)) == len(labels)
    solutions = page.locator(".solution")
    assert solutions.count() == len(labels)
    for i in range(solutions.count()):
        solution = solutions.nth(i)
        body = solution.locator("p:not(.admonition-title)").first
        assert not body.is_visible(), f"solution {i} of {name} is open before a click"
        solution.locator("button.toggle-button").click()   # the title's text is a link to the exercise
        body.wait_for(state="visible", timeout=5_000)
        text = " ".join(solution.locator("p").all_inner_texts())
        assert "???" not in text and re.search(r"\d", text), text
        # every glued value is there and not empty
        pasted = solution.locator(".pasted-text, .pasted-inline")
        assert pasted.count() > 0, f"solution {i} of {name} has no glued value"
        assert all(t.strip() for t in pasted.all_inner_texts())
    assert log.problems() == [], log.problems()


@pytest.mark.parametrize("name", list(CHAPTERS))
def test_a_link_to_a_label_lands_on_its_exercise(open_page, server, name):
    page, log = open_page(f"book/{name}.html")
    for label in page.evaluate(LABELS_JS):
        page.goto(f"{server}/book/{name}.html#{label}")
        box = page.locator(f"#{label}").bounding_box()
        assert box is not None and 0 <= box["y"] < 900, (label, box)
        assert page.locator(f"#{label}").inner_text().strip()
    assert log.problems() == [], log.problems()


@pytest.mark.parametrize("name", list(CHAPTERS))
def test_exercise_boxes_fit_a_phone(open_page, name):
    page, log = open_page(f"book/{name}.html", width=390, theme="dark")
    settle(page)
    for toggle in page.locator(".solution button.toggle-button").all():
        toggle.click()
    boxes = page.locator(".exercise, .solution")
    assert boxes.count() >= 6
    for box in boxes.all():
        overflow = box.evaluate("e => e.scrollWidth - e.clientWidth")
        right = box.bounding_box()
        assert overflow <= 1 and right["x"] + right["width"] <= 390 + 1, (overflow, right)
    assert log.problems() == [], log.problems()
