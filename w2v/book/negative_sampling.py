"""The chapter "Two ways around the softmax" (book/negative-sampling.md): what it glues of the
results table (`table_facts`) and of the cost of a step (`cost_facts`, `hs_cost_facts`), and its
exercise answers (`negative_sampling_exercises`)."""

from __future__ import annotations

import numpy as np

from .. import counts, hs
from ..peers import GOOGLE_NEWS_DIM, GOOGLE_NEWS_WORDS
from ..sgns import multiply_adds, sgns_step
from ..train import Run
from .figures.negative_sampling import figure_step


def table_facts(table: dict) -> dict[str, float]:
    """w2v.peers.comparison's spreads as flat names for glue: '<method>_<metric>_<median|min|max>', purity
    in percent. Glued by "Two ways around the softmax"."""
    facts = {}
    for method, entry in table.items():
        for metric, s in entry["spread"].items():
            for stat, value in s.items():
                facts[f"{method}_{metric}_{stat}"] = 100 * value if metric == "purity" else value
    return facts


def cost_facts(vocab_size: int, dim: int, negatives: int, big_vocab: int = GOOGLE_NEWS_WORDS,
               big_dim: int = GOOGLE_NEWS_DIM) -> dict:
    """Multiply-adds of a step, full softmax against SGNS, at the book's size and at Google's
    (GOOGLE_NEWS_WORDS × GOOGLE_NEWS_DIM). Glued by "Two ways around the softmax"."""
    small = multiply_adds(vocab_size, dim), multiply_adds(vocab_size, dim, negatives)
    big = multiply_adds(big_vocab, big_dim), multiply_adds(big_vocab, big_dim, negatives)
    return dict(madds_softmax=small[0], madds_sgns=small[1], madds_ratio=small[0] / small[1],
                big_vocab=big_vocab, big_dim=big_dim, big_madds_softmax=big[0], big_madds_sgns=big[1],
                big_madds_ratio=big[0] / big[1])


def hs_cost_facts(counts, dim: int, big_vocab: int = GOOGLE_NEWS_WORDS, big_dim: int = GOOGLE_NEWS_DIM) -> dict:
    """Multiply-adds of a hierarchical-softmax step: at the book's size with the Huffman tree's
    mean path (depths weighted by counts), at Google's with a path of log₂ V (a balanced tree's;
    a Huffman tree's mean is shorter, its counts are not published). Glued by "Two ways around
    the softmax"."""
    path = hs.mean_path_length(hs.huffman_tree(counts), counts)
    return dict(hs_path=path, madds_hs=hs.multiply_adds(dim, path), big_path=float(np.log2(big_vocab)),
                big_madds_hs=hs.multiply_adds(big_dim, float(np.log2(big_vocab))))


def negative_sampling_exercises(run: Run, sgns: dict[int, Run], table: dict) -> dict:
    """The exercises of "Negative sampling": the results table read off (median purity and
    analogies, k = 5 against k = 2), the loss of the chapter's SGNS step from its σ(u), the
    loss of every run at step 0 (W′ starts at zero), and the mean learned score of the pairs
    seen in the corpus for each k of `sgns` (k → the recipe with negatives = k; the smallest
    and the largest k are compared), against the shift ln k of Levy and Goldberg.
    `table` is w2v.peers.comparison of the book's corpus; `run` the book's run."""
    lo, hi = min(sgns), max(sgns)
    spread = {name: entry["spread"] for name, entry in table.items()}
    big = sgns[hi]
    t = figure_step(big)
    W, W_out = big.state_before(t)
    step = sgns_step(W, W_out, int(big.centers[t]), int(big.contexts[t]), big.negatives[t],
                     big.config.lr_at(t))
    seen = counts.cooccurrence(run.pairs, run.corpus.vocab_size) > 0     # (V, V)
    score = {k: float((r.W @ r.W_out)[seen].mean()) for k, r in sgns.items()}
    return dict(
        ex_k_lo=int(lo), ex_k_hi=int(hi),
        ex_purity_lo=100 * spread[f"sgns{lo}"]["purity"]["median"],
        ex_purity_hi=100 * spread[f"sgns{hi}"]["purity"]["median"],
        ex_purity_gain=100 * (spread[f"sgns{hi}"]["purity"]["median"] - spread[f"sgns{lo}"]["purity"]["median"]),
        ex_analogies_lo=spread[f"sgns{lo}"]["analogies"]["median"],
        ex_analogies_hi=spread[f"sgns{hi}"]["analogies"]["median"],
        ex_step=int(t), ex_s_context=float(step.s[0]),
        ex_term_context=float(-np.log(step.s[0])),
        ex_term_negatives=float(-np.log(1 - step.s[1:]).sum()),
        ex_step_loss=float(step.loss),
        ex_loss0_softmax=float(run.losses[0]), ex_ln_V=float(np.log(run.corpus.vocab_size)),
        ex_loss0_lo=float(sgns[lo].losses[0]), ex_loss0_hi=float(sgns[hi].losses[0]),
        ex_pred0_lo=(lo + 1) * float(np.log(2)), ex_pred0_hi=(hi + 1) * float(np.log(2)),
        ex_score_lo=score[lo], ex_score_hi=score[hi], ex_score_shift=score[hi] - score[lo],
        ex_log_ratio=float(np.log(hi / lo)))
