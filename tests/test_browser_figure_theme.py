"""The figures follow the page's light or dark mode (book/_static/w2v-figures.js), in a real browser.

A canvas's text is not in the page's DOM, so the every-text-node contrast test of
test_browser_a11y.py cannot see it: here every text colour of every drawn Bokeh model (titles, axis
labels and tick labels, legends, colour bars, labels, text glyphs, row by row where a column gives
the colour) is held against the background it is drawn on (the plot's frame or border, under a
label's or a legend's own backdrop), and canvas pixels of each figure are read back to check the
drawing itself, not only the models. The theme's own button switches the mode without a reload."""

from __future__ import annotations

import pytest

from conftest import THEMES, wait_for_bokeh

FIGURE_PAGES = ["book/journey.html", "book/counts.html", "book/two-faces.html", "book/blueprint.html",
                "book/walkthrough.html", "book/weights.html", "book/negative-sampling.html",
                "book/playground.html", "book/corpus.html"]

# The colour arithmetic of both checks: any CSS colour to [r, g, b, a] (through a canvas), alpha
# compositing, WCAG luminance and contrast ratio.
COLOUR_JS = """  const ctx = document.createElement('canvas').getContext('2d')
  const rgba = c => { ctx.fillStyle = '#000'; ctx.fillStyle = c; const s = ctx.fillStyle
    if (s[0] === '#') return [1, 3, 5].map(i => parseInt(s.slice(i, i + 2), 16)).concat(1)
    const m = s.match(/[\\d.]+/g).map(Number); return m.length === 3 ? m.concat(1) : m }
  const over = (top, alpha, under) => [0, 1, 2].map(i => top[i] * alpha + under[i] * (1 - alpha))
  const lum = ([r, g, b]) => { const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4 }
                               return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b) }
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05) }
"""

# Per drawn document: every text colour on a canvas against what is behind it. Returns the
# measurements ({figure, model, attr, fg, bg, ratio}) and the count of plots seen.
FIGURE_TEXT_JS = """() => {
""" + COLOUR_JS + """  const val = (m, attr) => { if (!(attr in m.properties) || m.properties[attr].is_unset) return null
    const v = m.properties[attr].get_value(); return v && typeof v === 'object' && 'value' in v ? v.value : v }
  const page = rgba(getComputedStyle(document.body).backgroundColor)
  const flatFactors = plot => [plot.x_range, plot.y_range].flatMap(r => r && Array.isArray(r.factors) ? r.factors : [])
  const out = []; let plots = 0
  const figureOf = doc => [...document.querySelectorAll('figure.w2v-bokeh')].find(f => {
    for (const v of Bokeh.index.all_views()) if (v.model.document === doc) {
      for (let n = v.el; n; n = n.parentNode || n.host) if (n === f) return true }
    return false })
  for (const doc of Bokeh.documents) {
    const figure = (figureOf(doc) || {}).id
    for (const plot of doc.all_models) {
      if (!('renderers' in plot.properties) || !('border_fill_color' in plot.properties)) continue
      plots++
      const fill = (m, attr, under) => { const c = val(m, attr); if (c == null) return under
        const a = val(m, attr.replace('_color', '_alpha')); return over(rgba(c), a == null ? 1 : a, under) }
      const border = fill(plot, 'border_fill_color', page), frame = fill(plot, 'background_fill_color', border)
      const check = (m, where) => {
        const behind = fill(m, 'background_fill_color', where)
        for (const prop of m) {
          if (!/text_color$/.test(prop.attr) || prop.is_unset) continue
          // an axis's group labels are drawn only for nested factors (the book has none)
          if (/^(sub)?group_text_color$/.test(prop.attr) && !flatFactors(plot).some(f => Array.isArray(f))) continue
          const v = prop.get_value()
          let colors = []
          if (typeof v === 'string') colors = [v]
          else if (v && typeof v.value === 'string') colors = [v.value]
          else if (v && typeof v.field === 'string') {
            const src = m.source || m.data_source; const d = src && src.data
            colors = ((d instanceof Map ? d.get(v.field) : d && d[v.field]) || []).filter(c => typeof c === 'string')
          }
          for (const c of new Set(colors)) {
            const fg = rgba(c)
            if (fg[3] === 0) continue
            out.push({figure, model: m.type, attr: prop.attr, fg: c, bg: behind.map(Math.round).join(','), ratio: ratio(over(fg, fg[3], behind), behind)})
          }
        }
      }
      const list = a => (Array.isArray(a) ? a : []).flatMap(x => Array.isArray(x) ? x : [x])
      if (plot.title && typeof plot.title === 'object' && plot.title.text) check(plot.title, border)
      for (const m of [...list(plot.left), ...list(plot.right), ...list(plot.above), ...list(plot.below)])
        if (m && m.properties) check(m, border)
      for (const m of list(plot.center)) if (m && m.properties && m.type !== 'Legend') check(m, frame)
      for (const m of list(plot.center)) if (m && m.type === 'Legend' && m.items.length) check(m, frame)
      for (const r of list(plot.renderers)) {
        if (r.glyph && 'text' in r.glyph.properties) { r.glyph.source = r.data_source; check(r.glyph, frame) }
      }
    }
  }
  return {out, plots}
}"""

