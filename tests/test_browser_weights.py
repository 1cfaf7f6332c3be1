"""The chapter "Inside the weights" (book/weights.html) in a real browser.

The page must load without a single problem, both figures must render at laptop and phone width,
the heatmaps' tooltips must name the words under the pointer and show the run's own numbers,
and the word picker must redraw the picked word's two vectors and move the highlight.
"""

from __future__ import annotations

import re

import bokeh
import numpy as np
import pytest

from conftest import POINT_JS, assert_figure_text_at_least, assert_figures_render, wait_for_bokeh
from w2v import analysis
from w2v.book.figures import heatmap_words

PAGE = "book/weights.html"
FIGURES = ("fig-weight-explorer", "fig-similarity-heatmap")


# Plain copies of named Bokeh models' state, read from the page's documents.
STATE_JS = """() => {
  for (const doc of Bokeh.documents) {
    const bars = doc.get_model_by_name('weights-bars-data')
    if (bars == null) continue
    return {
      word: doc.get_model_by_name('weights-picker').value,
      centre: Array.from(bars.data.centre), context: Array.from(bars.data.context),
      title: doc.get_model_by_name('weights-bars').title.text,
      highlight: Array.from(doc.get_model_by_name('weights-highlight').data.y),
    }
  }
  return null
}"""


def hover_text(page, plot: str, x: float, y: float) -> str:
    point = page.evaluate(POINT_JS, [plot, x, y])
    assert point is not None, f"no Bokeh plot named {plot!r} on the page"
    page.mouse.move(*point)
    tooltip = page.locator(".bk-tooltip-content").filter(has_text=re.compile(r"\S"))
    tooltip.first.wait_for(state="visible", timeout=5_000)
    return " ".join(tooltip.all_inner_texts())


@pytest.fixture(scope="module")
def order(book_run):
    """The rows the heatmaps draw, in order: every word by group, or on a large vocabulary the 150
    most frequent (the page says so)."""
    return heatmap_words(book_run.corpus)


@pytest.mark.parametrize("width", [1280, 390])
def test_page_loads_without_problems_and_figures_render(loaded_page, width):
    page, log = loaded_page(PAGE, width=width)
    wait_for_bokeh(page)
    assert page.evaluate("() => Bokeh.version") == bokeh.__version__
    assert_figures_render(page, FIGURES, width)
    assert page.locator("figure.w2v-bokeh").count() == len(FIGURES)
    assert log.problems() == []


