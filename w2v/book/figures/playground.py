"""The figures of "Your turn" (book/playground.md): the loss curve and the map, each with the book's
run drawn at build time and an empty layer for the reader's run, which the page script
(book/_static/playground.js) fills after training through the named data sources."""

from __future__ import annotations

import html

import numpy as np
from bokeh.layouts import column
from bokeh.models import ColumnDataSource, Div, HoverTool
from bokeh.plotting import figure

from . import GROUP_COLORS, coloured_by, embed, side_by_side, style_plot
from .maps import label_layer, square_ranges

BOOK_INK = "#777777"
YOURS_INK = "#D55E00"
# a word in no group (book/_static/playground.js: GREY): the middle grey, which the dark theme's
# inversion of neutral colours (w2v-figures.js) leaves as it is, so the key's swatch (page HTML, not
# rethemed) matches the dots in both modes (#BBBBBB became #444444 on the maps, light in the key)
GREY = "#808080"


def colour_key(entries: list[tuple[str, str]]) -> str:
    """The key under the maps: a swatch and a name per (colour, name). The page rewrites it
    (keyHTML() in book/_static/playground.js, the same markup) whenever the groups it colours by
    change, so that it names exactly the colours the maps and the neighbour lists show."""
    items = "".join(
        f'<span class="pg-key-item" style="white-space:nowrap;margin-right:0.9em"><span class="pg-key-swatch" '
        f'style="display:inline-block;width:0.8em;height:0.8em;border-radius:50%;background:{colour};'
        f'border:1px solid #333;vertical-align:-0.05em;margin-right:0.3em"></span>{html.escape(name)}</span> '
        for colour, name in entries)
    return f'<div style="font-size:12px;line-height:1.6;color:#222">{items}</div>'


def book_key(corpus) -> list[tuple[str, str]]:
    """The key before the reader trains: the book's groups, or grey "in no group" for a text
    without groups.tsv (every word is in a group when there is one)."""
    if not corpus.has_groups:
        return [(GREY, "in no group")]
    return [(GROUP_COLORS[g], name) for g, name in enumerate(corpus.groups)]


def loss_figure(data: dict):
    """The book's loss curve (grey) and, after a run, the reader's (orange), both as the mean loss
    of equal blocks of steps (w2v.book.playground.loss_curve)."""
    book = data["book"]
    p = figure(name="pg-loss-plot", height=300, sizing_mode="stretch_width", tools="", toolbar_location=None,
               x_axis_label="step", y_axis_label="mean loss of the block")
    p.line("step", "loss", source=ColumnDataSource(dict(step=book["curve_steps"], loss=book["curve_loss"]),
                                                   name="pg-loss-book"),
           line_color=BOOK_INK, line_width=2, legend_label="the book's run")
    p.line("step", "loss", source=ColumnDataSource(dict(step=[], loss=[]), name="pg-loss-yours"),
           line_color=YOURS_INK, line_width=2.5, legend_label="your run")
    p.legend.location = "top_right"
    p.legend.label_text_font_size = "12px"
    p.y_range.start = 0
    style_plot(p)
    return embed(p, caption="The loss while training: the mean loss of each hundredth of the steps, "
                            "for the book's run and, once you train, for yours.",
                 alt="Two loss curves over the training steps: the book's run in grey and the reader's "
                     "run in orange, drawn after the reader trains.", name="playground-loss")


def _map_plot(name: str, title: str, source: ColumnDataSource, priority, limit: float, extra=None):
    # square at every width (height follows width), so the equal-scale ranges fill the plot
    p = figure(name=name, title=title, width=340, height=340, sizing_mode="scale_width", tools="",
               toolbar_location=None, x_axis_label="map axis 1", y_axis_label="map axis 2", min_width=300)
    square_ranges(p, limit)
    dots = p.scatter("x", "y", source=source, size=8, fill_color="color", line_color="#333333", line_width=0.5)
    p.add_tools(HoverTool(renderers=[dots], tooltips=[("word", "@word")]))
    label_layer(p, source, priority, f"{name}-labels", extra)
    style_plot(p)
    return p


def map_figure(data: dict, corpus):
    """Two square maps, side by side where there is room and one under the other on a phone (each at
    least 300 px wide; the row wraps): the book's final W and the reader's, each the PCA of its unit
    rows (w2v.analysis.embedding_map); group colours, words in no group grey. Both maps (and the
    page's neighbour lists) are coloured by the same groups, the book's until the reader trains,
    then those of the reader's run, and the key under them names them (`colour_key`)."""
    book = data["book"]
    colors = [GROUP_COLORS[g] for g in corpus.word_group] if corpus.has_groups else [GREY] * corpus.vocab_size
    book_src = ColumnDataSource(dict(x=book["map_x"], y=book["map_y"], word=list(corpus.vocab), color=colors),
                                name="pg-map-book")
    yours_src = ColumnDataSource(dict(x=[], y=[], word=[], color=[]), name="pg-map-yours")
    by_count = [int(i) for i in np.argsort(-corpus.counts, kind="stable")]
    yours_order = ColumnDataSource(dict(), name="pg-map-yours-order")  # tags[0]: the label order, set by the page
    limit = 1.08 * float(max(np.abs(book["map_x"]).max(), np.abs(book["map_y"]).max()))
    left = _map_plot("pg-map-book-plot", "The book's run", book_src, by_count, limit)
    right = _map_plot("pg-map-yours-plot", "Your run", yours_src, [], limit, yours_order)
    key = Div(text=colour_key(book_key(corpus)), sizing_mode="stretch_width", name="pg-map-key")
    layout = column(side_by_side(left, right), key, sizing_mode="stretch_width", spacing=6)
    return embed(layout, caption="The map of the book's run and of yours: each word's unit vector in W, on the "
                                 "plane of the two directions in which the words spread most (a PCA). Both maps "
                                 "and both lists of neighbours below are coloured by the groups of your last run "
                                 "(before you train, the book's), named in the key under the maps.",
                 alt=f"Two scatter plots of the words, {coloured_by(corpus)}: the book's final vectors "
                     "first, then the reader's once trained.", name="playground-map")