# The colour drawn at a few spots of every figure's canvases (corners: the border around a plot)
# against the page's own background.
CANVAS_PIXELS_JS = """() => {
  const canvases = root => [...root.querySelectorAll('canvas'),
    ...[...root.querySelectorAll('*')].filter(e => e.shadowRoot).flatMap(e => canvases(e.shadowRoot))]
  const lum = ([r, g, b]) => { const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4 }
                               return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b) }
  return [...document.querySelectorAll('figure.w2v-bokeh')].map(f => {
    const c = canvases(f).find(c => c.width > 8 && c.height > 8)
    if (!c) return {figure: f.id, lum: null}
    // copied to a canvas of the test's own, so Bokeh's canvases are not read back (a console warning)
    const probe = document.createElement('canvas'); probe.width = probe.height = 1
    const ctx = probe.getContext('2d', {willReadFrequently: true})
    ctx.drawImage(c, 2, 2, 1, 1, 0, 0, 1, 1)
    const px = ctx.getImageData(0, 0, 1, 1).data
    return {figure: f.id, lum: px[3] ? lum(px) : null, rgba: [...px]}
  })
}"""


# Text drawn on a glyph, not on the plot's background: (figure, model, colour) → why it reads.
ON_GLYPHS = {("fig-parameter-scale", "LabelSet", "#ffffff"): "the counts inside the long bars, white on #0072B2 (5.2:1)"}


def _text_problems(page) -> tuple[list[str], int]:
    found = page.evaluate(FIGURE_TEXT_JS)
    low = [f"{f['figure']} {f['model']}.{f['attr']} {f['fg']} on rgb({f['bg']}): {f['ratio']:.2f}"
           for f in found["out"] if f["ratio"] < 4.5 and (f["figure"], f["model"], f["fg"].lower()) not in ON_GLYPHS]
    return low, len(found["out"])


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("path", FIGURE_PAGES)
def test_figure_text_is_legible_in_both_modes(loaded_page, path, theme):
    page, log = loaded_page(path, theme=theme)
    wait_for_bokeh(page)
    low, measured = _text_problems(page)
    assert measured >= 3, f"{path}: only {measured} canvas text colours found"
    assert low == [], f"{path} [{theme}]: canvas text below 4.5:1:\n" + "\n".join(low)
    page_lum = page.evaluate("""() => { const m = getComputedStyle(document.body).backgroundColor.match(/[\\d.]+/g).map(Number)
        const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4 }
        return 0.2126 * f(m[0]) + 0.7152 * f(m[1]) + 0.0722 * f(m[2]) }""")
    for spot in page.evaluate(CANVAS_PIXELS_JS):
        if spot["lum"] is None:
            continue  # a transparent corner shows the page itself
        # the figure's border is the page's own background (within 1.25:1), not a light card
        brighter, darker = max(spot["lum"], page_lum), min(spot["lum"], page_lum)
        assert (brighter + 0.05) / (darker + 0.05) < 1.25, f"{path} [{theme}] {spot}"
    assert log.problems() == []


# Every colour property of every drawn model that holds one colour (a string or {value: colour}).
COLORS_JS = """() => Bokeh.documents.flatMap(d => [...d.all_models].flatMap(m => [...m]
  .filter(p => /_color$/.test(p.attr) && !p.is_unset)
  .map(p => { const v = p.get_value(); return typeof v === 'string' ? v : v && typeof v.value === 'string' ? v.value : null })
  .filter(v => v !== null).map(v => `${m.id}:${v}`)))"""


def test_switching_the_theme_redraws_the_figures(open_page):
    """The reader presses the theme's button: the drawn figures turn dark without a reload, and
    back to their exact light colours."""
    page, log = open_page("book/journey.html", theme="light")
    wait_for_bokeh(page)
    light_colors = page.evaluate(COLORS_JS)
    button = page.locator(".theme-switch-button").first
    for _ in range(3):
        if page.evaluate("document.documentElement.dataset.theme") == "dark":
            break
        button.click()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    page.wait_for_timeout(500)
    low, measured = _text_problems(page)
    assert measured >= 3 and low == [], low
    spots = [s for s in page.evaluate(CANVAS_PIXELS_JS) if s["lum"] is not None]
    assert spots and all(s["lum"] < 0.05 for s in spots), spots
    # a tooltip and a menu in a shadow root read the dark sheet's colours
    assert page.evaluate("""() => { const host = [...document.querySelectorAll('figure.w2v-bokeh *')].find(e => e.shadowRoot)
        return getComputedStyle(host.shadowRoot.host).getPropertyValue('--background-color').trim() }""") not in ("", "#fff")
    for _ in range(3):
        if page.evaluate("document.documentElement.dataset.theme") == "light":
            break
        button.click()
    page.wait_for_timeout(500)
    again = page.evaluate(COLORS_JS)
    assert again == light_colors
    spots = [s for s in page.evaluate(CANVAS_PIXELS_JS) if s["lum"] is not None]
    assert spots and all(s["lum"] > 0.8 for s in spots), spots
    assert log.problems() == []


