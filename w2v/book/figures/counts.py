"""Figures of the chapter "What the model is fitting" (book/counts.md).

`count_heatmap`: the V×V co-occurrence counts of the training pairs, sorted by group.
`fit_heatmaps`: the empirical p(o | c) beside the learned softmax(W[c] · W′), two plots in a row that wraps.
`fit_scatter`: learned against empirical p(o | c), one dot per (centre, context) cell.
`loss_by_dim`: the trained model's loss on all pairs against the dimension D, with the floor H(o|c).
`score_scatters`: the learned scores W[c] · W′[:, o] against PMI and against PMI + ln p(o).

Words reach the page once per figure, as a list; cells and dots carry word ids (int16) that
the hover formatters look up.
"""

from __future__ import annotations

import numpy as np
from bokeh.layouts import column
from bokeh.models import (ColorBar, ColumnDataSource, CustomJSHover, FixedTicker, HoverTool, Label, Legend,
                          LegendItem, LogColorMapper, LogTicker, Range1d, Span)
from bokeh.palettes import Viridis256
from bokeh.plotting import figure

from . import GROUP_COLORS, WORD_OF, group_spans, side_by_side, sorted_by, style_plot

# Light for little, dark for much: viridis reversed, readable with colour-blindness and in grey.
SEQUENTIAL = tuple(reversed(Viridis256))
FLOOR_COLOR = "#D55E00"
DOT = "#0072B2"


def _style(p) -> None:
    style_plot(p)
    p.grid.grid_line_color = None
    p.axis.major_label_text_font_size = "11px"
    p.toolbar.logo = None


def _word_of(corpus) -> CustomJSHover:
    return CustomJSHover(args=dict(words=list(corpus.vocab), groups=[corpus.groups[g] for g in corpus.word_group]),
                         code=WORD_OF)


def _matrix(p, values: np.ndarray, order: np.ndarray, mapper, only_seen=None, **extra):
    """Draw the V×V `values` (rows: centre words, columns: context words, both in `order`); cells
    where `only_seen` is False are left out. `extra` V×V arrays go to the
    hover, rounded to 4 decimals. Returns the cells' renderer."""
    V = len(order)
    rows, cols = np.divmod(np.arange(V * V), V)
    shown = values[np.ix_(order, order)].ravel()
    keep = np.ones(V * V, bool) if only_seen is None else only_seen[np.ix_(order, order)].ravel()
    source = ColumnDataSource(dict(x=cols[keep].astype(np.int16), y=rows[keep].astype(np.int16),
                                   c=order[rows[keep]].astype(np.int16), o=order[cols[keep]].astype(np.int16),
                                   v=shown[keep].astype(np.float32),
                                   **{k: a[np.ix_(order, order)].ravel()[keep].round(4).astype(np.float32)
                                      for k, a in extra.items()}))
    return p.rect("x", "y", 1, 1, source=source, line_color=None, fill_color={"field": "v", "transform": mapper})


def _group_marks(p, corpus, order: np.ndarray, names: bool = True) -> None:
    """Group colour strips along the top and left, lines between groups, and (if `names`) the
    group names on the y axis."""
    V = len(order)
    groups_in_order = corpus.word_group[order]
    colors = [GROUP_COLORS[g] for g in groups_in_order]
    spans = group_spans(groups_in_order)
    edges = [first - 0.5 for _, first, _ in spans[1:]]
    p.rect(x=-1.4, y=list(range(V)), width=1.2, height=1, line_color=None, fill_color=colors)
    p.rect(x=list(range(V)), y=-1.4, width=1, height=1.2, line_color=None, fill_color=colors)
    p.segment(x0=edges, x1=edges, y0=-0.5, y1=V - 0.5, line_color="#222222", line_width=0.6)
    p.segment(x0=-0.5, x1=V - 0.5, y0=edges, y1=edges, line_color="#222222", line_width=0.6)
    centres = {(first + last) / 2: corpus.groups[g] for g, first, last in spans} if names else {}
    p.yaxis.ticker = FixedTicker(ticks=list(centres))
    p.yaxis.major_label_overrides = {float(k): v for k, v in centres.items()}
    p.yaxis.major_tick_line_color = None
    p.yaxis.minor_tick_line_color = None


def _color_bar(p, mapper, title: str) -> None:
    p.add_layout(ColorBar(color_mapper=mapper, ticker=LogTicker(), title=title, orientation="horizontal",
                          height=10, padding=4, title_text_font_size="12px", title_text_font_style="normal",
                          major_label_text_font_size="11px"), "below")


