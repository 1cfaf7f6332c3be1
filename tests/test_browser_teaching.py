"""The teaching figures in a real browser: the network diagram and the parameter scale chart of
"Model blueprint", the window cutting a sentence into pairs in "The corpus".

Each is on its page, visible and not empty at 1280 and 390 px, its text never drawn smaller than
10 px, the page never scrolls sideways at 390 px, text keeps 4.5:1 contrast in the dark theme,
and the console stays clean.
"""

from __future__ import annotations

import pytest

from conftest import assert_figures_render, wait_for_bokeh
from test_browser_a11y import CONTRAST_JS

STATIC = {"book/blueprint.html": ["fig-network-diagram"], "book/corpus.html": ["fig-window-pairs"]}

# Width and height of a static figure and of its drawings, and the smallest text it draws, in
# CSS pixels as the reader sees it (an SVG's font size times the scale of its viewBox).
MEASURE_JS = """(id) => {
  const fig = document.getElementById(id)
  const box = fig.getBoundingClientRect()
  const svgs = [...fig.querySelectorAll('svg')]
  let smallest = Infinity
  for (const svg of svgs) {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width
    for (const t of svg.querySelectorAll('text'))
      smallest = Math.min(smallest, parseFloat(getComputedStyle(t).fontSize) * scale)
  }
  return {width: box.width, height: box.height, visible: fig.checkVisibility(),
          svgs: svgs.map(s => [s.getBoundingClientRect().width, s.getBoundingClientRect().height]),
          texts: fig.querySelectorAll('svg text').length, smallest,
          caption: fig.querySelector('figcaption').innerText.trim(), alt: fig.getAttribute('aria-label')}
}"""


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path", list(STATIC))
def test_static_figures_are_visible_readable_and_fit(loaded_page, path, width):
    page, log = loaded_page(path, width=width)
    for fig_id in STATIC[path]:
        assert page.locator(f"figure#{fig_id}").count() == 1, f"#{fig_id} missing"
        m = page.evaluate(MEASURE_JS, fig_id)
        assert m["visible"] and m["height"] > 100, m
        assert m["svgs"] and all(w > 50 and h > 20 for w, h in m["svgs"]), m
        assert m["texts"] > 0 and m["smallest"] >= 10, f"#{fig_id}: text drawn at {m['smallest']:.1f} px"
        assert m["width"] <= width and all(w <= width for w, _ in m["svgs"]), m
        assert m["caption"] and m["alt"], m
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"), \
        f"{path} scrolls sideways at {width} px"
    assert log.problems() == [], log.problems()


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.page("book/blueprint.html")
def test_parameter_scale_chart_renders(loaded_page, width):
    page, log = loaded_page("book/blueprint.html", width=width)
    wait_for_bokeh(page)
    assert_figures_render(page, ["fig-parameter-scale"], width)
    box = page.locator("#fig-parameter-scale canvas").first.bounding_box()
    assert box["height"] > 150, box
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")
    assert log.problems() == [], log.problems()


@pytest.mark.page("book/corpus.html")
def test_window_figure_shows_the_same_pairs_as_the_printout(loaded_page):
    page, log = loaded_page("book/corpus.html")
    fig = page.locator("#fig-window-pairs")
    arcs = fig.locator("path.w2v-arc")
    chips = fig.locator("code.w2v-pair")
    assert arcs.count() > 0 and arcs.count() == chips.count()
    drawn = arcs.evaluate_all("as => as.map(a => [a.dataset.center, a.dataset.context])")
    listed = chips.evaluate_all("cs => cs.map(c => [c.dataset.center, c.dataset.context])")
    assert drawn == listed
    # every pair printed by the chapter's code cell just above is listed in the figure, in order
    printed = page.locator("#window-pairs").locator("xpath=preceding::pre[1]").inner_text()
    shown = [c.strip("()").split(", ") for c in chips.all_inner_texts()]
    from_print = [(line.split("→")[0].strip(), w.strip()) for line in printed.splitlines() if "→" in line
                  for w in line.split("→")[1].split(",") if w.strip()]
    assert [tuple(s) for s in shown] == from_print
    assert log.problems() == [], log.problems()


@pytest.mark.parametrize("path", list(STATIC))
def test_static_figures_are_legible_in_the_dark_theme(loaded_page, path):
    page, log = loaded_page(path, theme="dark")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    selectors = [f"#{i} svg text" for i in STATIC[path]] + [f"#{i} figcaption" for i in STATIC[path]] \
        + [f"#{i} code" for i in STATIC[path]]
    found = page.evaluate(CONTRAST_JS, selectors)
    assert found
    low = [f"{f['selector']} {f['text']!r}: {f['ratio']:.2f} ({f['fg']} on {f['bg']})" for f in found if f["ratio"] < 4.5]
    assert low == [], "\n".join(low[:20])
    assert log.problems() == [], log.problems()
