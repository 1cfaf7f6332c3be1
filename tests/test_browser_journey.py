"""The chapter "Training journey" (book/journey.html) in a real browser.

The page must load without a single problem and draw all five figures at laptop and phone width;
the word picker and the checkpoint slider must change the neighbours, a picked neighbour must
show its corpus evidence, the analogy grid must answer on hover, and the weight animation must
move with its slider and play on its own.
"""

from __future__ import annotations

import re

import bokeh
import pytest

import w2v

from conftest import POINT_JS, assert_figures_render, wait_for_bokeh

PAGE = "book/journey.html"
FIGURES = ("fig-loss-curve", "fig-neighbour-evolution", "fig-analogy-scorecard", "fig-word-convergence",
           "fig-weight-animation")


def figures(corpus) -> tuple[str, ...]:
    """The figures the page draws: every one, but no grid of analogy answers for a text with no tests."""
    return tuple(f for f in FIGURES if corpus.analogies or f != "fig-analogy-scorecard")


def assert_no_analogy_grid(page) -> None:
    """A text without analogies.txt: the page draws no empty grid and says why."""
    assert page.locator("#fig-analogy-scorecard").count() == 0
    assert "has no analogy tests" in page.locator("main").inner_text()

# Plain copies of the named Bokeh models' state.
STATE_JS = """() => {
  const get = name => { for (const d of Bokeh.documents) { const m = d.get_model_by_name(name); if (m) return m } }
  const bars = get('journey-neighbours'), cells = get('journey-weight-cells')
  return {
    word: get('journey-picker').value, checkpoint: get('journey-slider').value,
    neighbours: Array.from(bars.data.word), cosines: Array.from(bars.data.cos),
    evidence: get('journey-evidence').text, pick: get('journey-neighbour-pick').active,
    barsTitle: get('journey-neighbour-bars').title.text,
    purity: Array.from(get('journey-purity-word').data.share),
    snapshot: get('journey-weight-slider').value, weightsTitle: get('journey-weights').title.text,
    weights: Array.from(cells.data.v),
  }
}"""

SET_JS = """([name, value]) => {
  for (const d of Bokeh.documents) { const m = d.get_model_by_name(name); if (m) { m.value = value; return true } }
  return false
}"""



def state(page) -> dict:
    return page.evaluate(STATE_JS)


def set_value(page, name, value) -> None:
    assert page.evaluate(SET_JS, [name, value]), f"no model named {name!r}"
    page.wait_for_timeout(150)


@pytest.fixture
def journey(open_page):
    page, log = open_page(PAGE, width=1280)
    wait_for_bokeh(page)
    page.wait_for_function("() => Bokeh.documents.some(d => { const m = d.get_model_by_name('journey-evidence');"
                           " return m && m.text.length > 0 })", timeout=5_000)
    yield page
    assert log.problems() == []


@pytest.mark.parametrize("width", [1280, 390])
def test_page_loads_without_problems_and_figures_render(loaded_page, book_html, book_run, width):
    page, log = loaded_page(PAGE, width=width)
    wait_for_bokeh(page)
    assert page.evaluate("() => Bokeh.version") == bokeh.__version__
    assert_figures_render(page, figures(book_run.corpus), width)
    page.wait_for_timeout(300)
    assert log.problems() == []
    # 1 MB on the book's corpus; 2.5 MB on a reader's (W2V_CORPUS), as tests/test_html.py allows
    assert (book_html / PAGE).stat().st_size <= (1_000_000 if w2v.ON_BOOK_CORPUS else 2_500_000)


def test_the_first_view_shows_the_run(loaded_page, book_run):
    """Read-only, so on the page as loaded for every read-only check of it (conftest.loaded_page)."""
    page, log = loaded_page(PAGE)
    page.wait_for_function("() => Bokeh.documents.some(d => { const m = d.get_model_by_name('journey-evidence');"
                           " return m && m.text.length > 0 })", timeout=5_000)
    s = state(page)
    w = book_run.corpus.index[s["word"]]
    assert s["checkpoint"] == len(book_run.checkpoint_steps) - 1
    assert s["neighbours"] == [book_run.corpus.vocab[i] for i in book_run.neighbors[-1, w]]
    assert s["word"] in s["evidence"] and s["neighbours"][0] in s["evidence"]
    assert f"step {book_run.config.steps:,}" in s["barsTitle"]
    assert log.problems() == []


