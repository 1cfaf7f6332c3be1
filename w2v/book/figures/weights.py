"""Figures of the chapter "Inside the weights" (book/weights.md).

`weight_explorer`: every number of W and W′ as one heatmap (W′ transposed so that a word's two
vectors share a row), with a word picker that draws the picked word's two vectors side by side.
`similarity_heatmap`: the V×V cosine matrix of the rows of W, sorted by group, group boundaries
drawn and labelled.

Data go to the page as compact binary arrays (integer coordinates, values rounded to 4 decimals);
words are looked up in one short list by the hover formatters and the picker's CustomJS.
"""

from __future__ import annotations

import numpy as np
from bokeh.layouts import column
from bokeh.models import (ColorBar, ColumnDataSource, CustomJS, CustomJSHover, FixedTicker, HoverTool,
                          Label, Legend, LegendItem, LinearColorMapper, Range1d, Select, Span)
from bokeh.plotting import figure

from . import DIVERGING, GROUP_COLORS, WORD_OF, group_spans, in_group, sorted_by, style_plot, symmetric_range

LABEL_PX = 11  # every text of the chapter's figures is at least this size, at any width
ROW_PX = 15   # height of one word's row in the weight heatmap: an 11 px label and 4 px between two

# Hover formatter: a row or column number → the word there, or its group (lists in display order).
# Hover formatter for the weight explorer's x: which matrix, or which dimension.
_ENTRY_OF = """
const x = Math.round(value)
if (format == "matrix") return x < D ? "W (centre vector)" : "W′ (context vector)"
return String(x < D ? x : x - D - 1)
"""


def _word_axis(axis, words: list[str]) -> None:
    axis.ticker = FixedTicker(ticks=list(range(len(words))))
    axis.major_label_overrides = {i: w for i, w in enumerate(words)}
    axis.major_label_text_font_size = f"{LABEL_PX}px"
    axis.major_tick_out = 2
    axis.minor_tick_line_color = None


def _style(p) -> None:
    style_plot(p)
    p.grid.grid_line_color = None
    p.toolbar.logo = None


