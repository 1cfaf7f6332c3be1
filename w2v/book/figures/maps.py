"""The maps: words as points in the plane of a 2-D PCA (w2v.analysis.embedding_map, two_table_map).

`embedding_map`: every word at every checkpoint, with a slider, play/pause, hover (word, group,
top-3 neighbours at that checkpoint) and a toggle that draws the analogy tests as arrows.
Shown in "Training journey" (book/journey.md, the map takes shape).
`two_table_map`: the rows of W and the columns of W′ in one map, each word's two points joined.
Shown in "Two faces of every word" (book/two-faces.md).

Labels are thinned in the browser: a word's label is drawn only where it covers no label already
placed and no other word's dot (frequent words and the analogy words first; an analogy word whose
four places all cover a dot still gets the first place free of labels); every word is named on hover.
"""

from __future__ import annotations

import html

import numpy as np
from bokeh.layouts import column, row
from bokeh.models import (Arrow, ColumnDataSource, CustomJS, DataRange1d, Div, HoverTool, Select, Slider, Toggle,
                          VeeHead)
from bokeh.plotting import figure

from . import GROUP_COLORS, heatmap_words, style_plot
from .journey import PLAY_CSS, PLAY_JS, step_formatter

LABEL_PX = 11           # label font size (never below 10 px, at any width)
DOT_PX = 9              # a word's dot (its diameter); labels keep off other words' dots
ARROW_INKS = ("#222222", "#0072B2", "#D55E00", "#CC79A7", "#009E73", "#882255")
WRONG_INK = "#C0392B"
# at most this many words on the journey's map, with the analogy tests' words and answers besides,
# so that its page stays small at any V (the map's data grows as checkpoints × words)
MAP_WORDS = 1_000

# Place labels greedily in `priority` order; skip one whose box would cover a placed box or another
# word's dot (a dot's centre within DOT_PX / 2 of the box; found through a grid of 16 px cells, so a
# map of thousands of words stays quick). The words in `extra.tags` (a picked analogy's) fall back to
# the first place that covers no label. Box sizes are estimated from the font (0.6 em per
# character), in screen pixels.
_LABELS_JS = r"""
let W, H
try { W = plot.inner_width; H = plot.inner_height } catch (e) { return }   // not laid out yet
const xr = plot.x_range, yr = plot.y_range
if (!(W > 0 && H > 0) || xr.end === xr.start || yr.end === yr.start) return
const xs = points.data.x, ys = points.data.y, words = points.data.word
const px = x => (x - xr.start) / (xr.end - xr.start) * W
const py = y => (yr.end - y) / (yr.end - yr.start) * H
const first = new Set(extra.tags.length ? extra.tags[0] : [])
const order = Array.from(first).concat(Array.from(priority).filter(i => !first.has(i)))
const boxes = [], out = {x: [], y: [], text: [], dx: [], dy: [], align: []}
const h = size * 0.65, r = dot / 2, CELL = 16, grid = new Map()
const cellKey = (cx, cy) => cx * 100003 + cy
for (let j = 0; j < xs.length; j++) {          // every dot in view, by grid cell
  const x = px(xs[j]), y = py(ys[j])
  if (x < -r || x > W + r || y < -r || y > H + r) continue
  const key = cellKey(Math.floor(x / CELL), Math.floor(y / CELL))
  if (!grid.has(key)) grid.set(key, [])
  grid.get(key).push([j, x, y])
}
const coversDot = (box, i) => {
  for (let cx = Math.floor((box[0] - r) / CELL); cx <= Math.floor((box[2] + r) / CELL); cx++)
    for (let cy = Math.floor((box[1] - r) / CELL); cy <= Math.floor((box[3] + r) / CELL); cy++)
      for (const [j, x, y] of grid.get(cellKey(cx, cy)) || [])
        if (j !== i && x > box[0] - r && x < box[2] + r && y > box[1] - r && y < box[3] + r) return true
  return false
}
const coversLabel = box => boxes.some(b => box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3])
for (const i of order) {
  const x = px(xs[i]), y = py(ys[i]), w = size * 0.6 * words[i].length + 4
  if (x < 0 || x > W || y < 0 || y > H) continue
  // right of the point, left of it, above, below: the first place that covers no placed label and no dot
  const places = [[[x + 4, y - h, x + 6 + w, y + h], 6, 0, 'left'],
                  [[x - 6 - w, y - h, x - 4, y + h], -6, 0, 'right'],
                  [[x - w / 2, y - 6 - 2 * h, x + w / 2, y - 6], 0, -11, 'center'],
                  [[x - w / 2, y + 6, x + w / 2, y + 6 + 2 * h], 0, 11, 'center']]
    .filter(([box]) => box[0] >= 0 && box[2] <= W && box[1] >= 0 && box[3] <= H && !coversLabel(box))
  const place = places.find(([box]) => !coversDot(box, i)) || (first.has(i) ? places[0] : undefined)
  if (place === undefined) continue
  const [box, dx, dy, align] = place
  boxes.push(box)
  out.x.push(xs[i]); out.y.push(ys[i]); out.text.push(words[i]); out.dx.push(dx); out.dy.push(dy); out.align.push(align)
}
labels.data = out
"""

