"""Figures of the chapter "Two faces of every word" (book/two-faces.md).

`two_face_bars`: for every word the cosine between its centre vector W[w] and its context vector
W′[:, w], one horizontal bar per word, sorted by value and coloured by the word's group.
"""

from __future__ import annotations

import numpy as np
from bokeh.models import (ColumnDataSource, CustomJSHover, FixedTicker, HoverTool, Label, Legend, LegendItem,
                          Range1d, Span)
from bokeh.plotting import figure

from . import GROUP_COLORS, style_plot

ROW_PX = 15  # one word's bar: an 11 px label and 4 px between two
MEAN_ROWS = 1.5  # below the last bar, the row of the mean's label (11 px): clear of every bar, whatever the mean's sign


def two_face_bars(corpus, cosines: np.ndarray):
    """Horizontal bars, the most similar pair of vectors on top; hover names word, group and value."""
    V = len(cosines)
    order = np.argsort(-cosines, kind="stable")
    words = [corpus.vocab[i] for i in order]
    groups = [corpus.groups[g] for g in corpus.word_group[order]]
    source = ColumnDataSource(dict(y=np.arange(V, dtype=np.int32),
                                   cos=cosines[order].round(4).astype(np.float32),
                                   g=corpus.word_group[order].astype(np.int32)))
    lo = min(float(cosines.min()), 0.0)
    hi = max(float(cosines.max()), 0.0)
    pad = 0.05 * (hi - lo)
    p = figure(name="two-faces-bars", height=int((V + MEAN_ROWS) * ROW_PX) + 120, sizing_mode="stretch_width",
               x_range=Range1d(lo - pad, hi + pad), y_range=Range1d(V - 0.5 + MEAN_ROWS, -0.7),
               tools="", toolbar_location=None, x_axis_location="above",
               x_axis_label="cosine between W[w] and W′[:, w]", y_axis_label="word (sorted by cosine)")
    # One renderer per group, so the legend can name each group with its colour.
    items = []
    for g, name in enumerate(corpus.groups):
        view_rows = np.flatnonzero(corpus.word_group[order] == g)
        if not len(view_rows):
            continue
        part = ColumnDataSource({k: np.asarray(v)[view_rows] for k, v in source.data.items()})
        r = p.hbar(y="y", left=0, right="cos", height=0.8, source=part, fill_color=GROUP_COLORS[g],
                   line_color=None)
        items.append((name, r))
    word_of = CustomJSHover(args=dict(words=words, groups=groups),
                            code="const i = Math.round(value); return format == 'group' ? groups[i] : words[i]")
    p.add_tools(HoverTool(renderers=[r for _, r in items], formatters={"@y": word_of},
                          tooltips=[("word", "@y{word}"), ("group", "@y{group}"), ("cosine", "@cos{0.0000}")]))
    p.add_layout(Span(location=0, dimension="height", line_color="#444444", line_width=1))
    mean = float(cosines.mean())
    p.add_layout(Span(location=mean, dimension="height", line_color="#444444", line_dash="dashed"))
    # in a row of its own under the bars: at a negative mean the last bars (the most negative) ran under it
    p.add_layout(Label(x=mean, y=V - 0.5 + MEAN_ROWS, text=f" mean {mean:.2f}".replace("-", "\u2212"),
                       text_font_size="11px", text_baseline="bottom", text_align="left"))
    p.yaxis.ticker = FixedTicker(ticks=list(range(V)))
    p.yaxis.major_label_overrides = {i: w for i, w in enumerate(words)}
    p.yaxis.major_label_text_font_size = "11px"
    p.yaxis.minor_tick_line_color = None
    p.add_layout(Legend(items=[LegendItem(label=n, renderers=[r]) for n, r in items], ncols=3,
                        label_text_font_size="12px", glyph_height=12, glyph_width=14, padding=4, margin=4,
                        spacing=1, location="center"), "below")
    style_plot(p)
    p.ygrid.grid_line_color = None
    return p
