"""Figures and data plumbing of the chapter "One training step, forward and backward".

The page lets a reader step through any of the run's training steps without a server: it
carries the recorded checkpoints and the order of the pairs (`page_data`), and its script
(book/_static/walkthrough.js) rebuilds the state before a step by replaying the recorded pairs
from the nearest earlier checkpoint, then runs the step of w2v/step.py in float32.

The Bokeh figures here are drawn for the chapter's default step; the script then redraws them
for whatever step the reader picks, reaching their models by `name` (the NAMES below).
"""

from __future__ import annotations

import base64
import json
import math

import numpy as np
from bokeh.layouts import column
from bokeh.models import ColumnDataSource, HoverTool, Range1d, Span
from bokeh.plotting import figure

from . import DIVERGING, FONT, HEATMAP_WORDS, embed
from ...step import training_step
from ..kit import PageHTML

DATA_ID = "w2v-walkthrough-data"  # id of the <script type="application/json"> the page script reads

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
# The page's budget, so that it stays small at any V (issue 27); neither binds on the book's corpus.
CHECKPOINT_BYTES = 1_000_000  # at most this many bytes of checkpoints (W and W′, float32, before base64)
UPDATE_WORDS = HEATMAP_WORDS  # the update heatmaps draw at most this many words' columns


# ---------------------------------------------------------------- numbers as the page shows them

def fmt(value: float) -> str:
    """A number as the page prints it: 4 significant digits, a true minus sign.

    Mirrors fmt() in walkthrough.js, so glued text and live text read alike.
    """
    value = float(value)
    if value == 0:
        return "0"
    if abs(value) < 1e-4 or abs(value) >= 9999.5:  # 4 significant digits need an exponent there
        mantissa, exponent = f"{value:.3e}".split("e")
        text = f"{mantissa}e{int(exponent)}"
    else:
        digits = 3 - math.floor(math.log10(abs(value)))
        text = f"{value:.{max(digits, 0)}f}"
        rounded = float(text)  # rounding can add a digit (9.9996 → 10.000): print one place fewer
        if rounded != 0 and math.floor(math.log10(abs(rounded))) != math.floor(math.log10(abs(value))):
            text = f"{value:.{max(digits - 1, 0)}f}"
    return text.replace("-", "−")


def parse_shown(text: str) -> float:
    """The inverse of `fmt`, for tests that read numbers off the page."""
    return float(text.strip().replace("−", "-"))


# ---------------------------------------------------------------- the page's data

def _b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


def _int_dtype(array: np.ndarray) -> str:
    return "uint8" if array.max(initial=0) < 2**8 else "uint16" if array.max(initial=0) < 2**16 else "int32"


def page_checkpoints(run, opening_steps=()) -> np.ndarray:
    """Indices of the run's checkpoints the page carries. All those before the last step when they
    fit in CHECKPOINT_BYTES (the book's corpus); otherwise every k-th, k the smallest that fits, plus
    the checkpoint each of `opening_steps` replays from, so that the numbers the text glues for the
    page's two opening steps are the page's own."""
    before = np.flatnonzero(run.checkpoint_steps < run.config.steps)
    per = 2 * run.corpus.vocab_size * run.config.dim * 4                 # bytes of one (W, W′) pair
    needed = {int(np.searchsorted(run.checkpoint_steps, s, side="right") - 1) for s in opening_steps}
    for k in range(1, len(before) + 1):
        kept = np.union1d(before[::k], sorted(needed & set(before.tolist()))).astype(np.int64)
        if len(kept) * per <= CHECKPOINT_BYTES:
            return kept
    return kept                                                          # one more than fits: V is huge