def count_heatmap(corpus, counts: np.ndarray, order: np.ndarray):
    """The V×V counts (rows: centre word, columns: context word, sorted by `order`), log colour
    scale, zero cells left white; hover: the two words, the count and p(o | c)."""
    V = len(order)
    cond = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    mapper = LogColorMapper(palette=list(SEQUENTIAL), low=1, high=float(counts.max()))
    p = figure(name="counts-heatmap", width=720, height=760, sizing_mode="scale_width",
               x_range=Range1d(-2.2, V - 0.5), y_range=Range1d(V - 0.5, -2.2), tools="", toolbar_location=None,
               x_axis_label=f"context word o ({sorted_by(corpus)})", y_axis_label="centre word c")
    cells = _matrix(p, counts.astype(np.float64), order, mapper, only_seen=counts > 0, prob=cond)
    _group_marks(p, corpus, order)
    p.xaxis.ticker = FixedTicker(ticks=[])
    word_of = _word_of(corpus)
    p.add_tools(HoverTool(renderers=[cells], formatters={"@c": word_of, "@o": word_of},
                          tooltips=[("centre", "@c{word}@c{in_group}"), ("context", "@o{word}@o{in_group}"),
                                    ("count", "@v{0,0}"), ("p(o|c)", "@prob{0.0000}")]))
    _color_bar(p, mapper, "pairs (log scale)")
    _style(p)
    return p


def fit_heatmaps(corpus, empirical: np.ndarray, learned: np.ndarray, order: np.ndarray, low: float = 1e-3):
    """Empirical p(o | c) (cells never seen are white) and the learned one, on one log colour scale
    from `low` (smaller values get the lightest colour) to the largest. Two plots in a row that
    wraps: side by side where there is room, one under the other on a phone (each at least 300 px
    wide, so a cell stays visible)."""
    V = len(order)
    high = float(max(empirical.max(), learned.max()))
    mapper = LogColorMapper(palette=list(SEQUENTIAL), low=low, high=high, low_color=SEQUENTIAL[0])
    word_of = _word_of(corpus)
    plots = []
    for which, title, what, values, seen in (
            ("corpus", "in the corpus", "p(o|c) in the corpus", empirical, empirical > 0),
            ("learned", "learned by the model", "learned p(o|c)", learned, None)):
        p = figure(name=f"counts-fit-heatmaps-{which}", title=title, width=340, height=380,
                   sizing_mode="scale_width", min_width=300, x_range=Range1d(-2.2, V - 0.5),
                   y_range=Range1d(V - 0.5, -2.2), tools="", toolbar_location=None,
                   x_axis_label=f"context word o ({sorted_by(corpus)})", y_axis_label=f"centre word c ({sorted_by(corpus)})")
        cells = _matrix(p, values, order, mapper, only_seen=seen)
        _group_marks(p, corpus, order, names=False)
        p.xaxis.ticker = FixedTicker(ticks=[])
        p.add_tools(HoverTool(renderers=[cells], formatters={"@c": word_of, "@o": word_of},
                              tooltips=[("centre", "@c{word}@c{in_group}"), ("context", "@o{word}@o{in_group}"),
                                        (what, "@v{0.0000}")]))
        _color_bar(p, mapper, "p(o | c) (log scale)")  # on both, so the two plots keep one height
        _style(p)
        plots.append(p)
    return side_by_side(*plots)


def fit_scatter(corpus, empirical: np.ndarray, learned: np.ndarray, shown: np.ndarray | None = None):
    """Learned against empirical p(o | c), one dot per cell between the words `shown` (all by
    default; w2v.book.figures.heatmap_words), with the diagonal y = x."""
    shown = np.arange(len(empirical)) if shown is None else np.asarray(shown)
    c, o = (shown[i] for i in np.divmod(np.arange(len(shown) ** 2), len(shown)))
    empirical, learned = empirical[c, o], learned[c, o]
    source = ColumnDataSource(dict(x=empirical.round(4).astype(np.float32),
                                   y=learned.round(4).astype(np.float32),
                                   c=c.astype(np.int16), o=o.astype(np.int16)), name="counts-fit-dots")
    top = float(max(empirical.max(), learned.max())) * 1.04
    p = figure(name="counts-fit-scatter", height=380, sizing_mode="stretch_width", tools="", toolbar_location=None,
               x_range=Range1d(-0.02, top), y_range=Range1d(-0.02, top),
               x_axis_label="p(o | c) in the corpus", y_axis_label="learned p(o | c)")
    diagonal = p.line([0, top], [0, top], line_color="#777777", line_dash="dashed", line_width=1.5)
    dots = p.scatter("x", "y", source=source, size=4, color=DOT, alpha=0.4)
    word_of = _word_of(corpus)
    p.add_tools(HoverTool(renderers=[dots], formatters={"@c": word_of, "@o": word_of},
                          tooltips=[("centre", "@c{word}"), ("context", "@o{word}"), ("in the corpus", "@x{0.0000}"),
                                    ("learned", "@y{0.0000}")]))
    p.add_layout(Legend(items=[LegendItem(label="one (centre, context) cell", renderers=[dots]),
                               LegendItem(label="learned = corpus", renderers=[diagonal])],
                        location="top_left", label_text_font_size="12px", background_fill_alpha=0.8))
    _style(p)
    return p


