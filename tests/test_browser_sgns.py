"""The chapter "Negative sampling" (book/negative-sampling.html) in a real browser.

The page must load without a single problem at laptop and phone width, in light and dark mode; the
ΔW′ figure must show every column moving for the softmax and k + 1 for SGNS; the results table must
carry gensim's numbers as the cached gensim runs give them.
"""

from __future__ import annotations

import re

import bokeh
import numpy as np
import pytest

from conftest import assert_figures_render, wait_for_bokeh
from test_browser_weights import hover_text
from w2v import BOOK_CORPUS, peers

PAGE = "book/negative-sampling.html"
FIGURES = ["fig-sgns-update"]

COLUMNS_JS = """(name) => {
  for (const doc of Bokeh.documents) {
    const source = doc.get_model_by_name(name)
    if (source == null) continue
    const value = Array.from(source.data.value[0]), V = source.data.dw[0]
    const moved = new Set()
    value.forEach((v, i) => { if (v !== 0) moved.add(i % V) })
    return [moved.size, V, source.data.word[0].filter((w, i) => value[i] !== 0)]
  }
  return null
}"""


@pytest.mark.parametrize("width,theme", [(1280, "light"), (390, "light"), (1280, "dark"), (390, "dark")])
def test_page_loads_without_problems_and_figure_renders(open_page, width, theme):
    page, log = open_page(PAGE, width=width, theme=theme)
    wait_for_bokeh(page)
    assert page.evaluate("() => Bokeh.version") == bokeh.__version__
    assert_figures_render(page, FIGURES, width)
    assert page.locator("figure.w2v-bokeh").count() == len(FIGURES)
    page.wait_for_function("() => document.querySelectorAll('mjx-container').length > 0")  # the objective
    # the tables fit the page (they may scroll inside their own box, never widen the page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    assert log.problems() == []


def test_softmax_moves_every_column_sgns_k_plus_one(open_page, book_run):
    page, log = open_page(PAGE)
    wait_for_bokeh(page)
    full = page.evaluate(COLUMNS_JS, "ns-dW-out-softmax-source")
    sgns = page.evaluate(COLUMNS_JS, "ns-dW-out-sgns-source")
    V = book_run.corpus.vocab_size
    assert full[:2] == [V, V]
    assert sgns[:2] == [peers.GENSIM_NEGATIVES + 1, V]
    # the caption of the panel says so, and the hover names a moved word
    word = sgns[2][0]
    column = book_run.corpus.index[word]
    text = hover_text(page, "ns-dW-out-sgns", column, 0)
    assert re.search(rf"\b{re.escape(word)}\b", text), (word, text)
    assert log.problems() == []


def test_table_carries_gensims_own_runs(open_page):
    page, log = open_page(PAGE)
    corpus = peers.load_corpus(BOOK_CORPUS)
    rows = [peers.scores(corpus, W, W_out) for W, W_out in peers.gensim_runs(BOOK_CORPUS, "base")]
    purity = 100 * np.median([r["purity"] for r in rows])
    analogies = np.median([r["analogies"] for r in rows])
    table = page.locator("section:has(> span#sgns-results) table").first
    cells = [c.strip() for c in table.locator("tr", has_text="gensim").locator("td").all_inner_texts()]
    assert cells[1].startswith(f"{purity:.0f} ["), cells
    assert cells[2].startswith(f"{analogies:g} ["), cells
    assert table.locator("tbody tr").count() == 4
    assert log.problems() == []
