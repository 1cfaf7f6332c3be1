"""The chapter "Two ways around the softmax" (book/negative-sampling.html) in a real browser.

The page must load without a single problem at laptop and phone width, in light and dark mode; the
ΔW′ figure must show every column moving for the softmax and k + 1 for SGNS; the results table must
carry gensim's numbers as the cached gensim runs give them; the Huffman tree must light the path of
the word a reader picks (by select, keyboard or tap) with p(o | c) as the engine computes it.
"""

from __future__ import annotations

import re

import bokeh
import numpy as np
import pytest

from conftest import POINT_JS, assert_figures_render, wait_for_bokeh
from test_browser_touch import phone  # noqa: F401  (a fixture: 390 px, a touch screen)
from test_browser_weights import hover_text
from w2v import BOOK_CORPUS, hs, peers
from w2v.train import train_or_load

PAGE = "book/negative-sampling.html"
FIGURES = ["fig-sgns-update", "fig-hs-tree"]

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
def test_page_loads_without_problems_and_figure_renders(loaded_page, width, theme):
    page, log = loaded_page(PAGE, theme=theme, width=width)
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


def test_table_carries_gensims_own_runs(loaded_page):
    page, log = loaded_page(PAGE)  # read-only: the page as loaded for every read-only check of it
    corpus = peers.load_corpus(BOOK_CORPUS)
    rows = [peers.scores(corpus, W, W_out) for W, W_out in peers.gensim_runs(BOOK_CORPUS, "base")]
    purity = 100 * np.median([r["purity"] for r in rows])
    analogies = np.median([r["analogies"] for r in rows])
    table = page.locator("section:has(> span#sgns-results) table").first
    cells = [c.strip() for c in table.locator("tr", has_text="gensim").locator("td").all_inner_texts()]
    assert cells[1].startswith(f"{purity:.0f} ["), cells
    assert cells[2].startswith(f"{analogies:g} ["), cells
    assert table.locator("tbody tr").count() == 6
    hs_rows = [peers.scores(corpus, W, W_out) for W, W_out in peers.gensim_runs(BOOK_CORPUS, "hs")]
    row = table.locator("tbody tr").filter(has_text="gensim").filter(has_text="hierarchical")
    cells = [c.strip() for c in row.locator("td").all_inner_texts()]
    assert cells[1].startswith(f"{100 * np.median([r['purity'] for r in hs_rows]):.0f} ["), cells
    assert cells[2].startswith(f"{np.median([r['analogies'] for r in hs_rows]):g} ["), cells
    assert log.problems() == []


# ------------------------------------------------------------ the Huffman tree

TREE_STATE_JS = """() => {
  for (const doc of Bokeh.documents) {
    const edges = doc.get_model_by_name('hs-tree-edges')
    if (edges == null) continue
    const get = name => doc.get_model_by_name(name)
    return {center: get('hs-center').value, context: get('hs-context').value,
            lit: Array.from(edges.data.width).filter(w => w > 1).length,
            labels: Array.from(get('hs-tree-labels').data.text).filter(t => t !== '').map(Number),
            text: get('hs-path-product').text}
  }
  return null
}"""


@pytest.fixture(scope="module")
def hs_model():
    run = peers.hs_run(BOOK_CORPUS)
    return run, hs.huffman_tree(run.corpus.counts)


def assert_path_shown(state, hs_model):
    run, tree = hs_model
    c, o = run.corpus.index[state["center"]], run.corpus.index[state["context"]]
    L = int(tree.depth[o])
    assert state["lit"] == L + 1  # the edges into the path's L nodes (the root has none) and into the word
    assert len(state["labels"]) == L
    p = hs.word_probabilities(run.W, run.W_out, tree, c)[o]
    text = re.search(r"= <b>([0-9.]+(?:e-[0-9]+)?)</b>", state["text"]).group(1)
    if "e" in text:   # below 0.001: three significant digits (a deep word of a large vocabulary)
        assert p < 1e-3 and abs(float(text) - p) < 0.01 * p, (state, p)
    else:             # four decimals
        assert p >= 1e-3 - 5e-5 and abs(float(text) - p) < 2e-4, (state, p)
    assert abs(np.prod(state["labels"]) - p) < 0.02 * L  # the node labels are the factors, to 2 decimals


