"""What the model is fitting: the co-occurrence counts of the training pairs, and what follows.

A full-softmax skip-gram trained on the pair table fits one thing, the table's conditional
distribution p(context | centre). This module computes that table, the lowest loss any model can
reach on it (the conditional entropy H(o|c)), how far the trained model is from it, PMI, and a
count-based baseline: a truncated SVD of the PPMI matrix (Levy, Goldberg & Dagan 2015).
Shown in "What the model is fitting" (book/counts.md); `loss_floor` also in "Training journey".
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import analysis
from .corpus import Corpus
from .train import Run, load_config

DIMS = (2, 4, 8, 16, 32)   # the dimensions the chapter retrains the recipe at
SMOOTHING = 0.75           # context-distribution smoothing of PPMI (Levy, Goldberg & Dagan 2015)
EIGEN_WEIGHT = 0.5         # SVD word vectors U·Σ^0.5, context vectors V·Σ^0.5 (ibid.)


# ---------------------------------------------------------------- the table

def cooccurrence(pair_table: np.ndarray, vocab_size: int) -> np.ndarray:
    """(V, V) counts[c, o]: how many rows of the pair table (w2v.pairs)
    have centre c and context o. Every training step samples one row."""
    counts = np.zeros((vocab_size, vocab_size), dtype=np.int64)
    centre, context = pair_table[:, 0], pair_table[:, 1]
    np.add.at(counts, (centre, context), 1)   # counts[c, o] += 1 per row
    return counts


def conditional(counts: np.ndarray) -> np.ndarray:
    """(V, V) the empirical p(o | c): each row of the counts divided by its sum (0 for a word
    that is never a centre)."""
    rows = counts.sum(axis=1, keepdims=True)
    return counts / np.where(rows == 0, 1, rows)


def conditional_entropy(counts: np.ndarray) -> float:
    """H(o|c) in nats: −Σ p(c, o) ln p(o | c) over the pairs. No model of
    p(o | c) has a lower mean loss on these pairs: its mean loss is H(o|c)
    plus a (weighted) KL divergence, which is never negative."""
    joint = counts / counts.sum()      # p(c, o)
    cond = conditional(counts)         # p(o | c)
    seen = counts > 0                  # 0 · ln 0 counts as 0
    return float(-(joint[seen] * np.log(cond[seen])).sum())


def log_softmax_rows(scores: np.ndarray) -> np.ndarray:
    """(V, V) ln softmax of each row of the scores, computed stably."""
    scores = np.asarray(scores, dtype=np.float64)
    shifted = scores - scores.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def learned_conditional(W: np.ndarray, W_out: np.ndarray) -> np.ndarray:
    """(V, V) the model's p(o | c) = softmax(W[c] · W′) for every centre word c."""
    return np.exp(log_softmax_rows(W @ W_out))


def pair_loss(W: np.ndarray, W_out: np.ndarray, counts: np.ndarray) -> float:
    """The model's mean loss −ln p(o | c) over every row of the pair table (not a sample)."""
    log_q = log_softmax_rows(W @ W_out)
    return float(-(counts * log_q).sum() / counts.sum())


def kl_per_word(counts: np.ndarray, W: np.ndarray, W_out: np.ndarray) -> np.ndarray:
    """(V,) KL(empirical p(·|c) ‖ learned p(·|c)) in nats for every centre word c (0 for a word
    that is never a centre). Weighted by how often each word is a centre, it sums to
    pair_loss − conditional_entropy."""
    cond = conditional(counts)
    log_q = log_softmax_rows(W @ W_out)
    seen = counts > 0
    terms = np.zeros_like(log_q)
    terms[seen] = cond[seen] * (np.log(cond[seen]) - log_q[seen])
    return terms.sum(axis=1)


# ---------------------------------------------------------------- PMI

