"""The chapter "What the model is fitting" (book/counts.html) in a real browser.

The page must load without a single problem, every figure must render at laptop and phone width,
the tooltips must name the words under the pointer with the run's own numbers, and the text must
carry the floor computed from the pairs.
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import assert_figures_render, assert_side_by_side_or_stacked, wait_for_bokeh
from test_browser_weights import hover_text
from w2v import counts
from w2v.book import counts as book_counts
from w2v.book.figures import heatmap_words

PAGE = "book/counts.html"
FIGURES = ("fig-counts-heatmap", "fig-counts-fit-heatmaps", "fig-counts-fit-scatter", "fig-counts-loss-by-dim",
           "fig-counts-scores-pmi")


@pytest.fixture(scope="module")
def table(book_run):
    return counts.cooccurrence(book_run.pairs, book_run.corpus.vocab_size)


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_page_loads_without_problems_and_figures_render(loaded_page, width, theme):
    page, log = loaded_page(PAGE, theme=theme, width=width)
    wait_for_bokeh(page)
    assert_figures_render(page, FIGURES, width)
    assert page.locator("figure.w2v-bokeh").count() == len(FIGURES)
    assert_side_by_side_or_stacked(page, ("counts-fit-heatmaps-corpus", "counts-fit-heatmaps-learned"), width)
    assert page.locator("table#count-baseline-table").count() == 1
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    assert log.problems() == []


def test_count_heatmap_hover_names_the_two_words_and_the_count(open_page, book_run, table):
    page, log = open_page(PAGE)
    wait_for_bokeh(page)
    corpus = book_run.corpus
    order = heatmap_words(corpus)                     # the rows drawn: every word, or the 150 most frequent
    shown = table[np.ix_(order, order)]
    row, col = np.unravel_index(np.argmax(shown), shown.shape)
    c, o = order[row], order[col]
    text = hover_text(page, "counts-heatmap", int(col), int(row))
    p = table[c, o] / table[c].sum()
    assert corpus.vocab[c] in text and corpus.vocab[o] in text, text
    assert str(int(table[c, o])) in text and f"{p:.4f}" in text, (table[c, o], p, text)
    assert log.problems() == []


def test_fit_heatmaps_hover_shows_the_learned_value(open_page, book_run, table):
    page, log = open_page(PAGE)
    wait_for_bokeh(page)
    corpus = book_run.corpus
    order = heatmap_words(corpus)                     # the rows drawn: every word, or the 150 most frequent
    V = len(order)
    learned = counts.learned_conditional(book_run.W, book_run.W_out)
    row, col = V // 3, V // 2
    c, o = order[row], order[col]
    text = hover_text(page, "counts-fit-heatmaps-learned", col, int(row))
    assert corpus.vocab[c] in text and corpus.vocab[o] in text and "learned" in text, text
    assert f"{learned[c, o]:.4f}" in text, (learned[c, o], text)
    assert log.problems() == []


def test_score_scatter_hover_names_the_pair(open_page, book_run, table):
    page, log = open_page(PAGE)
    wait_for_bokeh(page)
    corpus = book_run.corpus
    scores = book_run.W @ book_run.W_out
    pmi = counts.pmi(table)
    # the pair of highest score: at the top of the plot, alone
    seen = table > 0
    c, o = np.unravel_index(np.argmax(np.where(seen, scores, -np.inf)), scores.shape)
    text = hover_text(page, "counts-score-pmi-plot", float(pmi[c, o]), float(scores[c, o]))
    assert corpus.vocab[c] in text and corpus.vocab[o] in text, text
    assert log.problems() == []


def test_text_carries_the_floor(loaded_page, book_run):
    page, log = loaded_page(PAGE)
    facts = book_counts.floor_facts(book_run)
    section = page.locator("section:has(> span#loss-floor)").inner_text()
    assert f"{facts['floor']:.2f}" in section and f"{facts['pair_loss']:.2f}" in section
    journey, _ = loaded_page("book/journey.html")
    wait_for_bokeh(journey)
    # the journey's loss curve draws the same floor
    label = journey.evaluate("""() => {
      for (const doc of Bokeh.documents) {
        const plot = doc.get_model_by_name('journey-loss')
        if (plot == null) continue
        return plot.center.filter(m => m.text != null).map(m => m.text)
      }
      return null }""")
    assert any(f"{facts['floor']:.2f}" in str(t) for t in label), label
    assert log.problems() == []