def test_tree_lights_the_picked_words_path(open_page, hs_model):
    page, log = open_page(PAGE)
    wait_for_bokeh(page)
    start = page.evaluate(TREE_STATE_JS)
    assert_path_shown(start, hs_model)
    run, tree = hs_model
    # the deepest word and the shallowest: the lit path follows
    for o in (int(np.argmax(tree.depth)), int(np.argmin(tree.depth))):
        page.locator("#fig-hs-tree select").nth(1).select_option(run.corpus.vocab[o])
        page.wait_for_timeout(200)
        state = page.evaluate(TREE_STATE_JS)
        assert state["context"] == run.corpus.vocab[o]
        assert_path_shown(state, hs_model)
    other = next(w for w in run.corpus.vocab if w != start["center"])
    page.locator("#fig-hs-tree select").nth(0).select_option(other)
    page.wait_for_timeout(200)
    state = page.evaluate(TREE_STATE_JS)
    assert state["center"] == other
    assert_path_shown(state, hs_model)
    assert log.problems() == []


@pytest.mark.corpus_free
def test_tree_by_keyboard_and_by_tap_at_phone_width(open_page, hs_model):
    run, tree = hs_model
    page, log = open_page(PAGE, width=390, height=800)
    wait_for_bokeh(page)
    box = page.locator("#fig-hs-tree").bounding_box()
    assert box["width"] <= 390
    before = page.evaluate(TREE_STATE_JS)
    picker = page.locator("#fig-hs-tree select").nth(1)
    picker.focus()
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(200)
    after = page.evaluate(TREE_STATE_JS)
    assert after["context"] != before["context"]
    assert_path_shown(after, hs_model)
    # a tap on a word makes it the context word (a word of the drawing: every word, or those of the
    # view around the context word on a large vocabulary)
    from w2v.book.figures import HEATMAP_WORDS
    from w2v.book.figures.negative_sampling import tree_layout, tree_summary, tree_view

    if run.corpus.vocab_size <= HEATMAP_WORDS:
        word = run.corpus.vocab[int(np.argmin(tree.depth))]
        if word == after["context"]:
            word = run.corpus.vocab[int(np.argmax(tree.depth))]
        pos = tree_layout(tree)
        o = run.corpus.index[word]
        x, y = pos["x"][o], pos["y"][o]
    else:  # the view around the deepest word: it and its neighbours in the tree
        deepest = int(np.argmax(tree.depth))
        picker.select_option(run.corpus.vocab[deepest])
        page.wait_for_timeout(200)
        view = tree_view(tree, tree_summary(tree, run.corpus.counts), deepest)
        x, y, o = next((x, y, i) for i, kind, x, y in zip(view["id"], view["kind"], view["x"], view["y"])
                       if kind == "word" and i != deepest)
        word = run.corpus.vocab[o]
    point = page.evaluate(POINT_JS, ["hs-tree", float(x), float(y)])
    page.mouse.click(*point)
    page.wait_for_timeout(300)
    tapped = page.evaluate(TREE_STATE_JS)
    assert tapped["context"] == word
    assert_path_shown(tapped, hs_model)
    assert log.problems() == []


DRAWN_JS = """() => {
  for (const doc of Bokeh.documents) {
    const leaves = doc.get_model_by_name('hs-tree-leaves')
    if (leaves == null) continue
    const branches = doc.get_model_by_name('hs-tree-branches')
    const view = Bokeh.index.find_one(doc.get_model_by_name('hs-tree'))
    return {words: Array.from(leaves.data.word), y: Array.from(leaves.data.y),
            folded: branches ? Array.from(branches.data.n) : [], top: branches ? Array.from(branches.data.top) : [],
            by: branches ? Array.from(branches.data.y) : [], bx: branches ? Array.from(branches.data.x) : [],
            height: view.el.getBoundingClientRect().height}
  }
  return null
}"""


def test_tree_draws_every_word_or_the_view_around_the_picked_one(open_page, hs_model):
    """Up to HEATMAP_WORDS words the tree is drawn whole, 12 px a word; above, the view around the
    context word (w2v.book.figures.negative_sampling.tree_view), at most TREE_MAX_PX tall, follows the word
    picked, and a tap on a folded branch follows its most frequent word."""
    from w2v.book.figures import HEATMAP_WORDS
    from w2v.book.figures import negative_sampling as ns

    run, tree = hs_model
    corpus, V = run.corpus, run.corpus.vocab_size
    page, log = open_page(PAGE)
    wait_for_bokeh(page)
    summary = ns.tree_summary(tree, corpus.counts)
    for o in (int(np.argmax(tree.depth)), int(np.argmin(tree.depth))):
        page.locator("#fig-hs-tree select").nth(1).select_option(corpus.vocab[o])
        page.wait_for_timeout(200)
        drawn = page.evaluate(DRAWN_JS)
        if V <= HEATMAP_WORDS:
            assert sorted(drawn["words"]) == sorted(corpus.vocab) and drawn["folded"] == []
            assert drawn["height"] == pytest.approx(12 * V + 60, abs=2)
            continue
        view = ns.tree_view(tree, summary, o)
        words = [(corpus.vocab[i], y) for i, kind, y in zip(view["id"], view["kind"], view["y"]) if kind == "word"]
        assert list(zip(drawn["words"], drawn["y"])) == words
        assert len(drawn["words"]) + sum(drawn["folded"]) == V               # every word, drawn or folded
        assert drawn["height"] <= ns.TREE_MAX_PX
        assert_path_shown(page.evaluate(TREE_STATE_JS), hs_model)
    if V > HEATMAP_WORDS:                                                    # a tap on a folded branch
        point = page.evaluate(POINT_JS, ["hs-tree", float(drawn["bx"][0]), float(drawn["by"][0])])
        page.mouse.click(*point)
        page.wait_for_timeout(300)
        state = page.evaluate(TREE_STATE_JS)
        assert state["context"] == drawn["top"][0]
        assert_path_shown(state, hs_model)
        assert corpus.index[state["context"]] in ns.tree_view(tree, summary, corpus.index[state["context"]])["id"]
        assert page.evaluate(DRAWN_JS)["words"].count(state["context"]) == 1
    assert log.problems() == []