def test_no_empty_output_shows_in_the_dark(loaded_page):
    """The playground's page data (a script) made an empty 688 × 16 px light bar in the dark."""
    page, log = loaded_page("book/playground.html", theme="dark")
    bars = page.evaluate("""() => [...document.querySelectorAll('.cell_output .output')].filter(o =>
        o.getClientRects().length && !o.innerText.trim() && !o.querySelector('canvas, svg, img, figure, table, input, select'))
        .map(o => `${o.className} ${Math.round(o.getBoundingClientRect().width)}x${Math.round(o.getBoundingClientRect().height)}`)""")
    assert bars == []
    assert log.problems() == []


# Per drawn plot: every colour (a hue, not a grey) its glyphs and line annotations draw data in (a
# renderer's fill and line colours, row by row where a column gives them), composited with its
# alpha over the plot's frame, against that frame. Left out: shading and faint strokes (alpha under
# 0.5: a seed band, a dot's outline, context behind the data), greys (inverted in the dark, they
# keep their light contrast), colour scales (a colour mapper's, or a column of more than the 12 group
# colours: a heatmap, read cell against cell), and a fill under a line of its own that contrasts (the edge shows it).
DATA_COLORS_JS = """() => {
""" + COLOUR_JS + """  const raw = (m, attr) => attr in m.properties && !m.properties[attr].is_unset ? m.properties[attr].get_value() : null
  const scalar = v => v && typeof v === 'object' && 'value' in v ? v.value : v
  const page = rgba(getComputedStyle(document.body).backgroundColor)
  const out = []
  for (const doc of Bokeh.documents) for (const plot of doc.all_models) {
    if (!('renderers' in plot.properties) || !('border_fill_color' in plot.properties)) continue
    const fill = (m, attr, under) => { const c = scalar(raw(m, attr)); if (c == null) return under
      const a = scalar(raw(m, attr.replace('_color', '_alpha'))); return over(rgba(c), a == null ? 1 : a, under) }
    const frame = fill(plot, 'background_fill_color', fill(plot, 'border_fill_color', page))
    const colors = (m, attr, source) => {
      const v = raw(m, attr); if (v == null) return []
      if (typeof v === 'string') return [v]
      if (typeof v.value === 'string') return [v.value]
      if (typeof v.field === 'string' && !v.transform && source) {
        const d = source.data, all = new Set(((d instanceof Map ? d.get(v.field) : d[v.field]) || []).filter(c => typeof c === 'string'))
        return all.size > 12 ? [] : [...all] }  // more than the 12 group colours: a heatmap's colour scale
      return []
    }
    const measure = (m, source, name) => {
      const alphaOf = kind => { const a = scalar(raw(m, `${kind}_alpha`)); return typeof a === 'number' ? a : 1 }
      const lines = colors(m, 'line_color', source).map(c => ratio(over(rgba(c), rgba(c)[3] * alphaOf('line'), frame), frame))
      const edged = 'line_width' in m.properties && (scalar(raw(m, 'line_width')) ?? 1) > 0 && lines.length && lines.every(r => r >= 3)
      for (const kind of ['fill', 'line']) {
        if (alphaOf(kind) < 0.5 || (kind === 'fill' && edged)) continue
        for (const c of colors(m, `${kind}_color`, source)) {
          const fg = rgba(c); if (fg[3] * alphaOf(kind) < 0.5 || Math.max(...fg.slice(0, 3)) - Math.min(...fg.slice(0, 3)) < 24) continue
          out.push({model: name, attr: kind, color: c, alpha: fg[3] * alphaOf(kind), ratio: ratio(over(fg, fg[3] * alphaOf(kind), frame), frame)})
        }
      }
    }
    for (const r of plot.renderers) if (r.glyph && !/Image|Text/.test(r.glyph.type)) measure(r.glyph, r.data_source, `${plot.name || plot.id} ${r.glyph.type}`)
    for (const m of plot.center) if (m && /^(Span|Arrow)$/.test(m.type)) measure(m, null, `${plot.name || plot.id} ${m.type}`)
  }
  return out
}"""


@pytest.mark.parametrize("path", FIGURE_PAGES)
def test_data_colours_stand_out_in_the_dark(loaded_page, path):
    """WCAG 1.4.11 (non-text contrast): every dot, curve, bar and marker line that shows data is at
    least 3:1 against the dark plot it is drawn on. Paul Tol's indigo #332288 (1.5:1) and wine
    #882255 (2.0:1) were not: w2v-figures.js lightens such a colour, keeping its hue."""
    page, log = loaded_page(path, theme="dark")
    wait_for_bokeh(page)
    found = page.evaluate(DATA_COLORS_JS)
    assert found or path in ("book/blueprint.html", "book/corpus.html"), f"{path}: no data colours found"  # greys only there
    low = sorted({f"{f['model']} {f['attr']} {f['color']} (alpha {f['alpha']:.2f}): {f['ratio']:.2f}" for f in found if f["ratio"] < 3})
    assert low == [], f"{path} [dark]: data colours below 3:1 against the plot:\n" + "\n".join(low)
    assert log.problems() == []