def page_state_before(run, step: int, kept: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(W, W′) before `step` as the page rebuilds them: replayed (as Run.state_before does) from the
    nearest checkpoint at or before `step` among `kept` (`page_checkpoints`). With every checkpoint
    kept this is Run.state_before; from an earlier one, float32 rounding may differ in the last
    places, as training's own steps (torch) and w2v/step.py do."""
    steps = run.checkpoint_steps[kept]
    c = int(kept[np.searchsorted(steps, step, side="right") - 1])
    W, W_out = run.W_checkpoints[c].copy(), run.W_out_checkpoints[c].copy()
    for t in range(int(run.checkpoint_steps[c]), step):
        record = training_step(W, W_out, int(run.centers[t]), int(run.contexts[t]), run.config.lr_at(t))
        W, W_out = record.W_next, record.W_out_next
    return W, W_out


def page_step(run, step: int, kept: np.ndarray):
    """w2v.step.step_of_run as the page computes it, from `page_state_before`."""
    W, W_out = page_state_before(run, step, kept)
    return training_step(W, W_out, int(run.centers[step]), int(run.contexts[step]), run.config.lr_at(step))


def checkpoint_rule(run, kept: np.ndarray) -> str:
    """The sentence that says which checkpoints the page carries ("" when it carries all of them)."""
    before = int((run.checkpoint_steps < run.config.steps).sum())
    if len(kept) == before:
        return ""
    steps = run.checkpoint_steps[kept]
    longest = int(np.diff(np.append(steps, run.config.steps)).max()) - 1
    return (f"On this corpus the page carries {len(kept)} of the run's {before} checkpoints (steps "
            f"{', '.join(f'{int(s):,}' for s in steps)}), so that it stays under "
            f"{CHECKPOINT_BYTES / 1e6:g} MB of weights: a step replays up to {longest:,} recorded steps, and the "
            "first visit to a stretch of training takes longer. Its numbers can then differ from the run's in "
            "the last digits (float32 rounding of the longer replay).")


def page_data(run, default_step: int, compare_step: int, kept: np.ndarray | None = None) -> dict:
    """Everything the page script needs, compact: checkpoints as base64 little-endian float32,
    pairs and the step → pair order as base64 unsigned ints of the smallest width that fits.

    Sized by a budget (issue 27): the checkpoints `kept` (`page_checkpoints`, computed here if not
    given), only the pairs some step trains (the run may stop before a pass over every pair), and,
    when V > UPDATE_WORDS, how many words' columns the update heatmaps draw. On the book's corpus
    every checkpoint and pair is there."""
    config, corpus = run.config, run.corpus
    if kept is None:
        kept = page_checkpoints(run, (default_step, compare_step))
    used, order = np.unique(run.step_pair, return_inverse=True)        # the pairs trained, in table order
    pairs = run.pairs[used]
    pair_dtype, order_dtype = _int_dtype(pairs), _int_dtype(order)
    data = dict(
        V=int(corpus.vocab_size), D=int(config.dim), steps=int(config.steps), window=int(config.window),
        lr=float(config.lr), lr_final=float(config.lr_final),
        vocab=list(corpus.vocab),
        sentences=[" ".join(s) for s in corpus.sentences],
        checkpoint_steps=[int(s) for s in run.checkpoint_steps[kept]],
        W=_b64(run.W_checkpoints[kept].astype("<f4")),            # (C, V, D)
        W_out=_b64(run.W_out_checkpoints[kept].astype("<f4")),    # (C, D, V)
        pairs=_b64(pairs.astype(pair_dtype)), pairs_dtype=pair_dtype, n_pairs=int(len(pairs)),
        step_pair=_b64(order.astype(order_dtype)), step_pair_dtype=order_dtype,
        default_step=int(default_step), compare_step=int(compare_step),
        palette=list(DIVERGING), log_decades=LOG_DECADES, p_headroom=P_HEADROOM,
        colors=dict(context=CONTEXT_COLOR, center=CENTER_COLOR, other=OTHER_COLOR),
        names=NAMES,
    )
    if len(kept) < (run.checkpoint_steps < config.steps).sum():
        data["replay_every"] = int(config.checkpoint_every)   # the page keeps the states it passes at these steps
    if corpus.vocab_size > UPDATE_WORDS:
        data["update_words"] = UPDATE_WORDS
    return data


def data_script(run, default_step: int, compare_step: int) -> PageHTML:
    """The page's data, embedded once as <script type="application/json">; on a corpus where the
    page carries fewer checkpoints than the run saved, a paragraph before it says so."""
    kept = page_checkpoints(run, (default_step, compare_step))   # once, for the data and the rule
    text = json.dumps(page_data(run, default_step, compare_step, kept), separators=(",", ":"))
    text = text.replace("</", "<\\/")  # never close the script element early
    rule = checkpoint_rule(run, kept)
    note = f'<p class="w2v-budget-note">{rule}</p>' if rule else ""
    return PageHTML(f'{note}<script type="application/json" id="{DATA_ID}">{text}</script>')


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
