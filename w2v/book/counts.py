"""The chapter "What the model is fitting" (book/counts.md): what it glues, each a dict of plain
values computed with w2v.counts (`floor_facts`, `fit_facts`, `dim_facts`, `pmi_facts`,
`baseline_facts`, around the word `picked_word` chooses), and its exercise answers
(`counts_exercises`)."""

from __future__ import annotations

import numpy as np

from .. import counts
from ..corpus import Corpus
from ..counts import (conditional, conditional_entropy, cooccurrence, count_baseline, diagnostics, kl_per_word,
                      learned_conditional, pair_loss, pmi)
from ..seeds import spread_summary, spread_table
from ..train import Run


def floor_facts(run: Run) -> dict:
    """The loss floor beside the run's losses, for "What the model is fitting": H(o|c), the
    final model's loss on all pairs, the mean loss of the last `checkpoint_every` training steps,
    and ln V, the loss of a uniform guess."""
    counts = cooccurrence(run.pairs, run.corpus.vocab_size)
    window = run.config.checkpoint_every
    return dict(floor=conditional_entropy(counts), pair_loss=pair_loss(run.W, run.W_out, counts),
                last_mean=float(run.losses[-window:].mean()), loss_window=int(window),
                ln_V=float(np.log(run.corpus.vocab_size)), n_pairs=int(len(run.pairs)),
                n_cells=int((counts > 0).sum()), n_all_cells=int(counts.size),
                context_counts_max=int(counts.max()))


def fit_facts(run: Run) -> dict:
    """How close the learned p(o | c) is to the empirical one, for "What the model is fitting":
    their correlation over all V × V cells, the mean KL per centre word, the centre-frequency
    weighted KL (= pair loss − floor), the learned mass on pairs never seen, and the word
    whose two distributions differ most and least."""
    counts = cooccurrence(run.pairs, run.corpus.vocab_size)
    cond, learned = conditional(counts), learned_conditional(run.W, run.W_out)
    kl = kl_per_word(counts, run.W, run.W_out)
    centres = counts.sum(axis=1)
    is_centre = centres > 0
    unseen_mass = (learned * (counts == 0)).sum(axis=1)
    return dict(correlation=float(np.corrcoef(cond.ravel(), learned.ravel())[0, 1]),
                mean_kl=float(kl[is_centre].mean()),
                weighted_kl=float((centres * kl).sum() / centres.sum()),
                unseen_mass=100 * float(unseen_mass[is_centre].mean()),
                worst_word=run.corpus.vocab[int(np.argmax(np.where(is_centre, kl, -np.inf)))],
                worst_kl=float(kl[is_centre].max()),
                best_word=run.corpus.vocab[int(np.argmin(np.where(is_centre, kl, np.inf)))],
                best_kl=float(kl[is_centre].min()))


def dim_facts(runs: list[Run]) -> dict:
    """The final loss on all pairs of each run of `dim_runs`, with the floor: lists in the order
    of the runs, for "What the model is fitting"."""
    counts = cooccurrence(runs[0].pairs, runs[0].corpus.vocab_size)
    losses = [pair_loss(r.W, r.W_out, counts) for r in runs]
    return dict(dims=[int(r.config.dim) for r in runs], losses=losses, floor=conditional_entropy(counts))


def picked_word(corpus: Corpus) -> str:
    """The word the chapter looks at closely: the first word of the first analogy test (the most
    frequent word when there is none)."""
    return corpus.analogies[0][0] if corpus.analogies else corpus.vocab[int(np.argmax(corpus.counts))]


def pmi_facts(run: Run, word: str, k: int = 5) -> dict:
    """The learned scores W · W′ against PMI and against PMI + ln p(o) = ln p(o | c), over the
    pairs seen in the corpus, for "What the model is fitting"; and around `word`: the `k` words
    the model scores highest, the `k` of highest PMI, and their mean corpus counts."""
    counts = cooccurrence(run.pairs, run.corpus.vocab_size)
    seen = counts > 0
    scores = run.W @ run.W_out
    p_mi = pmi(counts)
    p_o = counts.sum(axis=0) / counts.sum()
    log_cond = p_mi + np.log(p_o)[None, :]
    w = run.corpus.index[word]
    predicted = np.argsort(-scores[w], kind="stable")[:k]
    by_pmi = np.argsort(-np.where(seen[w], p_mi[w], -np.inf), kind="stable")[:min(k, int(seen[w].sum()))]
    freq = run.corpus.counts
    return dict(corr_pmi=float(np.corrcoef(scores[seen], p_mi[seen])[0, 1]),
                corr_log_cond=float(np.corrcoef(scores[seen], log_cond[seen])[0, 1]),
                n_seen=int(seen.sum()), predicted=[run.corpus.vocab[i] for i in predicted],
                top_pmi=[run.corpus.vocab[i] for i in by_pmi],
                predicted_count=float(freq[predicted].mean()), top_pmi_count=float(freq[by_pmi].mean()))


def baseline_facts(run: Run, runs: list[Run], word: str) -> dict:
    """The count-based baseline beside the trained model, for "What the model is fitting": the
    `diagnostics` of the PPMI + SVD vectors and of the book's run, and the spread (median, min,
    max) of every diagnostic over the seed runs `runs` (w2v.seeds.seed_runs)."""
    return dict(svd=diagnostics(count_baseline(run), run.corpus, word), own=diagnostics(run.W, run.corpus, word),
                seeds=spread_summary(spread_table(runs)), n_seeds=len(runs))


def counts_exercises(run: Run, wide: Run, low: Run) -> dict:
    """The exercises of "What the model is fitting": the darkest column of the count heatmap,
    PMI by hand for the chapter's word and its most frequent context word, the floor and the
    model's loss with a wider window (`wide`, the recipe with only `window` raised), and how closely the
    model of the smallest dimension (`low`, the recipe at a lower dim) fits the table."""
    corpus, V = run.corpus, run.corpus.vocab_size
    table = counts.cooccurrence(run.pairs, V)                   # (V, V) counts[c, o]
    column = table.sum(axis=0)                                  # (V,) pairs with o as context
    dark = int(np.argmax(column))
    word = picked_word(corpus)
    c = corpus.index[word]
    o = int(np.argmax(table[c]))                                # its most frequent context
    N, n_co, n_c, n_o = int(table.sum()), int(table[c, o]), int(table[c].sum()), int(column[o])
    wide_table = counts.cooccurrence(wide.pairs, V)
    floor, wide_floor = counts.conditional_entropy(table), counts.conditional_entropy(wide_table)
    loss = counts.pair_loss(run.W, run.W_out, table)
    wide_loss = counts.pair_loss(wide.W, wide.W_out, wide_table)
    fit, low_fit = fit_facts(run), fit_facts(low)
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