_MAP_JS = r"""
// points drawn (every word, or the map's budget of them); neighbours name any word of `words`
const V = points.data.word.length, c = Math.round(slider.value)
const x = coords.slice(c * V * 2, (c + 1) * V * 2)
const xs = [], ys = [], nb = []
for (let w = 0; w < V; w++) {
  xs.push(x[2 * w]); ys.push(x[2 * w + 1])
  const base = (c * V + w) * k
  nb.push(Array.from(ids.slice(base, base + 3)).map(i => words[i]).join(', '))
}
points.data = {x: xs, y: ys, word: points.data.word, group: points.data.group, color: points.data.color, nb}
const share = (100 * shares[c]).toFixed(0)
plot.title.text = `step ${steps[c].toLocaleString('en')}: plane holds ${share}% of spread`
// analogy arrows: a→b and c→d for each test; c→(the model's answer) when it is wrong
const arr = {x0: [], y0: [], x1: [], y1: [], color: []}, bad = {x0: [], y0: [], x1: [], y1: [], word: []}
const named = new Set()
for (let t = 0; t < tests.length / 4; t++) {
  if (pick.value !== 'all' && pick.value !== String(t)) continue
  const [a, b, cc, d] = tests.slice(4 * t, 4 * t + 4)
  for (const [s, e] of [[a, b], [cc, d]]) {
    arr.x0.push(xs[s]); arr.y0.push(ys[s]); arr.x1.push(xs[e]); arr.y1.push(ys[e]); arr.color.push(inks[t % inks.length])
  }
  for (const w of [a, b, cc, d]) named.add(w)
  const ans = answers[c * tests.length / 4 + t]
  if (ans !== d) {
    bad.x0.push(xs[cc]); bad.y0.push(ys[cc]); bad.x1.push(xs[ans]); bad.y1.push(ys[ans]); bad.word.push(points.data.word[ans])
    named.add(ans)
  }
}
arrows.data = arr
wrong.data = bad
extra.tags = toggle.active ? [Array.from(named)] : []
// the view: the whole map, or zoomed to the words of the tests shown
let lo = [-limit, -limit], hi = [limit, limit]
if (toggle.active && named.size) {   // a text with no analogy tests keeps the whole map
  const shown = Array.from(named)
  const ex = shown.map(w => xs[w]), ey = shown.map(w => ys[w])
  const mid = [(Math.min(...ex) + Math.max(...ex)) / 2, (Math.min(...ey) + Math.max(...ey)) / 2]
  const half = Math.max(Math.max(...ex) - Math.min(...ex), Math.max(...ey) - Math.min(...ey), minSpan) * 0.6
  lo = [mid[0] - half, mid[1] - half]; hi = [mid[0] + half, mid[1] + half]
}
corners.data_source.data = {x: [lo[0], hi[0], lo[0], hi[0]], y: [lo[1], lo[1], hi[1], hi[1]]}
"""

_ARROWS_JS = r"""
for (const r of shown) r.visible = toggle.active
toggle.label = toggle.active ? 'Hide analogies' : 'Show analogies'
"""