def test_choosing_a_word_changes_the_neighbours(journey, book_run):
    corpus = book_run.corpus
    before = state(journey)
    # the words the picker offers (every word, or on a large vocabulary the most frequent)
    offered = journey.locator("#fig-neighbour-evolution select option").evaluate_all("os => os.map(o => o.value)")
    assert before["word"] in offered
    other = next(w for w in corpus.vocab if w in offered and w != before["word"] and
                 [corpus.vocab[i] for i in book_run.neighbors[-1, corpus.index[w]]] != before["neighbours"])
    journey.locator("#fig-neighbour-evolution select").select_option(other)
    journey.wait_for_timeout(200)
    after = state(journey)
    assert after["word"] == other
    assert after["neighbours"] == [corpus.vocab[i] for i in book_run.neighbors[-1, corpus.index[other]]]
    assert after["neighbours"] != before["neighbours"] and other in after["barsTitle"]
    assert after["evidence"] != before["evidence"] and other in after["evidence"]
    assert after["purity"] != before["purity"] or corpus.word_group[corpus.index[other]] == \
        corpus.word_group[corpus.index[before["word"]]]


def test_the_slider_moves_the_neighbours_back_in_time(journey, book_run):
    corpus = book_run.corpus
    before = state(journey)
    set_value(journey, "journey-slider", 0)
    after = state(journey)
    w = corpus.index[after["word"]]
    assert after["neighbours"] == [corpus.vocab[i] for i in book_run.neighbors[0, w]]
    assert after["neighbours"] != before["neighbours"]
    assert "step 0" in after["barsTitle"] and "step 0" in after["evidence"]
    assert after["cosines"] == pytest.approx(book_run.neighbor_cosines[0, w].tolist(), abs=1e-4)


def test_picking_a_neighbour_shows_its_evidence(journey, book_run):
    before = state(journey)
    third = before["neighbours"][2]
    journey.locator("#fig-neighbour-evolution .bk-btn").filter(has_text=re.compile(f"^{re.escape(third)}$")).click()
    journey.wait_for_timeout(200)
    after = state(journey)
    assert after["pick"] == 2
    assert after["evidence"] != before["evidence"]
    assert re.search(rf"<b>{re.escape(after['word'])}</b> and <b>{re.escape(third)}</b>", after["evidence"])
    assert any(phrase in after["evidence"] for phrase in
               ("within", "shared third words", "share no context word"))
    # a click on a bar picks that neighbour too
    point = journey.evaluate(POINT_JS, ["journey-neighbour-bars", after["cosines"][4] / 2, 4])
    journey.mouse.click(*point)
    journey.wait_for_timeout(200)
    clicked = state(journey)
    assert clicked["pick"] == 4 and f"<b>{clicked['neighbours'][4]}</b>" in clicked["evidence"]


def test_analogy_grid_hover_shows_the_answer(journey, book_run):
    if not book_run.corpus.analogies:
        return assert_no_analogy_grid(journey)
    step = int(book_run.checkpoint_steps[-1])
    point = journey.evaluate(POINT_JS, ["journey-analogies", step, 0])
    assert point is not None
    journey.mouse.move(*point)
    tooltip = journey.locator(".bk-tooltip-content").filter(has_text=re.compile(r"model answers"))
    tooltip.first.wait_for(state="visible", timeout=5_000)
    text = " ".join(tooltip.all_inner_texts())
    answer = book_run.corpus.vocab[int(book_run.analogy_answers[-1, 0])]
    assert answer in text and str(int(book_run.analogy_ranks[-1, 0])) in text


def test_weight_slider_changes_the_heatmap(journey, book_run):
    before = state(journey)
    last = len(book_run.snapshot_steps) - 1
    set_value(journey, "journey-weight-slider", last)
    after = state(journey)
    assert after["weights"] != before["weights"]
    assert f"step {int(book_run.snapshot_steps[-1]):,}" in after["weightsTitle"]
    assert max(map(abs, after["weights"])) > 5 * max(map(abs, before["weights"]))