# The tree plot as drawn, in its canvas's pixels: the box of every text it draws (the branch
# probabilities of its LabelSet, the words and folded branches of its text glyphs), measured with
# the font Bokeh draws it in and placed by the renderer's own offsets, alignment and baseline; the
# path's segments (its edges drawn wider than 1 px), with their line width; the frame; a row's
# height; the lowest row drawn; and the room the page keeps for the figure, below the canvas.
TREE_DRAWING_JS = """() => {
  for (const doc of Bokeh.documents) {
    const plot = doc.get_model_by_name('hs-tree')
    if (plot == null) continue
    const view = Bokeh.index.find_one(plot), canvas = view.canvas_view.el.getBoundingClientRect()
    const fx = x => view.frame.x_scale.compute(x), fy = y => view.frame.y_scale.compute(y)
    const ctx = document.createElement('canvas').getContext('2d')
    const get = (spec, data, i) => spec !== null && typeof spec === 'object'
      ? ('field' in spec ? data[spec.field][i] : spec.value) : spec
    const boxes = []
    const measure = (kind, m, data, down) => {   // down: +1 where y_offset moves text down (glyphs), −1 up (annotations)
      const n = data[m.x.field].length
      for (let i = 0; i < n; i++) {
        const text = get(m.text, data, i)
        if (!text) continue
        const size = parseFloat(get(m.text_font_size, data, i))
        ctx.font = `${get(m.text_font_style, data, i) || 'normal'} ${size}px ${get(m.text_font, data, i) || 'helvetica'}`
        const w = ctx.measureText(text).width, h = 1.2 * size
        const sx = fx(data[m.x.field][i]) + (get(m.x_offset, data, i) || 0)
        const sy = fy(data[m.y.field][i]) + down * (get(m.y_offset, data, i) || 0)
        const align = get(m.text_align, data, i) || 'left', base = get(m.text_baseline, data, i) || 'bottom'
        const left = align === 'right' ? sx - w : align === 'center' ? sx - w / 2 : sx
        const top = base === 'top' ? sy : base === 'middle' ? sy - h / 2 : sy - h
        boxes.push({kind, text, left, right: left + w, top, bottom: top + h})
      }
    }
    for (const r of plot.center) if (r.type === 'LabelSet' || r.constructor.name === 'LabelSet')
      measure('probability', r, r.source.data, -1)
    for (const r of plot.renderers) if (r.glyph && r.glyph.type === 'Text') measure('text', r.glyph, r.data_source.data, 1)
    const edges = doc.get_model_by_name('hs-tree-edges').data, path = []
    for (let i = 0; i < edges.xs.length; i++) {
      if (edges.width[i] <= 1) continue
      const xs = Array.from(edges.xs[i]), ys = Array.from(edges.ys[i])
      for (let k = 1; k < xs.length; k++)
        path.push({x0: fx(xs[k - 1]), y0: fy(ys[k - 1]), x1: fx(xs[k]), y1: fy(ys[k]), half: edges.width[i] / 2})
    }
    const rows = [doc.get_model_by_name('hs-tree-leaves'), doc.get_model_by_name('hs-tree-branches')]
      .filter(s => s != null).flatMap(s => Array.from(s.data.y))
    let room = view.el
    while (room && !(room.classList && room.classList.contains('w2v-bokeh-room')))
      room = room.parentElement || room.getRootNode().host
    return {boxes, path, width: canvas.width, height: canvas.height, frameBottom: view.frame.bbox.bottom,
            row: fy(1) - fy(0), lowest: fy(Math.max(...rows)), canvasBottom: canvas.bottom,
            roomBottom: room ? room.getBoundingClientRect().bottom : null,
            context: doc.get_model_by_name('hs-context').value}
  }
  return null
}"""


