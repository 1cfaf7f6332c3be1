"""Figures of the chapter "One training step, forward and backward" (book/walkthrough.md).

The Bokeh figures here are drawn for the chapter's default step; the page's script
(book/_static/walkthrough.js) then redraws them for whatever step the reader picks, reaching their
models by `name` (the NAMES below) and colouring them as they are coloured here. The page's data
(the recorded checkpoints and the order of the pairs, from which the script rebuilds any step) is
the chapter's: w2v.book.walkthrough.page_data, which carries these names and colours to the script.
"""

from __future__ import annotations

import math

import numpy as np
from bokeh.layouts import column
from bokeh.models import ColumnDataSource, HoverTool, Range1d, Span
from bokeh.plotting import figure

from . import DIVERGING, FONT, HEATMAP_WORDS, embed

# Bokeh model names the page script looks up (Bokeh.documents[i].get_model_by_name).
NAMES = dict(
    loss_marker="wt-loss-marker", loss_compare="wt-loss-compare", loss_span="wt-loss-span",
    p_source="wt-p-source", p_context="wt-p-context",
    dW_source="wt-dW-source", dW_out_source="wt-dW-out-source",
    dW_figure="wt-dW-figure", dW_out_figure="wt-dW-out-figure",
    marker_glyph="wt-loss-marker-glyph", compare_glyph="wt-loss-compare-glyph",
    marker_legend="wt-loss-marker-legend", compare_legend="wt-loss-compare-legend",
    p_y_range="wt-p-y-range",
)
P_HEADROOM = 1.05  # the p chart's y axis ends this far above the tallest bar (as Bokeh's auto range would)

CONTEXT_COLOR = "#D55E00"  # the true context word (Okabe & Ito vermilion)
CENTER_COLOR = "#0072B2"   # the centre word (Okabe & Ito blue)
OTHER_COLOR = "#BBBBBB"
LOG_DECADES = 4            # the update heatmaps colour |Δ| on a log scale over this many decades
# The page's budget (issue 27), which does not bind on the book's corpus:
UPDATE_WORDS = HEATMAP_WORDS  # the update heatmaps draw at most this many words' columns


# ---------------------------------------------------------------- colours of the update heatmaps

def signed_log_colors(values: np.ndarray, top: float) -> list[str]:
    """Colour of each Δ: blue < 0 < red, |Δ| on a log scale of LOG_DECADES decades below `top`,
    exactly zero white. Mirrors deltaColor() in walkthrough.js."""
    out = []
    n = len(DIVERGING)
    for v in np.asarray(values, dtype=np.float64).ravel():
        if v == 0 or top == 0:
            out.append("#FFFFFF")
            continue
        t = min(max(math.log10(abs(v) / top) / LOG_DECADES + 1, 0.0), 1.0)
        t = t if v > 0 else -t
        out.append(DIVERGING[min(n - 1, max(0, round((t + 1) / 2 * (n - 1))))])
    return out


# ---------------------------------------------------------------- figures