@pytest.mark.corpus_free
def test_play_advances_the_animation(journey):
    journey.locator("#fig-weight-animation .bk-btn").filter(has_text="Play").click()
    journey.wait_for_timeout(2_000)
    s = state(journey)
    assert s["snapshot"] >= 1, "play did not advance the slider"
    assert "step 0 " not in s["weightsTitle"]
    journey.locator("#fig-weight-animation .bk-btn").filter(has_text="Pause").click()
    journey.wait_for_timeout(200)
    paused = state(journey)["snapshot"]
    journey.wait_for_timeout(1_200)
    assert state(journey)["snapshot"] == paused, "pause did not stop the animation"


def test_analogy_tooltip_names_the_expected_word_and_separates_thousands(journey, book_run):
    """The grid's tooltip once read "rank of @expected: 4" (a placeholder Bokeh does not fill in a
    label) and "step: 15000"."""
    if not book_run.corpus.analogies:
        return assert_no_analogy_grid(journey)
    step = int(book_run.checkpoint_steps[-1])
    point = journey.evaluate(POINT_JS, ["journey-analogies", step, 0])
    journey.mouse.move(*point)
    tooltip = journey.locator(".bk-tooltip-content").filter(has_text=re.compile(r"model answers"))
    tooltip.first.wait_for(state="visible", timeout=5_000)
    text = " ".join(" ".join(tooltip.all_inner_texts()).split())
    expected = book_run.corpus.analogies[0][3]
    assert "@" not in text and "$" not in text, text
    assert f"{expected}, ranked {int(book_run.analogy_ranks[-1, 0])}" in text, text
    assert f"step: {step:,}" in text, text


def _deep_active(page) -> dict:
    return page.evaluate("""() => { let el = document.activeElement
        while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement
        return {tag: el ? el.tagName : null, text: el ? el.textContent.trim().slice(0, 40) : ''} }""")


@pytest.mark.corpus_free
def test_play_keeps_keyboard_focus_so_space_pauses(journey):
    button = journey.locator("#fig-weight-animation .bk-btn").filter(has_text="Play")
    button.focus()
    journey.keyboard.press("Enter")
    journey.wait_for_timeout(300)
    active = _deep_active(journey)
    assert active["tag"] == "BUTTON" and "Pause" in active["text"], f"focus went to {active}"
    journey.wait_for_timeout(1_000)
    journey.keyboard.press("Space")
    journey.wait_for_timeout(200)
    active = _deep_active(journey)
    assert active["tag"] == "BUTTON" and "Play" in active["text"], f"focus went to {active}"
    paused = state(journey)["snapshot"]
    assert paused >= 1
    journey.wait_for_timeout(1_200)
    assert state(journey)["snapshot"] == paused, "Space did not pause the animation"


@pytest.mark.parametrize("width", [1280, 390])
def test_weight_animation_word_labels_do_not_overlap(loaded_page, book_run, width):
    """The words under the heatmap (96 in the book): every word or every few words labelled, in
    11 px type, at least 1.2 labels apart (8 px labels 6 px apart on a laptop, 3 px on a phone, ran
    into an unreadable band), and as many as fit: the next denser choice would put them closer than
    1.5 labels (on a text of 325 words a phone names every 12th word; it cannot name a quarter)."""
    page, log = loaded_page(PAGE, width=width)
    wait_for_bokeh(page)
    page.wait_for_timeout(300)
    V = book_run.corpus.vocab_size
    inner, ticks, font = page.evaluate("""(V) => { for (const d of Bokeh.documents) { const p = d.get_model_by_name('journey-weights')
        if (!p) continue
        const axis = p.below.concat(p.above, p.left, p.right).find(a => a.major_label_overrides
            && (a.major_label_overrides.size >= V / 2 || Object.keys(a.major_label_overrides).length >= V / 2))
        return [p.inner_width, Array.from(axis.ticker.ticks), parseFloat(axis.major_label_text_font_size)] } }""", V)
    stride = ticks[1] - ticks[0]
    spacing = inner / V * stride
    assert font >= 11, f"{font} px labels"
    assert spacing >= 1.2 * font, f"{width} px: labels {spacing:.1f} px apart ({len(ticks)} of {V} words, plot {inner} px)"
    assert stride == 1 or inner / V * (stride - 1) < 1.5 * font, \
        f"{width} px: every {stride}th word labelled, though every {stride - 1}th would be {inner / V * (stride - 1):.1f} px apart"
    assert len(ticks) == len(range(0, V, stride))
    assert log.problems() == []