def group_legend(corpus, extra: str = "") -> Div:
    """Group colours as a wrapping HTML legend (a Bokeh legend cannot wrap at phone width)."""
    items = "".join(
        f'<span style="white-space:nowrap;margin-right:0.9em"><span style="display:inline-block;width:0.8em;'
        f'height:0.8em;border-radius:50%;background:{GROUP_COLORS[g]};border:1px solid #333;'
        f'vertical-align:-0.05em;margin-right:0.3em"></span>{html.escape(name)}</span> '
        for g, name in enumerate(corpus.groups))
    return Div(text=f'<div style="font-size:12px;line-height:1.6;color:#222">{items}{extra}</div>',
               sizing_mode="stretch_width")


def square_ranges(p, limit: float):
    """Fixed ranges of equal scale on both axes: the ranges fit four invisible corner points (which
    never move), and the plot matches their aspect, so the map is not stretched at any width."""
    corners = p.scatter([-limit, limit, -limit, limit], [-limit, -limit, limit, limit], alpha=0, size=1,
                        name=f"{p.name}-view")
    p.x_range.renderers = [corners]
    p.y_range.renderers = [corners]
    p.match_aspect = True
    return corners


def label_layer(p, points: ColumnDataSource, priority, name: str, extra=None):
    """A text layer showing the labels that fit, recomputed when the plot's size or `points` change."""
    labels = ColumnDataSource(dict(x=[], y=[], text=[], dx=[], dy=[], align=[]), name=name)
    p.text("x", "y", text="text", source=labels, x_offset="dx", y_offset="dy", text_align="align",
           text_baseline="middle",
           text_font_size=f"{LABEL_PX}px", text_color="#222222", background_fill_color="white",
           background_fill_alpha=0.6)
    extra = extra if extra is not None else ColumnDataSource(dict(), name=f"{name}-extra")
    place = CustomJS(args=dict(plot=p, points=points, labels=labels, priority=[int(i) for i in priority],
                               size=LABEL_PX, dot=DOT_PX, extra=extra), code=_LABELS_JS)
    for prop in ("inner_width", "inner_height"):
        p.js_on_change(prop, place)
    p.x_range.js_on_change("end", place)
    points.js_on_change("data", place)
    extra.js_on_change("tags", place)
    return labels


def map_words(corpus, answers: np.ndarray, budget: int = MAP_WORDS) -> np.ndarray:
    """Word ids the journey's map draws, in vocabulary order: every word when V ≤ `budget`; otherwise
    the `budget` most frequent, and every word of an analogy test and every answer the model gives
    to one (so the arrows have both ends), so that the page stays small at any V (`map_rule`)."""
    keep = np.zeros(corpus.vocab_size, bool)
    keep[heatmap_words(corpus, budget)] = True   # every word, or the `budget` most frequent
    keep[corpus.ids_of_analogies().ravel()] = True
    keep[np.asarray(answers, dtype=np.int64).ravel()] = True
    return np.flatnonzero(keep)


def map_rule(corpus, shown) -> str:
    """The caption's sentence that says which words the map leaves out ("" if none)."""
    if len(shown) == corpus.vocab_size:
        return ""
    return (f" Only {len(shown):,} of the {corpus.vocab_size:,} words are drawn, the most frequent and those of "
            f"the analogy tests: a map of every word would be too large for a page.")