def loss_figure(run, step: int, loss: float, compare_step: int, compare_loss: float):
    """The loss of every step (faint dots), its running mean (line) and the chosen step (marker)."""
    losses = run.losses.astype(np.float64)
    steps = len(losses)
    every = max(1, steps // 3000)
    xs = np.arange(0, steps, every)
    window = max(1, steps // 60)
    mean = np.convolve(losses, np.ones(window) / window, mode="valid")
    mx = np.arange(window - 1, steps)[:: max(1, steps // 600)]
    p = figure(height=220, sizing_mode="stretch_width", x_axis_label="training step",
               y_axis_label="loss = −ln p[context]", toolbar_location="right",
               tools="xpan,xwheel_zoom,reset,save", x_range=Range1d(0, steps - 1, bounds=(0, steps - 1)),
               y_range=Range1d(0, float(losses.max()) * 1.05))
    p.scatter(xs, losses[xs].astype(np.float32), size=2, color="#999999", alpha=0.35, legend_label="loss of a step")
    p.line(mx, mean[mx - (window - 1)].astype(np.float32), color="#332288", line_width=2,
           legend_label=f"mean of {window} steps")
    # The marks that follow the controls (span, markers) are drawn on Bokeh's "overlay" canvas
    # layer: moving them repaints only that layer, not the thousands of dots below (which made
    # every step change cost a full redraw of the curve).
    span = Span(location=step, dimension="height", line_color=CONTEXT_COLOR, line_dash="dashed",
                name=NAMES["loss_span"], level="overlay")
    p.add_layout(span)
    compare = ColumnDataSource(dict(x=[compare_step], y=[compare_loss]), name=NAMES["loss_compare"])
    p.scatter("x", "y", source=compare, size=11, marker="diamond", color=CENTER_COLOR, line_color="white",
              level="overlay", name=NAMES["compare_glyph"])
    marker = ColumnDataSource(dict(x=[step], y=[loss]), name=NAMES["loss_marker"])
    r = p.scatter("x", "y", source=marker, size=12, color=CONTEXT_COLOR, line_color="white", level="overlay",
                  name=NAMES["marker_glyph"])
    # Their legend entries point at stand-ins of the same look, with no link to them: BokehJS
    # rebuilds a legend whenever any model reachable from its entries changes, and only a full
    # redraw of the figure would then paint its icons again. A stand-in has one point, at NaN: never
    # drawn on the plot, but the legend needs a point to draw an icon. The page script makes hiding
    # a stand-in (a click on its entry) hide its mark.
    for label, name, look in (("compared step", NAMES["compare_legend"], dict(size=11, marker="diamond",
                                                                               color=CENTER_COLOR)),
                              ("this step", NAMES["marker_legend"], dict(size=12, color=CONTEXT_COLOR))):
        p.scatter(x=[math.nan], y=[math.nan], line_color="white", legend_label=label, name=name, **look)
    p.add_tools(HoverTool(renderers=[r], tooltips=[("step", "@x{0,0}"), ("loss", "@y{0.0000}")]))
    p.legend.location = "top_right"
    p.legend.label_text_font_size = "11px"
    p.legend.background_fill_alpha = 0.7
    p.legend.click_policy = "hide"
    for axis in (p.xaxis, p.yaxis):
        axis.axis_label_text_font_size = FONT
    p.xaxis.formatter.use_scientific = False
    return embed(p, "The loss of every training step (grey dots, every "
                 f"{every}{'st' if every == 1 else 'th'} shown) and its running mean. The orange-red dot is the step "
                 "shown on this page, the blue diamond the step it is compared with; both follow the controls.",
                 "Scatter plot of the loss of each training step against the step number, falling from the "
                 "uniform-guess loss at the start, with a marker at the chosen step.", "walkthrough-loss")


def p_figure(run, record):
    """p = softmax(u) over the whole vocabulary, the true context word highlighted."""
    V = run.corpus.vocab_size
    colors = [OTHER_COLOR] * V
    colors[record.center] = CENTER_COLOR
    colors[record.context] = CONTEXT_COLOR
    source = ColumnDataSource(dict(x=np.arange(V), word=list(run.corpus.vocab), p=record.p.astype(np.float64),
                                   u=record.u.astype(np.float64), e=record.e.astype(np.float64), color=colors),
                              name=NAMES["p_source"])
    # A fixed y range, which the page script moves with the tallest bar: an automatic range would
    # make BokehJS lay the figure out and paint it twice at every change of step.
    p = figure(height=200, sizing_mode="stretch_width", x_axis_label="word (vocabulary index)",
               y_axis_label="p", toolbar_location=None, tools="", x_range=Range1d(-1, V),
               y_range=Range1d(0, float(record.p.max()) * P_HEADROOM, name=NAMES["p_y_range"]))
    bars = p.vbar("x", top="p", width=0.8, color="color", source=source)
    # a pale band behind the context word's bar, as tall as the tallest bar: visible however small p[o] is
    ctx = ColumnDataSource(dict(x=[record.context], top=[float(record.p.max())]), name=NAMES["p_context"])
    p.vbar("x", top="top", width=1, source=ctx, color=CONTEXT_COLOR, alpha=0.18, level="underlay")
    p.add_tools(HoverTool(renderers=[bars], tooltips=[("word", "@word"), ("p", "@p{0.00000}"), ("u", "@u{0.0000}"),
                                                      ("e", "@e{0.00000}")]))
    for axis in (p.xaxis, p.yaxis):
        axis.axis_label_text_font_size = FONT
    return embed(p, "p = softmax(u): one bar per vocabulary word. The true context word is orange-red, on a pale "
                 "band of its colour that shows where it is however small its bar; the centre word is blue. Hover a bar for its word, p, u and e.",
                 "Bar chart of the predicted probability of each of the vocabulary's words, with the true "
                 "context word highlighted.", "walkthrough-p")


def rgba_ints(colors: list[str]) -> np.ndarray:
    """'#RRGGBB' colours as the uint32 pixels of Bokeh's image_rgba (bytes R, G, B, A in memory,
    i.e. A·2²⁴ + B·2¹⁶ + G·2⁸ + R on a little-endian machine). Mirrors rgbaOf() in walkthrough.js."""
    rgb = np.array([[int(c[k:k + 2], 16) for k in (1, 3, 5)] for c in colors], dtype=np.uint32).reshape(-1, 3)
    return (255 << 24) | (rgb[:, 2] << 16) | (rgb[:, 1] << 8) | rgb[:, 0]


def _heatmap_source(delta: np.ndarray, vocab: list[str], top: float, name: str, columns=None) -> ColumnDataSource:
    """delta is (D, V), drawn as ONE image of D rows × V columns (row d = dimension d, column i =
    word i), its pixels coloured by `signed_log_colors`. One bitmap is far cheaper for the browser to
    redraw than D·V separate rectangles. The hover reads the flat (row-major) columns word, dim and
    value at the pixel under the pointer. `columns` (word ids), if given, are the only columns drawn."""
    if columns is not None:
        delta = delta[:, columns]
    D, V = delta.shape
    ids = np.arange(V) if columns is None else np.asarray(columns)
    dims, words = np.meshgrid(np.arange(D), ids, indexing="ij")
    pixels = rgba_ints(signed_log_colors(delta.ravel(), top)).reshape(D, V)
    return ColumnDataSource(dict(image=[pixels], x=[-0.5], y=[-0.5], dw=[V], dh=[D],
                                 word=[[vocab[i] for i in words.ravel()]], dim=[dims.ravel().tolist()],
                                 value=[delta.ravel().astype(np.float64)]), name=name)


def delta_heatmaps(panels, vocab: list[str], top: float, columns=None):
    """Two (D, V) update heatmaps stacked on one word axis and one colour scale: `panels` is
    [(title, delta, source name, figure name)] × 2. Used by "One training step" (ΔW, ΔW′) and
    "Negative sampling" (ΔW′ of the full softmax and of SGNS). `columns` (word ids in vocabulary
    order), if given, are the only words drawn (`update_words`); the word axis then has no ticks."""
    figs = []
    for title, delta, source_name, fig_name in panels:
        D = delta.shape[0]
        V = delta.shape[1] if columns is None else len(columns)
        label = "word (vocabulary index)" if columns is None else f"word ({V} of {delta.shape[1]:,}, in vocabulary order)"
        f = figure(height=150, sizing_mode="stretch_width", title=title, toolbar_location=None, tools="",
                   x_range=Range1d(-0.5, V - 0.5), y_range=Range1d(D - 0.5, -0.5), y_axis_label="dim",
                   x_axis_label=label, name=fig_name)
        # row d of the image spans y ∈ [d − ½, d + ½]; the y range runs downwards (dimension 0 on top)
        r = f.image_rgba(image="image", x="x", y="y", dw="dw", dh="dh",
                         source=_heatmap_source(delta, vocab, top, source_name, columns))
        f.add_tools(HoverTool(renderers=[r], tooltips=[("word", "@word"), ("dim", "@dim"), ("Δ", "@value{0.000e}")]))
        f.grid.visible = False
        f.title.text_font_size = FONT
        f.axis.axis_label_text_font_size = FONT
        f.yaxis.ticker = list(range(D))
        if columns is not None:
            f.xaxis.ticker = []   # a column's place is not its vocabulary index: the hover names the word
        figs.append(f)
    figs[0].xaxis.visible = False
    figs[1].x_range = figs[0].x_range
    return column(*figs, sizing_mode="stretch_width")


def update_deltas(W: np.ndarray, W_out: np.ndarray, record) -> tuple[np.ndarray, np.ndarray]:
    """(ΔW, ΔW′) of a step: the weights after it minus the weights before it, in float32."""
    return record.W_next - W, record.W_out_next - W_out


def update_words(dW: np.ndarray, dW_out: np.ndarray, budget: int = UPDATE_WORDS) -> np.ndarray | None:
    """Word ids the update heatmaps draw, in vocabulary order: None (every word) when V ≤ `budget`;
    otherwise the `budget` words whose columns the step changes most (the sum of |Δ| over the
    dimensions of ΔW and ΔW′; ties by vocabulary index), which holds the centre word (its row of W is
    the only one that moves) and the context word. Mirrors updateWords() in walkthrough.js."""
    V = dW_out.shape[1]
    if V <= budget:
        return None
    change = np.abs(dW).astype(np.float64).sum(axis=1) + np.abs(dW_out).astype(np.float64).sum(axis=0)
    return np.sort(np.argsort(-change, kind="stable")[:budget])


def update_rule(V: int, shown) -> str:
    """The caption's sentence that says which words the update heatmaps leave out ("" if none)."""
    if shown is None:
        return ""
    return (f" Only the {len(shown)} of the {V:,} words whose columns the step changes most are drawn (the centre "
            "and the context word among them), in vocabulary order, and they change with the step: a column for "
            "every word would be too large for a page.")


def update_figure(run, W: np.ndarray, W_out: np.ndarray, record):
    """ΔW (drawn on its side, one column per word) above ΔW′, on the same word axis."""
    dW, dW_out = update_deltas(W, W_out, record)
    top = max(float(np.abs(dW).max()), float(np.abs(dW_out).max()))
    vocab = list(run.corpus.vocab)
    shown = update_words(dW, dW_out)
    layout = delta_heatmaps(
        [("ΔW  (V×D on its side: a column per word)", dW.T, NAMES["dW_source"], NAMES["dW_figure"]),
         ("ΔW′  (D×V)", dW_out, NAMES["dW_out_source"], NAMES["dW_out_figure"])], vocab, top, shown)
    return embed(layout, f"The update of this step. Colour: red = increase, blue = decrease, on a log scale over "
                 f"{LOG_DECADES} decades so that small changes show; white = exactly zero. Only the centre word's "
                 "column of ΔW is coloured; every column of ΔW′ is. Hover a cell for its value."
                 + update_rule(run.corpus.vocab_size, shown),
                 "Two heatmaps with one column per vocabulary word: the change of W, blank except for the "
                 "centre word, and the change of W′, coloured in every column.", "walkthrough-update")