def test_weight_heatmap_hover_shows_word_and_value(open_page, book_run, order):
    page, log = open_page(PAGE)
    wait_for_bokeh(page)
    V, D = len(order), book_run.W.shape[1]
    corpus = book_run.corpus
    for row, d, in_W in ((V // 3, D // 2, True), (V - 1, D - 1, False)):
        word = corpus.vocab[order[row]]
        x = d if in_W else D + 1 + d                     # W′ᵀ is drawn right of W, one column apart
        value = book_run.W[order[row], d] if in_W else book_run.W_out[d, order[row]]
        text = hover_text(page, "weights-heatmap", x, row)
        assert word in text and f"{value:.4f}" in text, (word, value, text)
        assert ("W (centre" in text) == in_W, text
    assert log.problems() == []


def test_picker_redraws_the_two_vectors(open_page, book_run, order):
    page, log = open_page(PAGE)
    wait_for_bokeh(page)
    corpus = book_run.corpus
    before = page.evaluate(STATE_JS)
    start = corpus.index[before["word"]]
    assert np.allclose(before["centre"], book_run.W[start], atol=1e-4)

    other = corpus.vocab[order[-1]] if corpus.vocab[order[-1]] != before["word"] else corpus.vocab[order[0]]
    page.locator("figure#fig-weight-explorer select").select_option(other)
    page.wait_for_function(f"() => ({STATE_JS})().word === {other!r}")
    after = page.evaluate(STATE_JS)
    w = corpus.index[other]
    assert np.allclose(after["centre"], book_run.W[w], atol=1e-4)
    assert np.allclose(after["context"], book_run.W_out[:, w], atol=1e-4)
    assert after["centre"] != before["centre"]
    assert other in after["title"] and before["word"] not in after["title"]
    cosine = float(analysis.two_vector_cosine(book_run.W, book_run.W_out)[w])
    assert f"{cosine:.2f}" in after["title"]
    row = int(np.flatnonzero(order == w)[0])
    assert after["highlight"] == [row, row]
    assert log.problems() == []


def test_similarity_heatmap_hover_shows_two_words(open_page, book_run, order):
    page, log = open_page(PAGE)
    wait_for_bokeh(page)
    corpus = book_run.corpus
    V = len(order)
    row, col = V // 4, (3 * V) // 4
    a, b = order[row], order[col]
    text = hover_text(page, "similarity-heatmap", col, row)
    cosine = analysis.cosine_matrix(book_run.W)[a, b]
    assert corpus.vocab[a] in text and corpus.vocab[b] in text, text
    assert f"{cosine:.4f}" in text, (cosine, text)
    if corpus.has_groups:
        assert corpus.group_of(corpus.vocab[a]) in text and corpus.group_of(corpus.vocab[b]) in text
    else:  # no groups.tsv: no group is named after a word
        assert "(" not in text, text
    assert log.problems() == []


def test_counts_have_thousands_separators(loaded_page, book_run):
    page, log = loaded_page(PAGE)
    prose = " ".join(page.locator("main p").all_inner_texts())
    assert f"all {int(book_run.W.size + book_run.W_out.size):,} of them" in prose   # every trained number
    assert not re.search(r"(?<![\w\]])-\d", prose)   # negatives print with U+2212
    assert log.problems() == []



@pytest.mark.parametrize("width", [1280, 390])
def test_similarity_heatmap_group_names_have_room(loaded_page, book_run, width):
    """Each group's name sits in its own stretch of the axes: upright under the heatmap, level at
    its left, as far from the next as its letters are tall (0.9 em: capitals and descenders), so
    that no two run into each other (on a phone, "capitals", "countries" and "languages", four
    words each, once overprinted at 60°). A text without groups.tsv has no group to name: the
    axes then name none (not one "(no group)" under the whole matrix)."""
    page, log = loaded_page(PAGE, width=width)
    wait_for_bokeh(page)
    found = page.evaluate("""() => { for (const d of Bokeh.documents) { const p = d.get_model_by_name('similarity-heatmap')
        if (!p) continue
        const axis = p.below.find(a => a.type.endsWith('Axis'))
        const ticks = Array.from(axis.ticker.ticks).sort((a, b) => a - b)
        return {width: p.inner_width, height: p.inner_height, xs: p.x_range.end - p.x_range.start,
                ys: Math.abs(p.y_range.end - p.y_range.start), ticks, names: ticks.length,
                orientation: axis.major_label_orientation, font: parseFloat(axis.major_label_text_font_size)} } }""")
    if not book_run.corpus.has_groups:
        assert found and found["names"] == 0, found
        assert log.problems() == []
        return
    assert found and found["names"] >= 2, found
    assert found["orientation"] == pytest.approx(np.pi / 2) or found["orientation"] == "vertical", found
    gaps = np.diff(found["ticks"])
    across, down = found["width"] / found["xs"] * gaps.min(), found["height"] / found["ys"] * gaps.min()
    letters = 0.9 * found["font"]
    assert across >= letters and down >= letters, \
        f"{width} px: group names {across:.1f} px apart across, {down:.1f} px down; their letters are {letters:.1f} px"
    assert log.problems() == []


# The weight heatmap's word rows: their labels' size, the pixels from one row to the next, how many
# rows are named and how many the heatmap draws.
ROWS_JS = """() => {
  const p = Bokeh.documents.map(d => d.get_model_by_name('weights-heatmap')).find(m => m)
  const axis = p.left.find(a => a.type.endsWith('Axis'))
  return {label: parseFloat(axis.major_label_text_font_size), ticks: Array.from(axis.ticker.ticks).length,
          pitch: p.inner_height / Math.abs(p.y_range.end - p.y_range.start),
          rows: p.renderers[0].data_source.data.y.reduce((a, b) => Math.max(a, b), 0) + 1}
}"""


@pytest.mark.parametrize("width", [1280, 390])
def test_every_figure_text_is_at_least_11_px_and_each_words_label_has_its_row(loaded_page, width):
    """Every text the two heatmaps and the bars draw is at least 11 px, at a laptop's width and a
    phone's (Bokeh's text does not scale with the plot); the weight heatmap names every row it
    draws, and its rows are at least 1.2 labels apart, so two words' labels never touch (they were
    9 px, 11 px apart)."""
    page, log = loaded_page(PAGE, width=width)
    wait_for_bokeh(page)
    assert_figure_text_at_least(page, width, 11)
    found = page.evaluate(ROWS_JS)
    assert found["label"] >= 11, found["label"]
    assert found["ticks"] == found["rows"], f"{found['ticks']} word labels for {found['rows']} rows"
    assert found["pitch"] >= 1.2 * found["label"], \
        f"{width} px: rows {found['pitch']:.1f} px apart, labels {found['label']} px"
    assert log.problems() == []
