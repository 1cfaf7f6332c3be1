"""One training step by hand, in NumPy, every intermediate named as the book names it.

Shown in "One training step, forward and backward". Tests hold it to torch autograd and to
the recorded run; the page's JavaScript (book/_static/walkthrough.js) mirrors it line by line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class StepRecord:
    """Everything one step computes. V = vocabulary size, D = embedding dimension."""

    center: int              # centre word id
    context: int             # context word id, the word to predict
    lr: float                # learning rate of this step
    x: np.ndarray            # (V,) one-hot of the centre word
    h: np.ndarray            # (D,) hidden layer h = xᵀW = W[center]
    u: np.ndarray            # (V,) scores u = h·W′
    p: np.ndarray            # (V,) probabilities p = softmax(u)
    loss: float              # −log p[context]
    y: np.ndarray            # (V,) one-hot of the context word
    e: np.ndarray            # (V,) error e = p − y
    grad_W_out: np.ndarray   # (D, V) ∂L/∂W′ = h ⊗ e
    grad_h: np.ndarray       # (D,) ∂L/∂h = W′e, which is ∂L/∂W[center]
    W_row_next: np.ndarray   # (D,) W[center] − lr · ∂L/∂h
    W_next: np.ndarray       # (V, D) W after the step: only row `center` differs
    W_out_next: np.ndarray   # (D, V) W′ − lr · ∂L/∂W′: every column moves


def training_step(W: np.ndarray, W_out: np.ndarray, center: int, context: int, lr: float) -> StepRecord:
    """One SGD step of the skip-gram on a single (center, context) pair, in float32 like torch."""
    V, D = W.shape
    W = W.astype(np.float32, copy=False)
    W_out = W_out.astype(np.float32, copy=False)
    lr32 = np.float32(lr)

    x = np.zeros(V, np.float32)
    x[center] = 1
    h = W[center].copy()                      # (D,) same as x @ W, without V·D multiplications
    u = h @ W_out                             # (V,)
    shifted = u - u.max()                     # softmax is unchanged by a shift; this avoids overflow
    log_p = shifted - np.log(np.exp(shifted).sum())
    p = np.exp(log_p)                         # (V,)
    loss = float(-log_p[context])
    y = np.zeros(V, np.float32)
    y[context] = 1
    e = p - y                                 # (V,) ∂L/∂u for softmax + cross-entropy
    grad_W_out = np.outer(h, e)               # (D, V)
    grad_h = W_out @ e                        # (D,)

    W_row_next = h - lr32 * grad_h
    W_next = W.copy()
    W_next[center] = W_row_next
    W_out_next = W_out - lr32 * grad_W_out
    return StepRecord(center, context, lr, x, h, u, p, loss, y, e, grad_W_out, grad_h,
                      W_row_next, W_next, W_out_next)


def step_of_run(run, step: int) -> StepRecord:
    """Step `step` of a recorded run, from the state rebuilt just before it."""
    W, W_out = run.state_before(step)
    return training_step(W, W_out, int(run.centers[step]), int(run.contexts[step]), run.config.lr_at(step))