def pmi(counts: np.ndarray, smoothing: float = 1.0) -> np.ndarray:
    """(V, V) pointwise mutual information ln p(c, o) / (p(c) p(o)), −inf
    where the count is 0. With `smoothing` < 1, p(o) is taken from the
    context counts raised to that power."""
    joint = counts / counts.sum()                       # p(c, o)
    p_c = counts.sum(axis=1) / counts.sum()             # p(c)
    context = counts.sum(axis=0).astype(float) ** smoothing
    p_o = context / context.sum()                       # p(o), smoothed
    with np.errstate(divide="ignore"):
        return np.log(joint) - np.log(np.outer(p_c, p_o))


def ppmi(counts: np.ndarray, smoothing: float = SMOOTHING) -> np.ndarray:
    """(V, V) positive PMI: max(PMI, 0), and 0 where the count is 0 (also for a word never seen
    as a context, whose PMI is undefined: a one-word sentence of a real text)."""
    with np.errstate(invalid="ignore"):
        return np.where(counts > 0, np.maximum(pmi(counts, smoothing), 0.0), 0.0)


def svd_vectors(matrix: np.ndarray, dim: int,
                eigen_weight: float = EIGEN_WEIGHT) -> tuple:
    """Word and context vectors, both (V, dim), from the truncated SVD
    M ≈ U Σ Vᵀ: U Σ^eigen_weight and V Σ^(1 − eigen_weight). At full rank
    words @ contexts.T is M itself."""
    U, sigma, Vt = np.linalg.svd(np.asarray(matrix, dtype=np.float64))
    words = U[:, :dim] * sigma[:dim] ** eigen_weight          # (V, dim)
    contexts = Vt[:dim].T * sigma[:dim] ** (1 - eigen_weight)  # (V, dim)
    return words, contexts


# ---------------------------------------------------------------- retrained at other dimensions

def dim_runs(corpus_dir: str | Path, dims=DIMS, cache_dir: str | Path | None = None) -> list[Run]:
    """The recipe trained at each dimension of `dims` and at its own (cached like every run and
    declared in w2v.runs), smallest first; the recipe's own dimension is the book's run itself."""
    from .runs import variant

    own = load_config(corpus_dir).dim
    dims = sorted({int(d) for d in dims} | {own})
    return [variant(corpus_dir, cache_dir, dim=d) for d in dims]


def dim_facts(runs: list[Run]) -> dict:
    """The final loss on all pairs of each run of `dim_runs`, with the floor: lists in the order
    of the runs, for "What the model is fitting"."""
    counts = cooccurrence(runs[0].pairs, runs[0].corpus.vocab_size)
    losses = [pair_loss(r.W, r.W_out, counts) for r in runs]
    return dict(dims=[int(r.config.dim) for r in runs], losses=losses, floor=conditional_entropy(counts))


# ---------------------------------------------------------------- the floor, the count-based baseline

def loss_floor(run: Run) -> float:
    """H(o|c) of the run's pair table: the lowest mean loss any model can reach on it."""
    return conditional_entropy(cooccurrence(run.pairs, run.corpus.vocab_size))


def diagnostics(W: np.ndarray, corpus: Corpus, word: str, top: int = 3, k: int = 5) -> dict:
    """The book's diagnostics of one set of word vectors (V, D): top-`top` neighbour purity,
    analogies by 3CosAdd and its two baselines, block contrast, and `word`'s `k` nearest
    neighbours. Used for the count-based baseline in "What the model is fitting"."""
    ids, _ = analysis.nearest_neighbors(W, k)
    scores = analysis.baseline_scores(W, corpus.ids_of_analogies())
    return dict(purity=analysis.neighbor_purity(ids, corpus.word_group, top),
                analogies=scores["three_cos_add"], nearest_of_c=scores["nearest_of_c"],
                b_plus_c=scores["b_plus_c"], block_contrast=analysis.block_contrast(W, corpus.word_group),
                neighbors=[corpus.vocab[i] for i in ids[corpus.index[word]]])


def count_baseline(run: Run, dim: int | None = None) -> np.ndarray:
    """(V, dim) word vectors of the count-based baseline: truncated SVD of the PPMI matrix of the
    run's pairs, at the run's dimension unless `dim` is given."""
    counts = cooccurrence(run.pairs, run.corpus.vocab_size)
    return svd_vectors(ppmi(counts), dim or run.config.dim)[0]
