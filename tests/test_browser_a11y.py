"""Accessibility and dark mode, in a real browser: axe-core (pinned in tools/package-lock.json)
finds no critical or serious violation on any page, in the light or the dark theme; in the dark
theme every caption, picker, table and label the book draws keeps its text at 4.5:1 or more; and
each page is photographed light, dark and at phone width for a person to look at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import CHAPTERS, run_axe, wait_for_bokeh

PAGES = [f"book/{name}.html" for name in CHAPTERS]
SHOTS = Path(os.environ.get("W2V_SHOTS", "/tmp/w2v-shots"))

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


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_serious_or_critical_violation(loaded_page, path, theme):
    page, log = loaded_page(path, theme=theme)  # shared with the other read-only checks of the page
    _settle(page)
    assert page.evaluate("document.documentElement.dataset.theme") == theme
    violations = run_axe(page)
    summary = ", ".join(f"{v['id']} ({v['impact']}, {len(v['nodes'])})" for v in violations) or "none"
    print(f"\naxe {path} [{theme}]: {summary}")
    bad = [f"{v['id']} ({v['impact']}): {n['target']} {n['html']!r} {n['summary']}"
           for v in violations if v["impact"] in ("serious", "critical") and v["id"] not in THEME_OWNED
           for n in v["nodes"]]
    assert bad == [], "\n".join(bad)
    assert log.problems() == []


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

# What the book itself draws with text, on every page that has it.
BOOK_TEXT = ["figure.w2v-bokeh figcaption", "table.w2v-table caption", "table.w2v-table td", "table.w2v-table th",
             "select", "option:checked", "label", ".bk-btn", ".bk-slider-title", ".bk-clearfix",
             ".wt-word", ".wt-token", ".wt-chip-label", ".wt-num", ".wt-summary", ".wt-note", ".wt-message",
             ".wt-table td", ".wt-table th", ".w2v-note", "mark", "main p", "main li"]


@pytest.mark.parametrize("path", PAGES)
def test_dark_mode_text_is_legible(loaded_page, path):
    page, log = loaded_page(path, theme="dark")
    _settle(page)
    found = page.evaluate(CONTRAST_JS, BOOK_TEXT)
    low = [f"{f['selector']} {f['text']!r}: {f['ratio']:.2f} ({f['fg']} on {f['bg']})" for f in found if f["ratio"] < 4.5]
    assert found, "no text found"
    assert low == [], "\n".join(low[:30])
    assert log.problems() == []


def test_dark_mode_pickers_are_legible(open_page):
    """The word pickers of the journey and the weights (Bokeh selects) show dark text on a light
    field in the dark theme, not white on white."""
    for path in ("book/journey.html", "book/weights.html"):
        page, log = open_page(path, theme="dark")
        _settle(page)
        found = page.evaluate(CONTRAST_JS, ["select"])
        assert found, f"{path}: no picker found"
        assert all(f["ratio"] >= 4.5 for f in found), found
        assert log.problems() == []


@pytest.mark.parametrize("path", PAGES)
def test_screenshots_light_dark_and_phone(open_page, path):
    """Full-page screenshots for a person to look at (W2V_SHOTS, default /tmp/w2v-shots)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    name = Path(path).stem
    for theme, width in (("light", 1280), ("dark", 1280), ("dark", 390), ("light", 390)):
        page, log = open_page(path, width=width, height=844 if width < 500 else 900, theme=theme)
        _settle(page)
        shot = SHOTS / f"{name}-{theme}-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"), \
            f"{name} scrolls sideways at {width} px"
        assert log.problems() == []
        page.context.close()
