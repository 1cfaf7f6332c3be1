"""The page "One training step, forward and backward" in a real browser: driven through its own
controls, the numbers it shows are the Python engine's (w2v.step.step_of_run, replayed from the
checkpoints the page carries: every one on the book's corpus), it refuses bad input, re-renders
fast, and reads well at desktop and phone widths."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from conftest import POINT_JS, wait_for_walkthrough
from w2v.book import walkthrough as chapter
from w2v.book.figures import walkthrough as wt
from w2v.book.walkthrough import default_steps

PAGE = "book/walkthrough.html"


def step_of_run(run, step: int):
    """w2v.step.step_of_run as the page computes it: from the nearest checkpoint the page carries
    (w2v.book.walkthrough.page_checkpoints; on the book's corpus every one, so the same record)."""
    return chapter.page_step(run, step, chapter.page_checkpoints(run, default_steps(run)))


def state_before(run, step: int):
    """Run.state_before as the page rebuilds it (see step_of_run)."""
    return chapter.page_state_before(run, step, chapter.page_checkpoints(run, default_steps(run)))


def open_walkthrough(open_page, width=1280):
    page, log = open_page(PAGE, width=width)
    # the page script has drawn its first step and pushed it into every Bokeh figure
    page.evaluate("() => window.w2vFigures.drawAll()")  # figures are drawn as the reader comes near them
    wait_for_walkthrough(page)
    return page, log


def steps_to_check(run) -> list[int]:
    last, every = run.config.steps - 1, run.config.checkpoint_every
    mid = (run.config.steps // 2 // every) * every
    return sorted({0, 1, every - 1, every, every + 1, mid - 1, mid, mid + 1, 2 * every + 123, last - 1, last,
                   *default_steps(run)})


def type_step(page, step, box="#wt-step-input"):
    page.fill(box, str(step))
    page.press(box, "Enter")


def shown(page, element_id: str) -> float:
    element = page.locator(f"#{element_id}")
    assert element.count() == 1, f"#{element_id} is on the page {element.count()} times"
    return chapter.parse_shown(element.inner_text())


def agrees(shown_value: float, value: float) -> bool:
    """Equal to 4 significant digits (the page rounds to 4), or within 1e-6 absolute.

    The absolute bound covers values below 1e-4, and small values made by cancellation (a new
    weight h − η·∂L/∂h near zero): there a 1e-7 difference between the page's and NumPy's float32
    exp/log, carried through a replay, can flip the 4th digit of a number such as 0.0007592."""
    value = float(value)
    if abs(shown_value - value) <= 1e-6:
        return True
    unit = 10 ** (math.floor(math.log10(abs(value))) - 3)  # one unit of the 4th significant digit
    return abs(shown_value - value) <= 0.5 * unit + 2e-6 * abs(value)


def read_numbers(page, run, r) -> dict[str, list[tuple[float, float]]]:
    """(shown, expected) for every checked number of record r."""
    V, D = run.corpus.vocab_size, run.config.dim
    o, c = r.context, r.center
    js = sorted({0, c, o, V // 2, V - 1, int(np.argmax(r.p))})
    # all of it in one round trip: id → text
    ids = (["wt-loss-value", "wt-p-context", "wt-u-context", "wt-e-context", "wt-lr", "wt-gh-norm", "wt-gWo-norm"]
           + [f"wt-h-{d}" for d in range(D)] + [f"wt-gh-{d}" for d in range(D)]
           + [f"wt-Wrow-{d}" for d in range(D)] + [f"wt-Wo-after-{d}" for d in range(D)]
           + [f"wt-gWo-{d}" for d in range(D)]
           + [f"wt-all-{n}-{j}" for n in "upe" for j in js])
    # each id names one element (test_html_validity.py checks the built pages, this the live one)
    text = page.evaluate("""ids => ids.map(id => {
        const all = document.querySelectorAll('#' + CSS.escape(id))
        return all.length === 1 ? all[0].textContent : `on the page ${all.length} times`
    })""", ids)
    assert not [i for i, t in zip(ids, text) if t.startswith("on the page")], dict(zip(ids, text))
    got = dict(zip(ids, (chapter.parse_shown(t) for t in text)))
    expected = {"wt-loss-value": r.loss, "wt-p-context": r.p[o], "wt-u-context": r.u[o], "wt-e-context": r.e[o],
                "wt-lr": r.lr, "wt-gh-norm": np.linalg.norm(r.grad_h), "wt-gWo-norm": np.linalg.norm(r.grad_W_out)}
    for d in range(D):
        expected |= {f"wt-h-{d}": r.h[d], f"wt-gh-{d}": r.grad_h[d], f"wt-Wrow-{d}": r.W_row_next[d],
                     f"wt-Wo-after-{d}": r.W_out_next[d, o], f"wt-gWo-{d}": r.grad_W_out[d, o]}
    for j in js:
        expected |= {f"wt-all-u-{j}": r.u[j], f"wt-all-p-{j}": r.p[j], f"wt-all-e-{j}": r.e[j]}
    return {k: (got[k], float(expected[k])) for k in ids}


def assert_page_shows(page, run, step):
    # the slider redraws on the next animation frame; the typed box and the buttons at once
    page.wait_for_function(f"document.getElementById('wt-controls').dataset.step === '{step}'", timeout=5_000)
    assert page.inner_text("#wt-step").replace(",", "") == str(step)
    r = step_of_run(run, step)
    assert page.inner_text("#wt-center-word") == run.corpus.vocab[r.center]
    assert page.inner_text("#wt-context-word") == run.corpus.vocab[r.context]
    bad = {k: v for k, v in read_numbers(page, run, r).items() if not agrees(*v)}
    assert not bad, f"step {step}: page vs Python differ: {bad}"


def test_page_loads_clean(loaded_page):
    """Read-only, so on the page as loaded for every read-only check of it (conftest.loaded_page)."""
    page, log = loaded_page(PAGE)
    wait_for_walkthrough(page)
    assert log.problems() == []
    assert log.outside_requests == []
    # every stage has content and every Bokeh figure is on the page
    assert page.locator("figure.w2v-bokeh").count() == 3
    assert page.evaluate("Bokeh.documents.length") == 3
    assert page.inner_text("#wt-sentence").strip()


@pytest.fixture
def open_walkthrough_page(open_page):
    return open_walkthrough(open_page)


def test_any_step_typed_shows_the_python_numbers(open_walkthrough_page, book_run):
    page, log = open_walkthrough_page
    early, _ = default_steps(book_run)
    assert_page_shows(page, book_run, early)  # the page opens on the chapter's early step
    for step in steps_to_check(book_run):
        type_step(page, step)
        assert_page_shows(page, book_run, step)
        # the loss-curve marker moved with the step
        marker = page.evaluate("""name => { for (const d of Bokeh.documents) { const m = d.get_model_by_name(name);
                                  if (m) return m.data.x[0]; } }""", wt.NAMES["loss_marker"])
        assert marker == step
    assert log.problems() == []


def test_slider_and_buttons_move_by_one(open_walkthrough_page, book_run):
    page, log = open_walkthrough_page
    start = book_run.config.checkpoint_every - 2
    type_step(page, start)
    page.click("#wt-next")
    assert_page_shows(page, book_run, start + 1)
    page.click("#wt-next")
    assert_page_shows(page, book_run, start + 2)  # across a checkpoint
    page.click("#wt-prev")
    assert_page_shows(page, book_run, start + 1)
    # the slider, by keyboard
    page.focus("#wt-slider")
    page.keyboard.press("ArrowRight")
    assert_page_shows(page, book_run, start + 2)
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert_page_shows(page, book_run, start)
    page.keyboard.press("End")
    assert_page_shows(page, book_run, book_run.config.steps - 1)
    assert page.is_disabled("#wt-next")
    page.keyboard.press("Home")
    assert_page_shows(page, book_run, 0)
    assert page.is_disabled("#wt-prev")
    assert log.problems() == []


@pytest.mark.corpus_free
def test_bad_input_is_refused_and_the_page_keeps_its_state(open_walkthrough_page, book_run):
    """Each bad step in turn, on one page: one past the last step, negative, not a number, not
    whole, empty, an exponent, too many digits."""
    page, log = open_walkthrough_page
    message = page.locator("#wt-message")
    for bad in [str(book_run.config.steps), "-1", "abc", "3.5", "", "1e3", "99999999999999999999"]:
        good = book_run.config.checkpoint_every + 7
        type_step(page, good)
        type_step(page, bad)
        assert message.is_visible() and message.inner_text().strip(), bad
        assert page.get_attribute("#wt-step-input", "aria-invalid") == "true", bad
        assert page.inner_text("#wt-step").replace(",", "") == str(good), bad
        assert_page_shows(page, book_run, good)
        assert page.evaluate("document.getElementById('wt-controls').dataset.step") == str(good), bad
        # a valid step afterwards clears the message
        type_step(page, good + 1)
        assert not message.is_visible(), bad
        assert_page_shows(page, book_run, good + 1)
    assert log.problems() == []


def test_compare_two_steps(open_walkthrough_page, book_run):
    page, log = open_walkthrough_page
    early, late = default_steps(book_run)
    for side, step in (("a", early), ("b", late)):
        r = step_of_run(book_run, step)
        assert page.inner_text(f"#wt-cmp-{side}-step").replace(",", "") == str(step)
        assert agrees(shown(page, f"wt-cmp-{side}-p"), r.p[r.context])
        assert agrees(shown(page, f"wt-cmp-{side}-loss"), r.loss)
        assert agrees(shown(page, f"wt-cmp-{side}-gh"), np.linalg.norm(r.grad_h))
        assert agrees(shown(page, f"wt-cmp-{side}-gWo"), np.linalg.norm(r.grad_W_out))
        top = [book_run.corpus.vocab[j] for j in np.argsort(-r.p, kind="stable")[:5]]
        items = page.locator(f"#wt-cmp-{side}-top li").all_inner_texts()
        assert [t.split()[0] for t in items] == top
    other = book_run.config.steps // 2 + 3
    type_step(page, other, "#wt-compare-input")
    r = step_of_run(book_run, other)
    assert agrees(shown(page, "wt-cmp-b-loss"), r.loss)
    type_step(page, "nope", "#wt-compare-input")
    assert page.locator("#wt-compare-message").is_visible()
    assert agrees(shown(page, "wt-cmp-b-loss"), r.loss)
    assert log.problems() == []


# One change of step through the typed box, timed in the page: [the page's update (the event's
# handler, which computes the step and writes the DOM and the Bokeh sources), the time until the
# browser has painted the next frame with all of it (the first task after the next animation frame:
# rendering runs between the two; BokehJS repaints its figures in that frame's animation-frame
# callbacks), the same measured by a double requestAnimationFrame (an upper bound: up to a frame
# later), the number of Bokeh plots, and how many of them repainted].
CHANGE_JS = """async step => {
    const plots = [...Bokeh.index.all_views()].filter(v => typeof v._render_count === 'number');
    const before = plots.map(v => v._render_count);
    const frame = () => new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)));
    const box = document.getElementById('wt-step-input');
    box.value = String(step);
    const t0 = performance.now();
    box.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));
    const t1 = performance.now();
    let doubleRaf = null;
    requestAnimationFrame(() => requestAnimationFrame(() => { doubleRaf = performance.now() - t0; }));
    await frame();
    let painted = performance.now() - t0;
    // were BokehJS to put a figure's repaint off to a later frame, the change is on screen only then
    while (plots.some((v, i) => v._render_count === before[i]) && painted < 2000) {
        await frame();
        painted = performance.now() - t0;
    }
    while (doubleRaf === null) await frame();
    return [t1 - t0, painted, doubleRaf, plots.length, plots.filter((v, i) => v._render_count > before[i]).length];
}"""


def render_targets(run) -> list[int]:
    """20 changes of step, every other one a worst case: the step just before a checkpoint, which
    replays the most recorded steps (499, 999, 14,499, 14,999 for the book's run)."""
    every, last = run.config.checkpoint_every, run.config.steps - 1
    worst = [every - 1, last, 2 * every - 1, last - every]
    return [worst[(i // 2) % 4] if i % 2 == 0 else (i * 733) % last for i in range(20)]


def test_a_step_change_repaints_every_figure(open_walkthrough_page, book_run):
    """Each change of step, the worst cases included (the step just before a checkpoint replays the
    most steps), redraws every Bokeh plot and shows the new step. How fast is a benchmark's question:
    benchmarks/walkthrough_render.py (a timing on a shared machine is no pass/fail test)."""
    page, log = open_walkthrough_page
    targets = render_targets(book_run)[:6]
    results = [page.evaluate(CHANGE_JS, step) for step in targets]
    # every change redrew every Bokeh plot (loss curve, p bars, ΔW, ΔW′)
    assert all(r[3] == 4 and r[4] == 4 for r in results), [r[3:] for r in results]
    assert_page_shows(page, book_run, targets[-1])
    assert log.problems() == []


def test_update_heatmaps_show_the_step(open_walkthrough_page, book_run):
    """The ΔW and ΔW′ images carry the colours and values of w2v for the shown step, dimension 0 is
    drawn on top, and hovering a cell names its word, dimension and value."""
    page, log = open_walkthrough_page
    V, D = book_run.corpus.vocab_size, book_run.config.dim
    step = 2 * book_run.config.checkpoint_every + 123
    type_step(page, step)
    page.wait_for_function(f"document.getElementById('wt-controls').dataset.step === '{step}'")
    W, W_out = state_before(book_run, step)
    r = step_of_run(book_run, step)
    dW, dW_out = wt.update_deltas(W, W_out, r)
    top = max(float(np.abs(dW).max()), float(np.abs(dW_out).max()))
    got = page.evaluate("""names => names.map(name => { for (const d of Bokeh.documents) {
        const m = d.get_model_by_name(name); if (m) return [Array.from(m.data.image[0]), Array.from(m.data.value[0]),
                                                            Array.from(m.data.word[0])]; } })""",
                        [wt.NAMES["dW_source"], wt.NAMES["dW_out_source"]])
    # the words drawn: every word, or (V > wt.UPDATE_WORDS) the ones this step changes most
    index = book_run.corpus.index
    cols = np.array([index[w] for w in got[1][2][:len(got[1][2]) // D]])
    expected_cols = wt.update_words(dW, dW_out)
    if expected_cols is None:
        assert cols.tolist() == list(range(V))
    else:  # the same words, but for a near tie at the cut (the page's float32 replay and NumPy's)
        assert len(cols) == wt.UPDATE_WORDS and r.center in cols and r.context in cols
        assert len(set(cols.tolist()) ^ set(expected_cols.tolist())) <= 4
    for (pixels, values, words), delta in zip(got, (dW.T[:, cols], dW_out[:, cols])):  # both (D, N), row-major
        assert words == [book_run.corpus.vocab[i] for i in np.tile(cols, D)]
        expected = wt.rgba_ints(wt.signed_log_colors(delta.ravel(), top))
        # a colour may differ where a Δ sits on a rounding edge of the palette (float32 vs float64 log)
        assert np.mean(np.array(pixels, dtype=np.uint32) == expected) >= 0.99
        np.testing.assert_allclose(values, delta.ravel(), rtol=0, atol=1e-6)  # float32 replay: a unit in the last place
    # only the centre word's column of ΔW is coloured: one of its cells, in the bottom row
    page.wait_for_timeout(300)
    x, y = page.evaluate(POINT_JS, [wt.NAMES["dW_figure"], int(np.flatnonzero(cols == r.center)[0]), D - 1])
    # the pixel drawn there has the colour of ΔW[centre, D − 1] (dimension D − 1 is the bottom row) …
    shot = page.screenshot(clip={"x": x - 1, "y": y - 1, "width": 3, "height": 3})
    rgb = _center_pixel(shot)
    expected = wt.signed_log_colors(np.array([dW[r.center, D - 1]]), top)[0]
    assert _close(rgb, expected), (rgb, expected)
    # … and hovering it names that word and dimension
    page.mouse.move(x, y)
    tooltip = page.locator(".bk-tooltip-content").filter(has_text=re.compile(r"\S"))
    tooltip.first.wait_for(state="visible", timeout=5_000)
    text = " ".join(" ".join(tooltip.all_inner_texts()).split())
    assert f"word: {book_run.corpus.vocab[r.center]}" in text and f"dim: {D - 1}" in text, text
    assert log.problems() == []


@pytest.mark.corpus_free
def test_loss_legend_follows_the_marks(open_walkthrough_page, book_run):
    """The legend's entries for the two moving marks keep their icons through changes of step
    (the marks sit on the figure's overlay layer) and a click on an entry hides its mark."""
    page, log = open_walkthrough_page
    type_step(page, book_run.config.steps // 2)
    page.wait_for_timeout(300)
    label = page.locator("#fig-walkthrough-loss").get_by_text("this step", exact=True)
    label.scroll_into_view_if_needed()
    box = label.bounding_box()
    icon = page.screenshot(clip={"x": box["x"] - 30, "y": box["y"], "width": 30, "height": box["height"]})
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(icon)).convert("RGB")
    pixels = [image.getpixel((x, y)) for x in range(image.width) for y in range(image.height)]
    assert any(_close(px, wt.CONTEXT_COLOR, tol=40) for px in pixels), "the legend lost its icon"
    visible = """name => { for (const d of Bokeh.documents) { const m = d.get_model_by_name(name);
                           if (m) return m.visible; } }"""
    assert page.evaluate(visible, wt.NAMES["marker_glyph"]) is True
    label.click()
    page.wait_for_function(f"!({visible})('{wt.NAMES['marker_glyph']}')")
    label.click()
    page.wait_for_function(f"({visible})('{wt.NAMES['marker_glyph']}')")
    assert log.problems() == []


def _center_pixel(png: bytes) -> tuple[int, int, int]:
    from io import BytesIO

    from PIL import Image

    return Image.open(BytesIO(png)).convert("RGB").getpixel((1, 1))


def _close(rgb, hex_color: str, tol: int = 3) -> bool:
    want = tuple(int(hex_color[k:k + 2], 16) for k in (1, 3, 5))
    return all(abs(a - b) <= tol for a, b in zip(rgb, want))


@pytest.mark.parametrize("width", [1280, 390])
def test_layout_at_an_early_and_a_late_step(open_page, book_run, width):
    """At an early and a late step nothing is wider than the screen (tools/screenshots.py photographs the page)."""
    page, log = open_walkthrough(open_page, width)
    early, late = default_steps(book_run)
    for step in (early, late):
        type_step(page, step)
        page.wait_for_timeout(400)  # let Bokeh repaint
        overflow = page.evaluate("""() => [...document.querySelectorAll('article *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                         && !e.closest('.wt-scroll, .bk-root, .MathJax, mjx-container, figure.w2v-bokeh, .highlight'))
            .map(e => e.id || e.className || e.tagName).slice(0, 5)""")
        assert overflow == [], overflow
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")
    assert log.problems() == []


def test_rank_shows_ties_as_a_range(open_walkthrough_page, book_run):
    """Where scores are exactly equal the page shows a rank range, never an index-order rank:
    at step 0 every probability is 1/V (W′ starts at zero); late, the context word has its own rank."""
    page, log = open_walkthrough_page
    V = book_run.corpus.vocab_size
    for step in (0, book_run.config.steps - 1):
        type_step(page, step)
        page.wait_for_function(f"document.getElementById('wt-controls').dataset.step === '{step}'", timeout=5_000)
        r = step_of_run(book_run, step)
        first = int((r.p > r.p[r.context]).sum()) + 1
        tied = int((r.p == r.p[r.context]).sum()) - 1
        expected = f"{first}–{first + tied}" if tied else str(first)
        assert page.locator("#wt-p-rank").inner_text() == expected, step
        tie_note = page.locator("#wt-p-tie").inner_text()
        assert (f"tied with {tied} other" in tie_note) if tied else tie_note == "", (step, tie_note)
    assert tied == 0, "late in training the context word's probability is its own"
    type_step(page, 0)
    page.wait_for_function("document.getElementById('wt-controls').dataset.step === '0'", timeout=5_000)
    assert page.locator("#wt-p-rank").inner_text() == f"1–{V}"
    assert log.problems() == []


@pytest.mark.parametrize("width", [1280, 390])
def test_prev_and_next_stay_on_one_line(loaded_page, width):
    """"◀ prev" and "next ▶" side by side at both widths (on a phone "next" wrapped alone onto a
    second line, below "prev", with the slider between them); the slider keeps room to be dragged."""
    page, log = loaded_page("book/walkthrough.html", width=width)
    prev, after, slider = (page.locator(s).bounding_box() for s in ("#wt-prev", "#wt-next", "#wt-slider"))
    assert abs(prev["y"] - after["y"]) < 2 and after["x"] > prev["x"] + prev["width"], (prev, after)
    assert slider["width"] >= 200, slider
    if width < 500:  # a touch target (WCAG 2.5.8; Lighthouse's target-size), inside the bar
        bar = page.locator("#wt-controls").bounding_box()
        assert slider["height"] >= 24 and slider["x"] + slider["width"] <= bar["x"] + bar["width"], (slider, bar)
    assert log.problems() == []


# Where the controls are drawn when the element `id` is scrolled to `at` px from the top of the
# window: the bar's top and bottom and the element's top, in the window's pixels.
CONTROLS_AT_JS = """async ([id, at]) => {
  const target = document.getElementById(id)
  window.scrollTo(0, window.scrollY + target.getBoundingClientRect().top - at)
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))
  const bar = document.getElementById('wt-controls').getBoundingClientRect()
  return {top: bar.top, bottom: bar.bottom, target: target.getBoundingClientRect().top}
}"""


def test_the_controls_stick_over_the_stages_and_leave_with_them(open_walkthrough_page):
    """At laptop width the 90 px bar stayed stuck under the header down to the exercises, over text
    it no longer drives; it sticks over the stages and the section after them pushes it away."""
    page, log = open_walkthrough_page
    stuck = page.evaluate(CONTROLS_AT_JS, ["wt-loss", 400])            # over a stage: stuck near the top
    assert 0 <= stuck["top"] < 120 and stuck["bottom"] - stuck["top"] > 40, stuck
    assert page.evaluate(CONTROLS_AT_JS, ["wt-compare", 400])["top"] == stuck["top"]
    for after, at in (("wt-early-late", 300), ("wt-early-late", 120), ("wt-replay", 200)):
        bar = page.evaluate(CONTROLS_AT_JS, [after, at])
        assert bar["bottom"] <= bar["target"], f"the controls cover the start of #{after}: {bar}"
    bar = page.evaluate(CONTROLS_AT_JS, ["walkthrough-exercises", 150])
    assert bar["bottom"] <= 0, f"the controls are still on screen at the exercises: {bar}"
    assert page.evaluate(CONTROLS_AT_JS, ["wt-update", 400])["top"] == stuck["top"]   # back up: stuck again
    assert log.problems() == []
