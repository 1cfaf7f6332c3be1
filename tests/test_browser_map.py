"""The maps in a real browser: "The map takes shape" (book/journey.html#map-takes-shape) and "Both
tables in one map" (book/two-faces.html#two-faces-map).

The slider and the play button must move the points to the run's own coordinates, hovering a
point must name its word, group and neighbours, the analogy toggle must draw two arrows per
test (and one dashed arrow per wrong answer), labels must be at least 10 px and never cover each
other, and no page may log a problem. Screenshots at 1280 and 390 px, light and dark, go to
$W2V_SHOTS (default /tmp/w2v-shots) for a person to look at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest

from conftest import POINT_JS, THEMES, assert_figures_render, wait_for_bokeh
from w2v import analysis

JOURNEY, TWO_FACES = "book/journey.html", "book/two-faces.html"
SHOTS = Path(os.environ.get("W2V_SHOTS", "/tmp/w2v-shots"))

GET_JS = """(name) => {
  for (const d of Bokeh.documents) { const m = d.get_model_by_name(name); if (m) return m }
  return null
}"""
DATA_JS = """([name, column]) => {
  for (const d of Bokeh.documents) { const m = d.get_model_by_name(name); if (m) return Array.from(m.data[column]) }
  return null
}"""
SET_JS = """([name, prop, value]) => {
  for (const d of Bokeh.documents) { const m = d.get_model_by_name(name); if (m) { m[prop] = value; return true } }
  return false
}"""
# Every drawn label's box, measured with the canvas's own text metrics at the glyph's font, in the
# plot's pixels; the font size in px; and every word's dot (its centre, in the same pixels).
LABEL_BOXES_JS = """([plotName, labelsName, pointsName]) => {
  let plot, labels, points
  for (const d of Bokeh.documents) { plot = plot || d.get_model_by_name(plotName); labels = labels || d.get_model_by_name(labelsName)
                                     points = points || d.get_model_by_name(pointsName || plotName.replace(/-plot$/, '') + '-points') }
  const view = Bokeh.index.find_one(plot)
  const glyph = view.renderer_views.values ? [...view.renderer_views.values()].find(r => r.model.data_source === labels)
                                           : null
  const size = parseFloat(glyph.model.glyph.text_font_size.value)
  const font = glyph.model.glyph.text_font.value
  const ctx = document.createElement('canvas').getContext('2d')
  ctx.font = `${size}px ${font}`
  const d = labels.data, boxes = []
  for (let i = 0; i < d.text.length; i++) {
    const x = view.frame.x_scale.compute(d.x[i]) + d.dx[i], y = view.frame.y_scale.compute(d.y[i]) + d.dy[i]
    const w = ctx.measureText(d.text[i]).width
    const left = d.align[i] === 'left' ? x : d.align[i] === 'right' ? x - w : x - w / 2
    boxes.push([left, y - size / 2, left + w, y + size / 2, d.text[i]])
  }
  const dots = Array.from(points.data.x).map((x, j) => [view.frame.x_scale.compute(x), view.frame.y_scale.compute(points.data.y[j]), points.data.word[j]])
  return {size, boxes, dots}
}"""


def wait_for_labels(page, words: set, timeout_s: float = 10.0) -> set:
    """The map's labels once they name every one of `words`, or as they are after `timeout_s`: the
    page relabels the map after the Bokeh change event, which on a busy machine comes later than a
    fixed wait (a 200 ms wait failed once in CI)."""
    import time

    deadline = time.monotonic() + timeout_s
    while True:
        named = set(data(page, "map-labels", "text"))
        if words <= named or time.monotonic() > deadline:
            return named
        page.wait_for_timeout(100)


def data(page, name, column):
    found = page.evaluate(DATA_JS, [name, column])
    assert found is not None, f"no model named {name!r}"
    return found


def set_prop(page, name, prop, value, wait=250):
    assert page.evaluate(SET_JS, [name, prop, value]), f"no model named {name!r}"
    page.wait_for_timeout(wait)


def covered_dots(labels):
    """(label, word) for each label whose box covers the centre of another word's dot."""
    return [(box[4], word) for box in labels["boxes"] for x, y, word in labels["dots"]
            if word != box[4] and box[0] < x < box[2] and box[1] < y < box[3]]


def overlapping(boxes):
    return [(a[4], b[4]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]]


def arrows_visible(page) -> list[bool]:
    return [page.evaluate(GET_JS.replace("return m }", "return m.visible }"), name)
            for name in ("map-arrow-pairs", "map-arrow-wrong")]


def hover(page, plot, x, y) -> str:
    point = page.evaluate(POINT_JS, [plot, x, y])
    assert point is not None, f"no Bokeh plot named {plot!r}"
    page.mouse.move(*point)
    tooltip = page.locator(".bk-tooltip-content").filter(has_text=re.compile(r"\S"))
    tooltip.first.wait_for(state="visible", timeout=5_000)
    return " ".join(tooltip.all_inner_texts())


