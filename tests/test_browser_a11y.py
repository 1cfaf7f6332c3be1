"""Accessibility and dark mode, in a real browser: axe-core (pinned in tools/package-lock.json)
finds no critical or serious violation on any page: every rule in the light theme, and again the
rules that read colours in the dark one (the others read the page's structure, the same in both
themes); in both themes
every piece of text on the page (prose, tables, code, captions, the figures' widgets) keeps 4.5:1
against what is behind it (3:1 for large text); at laptop and phone width, light and dark, nothing
scrolls sideways without a visible mark. (`tools/screenshots.py` photographs every page in those four
ways for a person to look at.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from conftest import AXE_COLOUR_RULES, CHAPTERS, THEMES, run_axe, wait_for_bokeh

PAGES = [f"book/{name}.html" for name in CHAPTERS]

# Violations inside the theme's own markup that the book cannot fix, by axe rule id, with the
# reason. Empty: every serious or critical violation axe found was in markup the book can change
# (its own, or the theme's, fixed in book/_ext/w2v_book.py).
THEME_OWNED: dict[str, str] = {}


def _settle(page) -> None:
    if page.locator("figure.w2v-bokeh").count():
        wait_for_bokeh(page)
        page.wait_for_function("document.documentElement.dataset.w2vSliders !== undefined", timeout=20_000)
    page.evaluate("() => window.MathJax?.startup?.promise")
    page.wait_for_timeout(300)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_serious_violation_and_all_text_is_legible(loaded_page, path, theme):
    page, log = loaded_page(path, theme=theme)  # shared with the other read-only checks of the page
    _settle(page)
    assert page.evaluate("document.documentElement.dataset.theme") == theme
    violations = run_axe(page, None if theme == "light" else AXE_COLOUR_RULES)
    summary = ", ".join(f"{v['id']} ({v['impact']}, {len(v['nodes'])})" for v in violations) or "none"
    print(f"\naxe {path} [{theme}]: {summary}")
    bad = [f"{v['id']} ({v['impact']}): {n['target']} {n['html']!r} {n['summary']}"
           for v in violations if v["impact"] in ("serious", "critical") and v["id"] not in THEME_OWNED
           for n in v["nodes"]]
    assert bad == [], "\n".join(bad)
    low = low_contrast_text(page)
    assert low == [], f"{len(low)} text nodes below 4.5:1 (3:1 if large) in the {theme} theme:\n" + "\n".join(low[:30])
    assert log.problems() == []


# Every text node of the page, light DOM and open shadow roots (Bokeh's widgets), that a reader can
# see: its colour against the background behind it, semi-transparent layers composited down to the
# first opaque one (the page's own background if none), and the WCAG ratio it needs (3:1 for large
# text: 24 px, or 18.66 px bold). Text over an image or a gradient is reported as unmeasured.
# MathJax draws its glyphs as CSS content, not text nodes: each formula counts as one node.
TEXT_CONTRAST_JS = """() => {
  const rgb = s => { const m = (s.match(/[\\d.]+/g) || [0, 0, 0, 0]).map(Number); return m.length === 3 ? [...m, 1] : m }
  const over = (top, under) => { const a = top[3]; return [0, 1, 2].map(i => top[i] * a + under[i] * (1 - a)).concat(1) }
  const lum = ([r, g, b]) => { const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4 }
                               return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b) }
  const up = n => n.parentElement || (n.getRootNode() instanceof ShadowRoot ? n.getRootNode().host : null)
  const behind = el => {
    const layers = []
    for (let n = el; n; n = up(n)) {
      const st = getComputedStyle(n)
      if (st.backgroundImage !== 'none' && !layers.length) return null
      const c = rgb(st.backgroundColor)
      if (c[3] > 0) layers.push(c)
      if (c[3] >= 1) break
    }
    if (!layers.length || layers[layers.length - 1][3] < 1) layers.push(rgb(getComputedStyle(document.documentElement).backgroundColor).slice(0, 3).concat(1))
    return layers.reverse().reduce((under, top) => over(top, under))
  }
  const out = [], skipped = []
  const check = (el, text, rects) => {
    const st = getComputedStyle(el)
    if (el.closest('mjx-assistive-mml, script, style, noscript, template, option, :disabled')) return
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) return
    const box = rects.find(r => r.width > 1 && r.height > 1)
    if (!box || box.right <= 0 || box.left >= document.documentElement.scrollWidth) return
    const bg = behind(el)
    if (bg === null) { skipped.push(text); return }
    const fg = over(rgb(st.color), bg)
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x)
    const size = parseFloat(st.fontSize), bold = parseInt(st.fontWeight) >= 700
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5
    const ratio = (a + 0.05) / (b + 0.05)
    out.push({text: text.slice(0, 40), ratio, need, fg: st.color, bg: `rgb(${bg.slice(0, 3).map(Math.round).join(', ')})`,
              where: el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '')})
  }
  const walk = root => {
    const tw = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
    for (let t = tw.nextNode(); t; t = tw.nextNode()) {
      const text = t.textContent.trim()
      if (!text || !t.parentElement) continue
      const range = document.createRange(); range.selectNodeContents(t)
      check(t.parentElement, text, [...range.getClientRects()])
    }
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot)
  }
  walk(document.body)
  for (const m of document.querySelectorAll('mjx-container')) check(m, 'maths: ' + m.textContent.slice(0, 30), [...m.getClientRects()])
  return {measured: out, skipped}
}"""


def low_contrast_text(page) -> list[str]:
    """Every visible text node below the contrast WCAG AA asks, described for the failure message."""
    found = page.evaluate(TEXT_CONTRAST_JS)
    assert len(found["measured"]) > 20, f"only {len(found['measured'])} text nodes measured"
    return [f"{f['where']} {f['text']!r}: {f['ratio']:.2f} < {f['need']} ({f['fg']} on {f['bg']})"
            for f in found["measured"] if f["ratio"] < f["need"]]


@pytest.mark.corpus_free
def test_the_theme_switch_turns_the_page_dark(open_page):
    """The theme's own button cycles the mode; the console stays free of the theme's warnings."""
    page, log = open_page("book/journey.html")
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    seen = set()
    for _ in range(3):
        page.locator(".theme-switch-button").first.click()
        seen.add(page.evaluate("document.documentElement.dataset.theme"))
    assert "dark" in seen and "light" in seen
    assert not [m for m in log.console if "invalid theme mode" in m.lower()]
    assert log.problems() == []


# The colour contrast of an element's text against the first opaque background behind it, walking
# out of Bokeh's shadow roots to their hosts.
CONTRAST_JS = """(selectors) => {
  const rgb = s => { const m = s.match(/[\\d.]+/g).map(Number); return m.length === 3 ? [...m, 1] : m }
  const lum = ([r, g, b]) => { const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4 }
                               return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b) }
  const background = el => {
    for (let n = el; n; n = n.parentElement || (n.getRootNode() && n.getRootNode().host)) {
      const c = rgb(getComputedStyle(n).backgroundColor)
      if (c[3] > 0.5) return c
    }
    return rgb(getComputedStyle(document.body).backgroundColor)
  }
  const all = (root, selector, found = []) => {
    found.push(...root.querySelectorAll(selector))
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) all(el.shadowRoot, selector, found)
    return found
  }
  const out = []
  for (const selector of selectors) {
    for (const el of all(document, selector)) {
      if (!el.textContent.trim() || el.getClientRects().length === 0) continue
      const fg = rgb(getComputedStyle(el).color), bg = background(el)
      const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x)
      out.push({selector, text: el.textContent.trim().slice(0, 40), ratio: (a + 0.05) / (b + 0.05),
                fg: getComputedStyle(el).color, bg: `rgb(${bg.slice(0, 3).join(', ')})`})
    }
  }
  return out
}"""

@pytest.mark.corpus_free  # colours, not words (conftest.THEMES)
@pytest.mark.parametrize("path", ["book/journey.html", "book/weights.html"])
def test_dark_mode_pickers_are_legible(loaded_page, path):
    """The word pickers of the journey and the weights (Bokeh selects) show dark text on a light
    field in the dark theme, not white on white."""
    page, log = loaded_page(path, theme="dark")
    _settle(page)
    found = page.evaluate(CONTRAST_JS, ["select"])
    assert found, f"{path}: no picker found"
    assert all(f["ratio"] >= 4.5 for f in found), found
    assert log.problems() == []


# Every visible box of the page that scrolls sideways (a display equation, a code cell, a wide table)
# and does not show it: w2v.js marks such a box (class w2v-scrolls) and w2v.css draws a shadow at
# the edge with more to show. A box with no box-shadow, or not marked, is listed.
UNMARKED_SCROLLERS_JS = """() => [...document.querySelectorAll('main *')].filter(el => {
  if (el.scrollWidth <= el.clientWidth + 1 || el.getClientRects().length === 0) return false
  const st = getComputedStyle(el)
  if (st.overflowX !== 'auto' && st.overflowX !== 'scroll') return false
  return !el.classList.contains('w2v-scrolls') || st.boxShadow === 'none'
}).map(el => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} (${el.scrollWidth} > ${el.clientWidth})`)"""


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("path", PAGES)
def test_nothing_scrolls_sideways_unmarked_on_a_laptop_and_a_phone(loaded_page, path, theme):
    name = path.removeprefix("book/").removesuffix(".html")
    for width in (1280, 390):
        page, log = loaded_page(path, theme=theme, width=width)
        _settle(page)
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"), \
            f"{name} scrolls sideways at {width} px"
        unmarked = page.evaluate(UNMARKED_SCROLLERS_JS)
        assert unmarked == [], f"{name} at {width} px: boxes that scroll sideways with no visible mark: {unmarked}"
        assert log.problems() == []


# The code cells of a chapter with the folded ones opened (a hidden input, a solution's code): the
# lines that are wider than their box, each as the longest line of its block.
WIDE_CODE_JS = """() => Array.from(document.querySelectorAll('main .cell_input pre'))
  .filter(p => p.getClientRects().length > 0 && p.scrollWidth > p.clientWidth + 1)
  .map(p => p.textContent.split('\\n').reduce((a, b) => a.length > b.length ? a : b))"""


# The chapters with code (the walkthrough and the playground show none).
CODE_PAGES = [f"book/{name}.html" for name in ("blueprint", "corpus", "journey", "counts", "negative-sampling",
                                               "weights", "two-faces")]


@pytest.mark.corpus_free  # the code is the same on every corpus
@pytest.mark.parametrize("path", CODE_PAGES)
def test_code_fits_its_box_on_a_laptop_and_shows_it_scrolls_on_a_phone(open_page, path):
    """Every line of a chapter's code cells, folded cells opened, fits its box at laptop width: the
    cells wrap their lines, as the journey's did first; at phone width, and for the engine's
    functions a chapter includes (written for an editor, not this box), a box that is wider shows
    that it scrolls (w2v.js marks it when the opened cell changes the layout)."""
    name = path.removeprefix("book/").removesuffix(".html")
    for width in (1280, 390):
        page, log = open_page(path, width=width)  # the figures not drawn: they hold no code, and take their room either way
        page.evaluate("() => document.querySelectorAll('main details').forEach(d => { if (d.querySelector('pre')) d.open = true })")
        page.wait_for_timeout(400)  # w2v.js marks the boxes 100 ms after the layout changes (longer on a busy machine)
        try:  # on a busy machine w2v.js may take longer to get through the page's elements
            page.wait_for_function(f"() => ({UNMARKED_SCROLLERS_JS})().length === 0", timeout=5_000)
        except PlaywrightTimeout:
            pass  # reported below
        assert page.evaluate("() => document.querySelectorAll('main .cell_input pre').length") > 0
        if width == 1280:
            wide = page.evaluate(WIDE_CODE_JS)
            assert wide == [], f"{name}: code lines wider than their box at 1280 px: {wide}"
        unmarked = page.evaluate(UNMARKED_SCROLLERS_JS)
        assert unmarked == [], f"{name} at {width} px, folded cells opened: boxes that scroll with no mark: {unmarked}"
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"), \
            f"{name} scrolls sideways at {width} px with its folded cells opened"
        assert log.problems() == []
