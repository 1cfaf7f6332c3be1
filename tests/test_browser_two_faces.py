"""The chapter "Two faces of every word" (book/two-faces.html) in a real browser.

The page must load without a single problem, the bar chart must render at laptop and phone width,
and hovering a bar must name its word, group and the run's own cosine.
"""

from __future__ import annotations

import re

import bokeh
import numpy as np
import pytest

from conftest import assert_figure_text_at_least, wait_for_bokeh
from test_browser_weights import hover_text
from w2v import analysis

PAGE = "book/two-faces.html"


@pytest.mark.parametrize("width", [1280, 390])
def test_page_loads_without_problems_and_chart_renders(loaded_page, width):
    page, log = loaded_page(PAGE, width=width)
    wait_for_bokeh(page)
    assert page.evaluate("() => Bokeh.version") == bokeh.__version__
    figure = page.locator("figure.w2v-bokeh#fig-two-faces-cosine")
    assert figure.count() == 1
    assert figure.get_attribute("aria-label") and figure.locator("figcaption").inner_text().strip()
    sizes = figure.locator("canvas").evaluate_all(
        "cs => cs.map(c => [c.getBoundingClientRect().width, c.getBoundingClientRect().height])")
    assert sizes and all(w > 0 and h > 0 for w, h in sizes), sizes
    assert figure.bounding_box()["width"] <= width
    assert_figure_text_at_least(page, width, 11)   # its word labels were 9 / 10 px
    # the equations of the updates are typeset
    page.wait_for_function("() => document.querySelectorAll('mjx-container').length > 0")
    assert log.problems() == []


@pytest.mark.parametrize("rank", [0, -1])
def test_hovering_a_bar_names_the_word(open_page, book_run, rank):
    page, log = open_page(PAGE)
    wait_for_bokeh(page)
    corpus = book_run.corpus
    cosines = analysis.two_vector_cosine(book_run.W, book_run.W_out)
    order = np.argsort(-cosines, kind="stable")
    row = rank % corpus.vocab_size
    w = order[row]
    text = hover_text(page, "two-faces-bars", cosines[w] / 2, row)   # halfway along the bar
    word = corpus.vocab[w]
    assert re.search(rf"\b{re.escape(word)}\b", text), (word, text)
    assert corpus.group_of(word) in text
    assert f"{cosines[w]:.4f}" in text, (cosines[w], text)
    assert log.problems() == []


def test_text_names_the_extremes(loaded_page, book_run):
    page, log = loaded_page(PAGE)
    corpus = book_run.corpus
    cosines = analysis.two_vector_cosine(book_run.W, book_run.W_out)
    section = page.locator("section:has(> span#two-face-cosine)").inner_text()   # the stable anchor
    assert corpus.vocab[int(np.argmax(cosines))] in section
    assert corpus.vocab[int(np.argmin(cosines))] in section
    assert f"{cosines.mean():.2f}".replace("-", "\u2212") in section   # a true minus sign
    # numbers in the prose print negatives with U+2212, never a hyphen
    prose = " ".join(page.locator("main p").all_inner_texts())
    assert not re.search(r"(?<![\w\]])-\d", prose), re.findall(r".{20}(?<![\w\]])-\d.{10}", prose)
    assert log.problems() == []


# The chart's "mean" label and every bar, as boxes in the canvas's pixels: the label measured in the
# font Bokeh draws it with, placed by its own alignment and baseline.
MEAN_AND_BARS_JS = """() => {
  for (const doc of Bokeh.documents) {
    const plot = doc.get_model_by_name('two-faces-bars')
    if (plot == null) continue
    const view = Bokeh.index.find_one(plot)
    const fx = x => view.frame.x_scale.compute(x), fy = y => view.frame.y_scale.compute(y)
    const label = plot.center.find(m => typeof m.text === 'string' && m.text.includes('mean'))
    const ctx = document.createElement('canvas').getContext('2d')
    const size = parseFloat(label.text_font_size)
    ctx.font = `${label.text_font_style || 'normal'} ${size}px ${label.text_font || 'helvetica'}`
    const w = ctx.measureText(label.text).width, h = 1.2 * size, sx = fx(label.x), sy = fy(label.y)
    const left = label.text_align === 'right' ? sx - w : label.text_align === 'center' ? sx - w / 2 : sx
    const top = label.text_baseline === 'top' ? sy : label.text_baseline === 'middle' ? sy - h / 2 : sy - h
    const bars = []
    for (const r of plot.renderers) {
      if (!r.glyph || r.glyph.type !== 'HBar') continue
      const d = r.data_source.data, half = r.glyph.height.value / 2
      for (let i = 0; i < d.y.length; i++) {
        const x0 = fx(Math.min(0, d.cos[i])), x1 = fx(Math.max(0, d.cos[i]))
        bars.push({y: d.y[i], left: x0, right: x1, top: fy(d.y[i] - half), bottom: fy(d.y[i] + half)})
      }
    }
    return {label: {text: label.text, left, right: left + w, top, bottom: top + h}, bars,
            frame: {top: view.frame.bbox.top, bottom: view.frame.bbox.bottom}}
  }
  return null
}"""


@pytest.mark.parametrize("width", [1280, 390])
def test_the_mean_is_written_clear_of_every_bar(loaded_page, width):
    """The dashed line's label ("mean −0.29") sat on the last bars; it has a row of its own below them."""
    page, log = loaded_page(PAGE, width=width)
    wait_for_bokeh(page)
    found = page.evaluate(MEAN_AND_BARS_JS)
    label, bars = found["label"], found["bars"]
    assert label["text"].strip().startswith("mean") and bars
    hit = [b["y"] for b in bars if b["left"] < label["right"] and b["right"] > label["left"]
           and b["top"] < label["bottom"] and b["bottom"] > label["top"]]
    assert hit == [], f"{label['text']!r} at {label} drawn over the bars of rows {hit}"
    assert found["frame"]["top"] <= label["top"] and label["bottom"] <= found["frame"]["bottom"] + 1, (label, found["frame"])
    assert log.problems() == []