@pytest.fixture(scope="module")
def word_map(book_run):
    return analysis.embedding_map(book_run.W_checkpoints)


@pytest.fixture
def journey(open_page):
    page, log = open_page(JOURNEY, width=1280)
    wait_for_bokeh(page)
    page.wait_for_function("() => Bokeh.documents.some(d => { const m = d.get_model_by_name('map-labels');"
                           " return m && m.data.text.length > 0 })", timeout=5_000)
    page.locator("#fig-word-map").scroll_into_view_if_needed()
    yield page
    assert log.problems() == []


# ------------------------------------------------------------------ the journey's map

# Dark on the book's build only (conftest.THEMES): the theme changes the map's colours, never its
# size or its labels' places (on the foreign corpus's build, every figure's box and the labels of
# both maps measured the same in both themes at 1280 and 390 px), and the slider and the analogy
# toggle run the same code in both; the dark page's colours and console are checked on every
# corpus (test_browser_figure_theme.test_data_colours_stand_out_in_the_dark).
@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("theme", THEMES)
def test_map_renders_readably_at_both_widths(open_page, book_run, width, theme):
    page, log = open_page(JOURNEY, width=width, theme=theme)
    wait_for_bokeh(page)
    assert page.evaluate("() => document.documentElement.dataset.theme") == theme
    assert_figures_render(page, ["fig-word-map"], width)
    page.locator("#fig-word-map").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    V = book_run.corpus.vocab_size
    C = len(book_run.checkpoint_steps)
    for c, when in ((0, "start"), (C // 2, "mid"), (C - 1, "end")):
        set_prop(page, "map-slider", "value", c)
        labels = page.evaluate(LABEL_BOXES_JS, ["map-plot", "map-labels"])
        assert labels["size"] >= 10
        assert 0 < len(labels["boxes"]) <= V
        assert overlapping(labels["boxes"]) == []
        assert covered_dots(labels) == [], (when, covered_dots(labels))  # once: "queen" on the dot of "runs"
        page.locator("figure#fig-word-map").screenshot(path=str(_shot_path(f"map-{when}-{theme}-{width}")))
    set_prop(page, "map-analogies", "active", True)
    labels = page.evaluate(LABEL_BOXES_JS, ["map-plot", "map-labels"])
    assert overlapping(labels["boxes"]) == []
    page.locator("figure#fig-word-map").screenshot(path=str(_shot_path(f"map-analogies-{theme}-{width}")))
    if width < 500:   # at phone width the map cannot name every word at once: the rest are on hover
        set_prop(page, "map-analogies", "active", False)
        assert len(data(page, "map-labels", "text")) < V
    assert log.problems() == []


def _shot_path(name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS / f"{name}.png"


def test_slider_moves_the_points_to_each_checkpoint(journey, book_run, word_map):
    C = len(book_run.checkpoint_steps)
    end_x = data(journey, "map-points", "x")
    np.testing.assert_allclose(end_x, word_map["coords"][-1, :, 0], atol=1e-4)
    for c in (0, C // 2):
        set_prop(journey, "map-slider", "value", c)
        np.testing.assert_allclose(data(journey, "map-points", "x"), word_map["coords"][c, :, 0], atol=1e-4)
        np.testing.assert_allclose(data(journey, "map-points", "y"), word_map["coords"][c, :, 1], atol=1e-4)
        title = journey.evaluate(GET_JS.replace("return m }", "return m.title.text }"), "map-plot")
        assert f"step {int(book_run.checkpoint_steps[c]):,}" in title
        assert f"{100 * word_map['share'][c]:.0f}%" in title
    assert data(journey, "map-points", "x") != end_x


@pytest.mark.corpus_free
def test_play_moves_the_points(journey, book_run, word_map):
    set_prop(journey, "map-slider", "value", 0)
    before = data(journey, "map-points", "x")
    journey.locator("#fig-word-map .bk-btn").filter(has_text=re.compile("Play")).click()
    journey.wait_for_function("() => Bokeh.documents.some(d => { const m = d.get_model_by_name('map-slider');"
                              " return m && m.value >= 2 })", timeout=5_000)
    journey.locator("#fig-word-map .bk-btn").filter(has_text=re.compile("Pause")).click()
    journey.wait_for_timeout(200)
    c = journey.evaluate(GET_JS.replace("return m }", "return m.value }"), "map-slider")
    journey.wait_for_timeout(900)   # paused: it stays
    assert journey.evaluate(GET_JS.replace("return m }", "return m.value }"), "map-slider") == c
    after = data(journey, "map-points", "x")
    assert after != before
    np.testing.assert_allclose(after, word_map["coords"][c, :, 0], atol=1e-4)


def test_hover_names_the_word_its_group_and_neighbours(journey, book_run, word_map):
    corpus = book_run.corpus
    C = len(book_run.checkpoint_steps)
    for c in (C - 1, 0):
        set_prop(journey, "map-slider", "value", c)
        # the most isolated point at this checkpoint: the hover lands on it alone
        xy = word_map["coords"][c]
        dist = np.linalg.norm(xy[:, None] - xy[None], axis=-1) + np.eye(len(xy)) * 9
        w = int(np.argmax(dist.min(axis=1)))
        text = hover(journey, "map-plot", *xy[w])
        word = corpus.vocab[w]
        assert re.search(rf"\b{re.escape(word)}\b", text) and corpus.group_of(word) in text, (word, text)
        for n in book_run.neighbors[c, w, :3]:
            assert corpus.vocab[n] in text, (corpus.vocab[n], text)
        journey.mouse.move(0, 0)


def test_analogy_toggle_draws_two_arrows_per_test(journey, book_run):
    corpus = book_run.corpus
    A = len(corpus.analogies)
    C = len(book_run.checkpoint_steps)
    if not A:   # a text with no analogies.txt: the button says so and cannot be pressed
        button = journey.locator("#fig-word-map .bk-btn").filter(has_text=re.compile("analog"))
        assert button.inner_text() == "No analogy tests" and button.is_disabled()
        return
    journey.locator("#fig-word-map .bk-btn").filter(has_text=re.compile("Show analogies")).click()
    journey.wait_for_timeout(300)
    tests = corpus.ids_of_analogies()
    for c in (C - 1, 0):
        set_prop(journey, "map-slider", "value", c)
        assert len(data(journey, "map-arrows", "x0")) == 2 * A
        wrong = int((book_run.analogy_answers[c] != tests[:, 3]).sum())
        assert len(data(journey, "map-wrong", "x0")) == wrong
        assert data(journey, "map-wrong", "word") == [corpus.vocab[a] for a, d in
                                                      zip(book_run.analogy_answers[c], tests[:, 3]) if a != d]
        # the arrows start and end on the tests' words at this checkpoint
        xs = data(journey, "map-points", "x")
        assert data(journey, "map-arrows", "x0")[:2] == [xs[tests[0, 0]], xs[tests[0, 2]]]
        # the view zooms to the tests' words, and labels most of them first
        labelled = set(data(journey, "map-labels", "text"))
        assert len({corpus.vocab[i] for i in tests.ravel()} & labelled) >= 0.5 * len(set(tests.ravel()))
    assert arrows_visible(journey) == [True, True]
    # one test alone: two arrows, and every word of the test (and a wrong answer) is named
    for c in (C - 1, 0):
        set_prop(journey, "map-slider", "value", c)
        for t, test in enumerate(corpus.analogies):
            journey.locator("#fig-word-map select").select_option(label="{} : {} :: {} : {}".format(*test))
            answer = corpus.vocab[int(book_run.analogy_answers[c, t])]
            named = wait_for_labels(journey, set(test) | {answer})  # relabelled after the change reaches the page
            assert len(data(journey, "map-arrows", "x0")) == 2
            assert set(test) | {answer} <= named, (c, test, sorted(named))
    # off again: no arrows drawn
    journey.locator("#fig-word-map .bk-btn").filter(has_text=re.compile("Hide analogies")).click()
    journey.wait_for_timeout(300)
    assert arrows_visible(journey) == [False, False]


# ------------------------------------------------------------------ the two tables' map

@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("theme", THEMES)  # dark on the book's build only, as the journey's map above
@pytest.mark.page(TWO_FACES)
def test_two_table_map_renders_readably(loaded_page, book_run, width, theme):
    page, log = loaded_page(TWO_FACES, theme=theme, width=width)
    wait_for_bokeh(page)
    assert_figures_render(page, ["fig-two-faces-map"], width)
    page.locator("#fig-two-faces-map").scroll_into_view_if_needed()
    page.wait_for_timeout(400)
    labels = page.evaluate(LABEL_BOXES_JS, ["two-faces-map", "two-faces-map-labels"])
    assert labels["size"] >= 10 and labels["boxes"] and overlapping(labels["boxes"]) == []
    assert covered_dots(labels) == []
    assert len(data(page, "two-faces-map-links", "x0")) == book_run.corpus.vocab_size
    page.locator("figure#fig-two-faces-map").screenshot(path=str(_shot_path(f"two-faces-map-{theme}-{width}")))
    assert log.problems() == []


def test_two_table_map_hover_names_word_and_table(open_page, book_run):
    page, log = open_page(TWO_FACES)
    wait_for_bokeh(page)
    m = analysis.two_table_map(book_run.W, book_run.W_out)
    both = np.concatenate([m["coords_W"], m["coords_W_out"]])
    dist = np.linalg.norm(both[:, None] - both[None], axis=-1) + np.eye(len(both)) * 9
    i = int(np.argmax(dist.min(axis=1)))
    V = book_run.corpus.vocab_size
    word = book_run.corpus.vocab[i % V]
    text = hover(page, "two-faces-map", *both[i])
    assert word in text and book_run.corpus.group_of(word) in text
    assert ("W′ (context)" if i >= V else "W (centre)") in text, text
    assert log.problems() == []
