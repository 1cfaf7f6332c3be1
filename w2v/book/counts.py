"""The chapter "What the model is fitting" (book/counts.md): its exercise answers
(`counts_exercises`)."""

from __future__ import annotations

import numpy as np

from .. import counts
from ..train import Run


def counts_exercises(run: Run, wide: Run, low: Run) -> dict:
    """The exercises of "What the model is fitting": the darkest column of the count heatmap,
    PMI by hand for the chapter's word and its most frequent context word, the floor and the
    model's loss with a wider window (`wide`, the recipe with only `window` raised), and how closely the
    model of the smallest dimension (`low`, the recipe at a lower dim) fits the table."""
    corpus, V = run.corpus, run.corpus.vocab_size
    table = counts.cooccurrence(run.pairs, V)                   # (V, V) counts[c, o]
    column = table.sum(axis=0)                                  # (V,) pairs with o as context
    dark = int(np.argmax(column))
    word = counts.picked_word(corpus)
    c = corpus.index[word]
    o = int(np.argmax(table[c]))                                # its most frequent context
    N, n_co, n_c, n_o = int(table.sum()), int(table[c, o]), int(table[c].sum()), int(column[o])
    wide_table = counts.cooccurrence(wide.pairs, V)
    floor, wide_floor = counts.conditional_entropy(table), counts.conditional_entropy(wide_table)
    loss = counts.pair_loss(run.W, run.W_out, table)
    wide_loss = counts.pair_loss(wide.W, wide.W_out, wide_table)
    fit, low_fit = counts.fit_facts(run), counts.fit_facts(low)
    return dict(
        ex_dark_word=corpus.vocab[dark], ex_dark_pairs=int(column[dark]),
        ex_dark_share=100 * float(column[dark]) / N, ex_dark_count=int(corpus.counts[dark]),
        ex_dark_most=2 * int(run.config.window) * int(corpus.counts[dark]),
        ex_word=word, ex_partner=corpus.vocab[o], ex_n_co=n_co, ex_n_c=n_c, ex_n_o=n_o, ex_N=N,
        ex_pmi=float(np.log(n_co * N / (n_c * n_o))), ex_log_cond=float(np.log(n_co / n_c)),
        ex_log_p_o=float(np.log(n_o / N)),
        ex_window=int(run.config.window), ex_wide_window=int(wide.config.window),
        ex_floor=floor, ex_wide_floor=wide_floor, ex_loss=loss, ex_wide_loss=wide_loss,
        ex_gap=loss - floor, ex_wide_gap=wide_loss - wide_floor,
        ex_n_pairs=int(len(run.pairs)), ex_wide_n_pairs=int(len(wide.pairs)),
        ex_low_dim=int(low.config.dim), ex_dim=int(run.config.dim),
        ex_corr=fit["correlation"], ex_low_corr=low_fit["correlation"],
        ex_unseen=fit["unseen_mass"], ex_low_unseen=low_fit["unseen_mass"])
