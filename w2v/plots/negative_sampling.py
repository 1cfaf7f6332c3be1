"""Figures of the chapter "Negative sampling".

The update of W′ in one step, full softmax above SGNS, drawn as the walkthrough draws ΔW′ (one
image, one column per word, |Δ| on a log colour scale, white = exactly zero), so that a reader
sees every column move in one and only k + 1 in the other.
"""

from __future__ import annotations

import numpy as np
from bokeh.layouts import column
from bokeh.models import HoverTool, Range1d
from bokeh.plotting import figure

from . import FONT
from .walkthrough import LOG_DECADES, _heatmap_source


def figure_step(run) -> int:
    """The SGNS step the chapter draws: the first from the middle of the run on whose negatives
    are k different words, none of them the centre or the context word, so that exactly k + 1
    columns of W′ move and none of the words is drawn twice."""
    k = run.config.negatives
    for t in range(run.config.steps // 2, run.config.steps):
        words = {int(run.centers[t]), int(run.contexts[t]), *map(int, run.negatives[t])}
        if len(words) == k + 2:
            return t
    raise ValueError("no step of the run has k different negatives apart from its centre and context words")


def update_comparison(corpus, dW_out_softmax: np.ndarray, dW_out_sgns: np.ndarray):
    """ΔW′ (D, V) of the same pair from the same state: the full softmax's, then SGNS's, on one
    colour scale and one word axis."""
    D, V = dW_out_softmax.shape
    top = float(max(np.abs(dW_out_softmax).max(), np.abs(dW_out_sgns).max()))
    vocab = list(corpus.vocab)
    moved = [int((d != 0).any(axis=0).sum()) for d in (dW_out_softmax, dW_out_sgns)]
    figs = []
    for title, delta, name in ((f"ΔW′ softmax: {moved[0]} of {V} columns move", dW_out_softmax,
                                "ns-dW-out-softmax"),
                               (f"ΔW′ SGNS: {moved[1]} of {V} columns move", dW_out_sgns,
                                "ns-dW-out-sgns")):
        f = figure(height=150, sizing_mode="stretch_width", title=title, toolbar_location=None, tools="",
                   x_range=Range1d(-0.5, V - 0.5), y_range=Range1d(D - 0.5, -0.5), y_axis_label="dim",
                   x_axis_label="word (vocabulary index)", name=name)
        r = f.image_rgba(image="image", x="x", y="y", dw="dw", dh="dh",
                         source=_heatmap_source(delta, vocab, top, name + "-source"))
        f.add_tools(HoverTool(renderers=[r], tooltips=[("word", "@word"), ("dim", "@dim"), ("Δ", "@value{0.000e}")]))
        f.grid.visible = False
        f.title.text_font_size = FONT
        f.axis.axis_label_text_font_size = FONT
        f.yaxis.ticker = list(range(D))
        figs.append(f)
    figs[0].xaxis.visible = False
    figs[1].x_range = figs[0].x_range
    return column(*figs, sizing_mode="stretch_width")


__all__ = ["figure_step", "update_comparison", "LOG_DECADES"]
