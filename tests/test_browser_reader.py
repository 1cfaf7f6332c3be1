"""What a reader sees, in a real browser: every value a script writes is there, inside the element
the reader looks at; no id is used twice once the scripts have run; the walkthrough's anchors land
below its sticky controls, and its refusals show where the reader typed."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from conftest import CHAPTERS, ROOT, wait_for_walkthrough
from w2v.book import walkthrough as chapter
from w2v.book.walkthrough import default_steps
from w2v.step import step_of_run

PAGES = [f"book/{name}.html" for name in CHAPTERS]
WALKTHROUGH = "book/walkthrough.html"

# Every id on the page, and how many elements carry it (the document, not Bokeh's shadow roots).
DUPLICATE_IDS_JS = """() => {
  const counts = {}
  for (const el of document.querySelectorAll('[id]')) counts[el.id] = (counts[el.id] || 0) + 1
  return Object.entries(counts).filter(([, n]) => n > 1)
}"""


def open_walkthrough(open_page, width=1280, height=900):
    page, log = open_page(WALKTHROUGH, width=width, height=height)
    page.evaluate("() => window.w2vFigures.drawAll()")  # figures are drawn as the reader comes near them
    wait_for_walkthrough(page)
    return page, log


@pytest.mark.parametrize("path", PAGES)
def test_no_id_is_used_twice_once_the_scripts_have_run(loaded_page, path):
    page, log = loaded_page(path, theme="light")  # settled: the figures drawn
    assert page.evaluate(DUPLICATE_IDS_JS) == []
    assert log.problems() == []


class _EmptyLive(HTMLParser):
    """Elements of the walkthrough's own markup (ids wt-…) that the built page leaves empty: the
    page's script fills every one of them."""

    VOID = {"input", "br", "img", "link", "meta", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[list] = []  # [tag, id, has content]
        self.empty: list[str] = []

    def handle_starttag(self, tag, attrs):
        if self.stack:
            self.stack[-1][2] = True
        if tag in self.VOID:
            return
        self.stack.append([tag, dict(attrs).get("id") or "", False])

    def handle_data(self, data):
        if self.stack and data.strip():
            self.stack[-1][2] = True

    def handle_endtag(self, tag):
        while self.stack:
            name, ident, has = self.stack.pop()
            if not has and ident.startswith("wt-"):
                self.empty.append(ident)
            if name == tag:
                break


# Filled with elements rather than text (strips of coloured cells, chips, lists, table rows), or
# empty by design until there is something to say (a refusal, a tie).
NOT_TEXT = {"wt-x-strip", "wt-u-strip", "wt-p-strip", "wt-e-strip", "wt-h-chips", "wt-gh-chips", "wt-gWo-chips",
            "wt-Wrow-chips", "wt-Wo-before-chips", "wt-Wo-after-chips", "wt-u-top", "wt-p-top", "wt-all-body",
            "wt-cmp-a-top", "wt-cmp-b-top", "wt-sentence"}
EMPTY_UNTIL_NEEDED = {"wt-message", "wt-compare-message", "wt-p-tie"}


def loaded_walkthrough(loaded_page):
    """The walkthrough as loaded, shared by the read-only checks of it (conftest.loaded_page), once
    its script has pushed its first step into every figure (as open_walkthrough waits for)."""
    page, log = loaded_page(WALKTHROUGH)
    wait_for_walkthrough(page)
    return page, log


@pytest.mark.page(WALKTHROUGH)
def test_every_live_value_of_the_walkthrough_is_shown_where_the_reader_looks(loaded_page, book_html, book_run):
    """Each element the page's script fills is on the page once, and, once the script has run,
    holds text: the value itself, inside the element the reader sees."""
    parser = _EmptyLive()
    parser.feed((book_html / WALKTHROUGH).read_text(encoding="utf-8"))
    # the chapter's section labels, (wt-loss)=, are empty anchor spans by design
    labels = set(re.findall(r"^\((wt-[\w-]+)\)=$", (ROOT / "book" / "walkthrough.md").read_text(encoding="utf-8"), re.M))
    assert "wt-loss" in labels and "wt-compare" in labels
    live = [i for i in parser.empty if i not in EMPTY_UNTIL_NEEDED and i not in labels]
    assert {"wt-loss-value", "wt-p-context", "wt-cmp-a-loss", "wt-cmp-b-loss", "wt-step"} <= set(live), live
    page, log = loaded_walkthrough(loaded_page)
    found = page.evaluate("""ids => ids.map(id => {
        const all = document.querySelectorAll('#' + CSS.escape(id))
        return [id, all.length, all.length ? all[0].textContent.trim() : '', all.length ? all[0].childElementCount : 0]
    })""", live)
    not_once = [(i, n) for i, n, _, _ in found if n != 1]
    assert not_once == [], f"ids not on the page exactly once: {not_once}"
    blank = [i for i, _, text, children in found if i not in NOT_TEXT and not text]
    assert blank == [], f"shown empty: {blank}"
    no_items = [i for i, _, _, children in found if i in NOT_TEXT and children == 0]
    assert no_items == [], f"drawn with nothing in them: {no_items}"
    # the numbers made by the script (chips, every word's u, p and e) are all filled, each id once
    made = page.evaluate("""() => { const ids = [...document.querySelectorAll('.wt-live [id], .wt-all [id]')].map(e => e.id)
        return [ids.length, new Set(ids).size, [...document.querySelectorAll('.wt-chip .wt-num, #wt-all-body .wt-num')]
                .filter(e => !e.textContent.trim()).map(e => e.id)] }""")
    assert made[0] == made[1] and made[2] == [], made
    assert log.problems() == []


def _section_text(page, section_id: str) -> str:
    return " ".join(page.locator(f"section#{section_id}").inner_text().split())


def test_the_loss_section_shows_the_loss_after_l_equals(open_page, book_run):
    """Section 6 reads "L = <the loss>" at every step, and no stray value sits above its heading."""
    page, log = open_walkthrough(open_page)
    for step in default_steps(book_run) + (book_run.config.checkpoint_every + 3,):
        page.fill("#wt-step-input", str(step))
        page.press("#wt-step-input", "Enter")
        page.wait_for_function(f"document.getElementById('wt-controls').dataset.step === '{step}'")
        r = step_of_run(book_run, step)
        callout = " ".join(page.locator("section#the-loss .wt-callout").inner_text().split())
        match = re.fullmatch(r"L = (\S+)", callout)
        assert match, f"step {step}: the loss callout reads {callout!r}"
        assert match.group(1) == chapter.fmt(r.loss), (step, match.group(1), chapter.fmt(r.loss))
        # the label's anchor span before the heading stays an empty anchor
        assert page.evaluate("document.getElementById('wt-loss').textContent") == ""
        heading = page.locator("section#the-loss h2").inner_text()
        assert heading.startswith("6. The loss"), heading
    assert log.problems() == []


@pytest.mark.page(WALKTHROUGH)
def test_compare_section_shows_both_steps_in_its_table(loaded_page, book_run):
    page, log = loaded_walkthrough(loaded_page)
    early, late = default_steps(book_run)
    table = page.locator("section#compare-two-steps table")
    assert table.count() == 1
    rows = {r.locator("th").inner_text().strip(): [c.strip() for c in r.locator("td").all_inner_texts()]
            for r in table.locator("tbody tr").all()}
    for column, step in enumerate((early, late)):
        r = step_of_run(book_run, step)
        assert rows["loss"][column] == chapter.fmt(r.loss)
        assert rows["p[context]"][column] == chapter.fmt(r.p[r.context])
    headers = " ".join(table.locator("thead").inner_text().split())
    assert f"step {early:,}" in headers and f"step {late:,}" in headers, headers
    assert log.problems() == []


@pytest.mark.corpus_free
@pytest.mark.parametrize("anchor", ["the-loss", "compare-two-steps", "the-update"])
def test_an_anchor_link_lands_below_the_sticky_controls(open_page, server, anchor):
    """At laptop width the step controls stick under the header: a section reached by its anchor
    shows its heading below them, not under them."""
    page, log = open_walkthrough(open_page)
    page.goto(f"{server}/{WALKTHROUGH}#{anchor}")
    page.evaluate("() => window.w2vFigures.drawAll()")  # figures are drawn as the reader comes near them
    wait_for_walkthrough(page)
    page.wait_for_timeout(500)
    boxes = page.evaluate("""id => {
        const h = document.querySelector('section#' + id + ' h2').getBoundingClientRect()
        const c = document.getElementById('wt-controls').getBoundingClientRect()
        return {heading: [h.top, h.bottom], controls: [c.top, c.bottom]}
    }""", anchor)
    assert boxes["controls"][0] < 200, f"the controls are not stuck at the top: {boxes}"
    assert boxes["heading"][0] >= boxes["controls"][1], f"#{anchor}: heading under the controls: {boxes}"
    assert boxes["heading"][1] < 900
    # also when following an in-page link to it
    page.evaluate("window.scrollTo(0, 0)")
    page.evaluate("id => { const a = document.createElement('a'); a.href = '#' + id; document.body.append(a); a.click() }",
                  anchor)
    page.wait_for_timeout(300)
    top = page.evaluate("id => document.querySelector('section#' + id + ' h2').getBoundingClientRect().top", anchor)
    bottom = page.evaluate("document.getElementById('wt-controls').getBoundingClientRect().bottom")
    assert top >= bottom, (anchor, top, bottom)
    assert log.problems() == []


def test_a_refused_compare_step_is_explained_beside_the_box_on_a_phone(open_page, book_run):
    page, log = open_walkthrough(open_page, width=390, height=844)
    page.fill("#wt-compare-input", "nope")
    page.press("#wt-compare-input", "Enter")
    message = page.locator("#wt-compare-message")
    assert message.is_visible() and "not a whole number" in message.inner_text()
    box = message.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= 844 + 1, f"the message is off screen: {box}"
    field = page.locator("#wt-compare-input").bounding_box()
    assert abs(box["y"] - field["y"]) < 200, (box, field)
    assert page.get_attribute("#wt-compare-input", "aria-invalid") == "true"
    assert page.get_attribute("#wt-compare-input", "aria-describedby") == "wt-compare-message"
    page.fill("#wt-compare-input", str(book_run.config.steps // 2))
    page.press("#wt-compare-input", "Enter")
    assert not message.is_visible()
    assert log.problems() == []
