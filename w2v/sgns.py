"""Skip-gram with negative sampling (SGNS), the word2vec that word2vec.c and gensim train.

The model keeps model.py's two tables and changes only the loss: instead of a softmax over all V
words, the true context word is scored against k "negative" words drawn from the unigram
distribution raised to the 3/4 power (Mikolov et al. 2013). A recipe with ``negatives = k`` in
train.toml trains it with the same recorded, cached machinery (w2v/train.py). Shown in
"Two ways around the softmax", with one step by hand (`sgns_step`), checked against torch autograd.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch.nn import functional as F

from .model import SkipGram

NOISE_POWER = 0.75  # word2vec.c's exponent: counts^0.75 draws rare words more often than counts


class SkipGramNS(SkipGram):
    """model.py's SkipGram (same W, W_out and start), another loss."""

    def forward(self, center, context, negatives):
        h = self.W[center]  # (B, D) the hidden layer, as in model.py
        # (B, 1 + k) the true context word, then its k negatives
        words = torch.cat([context[:, None], negatives], dim=1)
        # (B, 1 + k) scores of these words only: h · W′[:, word]
        u = torch.einsum("bd,dbj->bj", h, self.W_out[:, words])
        # (B,) pull the true word's score up, the negatives' down
        loss = -F.logsigmoid(u[:, 0]) - F.logsigmoid(-u[:, 1:]).sum(-1)
        return loss.mean()  # () averaged over the batch


def noise_distribution(counts: np.ndarray) -> np.ndarray:
    """(V,) the probability of drawing each word as a negative: count^(3/4), normalised."""
    weights = np.asarray(counts, dtype=np.float64) ** NOISE_POWER
    return weights / weights.sum()


def draw_negatives(counts, steps: int, k: int, seed: int) -> np.ndarray:
    """(steps, k) every step's negatives, from `noise_distribution`.

    A random stream of its own (`seed`, 1): the stream that orders
    the pairs is untouched, so same seed, same pairs."""
    rng = np.random.default_rng([seed, 1])
    p = noise_distribution(counts)                       # (V,)
    return rng.choice(len(p), size=(steps, k), p=p).astype(np.int32)


@dataclass
class SGNSStepRecord:
    """Everything one SGNS step computes. V = vocabulary size, D = dimension, k = negatives."""

    center: int              # centre word id
    context: int             # the true context word id
    negatives: np.ndarray    # (k,) the negative word ids of this step
    lr: float                # learning rate of this step
    words: np.ndarray        # (1 + k,) the context word, then the negatives
    label: np.ndarray        # (1 + k,) 1 for the context word, 0 for each negative
    h: np.ndarray            # (D,) hidden layer h = W[center]
    u: np.ndarray            # (1 + k,) scores u = h · W′[:, words]
    s: np.ndarray            # (1 + k,) σ(u), the model's "is this a true pair?"
    loss: float              # −log σ(u₀) − Σᵢ log σ(−uᵢ)
    e: np.ndarray            # (1 + k,) error e = σ(u) − label = ∂L/∂u
    grad_W_out: np.ndarray   # (D, V) ∂L/∂W′: only the columns of `words` are non-zero
    grad_h: np.ndarray       # (D,) ∂L/∂h = W′[:, words] e, which is ∂L/∂W[center]
    W_next: np.ndarray       # (V, D) W after the step: only row `center` differs
    W_out_next: np.ndarray   # (D, V) W′ after the step: only the columns of `words` differ


def sgns_step(W, W_out, center: int, context: int, negatives,
              lr: float) -> SGNSStepRecord:
    """One SGD step of SGNS on one (center, context) pair and its
    k negatives, in float32 like torch."""
    W = W.astype(np.float32, copy=False)
    W_out = W_out.astype(np.float32, copy=False)
    lr32 = np.float32(lr)
    negatives = np.asarray(negatives, dtype=np.int64)

    words = np.concatenate([[context], negatives])   # (1 + k,)
    label = np.zeros(len(words), np.float32)
    label[0] = 1                            # 1 for the true word
    h = W[center].copy()                    # (D,)
    u = h @ W_out[:, words]                 # (1 + k,) not V scores
    s = 1 / (1 + np.exp(-u))                # σ(u)
    sign = 2 * label - 1                    # +1 true word, −1 noise
    loss = float(np.logaddexp(0, -sign * u).sum())  # −Σ log σ(±u)
    e = s - label                           # (1 + k,) ∂L/∂u
    grad_W_out = np.zeros_like(W_out)       # (D, V)
    # column j gets e_j · h; a word drawn twice gets both
    np.add.at(grad_W_out.T, words, np.outer(e, h))
    grad_h = W_out[:, words] @ e            # (D,)

    W_next = W.copy()
    W_next[center] = h - lr32 * grad_h
    W_out_next = W_out - lr32 * grad_W_out  # k + 1 columns move
    return SGNSStepRecord(center, context, negatives, lr, words, label,
                          h, u, s, loss, e, grad_W_out, grad_h,
                          W_next, W_out_next)


def multiply_adds(vocab_size: int, dim: int, negatives: int = 0) -> int:
    """Multiply-adds of one training step on paper: scores, ∂L/∂h and the update of W′ each cost
    D per scored word; the full softmax (negatives = 0) scores all V words, SGNS k + 1.
    Glued in "Two ways around the softmax" for the book's V and Google's 3,000,000-word vocabulary."""
    scored = vocab_size if negatives == 0 else negatives + 1
    return 3 * dim * scored + dim  # + D for the update of W[center]