def embedding_map(corpus, checkpoint_steps, coords: np.ndarray, axis_share, share, neighbors: np.ndarray,
                  answers: np.ndarray, height: int = 470, ms: int = 700, shown=None):
    """The words in the map's plane at every checkpoint; a slider, play/pause, hover and an
    analogy toggle. `coords` (C, V, 2) and `share` (C,) from w2v.analysis.embedding_map;
    `neighbors` (C, V, k) and `answers` (C, A) are the run's records; `shown` (`map_words`) are
    the words drawn, every word if None. A neighbour named on hover may be any word."""
    shown = np.arange(corpus.vocab_size) if shown is None else np.asarray(shown)
    position = np.full(corpus.vocab_size, -1, np.int64)
    position[shown] = np.arange(len(shown))             # word id -> its point (test words always drawn)
    coords, neighbors = coords[:, shown], neighbors[:, shown]
    C, V, _ = coords.shape
    k = neighbors.shape[-1]
    steps = [int(s) for s in checkpoint_steps]
    words = list(corpus.vocab)
    groups = [corpus.groups[g] for g in corpus.word_group[shown]]
    colors = [GROUP_COLORS[g] for g in corpus.word_group[shown]]
    tests = position[corpus.ids_of_analogies().reshape(-1, 4)]
    answers = position[np.asarray(answers, dtype=np.int64)]
    flat = coords.round(4).astype(np.float32)
    c0 = C - 1
    nb0 = [", ".join(words[i] for i in neighbors[c0, w, :3]) for w in range(V)]
    points = ColumnDataSource(dict(x=flat[c0, :, 0].tolist(), y=flat[c0, :, 1].tolist(),
                                   word=[words[i] for i in shown], group=groups, color=colors, nb=nb0), name="map-points")
    p = figure(name="map-plot", height=height, sizing_mode="stretch_width", tools="", toolbar_location=None,
               x_range=DataRange1d(range_padding=0.02), y_range=DataRange1d(range_padding=0.02),
               x_axis_label=f"axis 1 ({100 * axis_share[0]:.0f}% of the final spread)",
               y_axis_label=f"axis 2 ({100 * axis_share[1]:.0f}%)",
               title=f"step {steps[c0]:,}: plane holds {100 * share[c0]:.0f}% of spread")
    limit = float(np.abs(coords).max()) * 1.08
    corners = square_ranges(p, limit)
    arrows = ColumnDataSource(dict(x0=[], y0=[], x1=[], y1=[], color=[]), name="map-arrows")
    wrong = ColumnDataSource(dict(x0=[], y0=[], x1=[], y1=[], word=[]), name="map-wrong")
    wrong_arrow = Arrow(name="map-arrow-wrong", x_start="x0", y_start="y0", x_end="x1", y_end="y1", source=wrong, line_color=WRONG_INK,
                        line_width=1.5, line_dash="dashed", visible=False,
                        end=VeeHead(size=9, line_color=WRONG_INK, fill_color=WRONG_INK))
    arrow = Arrow(name="map-arrow-pairs", x_start="x0", y_start="y0", x_end="x1", y_end="y1", source=arrows, line_color="color",
                  line_width=2, visible=False, end=VeeHead(size=10, line_color="color", fill_color="color"))
    p.add_layout(wrong_arrow)
    p.add_layout(arrow)
    dots = p.scatter("x", "y", source=points, size=DOT_PX, fill_color="color", line_color="#333333", line_width=0.6)
    p.add_tools(HoverTool(renderers=[dots], tooltips=[("word", "@word (@group)"), ("nearest 3", "@nb")]))
    p.xaxis.ticker.desired_num_ticks = 4
    p.yaxis.ticker.desired_num_ticks = 4
    style_plot(p)
    p.axis.major_label_text_font_size = "11px"
    p.title.text_font_style = "normal"

    extra = ColumnDataSource(dict(), name="map-named")     # its tags: words labelled first
    label_layer(p, points, np.argsort(-corpus.counts[shown], kind="stable"), "map-labels", extra)

    slider = Slider(name="map-slider", title="Checkpoint", start=0, end=C - 1, step=1, value=c0,
                    format=step_formatter(steps), sizing_mode="stretch_width", min_width=140)
    play = Toggle(name="map-play", label="▶ Play", active=False, width=90, button_type="primary",
                  stylesheets=[PLAY_CSS])
    # a text with no analogies.txt: the button says so and does nothing
    toggle = Toggle(name="map-analogies", label="Show analogies" if len(tests) else "No analogy tests", active=False,
                    width=130, disabled=not len(tests))
    options = [("all", "all tests")] + [(str(t), "{} : {} :: {} : {}".format(*corpus.analogies[t]))
                                       for t in range(len(tests))]
    pick = Select(name="map-analogy-pick", value="all", options=options, visible=False,
                  sizing_mode="stretch_width", min_width=120)
    update = CustomJS(args=dict(slider=slider, coords=flat.ravel(), ids=neighbors.astype(np.int16).ravel(), k=k,
                                words=words, steps=steps, shares=[float(s) for s in share], points=points,
                                plot=p, tests=tests.astype(np.int16).ravel().tolist(),
                                answers=answers.astype(np.int16).ravel().tolist(), arrows=arrows, wrong=wrong,
                                inks=list(ARROW_INKS), toggle=toggle, extra=extra, pick=pick, corners=corners,
                                limit=limit, minSpan=0.12 * limit), code=_MAP_JS)
    slider.js_on_change("value", update)
    toggle.js_on_change("active", update)
    pick.js_on_change("value", update)
    toggle.js_on_change("active", CustomJS(args=dict(toggle=toggle, shown=[arrow, wrong_arrow, pick]),
                                           code=_ARROWS_JS))
    play.js_on_change("active", CustomJS(args=dict(toggle=play, slider=slider, ms=ms), code=PLAY_JS))
    key = ('<span>Arrows: a→b and c→d of each test a : b :: c : d; '
           f'<span style="color:{WRONG_INK}">dashed</span>: c→the model’s answer, when it is wrong.</span>')
    return column(row(play, slider, sizing_mode="stretch_width"), row(toggle, pick, sizing_mode="stretch_width"), p, group_legend(corpus, key),
                  sizing_mode="stretch_width", spacing=6)


