"""Figures are drawn when the reader comes near them (book/_static/w2v-figures.js), in a real browser:
a page draws only the figures near the screen, BokehJS is loaded once and only when a figure needs
it, a figure scrolled to is drawn, and the box kept for a figure before it is drawn is the size it
is drawn at, so that nothing below it moves."""

from __future__ import annotations

import pytest

from conftest import wait_for_bokeh

DRAWN_JS = "() => [...document.querySelectorAll('figure.w2v-bokeh')].map(f => f.dataset.drawn === 'true')"
BOKEH_LOADS_JS = "() => performance.getEntriesByType('resource').filter(e => /bokeh\\.min\\.js/.test(e.name)).length"


@pytest.mark.parametrize("path", ["book/journey.html", "book/counts.html"])
def test_only_figures_near_the_screen_are_drawn(open_page, path):
    page, log = open_page(path, width=390, height=844)
    page.wait_for_timeout(1500)
    drawn = page.evaluate(DRAWN_JS)
    assert len(drawn) >= 5 and not drawn[-1] and sum(drawn) < len(drawn), drawn
    # BokehJS is loaded only once a figure is near, and then once
    assert page.evaluate(BOKEH_LOADS_JS) == (1 if any(drawn) else 0)
    # the reader scrolls to the last figure: it is drawn, BokehJS still loaded once
    page.evaluate("() => [...document.querySelectorAll('figure.w2v-bokeh')].pop().scrollIntoView()")
    page.wait_for_function("() => [...document.querySelectorAll('figure.w2v-bokeh')].pop().dataset.drawn === 'true'",
                           timeout=20_000)
    assert page.evaluate(BOKEH_LOADS_JS) == 1
    assert page.evaluate("() => Bokeh.documents.length") == sum(page.evaluate(DRAWN_JS))
    assert log.problems() == []


# Each figure's box (its room and caption) before and after it is drawn.
BOXES_JS = "() => [...document.querySelectorAll('figure.w2v-bokeh')].map(f => [f.id, f.getBoundingClientRect().height])"


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path", ["book/journey.html", "book/counts.html", "book/walkthrough.html",
                                  "book/two-faces.html", "book/weights.html", "book/negative-sampling.html",
                                  "book/playground.html", "book/blueprint.html", "book/corpus.html"])
def test_a_figure_keeps_the_room_it_is_drawn_in(open_page, path, width):
    page, log = open_page(path, width=width, height=844)
    before = dict(page.evaluate(BOXES_JS))
    wait_for_bokeh(page)
    after = dict(page.evaluate(BOXES_JS))
    moved = {k: (round(before[k]), round(after[k])) for k in after if abs(after[k] - before[k]) > 4}
    assert moved == {}, f"{path} at {width} px: figures whose height changed when drawn (before, after): {moved}"
    assert log.problems() == []
