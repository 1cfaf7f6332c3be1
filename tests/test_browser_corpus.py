"""The chapter "The corpus" (book/corpus.html) in a real browser: clean, its frequency chart drawn,
and the chart's tooltip names the word under the pointer with its group and count."""

from __future__ import annotations

import re

import bokeh
import pytest

from conftest import POINT_JS, assert_figure_text_at_least, wait_for_bokeh
from w2v.book.corpus import frequency_order

PAGE = "book/corpus.html"
FIGURE = "fig-word-frequency"
PLOT = "corpus-frequency"



@pytest.mark.parametrize("width", [1280, 390])
def test_page_is_clean_and_the_chart_renders(loaded_page, width):
    page, log = loaded_page(PAGE, width=width)
    wait_for_bokeh(page)
    assert page.evaluate("() => Bokeh.version") == bokeh.__version__
    figure = page.locator(f"figure.w2v-bokeh#{FIGURE}")
    assert figure.count() == 1
    assert figure.get_attribute("aria-label") and figure.locator("figcaption").inner_text().strip()
    sizes = figure.locator("canvas").evaluate_all(
        "cs => cs.map(c => [c.getBoundingClientRect().width, c.getBoundingClientRect().height])")
    assert sizes and all(w > 0 and h > 0 for w, h in sizes), sizes
    box = figure.bounding_box()
    assert box["width"] <= width, f"the chart ({box['width']} px) is wider than the window ({width} px)"
    assert_figure_text_at_least(page, width, 11)   # its word labels were 9 / 10 px
    assert log.problems() == [], log.problems()


@pytest.mark.parametrize("width", [1280, 400])
def test_hovering_a_bar_names_its_word(open_page, book_run, width):
    corpus = book_run.corpus
    page, log = open_page(PAGE, width=width)
    wait_for_bokeh(page)
    for i in (frequency_order(corpus)[0], frequency_order(corpus)[len(corpus.vocab) // 2]):
        word, count = corpus.vocab[i], int(corpus.counts[i])
        point = page.evaluate(POINT_JS, [PLOT, count / 2, word])
        assert point is not None, f"no plot named {PLOT}"
        page.mouse.move(*point)
        tooltip = page.locator(".bk-tooltip-content").filter(has_text=re.compile(r"\S"))
        tooltip.first.wait_for(state="visible", timeout=5_000)
        text = " ".join(tooltip.all_inner_texts())
        assert re.search(rf"word:\s*{re.escape(word)}\b", text), text
        assert corpus.group_of(word) in text and re.search(rf"count:\s*{count}\b", text), text
    assert log.problems() == [], log.problems()