def two_table_map(corpus, coords_W: np.ndarray, coords_W_out: np.ndarray, axis_share, height: int = 470):
    """Rows of W (circles) and columns of W′ (diamonds) in one plane, coloured by group, each
    word's two points joined by a faint line; hover names word, group and table."""
    V = len(coords_W)
    words = list(corpus.vocab)
    groups = [corpus.groups[g] for g in corpus.word_group]
    colors = [GROUP_COLORS[g] for g in corpus.word_group]
    r4 = lambda a: np.asarray(a).round(4).astype(np.float32)   # noqa: E731
    src_W = ColumnDataSource(dict(x=r4(coords_W[:, 0]), y=r4(coords_W[:, 1]), word=words, group=groups,
                                  color=colors, table=["W (centre)"] * V), name="two-faces-map-W")
    src_out = ColumnDataSource(dict(x=r4(coords_W_out[:, 0]), y=r4(coords_W_out[:, 1]), word=[w + "′" for w in words],
                                    group=groups, color=colors, table=["W′ (context)"] * V),
                               name="two-faces-map-W-out")
    links = ColumnDataSource(dict(x0=r4(coords_W[:, 0]), y0=r4(coords_W[:, 1]), x1=r4(coords_W_out[:, 0]),
                                  y1=r4(coords_W_out[:, 1])), name="two-faces-map-links")
    p = figure(name="two-faces-map", height=height, sizing_mode="stretch_width", tools="", toolbar_location=None,
               x_range=DataRange1d(range_padding=0.02), y_range=DataRange1d(range_padding=0.02),
               x_axis_label=f"axis 1 ({100 * axis_share[0]:.0f}% of the spread)",
               y_axis_label=f"axis 2 ({100 * axis_share[1]:.0f}%)")
    limit = float(max(np.abs(coords_W).max(), np.abs(coords_W_out).max())) * 1.08
    square_ranges(p, limit)
    p.segment("x0", "y0", "x1", "y1", source=links, line_color="#777777", line_alpha=0.3, line_width=1)
    a = p.scatter("x", "y", source=src_W, size=DOT_PX, fill_color="color", line_color="#333333", line_width=0.6)
    b = p.scatter("x", "y", source=src_out, size=10, marker="diamond", fill_color="color", fill_alpha=0.55,
                  line_color="#333333", line_width=0.8)
    p.add_tools(HoverTool(renderers=[a, b], tooltips=[("word", "@word (@group)"), ("vector", "@table")]))
    both = ColumnDataSource(dict(x=np.concatenate([src_W.data["x"], src_out.data["x"]]),
                                 y=np.concatenate([src_W.data["y"], src_out.data["y"]]),
                                 word=words + src_out.data["word"]), name="two-faces-map-points")
    counts = np.asarray(corpus.counts)
    label_layer(p, both, np.argsort(-np.concatenate([counts, counts]), kind="stable"), "two-faces-map-labels")
    p.xaxis.ticker.desired_num_ticks = 4
    p.yaxis.ticker.desired_num_ticks = 4
    style_plot(p)
    p.axis.major_label_text_font_size = "11px"
    key = '<span>● row of W (centre vector), ◆ column of W′ (context vector, label ends in ′)</span>' 
    return column(p, group_legend(corpus, key), sizing_mode="stretch_width", spacing=6)