def weight_explorer(corpus, W: np.ndarray, W_out: np.ndarray, order: np.ndarray, start_word: str):
    """One layout: a word picker, the picked word's two vectors as bars, and W | W′ᵀ as a heatmap.

    Rows of the heatmap are words in `order` (sorted by group); columns 0…D−1 are W's dimensions,
    then a gap, then W′ᵀ's dimensions (W′ is D×V, so its column w is drawn as row w).
    """
    V, D = len(order), W.shape[1]                                     # the rows drawn: every word, or a budget
    words = [corpus.vocab[i] for i in order]
    row_groups = corpus.word_group[order]
    block = np.hstack([W[order], W_out.T[order]])                     # (V, 2D) in display order
    half = symmetric_range(block)
    rows, cols = np.divmod(np.arange(V * 2 * D), 2 * D)
    xs = np.where(cols < D, cols, cols + 1)                           # a one-column gap between W and W′ᵀ
    source = ColumnDataSource(dict(x=xs.astype(np.int32), y=rows.astype(np.int32),
                                   v=block.ravel().round(4).astype(np.float32)))
    mapper = LinearColorMapper(palette=list(DIVERGING), low=-half, high=half)
    start = words.index(start_word)

    # --- the heatmap of all 2·V·D numbers
    heat = figure(name="weights-heatmap", height=V * ROW_PX + 150, sizing_mode="stretch_width",
                  x_range=Range1d(-1.8, 2 * D + 0.6), y_range=Range1d(V - 0.5, -2.6),
                  tools="", toolbar_location=None, x_axis_location="above",
                  x_axis_label="dimension d of W (left) and of W′ᵀ (right)", y_axis_label=f"word ({sorted_by(corpus)})")
    cells = heat.rect("x", "y", 1, 1, source=source, line_color=None,
                      fill_color={"field": "v", "transform": mapper})
    strip = heat.rect(x=-1.1, y=list(range(V)), width=0.7, height=1, line_color=None,
                      fill_color=[GROUP_COLORS[g] for g in row_groups])
    hl = ColumnDataSource(dict(x=[(D - 1) / 2, D + 1 + (D - 1) / 2], y=[start, start]), name="weights-highlight")
    heat.rect("x", "y", D, 1, source=hl, fill_color=None, line_color="black", line_width=2)
    for x0, text in ((D - 1) / 2, "W"), (D + 1 + (D - 1) / 2, "W′ᵀ"):
        heat.add_layout(Label(x=x0, y=-1.2, text=text, text_align="center", text_baseline="middle",
                              text_font_size="14px", text_font_style="bold"))
    word_of = CustomJSHover(args=dict(words=words, groups=[corpus.groups[g] for g in row_groups]),
                            code=WORD_OF)
    entry_of = CustomJSHover(args=dict(D=D), code=_ENTRY_OF)
    heat.add_tools(HoverTool(renderers=[cells], formatters={"@y": word_of, "@x": entry_of},
                             tooltips=[("word", "@y{word}@y{in_group}"), ("matrix", "@x{matrix}"),
                                       ("dimension", "@x{dim}"), ("value", "@v{0.0000}")]))
    heat.add_tools(HoverTool(renderers=[strip], formatters={"@y": word_of},
                             tooltips=[("group", "@y{group}"), ("word", "@y{word}")]))
    _word_axis(heat.yaxis, words)
    heat.xaxis.ticker = FixedTicker(ticks=[x for x in range(2 * D + 1) if x != D])
    heat.xaxis.major_label_overrides = {x: str(x if x < D else x - D - 1) for x in range(2 * D + 1)}
    heat.xaxis.minor_tick_line_color = None
    heat.add_layout(ColorBar(color_mapper=mapper, title="weight value", orientation="horizontal",
                             height=10, padding=4, title_text_font_size="12px",
                             title_text_font_style="normal"), "below")
    _style(heat)

    # --- the picked word's two vectors, side by side per dimension
    def vectors(r):
        return block[r, :D].round(4).tolist(), block[r, D:].round(4).tolist()

    centre, context = vectors(start)
    bars = ColumnDataSource(dict(d=list(range(D)), centre=centre, context=context), name="weights-bars-data")
    vec = figure(name="weights-bars", height=260, sizing_mode="stretch_width",
                 y_range=Range1d(-half * 1.05, half * 1.05), x_range=Range1d(-0.6, D - 0.4),
                 tools="", toolbar_location=None, x_axis_label="dimension d", y_axis_label="value",
                 title=_title(start_word, corpus.groups[row_groups[start]], centre, context))
    r1 = vec.vbar(x={"field": "d", "transform": _dodge(-0.2)}, top="centre", width=0.38, source=bars,
                  fill_color="#333333", line_color="#333333")
    r2 = vec.vbar(x={"field": "d", "transform": _dodge(0.2)}, top="context", width=0.38, source=bars,
                  fill_color="white", line_color="#333333", hatch_pattern="/", hatch_color="#333333",
                  hatch_scale=6)
    vec.add_layout(Span(location=0, dimension="width", line_color="#999999", line_width=1))
    vec.add_layout(Legend(items=[LegendItem(label="W[w]: centre vector", renderers=[r1]),
                                 LegendItem(label="W′[:, w]: context vector", renderers=[r2])],
                          orientation="horizontal", location="center", label_text_font_size="12px",
                          padding=2, margin=2), "above")
    vec.add_tools(HoverTool(renderers=[r1, r2], tooltips=[("dimension", "@d"), ("centre W[w, d]", "@centre{0.0000}"),
                                                          ("context W′[d, w]", "@context{0.0000}")]))
    vec.xaxis.ticker = FixedTicker(ticks=list(range(D)))
    _style(vec)

    picker = Select(name="weights-picker", title="Pick a word:", value=start_word,
                    options={g: [w for w in corpus.words_in_group(g) if w in words] for g in corpus.groups
                             if set(corpus.words_in_group(g)) & set(words)}, width=220)
    picker.js_on_change("value", CustomJS(
        args=dict(words=words, inGroup=[in_group(corpus.groups[g]) for g in row_groups], D=D, source=source,
                  bars=bars, hl=hl, title=vec.title),
        code="""
const r = words.indexOf(this.value)
if (r < 0) return
const v = source.data.v, base = r * 2 * D
const centre = Array.from(v.slice(base, base + D)), context = Array.from(v.slice(base + D, base + 2 * D))
bars.data = {d: bars.data.d, centre, context}
hl.data = {x: hl.data.x, y: [r, r]}
let dot = 0, a = 0, b = 0
for (let i = 0; i < D; i++) { dot += centre[i] * context[i]; a += centre[i] ** 2; b += context[i] ** 2 }
const cos = dot / Math.sqrt(a * b)
title.text = `${words[r]}${inGroup[r]}: two-vector cosine ${cos.toFixed(2)}`
"""))
    return column(picker, vec, heat, sizing_mode="stretch_width", spacing=14)


