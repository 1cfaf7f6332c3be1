"""Figures of the chapter "Negative sampling".

The update of W′ in one step, full softmax above SGNS, drawn as the walkthrough draws ΔW′ (one
image, one column per word, |Δ| on a log colour scale, white = exactly zero), so that a reader
sees every column move in one and only k + 1 in the other.
"""

from __future__ import annotations

import numpy as np
from .walkthrough import LOG_DECADES, delta_heatmaps


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
    return delta_heatmaps([(f"ΔW′ softmax: {moved[0]} of {V} columns move", dW_out_softmax,
                            "ns-dW-out-softmax-source", "ns-dW-out-softmax"),
                           (f"ΔW′ SGNS: {moved[1]} of {V} columns move", dW_out_sgns,
                            "ns-dW-out-sgns-source", "ns-dW-out-sgns")], vocab, top)


__all__ = ["figure_step", "update_comparison", "LOG_DECADES"]
