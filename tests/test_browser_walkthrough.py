"""The page "One training step, forward and backward" in a real browser: driven through its own
controls, the numbers it shows are the Python engine's (w2v.step.step_of_run), it refuses bad
input, re-renders fast, and reads well at desktop and phone widths."""

from __future__ import annotations

import math
import os
import statistics
from pathlib import Path

import numpy as np
import pytest

from w2v.plots import walkthrough as wt
from w2v.step import step_of_run

PAGE = "book/walkthrough.html"
SHOTS = Path(os.environ.get("W2V_SHOTS", "/tmp/w2v-shots"))
MAX_RENDER_MS = 50.0


def open_walkthrough(open_page, width=1280):
    page, log = open_page(PAGE, width=width)
    # the page script has drawn its first step and pushed it into every Bokeh figure
    page.wait_for_function("document.getElementById('wt-controls')?.dataset.bokeh === 'ready'", timeout=20_000)
    return page, log


def steps_to_check(run) -> list[int]:
    last, every = run.config.steps - 1, run.config.checkpoint_every
    mid = (run.config.steps // 2 // every) * every
    return sorted({0, 1, every - 1, every, every + 1, mid - 1, mid, mid + 1, 2 * every + 123, last - 1, last,
                   *wt.default_steps(run)})


def type_step(page, step, box="#wt-step-input"):
    page.fill(box, str(step))
    page.press(box, "Enter")


def shown(page, element_id: str) -> float:
    return wt.parse_shown(page.inner_text(f"#{element_id}"))


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
    ids = (["wt-loss", "wt-p-context", "wt-u-context", "wt-e-context", "wt-lr", "wt-gh-norm", "wt-gWo-norm"]
           + [f"wt-h-{d}" for d in range(D)] + [f"wt-gh-{d}" for d in range(D)]
           + [f"wt-Wrow-{d}" for d in range(D)] + [f"wt-Wo-after-{d}" for d in range(D)]
           + [f"wt-gWo-{d}" for d in range(D)]
           + [f"wt-all-{n}-{j}" for n in "upe" for j in js])
    text = page.evaluate("ids => ids.map(id => document.getElementById(id).textContent)", ids)
    got = dict(zip(ids, (wt.parse_shown(t) for t in text)))
    expected = {"wt-loss": r.loss, "wt-p-context": r.p[o], "wt-u-context": r.u[o], "wt-e-context": r.e[o],
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


def test_page_loads_clean(open_walkthrough_page):
    page, log = open_walkthrough_page
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
    early, _ = wt.default_steps(book_run)
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


@pytest.mark.parametrize("bad", ["15000", "-1", "abc", "3.5", "", "1e3", "99999999999999999999"])
def test_bad_input_is_refused_and_the_page_keeps_its_state(open_walkthrough_page, book_run, bad):
    page, log = open_walkthrough_page
    good = book_run.config.checkpoint_every + 7
    type_step(page, good)
    if bad == "15000":
        bad = str(book_run.config.steps)  # one past the last step
    type_step(page, bad)
    message = page.locator("#wt-message")
    assert message.is_visible() and message.inner_text().strip()
    assert page.get_attribute("#wt-step-input", "aria-invalid") == "true"
    assert page.inner_text("#wt-step").replace(",", "") == str(good)
    assert_page_shows(page, book_run, good)
    assert page.evaluate("document.getElementById('wt-controls').dataset.step") == str(good)
    # a valid step afterwards clears the message
    type_step(page, good + 1)
    assert not message.is_visible()
    assert_page_shows(page, book_run, good + 1)
    assert log.problems() == []


def test_compare_two_steps(open_walkthrough_page, book_run):
    page, log = open_walkthrough_page
    early, late = wt.default_steps(book_run)
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
    assert page.locator("#wt-message").is_visible()
    assert agrees(shown(page, "wt-cmp-b-loss"), r.loss)
    assert log.problems() == []


def test_a_step_change_renders_within_50_ms(open_walkthrough_page, book_run):
    """Time from the control's event to the end of the page's update, over 20 changes that include
    the worst case (the step just before a checkpoint, which replays the most steps)."""
    page, log = open_walkthrough_page
    every, last = book_run.config.checkpoint_every, book_run.config.steps - 1
    worst = [every - 1, last, 2 * every - 1, last - every]
    targets = [worst[(i // 2) % 4] if i % 2 == 0 else (i * 733) % last for i in range(20)]
    times = page.evaluate("""targets => targets.map(step => {
        const box = document.getElementById('wt-step-input');
        box.value = String(step);
        const t0 = performance.now();
        box.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));
        return performance.now() - t0;   // the handler computes and redraws synchronously
    })""", targets)
    # for the report: the same, up to the next frame the browser paints (includes Bokeh's redraw)
    painted = [page.evaluate("""step => new Promise(done => {
        const box = document.getElementById('wt-step-input');
        box.value = String(step);
        const t0 = performance.now();
        box.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));
        requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0), 0));
    })""", step) for step in targets]
    median, worst_ms = statistics.median(times), max(times)
    worst_step = targets[times.index(worst_ms)]
    print(f"\nrender ms over {len(times)} changes: median {median:.1f}, max {worst_ms:.1f} (step {worst_step}); "
          f"all: {[round(t, 1) for t in times]}; to the next painted frame: median "
          f"{statistics.median(painted):.1f}, max {max(painted):.1f}")
    (SHOTS / "render-times.txt").parent.mkdir(parents=True, exist_ok=True)
    (SHOTS / "render-times.txt").write_text(f"median {median:.2f} ms, max {worst_ms:.2f} ms at step {worst_step}\n"
                                            f"{list(zip(targets, [round(t, 2) for t in times]))}\n"
                                            f"to the next painted frame: median {statistics.median(painted):.2f}, "
                                            f"max {max(painted):.2f}\n")
    assert_page_shows(page, book_run, targets[-1])
    # The median is asserted; the maximum (about 25 ms on an idle machine, at the step just before a
    # checkpoint) is printed and kept in render-times.txt: on a shared 2-core machine another
    # process can stall any single change.
    assert median <= MAX_RENDER_MS, times
    assert log.problems() == []


@pytest.mark.parametrize("width", [1280, 400])
def test_screenshots_and_layout(open_page, book_run, width):
    """Screenshots at an early and a late step; nothing is wider than the screen."""
    page, log = open_walkthrough(open_page, width)
    SHOTS.mkdir(parents=True, exist_ok=True)
    early, late = wt.default_steps(book_run)
    for name, step in (("early", early), ("late", late)):
        type_step(page, step)
        page.wait_for_timeout(400)  # let Bokeh repaint
        page.screenshot(path=str(SHOTS / f"walkthrough-{name}-{width}.png"), full_page=True)
        overflow = page.evaluate("""() => [...document.querySelectorAll('article *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                         && !e.closest('.wt-scroll, .bk-root, .MathJax, mjx-container, figure.w2v-bokeh, .highlight'))
            .map(e => e.id || e.className || e.tagName).slice(0, 5)""")
        assert overflow == [], overflow
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")
    assert log.problems() == []