def _dodge(offset: float):
    from bokeh.transform import dodge

    return dodge("d", offset).transform


def _title(word, group, centre, context) -> str:
    a, b = np.asarray(centre), np.asarray(context)
    cos = float(a @ b / np.sqrt((a @ a) * (b @ b)))
    return f"{word}{in_group(group)}: two-vector cosine {cos:.2f}"


def similarity_heatmap(corpus, cos_sorted: np.ndarray, order: np.ndarray):
    """The V×V cosine matrix (rows and columns in `order`), group blocks outlined and named."""
    V = len(order)
    words = [corpus.vocab[i] for i in order]
    row_groups = corpus.word_group[order]
    spans = group_spans(row_groups)
    rows, cols = np.divmod(np.arange(V * V), V)
    source = ColumnDataSource(dict(x=cols.astype(np.int32), y=rows.astype(np.int32),
                                   v=cos_sorted.ravel().round(4).astype(np.float32)))
    half = symmetric_range(cos_sorted)
    mapper = LinearColorMapper(palette=list(DIVERGING), low=-half, high=half)
    # taller than wide by the upright names below it: at 390 px the 11 px names of the narrowest
    # groups (four words each) stay as far apart as their letters are tall, down as across
    p = figure(name="similarity-heatmap", width=720, height=840, sizing_mode="scale_width",
               x_range=Range1d(-2.2, V - 0.5), y_range=Range1d(V - 0.5, -2.2), tools="",
               toolbar_location=None, x_axis_label=f"second word ({sorted_by(corpus)})",
               y_axis_label=f"first word ({sorted_by(corpus)})")
    cells = p.rect("x", "y", 1, 1, source=source, line_color=None, fill_color={"field": "v", "transform": mapper})
    marks = [GROUP_COLORS[g] for g in row_groups]
    p.rect(x=-1.4, y=list(range(V)), width=1.2, height=1, line_color=None, fill_color=marks)
    p.rect(x=list(range(V)), y=-1.4, width=1, height=1.2, line_color=None, fill_color=marks)
    edges = [first - 0.5 for _, first, _ in spans[1:]]
    p.segment(x0=edges, x1=edges, y0=-0.5, y1=V - 0.5, line_color="#222222", line_width=1)
    p.segment(x0=-0.5, x1=V - 0.5, y0=edges, y1=edges, line_color="#222222", line_width=1)
    # each group named at the middle of its block; a text without groups.tsv has none to name
    centres = {(first + last) / 2: corpus.groups[g] for g, first, last in spans} if corpus.has_groups else {}
    for axis in (p.xaxis, p.yaxis):
        axis.ticker = FixedTicker(ticks=list(centres))
        axis.major_label_overrides = {float(k): v for k, v in centres.items()}
        axis.major_label_text_font_size = f"{LABEL_PX}px"
        axis.major_tick_line_color = None
        axis.minor_tick_line_color = None
    # upright, so that names of neighbouring narrow groups do not run into each other
    p.xaxis.major_label_orientation = np.pi / 2
    word_of = CustomJSHover(args=dict(words=words, groups=[corpus.groups[g] for g in row_groups]),
                            code=WORD_OF)
    p.add_tools(HoverTool(renderers=[cells], formatters={"@y": word_of, "@x": word_of},
                          tooltips=[("first word", "@y{word}@y{in_group}"), ("second word", "@x{word}@x{in_group}"),
                                    ("cosine", "@v{0.0000}")]))
    p.add_layout(ColorBar(color_mapper=mapper, title="cosine similarity", orientation="horizontal",
                          height=10, padding=4, title_text_font_size="12px",
                          title_text_font_style="normal"), "below")
    _style(p)
    return p
