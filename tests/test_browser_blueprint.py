"""The chapter "Model blueprint" (book/blueprint.html) in a real browser.

Every code line of w2v/model.py explains itself: on hover, on keyboard focus and on a tap on a
phone-sized screen, its note appears with the right text, and the line is described by it.
"""

from __future__ import annotations

import pytest

from w2v.book.blueprint import NOTES, code_lines

PAGE = "book/blueprint.html"
LINES = code_lines()  # (line number, code) of the 13 code lines


def note_of(page, line):
    """The note element that describes a code line (its aria-describedby)."""
    note_id = line.get_attribute("aria-describedby")
    assert note_id, "a code line with a note has no aria-describedby"
    return page.locator(f"#{note_id}")


def visible_notes(page) -> list[str]:
    return page.locator(".w2v-note").evaluate_all(
        "ns => ns.filter(n => !n.hidden && n.getBoundingClientRect().height > 0).map(n => n.textContent)")


@pytest.mark.parametrize("width", [1280, 390])
def test_page_has_no_problems_and_every_code_line_is_ready(loaded_page, width):
    page, log = loaded_page(PAGE, width=width)
    lines = page.locator(".w2v-blueprint .w2v-line--noted")
    assert lines.count() == len(LINES) == 13
    for (number, code), i in zip(LINES, range(lines.count())):
        line = lines.nth(i)
        assert line.get_attribute("data-line") == str(number)
        assert line.get_attribute("tabindex") == "0"
        note = note_of(page, line)
        assert note.get_attribute("role") == "tooltip"
        assert note.text_content() == NOTES[code]
        assert note.is_hidden(), "notes are hidden until asked for"
    assert visible_notes(page) == []
    assert log.problems() == [], log.problems()


@pytest.mark.corpus_free
def test_hover_shows_the_note(open_page):
    page, log = open_page(PAGE, width=1280)
    for number, code in (LINES[6], LINES[10], LINES[-1]):
        line = page.locator(f'.w2v-line[data-line="{number}"]')
        line.hover()
        note = note_of(page, line)
        note.wait_for(state="visible", timeout=2_000)
        assert note.inner_text().strip() == NOTES[code]
        assert visible_notes(page) == [NOTES[code]], "exactly one note at a time"
        line_box, note_box = line.bounding_box(), note.bounding_box()
        assert note_box["y"] >= line_box["y"] + line_box["height"] - 1, "the note opens below its line"
    page.mouse.move(5, 5)
    page.wait_for_timeout(100)
    assert visible_notes(page) == [], "moving away hides the note"
    assert log.problems() == [], log.problems()


@pytest.mark.corpus_free
def test_keyboard_focus_shows_the_note(open_page):
    page, log = open_page(PAGE, width=1280)
    # Tab from the paragraph just above the listing until focus reaches the first code line.
    page.get_by_text("Hover over a line, move to it with the Tab key").click()
    page.mouse.move(5, 5)  # park the pointer: a line scrolled under it would be hovered, not focused
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('w2v-line')"):
            break
    first_number, first_code = LINES[0]
    assert page.evaluate("() => document.activeElement.dataset.line") == str(first_number)
    assert visible_notes(page) == [NOTES[first_code]]
    page.keyboard.press("Tab")
    assert visible_notes(page) == [NOTES[LINES[1][1]]], "Tab moves to the next code line and its note"
    page.keyboard.press("Escape")
    assert visible_notes(page) == [], "Escape hides the note"
    # every line, focused programmatically, shows its own note
    for number, code in LINES:
        page.locator(f'.w2v-line[data-line="{number}"]').focus()
        assert visible_notes(page) == [NOTES[code]]
    assert log.problems() == [], log.problems()


@pytest.mark.corpus_free
def test_tap_on_a_phone_shows_the_note(browser, server):
    context = browser.new_context(viewport={"width": 400, "height": 800}, has_touch=True, is_mobile=True)
    problems = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
        page.goto(f"{server}/{PAGE}")
        page.wait_for_load_state("networkidle")
        number, code = LINES[9]
        line = page.locator(f'.w2v-line[data-line="{number}"]')
        line.scroll_into_view_if_needed()
        line.tap()
        note = note_of(page, line)
        note.wait_for(state="visible", timeout=2_000)
        assert note.inner_text().strip() == NOTES[code]
        box = note.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 400, f"the note does not fit the phone: {box}"
        # tapping another line swaps the note; tapping outside the listing hides it
        other_number, other_code = LINES[11]
        page.locator(f'.w2v-line[data-line="{other_number}"]').tap()
        assert visible_notes(page) == [NOTES[other_code]]
        page.get_by_text("In symbols, for a centre word").tap()
        page.wait_for_timeout(100)
        assert visible_notes(page) == []
        assert problems == [], problems
    finally:
        context.close()
