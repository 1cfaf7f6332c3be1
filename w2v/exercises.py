"""The facts the chapters' exercise solutions glue, each computed from runs the book trains.

`counts_exercises`: the exercises of "What the model is fitting" (book/counts.md).
`negative_sampling_exercises`: the exercises of "Negative sampling" (book/negative-sampling.md).
`weights_exercises`: the exercises of "Inside the weights" (book/weights.md).
`two_faces_exercises`: the exercises of "Two faces of every word" (book/two-faces.md).

A retrained run is passed in (the chapter trains it with w2v.seeds.derived_corpus and
w2v.train_or_load, cached like every run), so each function only reads arrays.
"""

from __future__ import annotations

import numpy as np

from . import analysis, counts
from .train import Run


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


def negative_sampling_exercises(run: Run, sgns: dict[int, Run], table: dict) -> dict:
    """The exercises of "Negative sampling": the results table read off (median purity and
    analogies, k = 5 against k = 2), the loss of the chapter's SGNS step from its σ(u), the
    loss of every run at step 0 (W′ starts at zero), and the mean learned score of the pairs
    seen in the corpus for each k of `sgns` (k → the recipe with negatives = k; the smallest
    and the largest k are compared), against the shift ln k of Levy and Goldberg.
    `table` is w2v.peers.comparison of the book's corpus; `run` the book's run."""
    from .plots.negative_sampling import figure_step
    from .sgns import sgns_step

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


def group_share(M: np.ndarray, word_group: np.ndarray) -> float:
    """The share of the spread of the rows of M (V, D) that lies between group means: 1 when
    the group means explain all of it. Used by `weights_exercises`."""
    M = np.asarray(M, dtype=np.float64)
    total = ((M - M.mean(axis=0)) ** 2).sum()
    within = sum(((M[word_group == g] - M[word_group == g].mean(axis=0)) ** 2).sum()
                 for g in np.unique(word_group))
    return float(1 - within / total)


def tightest_group(W: np.ndarray, word_group: np.ndarray) -> int:
    """The group (id) of at least two words whose words have the highest mean cosine to each
    other. Used by `weights_exercises`."""
    cos = analysis.cosine_matrix(W)
    best, best_mean = -1, -np.inf
    for g in np.unique(word_group):
        members = np.flatnonzero(word_group == g)
        if len(members) > 1:
            block = cos[np.ix_(members, members)]
            mean = block[~np.eye(len(members), dtype=bool)].mean()
            if mean > best_mean:
                best, best_mean = int(g), mean
    return best


def weights_exercises(run: Run, seed_runs: list[Run], word: str) -> dict:
    """The exercises of "Inside the weights": the largest entry of `word`'s centre vector and
    the same dimension of its context vector, the cosine of the most similar pair by hand, the
    share of the spread between group means at step 0 against the (G − 1) / (V − 1) expected of
    random rows, and how many of `seed_runs` (w2v.seeds.seed_runs) have the book's tightest group."""
    corpus, W, W_out = run.corpus, run.W, run.W_out
    V = corpus.vocab_size
    w = corpus.index[word]
    d = int(np.argmax(np.abs(W[w])))
    cos = analysis.cosine_matrix(W)
    np.fill_diagonal(cos, -np.inf)
    a, b = np.unravel_index(int(np.argmax(cos)), cos.shape)
    va, vb = W[a].astype(np.float64), W[b].astype(np.float64)
    groups = corpus.word_group
    G = len(np.unique(groups))
    tight = tightest_group(W, groups)
    same = sum(tightest_group(r.W, groups) == tight for r in seed_runs)
    return dict(
        ex_word=word, ex_dim=d, ex_w=float(W[w, d]), ex_w_out=float(W_out[d, w]),
        ex_same_sign=bool(np.sign(W[w, d]) == np.sign(W_out[d, w])),
        ex_pair_a=corpus.vocab[a], ex_pair_b=corpus.vocab[b], ex_dot=float(va @ vb),
        ex_norm_a=float(np.linalg.norm(va)), ex_norm_b=float(np.linalg.norm(vb)),
        ex_pair_cos=float(va @ vb / (np.linalg.norm(va) * np.linalg.norm(vb))),
        ex_unit_distance=float(np.linalg.norm(va / np.linalg.norm(va) - vb / np.linalg.norm(vb))),
        ex_G=int(G), ex_V=int(V), ex_random_share=100 * (G - 1) / (V - 1),
        ex_share_0=100 * group_share(run.W_checkpoints[0], groups),
        ex_share_end=100 * group_share(W, groups),
        ex_tightest=corpus.groups[tight], ex_n_seeds=len(seed_runs), ex_same_tightest=int(same))


def two_faces_exercises(run: Run, wide: Run, word: str) -> dict:
    """The exercises of "Two faces of every word": the bars of the two-face chart right of zero
    and the group of the top bar, the length of two column moves of W′ at the first step with
    `word` in the centre, by hand and as the run made them, the share of group-mate pairs and
    the median two-face cosine with a wider window (`wide`, the recipe with only `window` raised), and the
    neighbour purity of W + W′ against W and W′ alone."""
    from .step import step_of_run

    corpus, W, W_out = run.corpus, run.W, run.W_out
    groups = corpus.word_group
    two_face = analysis.two_vector_cosine(W, W_out)
    top = int(np.argmax(two_face))
    w = corpus.index[word]
    t = int(np.flatnonzero(run.centers == w)[0])
    step = step_of_run(run, t)
    o = step.context
    p = step.p.astype(np.float64).copy()
    p[o] = -1
    j = int(np.argmax(p))                     # the likeliest word that is not the context word
    h_norm = float(np.linalg.norm(step.h))
    _, W_out_before = run.state_before(t)
    moved = np.linalg.norm(step.W_out_next.astype(np.float64) - W_out_before, axis=0)   # (V,)
    same_group = groups[:, None] == groups[None, :]

    def mates_and_median(r: Run) -> tuple[float, float, int]:
        table = counts.cooccurrence(r.pairs, corpus.vocab_size)
        cosines = analysis.two_vector_cosine(r.W, r.W_out)
        return (100 * float((table * same_group).sum() / table.sum()), float(np.median(cosines)),
                int((cosines < 0).sum()))

    mates, median, negative = mates_and_median(run)
    wide_mates, wide_median, wide_negative = mates_and_median(wide)

    def purity(X: np.ndarray) -> float:
        return 100 * analysis.neighbor_purity(analysis.nearest_neighbors(X, 3)[0], groups, 3)

    return dict(
        ex_positive=int((two_face > 0).sum()), ex_top_word=corpus.vocab[top],
        ex_top_group=corpus.group_of(corpus.vocab[top]),
        ex_word=word, ex_step=t, ex_context=corpus.vocab[o], ex_other=corpus.vocab[j],
        ex_lr=float(step.lr), ex_p_o=float(step.p[o]), ex_p_j=float(step.p[j]), ex_h_norm=h_norm,
        ex_move_o=float(step.lr * (1 - step.p[o]) * h_norm), ex_move_j=float(step.lr * step.p[j] * h_norm),
        ex_moved_o=float(moved[o]), ex_moved_j=float(moved[j]),
        ex_window=int(run.config.window), ex_wide_window=int(wide.config.window),
        ex_mates=mates, ex_wide_mates=wide_mates, ex_median=median, ex_wide_median=wide_median,
        ex_negative=negative, ex_wide_negative=wide_negative,
        ex_purity_W=purity(W), ex_purity_W_out=purity(W_out.T), ex_purity_sum=purity(W + W_out.T))