def assert_tree_drawn_cleanly(page, label: str) -> dict:
    """Every text of the tree inside its canvas, no branch probability on the path's line, and no
    blank under the last row: the plot as tall as the rows it draws, the page's room no taller."""
    d = page.evaluate(TREE_DRAWING_JS)
    where = f"{label} ({d['context']})"
    out = [b for b in d["boxes"] if b["left"] < 0 or b["top"] < 0 or b["right"] > d["width"] or b["bottom"] > d["height"]]
    assert out == [], f"{where}: text cut at the canvas's edge ({d['width']:.0f} × {d['height']:.0f}): {out}"
    on_path = [(b["text"], s) for b in d["boxes"] if b["kind"] == "probability" for s in d["path"]
               if min(s["x0"], s["x1"]) - s["half"] < b["right"] and max(s["x0"], s["x1"]) + s["half"] > b["left"]
               and min(s["y0"], s["y1"]) - s["half"] < b["bottom"] and max(s["y0"], s["y1"]) + s["half"] > b["top"]]
    assert on_path == [], f"{where}: branch probabilities drawn on the path's line: {on_path}"
    assert sum(b["kind"] == "probability" for b in d["boxes"]) > 0
    blank = d["frameBottom"] - d["lowest"]
    assert blank <= 2 * d["row"] + 1, f"{where}: {blank:.0f} px blank under the last row (a row is {d['row']:.1f} px)"
    assert d["roomBottom"] is None or d["roomBottom"] <= d["canvasBottom"] + 2, \
        f"{where}: the page keeps {d['roomBottom'] - d['canvasBottom']:.0f} px of room under the drawing"
    return d


def test_tree_at_phone_width_keeps_its_labels_in_and_off_the_path_and_follows_a_tap_in_place(phone, hs_model):
    """At 390 px on a touch screen, for the starting picture, the deepest and the most frequent word
    and a tapped word: no text cut at the canvas's edge (the root's probability read ".47"), none
    of the branch probabilities on the red line, no blank under the drawing (a frequent word's view
    left the height of the tallest), and the word a tap picks drawn under the finger (a tap on a
    folded branch redrew the view and moved its word 300 px down)."""
    from w2v.book.figures import HEATMAP_WORDS
    from w2v.book.figures.negative_sampling import tree_layout

    run, tree = hs_model
    corpus, V = run.corpus, run.corpus.vocab_size
    page, log = phone(PAGE)
    wait_for_bokeh(page)
    page.locator("#fig-hs-tree").scroll_into_view_if_needed()
    assert_tree_drawn_cleanly(page, "start")
    picker = page.locator("#fig-hs-tree select").nth(1)
    for label, o in (("deepest", int(np.argmax(tree.depth))), ("most frequent", int(np.argmax(corpus.counts)))):
        picker.select_option(corpus.vocab[o])
        page.wait_for_timeout(300)
        d = assert_tree_drawn_cleanly(page, label)
        assert d["context"] == corpus.vocab[o]
    # a tap: on a folded branch (a new view around its most frequent word), or on a word of the whole tree
    if V > HEATMAP_WORDS:
        drawn = page.evaluate(DRAWN_JS)
        x, y, word = drawn["bx"][0], drawn["by"][0], drawn["top"][0]
    else:
        o = int(np.argmax(tree.depth))
        x, y, word = tree_layout(tree)["x"][o], tree_layout(tree)["y"][o], corpus.vocab[o]
    point = page.evaluate(POINT_JS, ["hs-tree", float(x), float(y)])
    page.touchscreen.tap(*point)
    page.wait_for_timeout(500)
    d = assert_tree_drawn_cleanly(page, "tapped")
    assert d["context"] == word
    now = page.evaluate(WORD_ON_SCREEN_JS, word)
    assert abs(now - point[1]) <= d["row"] / 2, f"the tapped {word} moved from y = {point[1]:.0f} to {now:.0f} px"
    assert log.problems() == []


# Where the tree draws a word now: its height on the screen.
WORD_ON_SCREEN_JS = """(word) => { for (const doc of Bokeh.documents) {
  const leaves = doc.get_model_by_name('hs-tree-leaves'); if (leaves == null) continue
  const view = Bokeh.index.find_one(doc.get_model_by_name('hs-tree'))
  const i = Array.from(leaves.data.word).indexOf(word)
  return view.canvas_view.el.getBoundingClientRect().top + view.frame.y_scale.compute(leaves.data.y[i]) } }"""