def loss_by_dim(dims, losses, floor: float, own_dim: int):
    """The loss on all pairs of the recipe, trained at each dimension, and the floor."""
    dims = [int(d) for d in dims]
    source = ColumnDataSource(dict(dim=dims, loss=[float(v) for v in losses],
                                   gap=[float(v) - floor for v in losses]), name="counts-dim-losses")
    top = max(losses) * 1.08
    p = figure(name="counts-loss-by-dim", height=320, sizing_mode="stretch_width", x_axis_type="log",
               x_range=Range1d(min(dims) / 1.4, max(dims) * 1.4), y_range=Range1d(floor * 0.9, top),
               tools="", toolbar_location=None, x_axis_label="dimension D (log scale)",
               y_axis_label="loss on all pairs, trained")
    floor_line = p.line([min(dims) / 1.4, max(dims) * 1.4], [floor, floor], line_color=FLOOR_COLOR,
                        line_dash="dashed", line_width=2)
    line = p.line("dim", "loss", source=source, line_width=2.5, color=DOT)
    dots = p.scatter("dim", "loss", source=source, size=9, color=DOT)
    own = dims.index(own_dim) if own_dim in dims else None
    if own is not None:
        p.add_layout(Label(x=own_dim, y=float(losses[own]), text="the book's run", x_offset=8, y_offset=4,
                           text_font_size="12px"))
    p.xaxis.ticker = FixedTicker(ticks=dims)
    p.xaxis.major_label_overrides = {d: str(d) for d in dims}
    p.add_tools(HoverTool(renderers=[dots], tooltips=[("D", "@dim"), ("loss on all pairs", "@loss{0.000}"),
                                                       ("above the floor", "@gap{0.000}")]))
    p.add_layout(Legend(items=[LegendItem(label="loss on all pairs", renderers=[line, dots]),
                               LegendItem(label="floor H(o|c)", renderers=[floor_line])],
                        location="top_right", label_text_font_size="12px", background_fill_alpha=0.8))
    _style(p)
    return p


def score_scatters(corpus, scores: np.ndarray, pmi: np.ndarray, log_cond: np.ndarray, seen: np.ndarray,
                   correlations: tuple[float, float], shown: np.ndarray | None = None):
    """Two scatters over the seen (centre, context) pairs between the words `shown` (all by
    default): the learned score W[c] · W′[:, o] against PMI (top) and against PMI + ln p(o)
    (bottom), each titled with its correlation (over every seen pair)."""
    if shown is not None:
        inside = np.zeros(len(seen), bool)
        inside[shown] = True
        seen = seen & inside[:, None] & inside[None, :]
    c, o = np.nonzero(seen)
    word_of = _word_of(corpus)
    plots = []
    for name, x, label, r in (("pmi", pmi, "PMI(c, o)", correlations[0]),
                              ("log-cond", log_cond, "PMI(c, o) + ln p(o) = ln p(o | c)", correlations[1])):
        source = ColumnDataSource(dict(x=x[c, o].round(4).astype(np.float32), y=scores[c, o].round(4).astype(np.float32),
                                       c=c.astype(np.int16), o=o.astype(np.int16)), name=f"counts-score-{name}")
        p = figure(name=f"counts-score-{name}-plot", height=300, sizing_mode="stretch_width", tools="",
                   toolbar_location=None, x_axis_label=label, y_axis_label="score W[c] · W′[:, o]",
                   title=f"correlation {r:.2f}".replace("-", "\u2212"))
        dots = p.scatter("x", "y", source=source, size=5, color=DOT, alpha=0.45)
        p.add_tools(HoverTool(renderers=[dots], formatters={"@c": word_of, "@o": word_of},
                              tooltips=[("centre", "@c{word}"), ("context", "@o{word}"), (label.split(" =")[0], "@x{0.00}"),
                                        ("score", "@y{0.00}")]))
        _style(p)
        plots.append(p)
    return column(*plots, sizing_mode="stretch_width", spacing=10)
