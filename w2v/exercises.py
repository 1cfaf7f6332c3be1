"""The facts behind the chapters' exercises: one function per chapter, each a dict of plain values.

`welcome_exercises`: "Word2Vec: Inside the Model" (book/index.md).
`blueprint_exercises`: "Model blueprint" (book/blueprint.md).
`corpus_exercises`: "The corpus" (book/corpus.md).
`walkthrough_exercises`: "One training step, forward and backward" (book/walkthrough.md).
`journey_exercises`: "Training journey" (book/journey.md).
`counts_exercises`: "What the model is fitting" (book/counts.md).
`negative_sampling_exercises`: "Negative sampling" (book/negative-sampling.md).
`weights_exercises`: "Inside the weights" (book/weights.md).
`two_faces_exercises`: "Two faces of every word" (book/two-faces.md).

A solution that retrains the recipe with one setting changed gets that run as an argument: the
chapter gets it from `w2v.book_variant` (declared in w2v/runs.py, cached), so each
function only reads arrays.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from . import analysis, counts
from .counts import loss_floor
from .model import SkipGram
from .peers import GOOGLE_NEWS_DIM, GOOGLE_NEWS_WORDS
from .step import step_of_run, training_step
from .train import Run


def _purity(run: Run, top: int = 3) -> float:
    """The run's final top-`top` neighbour purity, in percent."""
    return 100 * analysis.neighbor_purity(run.neighbors[-1], run.corpus.word_group, top)


def _last_mean(run: Run) -> float:
    """The mean loss of the run's last `checkpoint_every` steps."""
    return float(run.losses[-run.config.checkpoint_every:].mean())


def welcome_exercises(run: Run, bigger: Run) -> dict:
    """For the exercises of "Word2Vec: Inside the Model": the corpus sizes per sentence and per
    word, the parameter count 2·V·D (and that of Google's News vectors), and the recipe retrained at a larger dimension (`bigger`,
    the same recipe with only `dim` changed): its parameters, purity and final loss."""
    corpus, config = run.corpus, run.config
    V, D, D2 = corpus.vocab_size, config.dim, bigger.config.dim
    assert bigger.corpus.vocab == corpus.vocab and D2 > D
    n_params = sum(p.numel() for p in SkipGram(V, D).parameters())
    n_params_bigger = sum(p.numel() for p in SkipGram(V, D2).parameters())
    return dict(V=int(V), D=int(D), n_sentences=len(corpus.sentences), n_tokens=int(corpus.n_tokens),
                tokens_per_sentence=corpus.n_tokens / len(corpus.sentences),
                tokens_per_word=corpus.n_tokens / V,
                n_params=int(n_params), n_per_matrix=int(V * D),
                google_V=GOOGLE_NEWS_WORDS, google_D=GOOGLE_NEWS_DIM,
                google_n_params=2 * GOOGLE_NEWS_WORDS * GOOGLE_NEWS_DIM,
                google_gigabytes=2 * GOOGLE_NEWS_WORDS * GOOGLE_NEWS_DIM * 4 / 1e9,  # float32
                google_ratio=2 * GOOGLE_NEWS_WORDS * GOOGLE_NEWS_DIM / n_params,
                D_bigger=int(D2), n_params_bigger=int(n_params_bigger),
                params_ratio=n_params_bigger / n_params,
                purity=_purity(run), purity_bigger=_purity(bigger),
                last_mean=_last_mean(run), last_mean_bigger=_last_mean(bigger))


def blueprint_exercises(run: Run, small: Run) -> dict:
    """For the exercises of "Model blueprint": the checkpoint count from the recipe (and with one
    step more and one fewer), the learning
    rate at the middle step, one step from an all-zero W (nothing moves), and the recipe retrained
    at a smaller dimension (`small`, only `dim` changed): its parameters and purity."""
    corpus, config = run.corpus, run.config
    V, D, T = corpus.vocab_size, config.dim, config.steps
    assert small.corpus.vocab == corpus.vocab and small.config.dim < D
    middle = (T - 1) // 2
    # the first pair of the run, from W = 0 and W′ = 0 (W′'s own start)
    W0 = np.zeros((V, D), np.float32)
    W_out0 = np.zeros((D, V), np.float32)
    zero = training_step(W0, W_out0, int(run.centers[0]), int(run.contexts[0]), config.lr_at(0))
    # the rule at its edges: one step more, one step fewer
    ce, one_more, one_fewer = config.checkpoint_every, T + 1, max(T - 1, 1)
    return dict(steps=int(T), checkpoint_every=int(ce),
                n_checkpoints=len(run.checkpoint_steps),
                steps_one_more=int(one_more), steps_one_fewer=int(one_fewer),
                n_checkpoints_one_more=len(dataclasses.replace(config, steps=one_more).checkpoint_steps()),
                n_checkpoints_one_fewer=len(dataclasses.replace(config, steps=one_fewer).checkpoint_steps()),
                lr=float(config.lr), lr_final=float(config.lr_final),
                middle_step=int(middle), lr_middle=float(config.lr_at(middle)),
                lr_middle_share=100 * config.lr_at(middle) / config.lr,
                zero_loss=float(zero.loss), ln_V=math.log(V),
                zero_grad_h=float(np.abs(zero.grad_h).max()),
                zero_grad_W_out=float(np.abs(zero.grad_W_out).max()),
                zero_moved=bool((zero.W_next != W0).any() or (zero.W_out_next != W_out0).any()),
                D_small=int(small.config.dim), n_params_small=2 * V * int(small.config.dim),
                purity=_purity(run), purity_small=_purity(small))


def window_pair_count(corpus, window: int) -> int:
    """The number of (centre, context) pairs by the counting rule of "The corpus": every two
    positions of a sentence at most `window` apart give two pairs, one each way."""
    return 2 * sum(max(len(s) - k, 0) for s in corpus.sentences for k in range(1, window + 1))


def corpus_exercises(run: Run, wide: Run) -> dict:
    """For the exercises of "The corpus": the most frequent word against all tokens and the
    rarest words; the pair count by hand; how often the most frequent word is the centre of a
    step, expected and actual; and the recipe retrained with a wider window (`wide`, only
    `window` changed): its pairs, its loss floor and its final loss."""
    corpus, config = run.corpus, run.config
    assert wide.corpus.vocab == corpus.vocab and wide.config.window > config.window
    counts = corpus.counts
    top = int(np.argmax(counts))
    n_pairs = len(run.pairs)
    as_centre = int((run.pairs[:, 0] == top).sum())           # pairs with the top word as centre
    return dict(window=int(config.window), n_sentences=len(corpus.sentences), n_tokens=int(corpus.n_tokens),
                top_word=corpus.vocab[top], top_count=int(counts[top]),
                top_share=100 * counts[top] / corpus.n_tokens, min_count=int(counts.min()),
                top_over_min=counts[top] / counts.min(),
                n_pairs=int(n_pairs), n_pairs_rule=window_pair_count(corpus, config.window),
                steps=int(config.steps), top_pairs=as_centre,
                top_expected=config.steps * as_centre / n_pairs,
                top_actual=int((run.centers == top).sum()),
                window_wide=int(wide.config.window), n_pairs_wide=int(len(wide.pairs)),
                n_pairs_wide_rule=window_pair_count(corpus, wide.config.window),
                floor=loss_floor(run), floor_wide=loss_floor(wide),
                last_mean=_last_mean(run), last_mean_wide=_last_mean(wide),
                loss_window=int(config.checkpoint_every))


def _move(run: Run, step: int) -> float:
    """How far a step moves the centre word's row of W: η · ‖∂L/∂h‖."""
    record = step_of_run(run, step)
    return float(record.lr * np.linalg.norm(record.grad_h))


def walkthrough_exercises(run: Run, constant: Run) -> dict:
    """For the exercises of "One training step": step 0 (loss ln V, no gradient for W), the late
    step's loss and error by hand from its probability, the early step with another context word
    (only two entries of e change), and the page's two steps in `constant`, the recipe retrained
    with a constant learning rate (only `lr_final` changed, to `lr`)."""
    from .plots.walkthrough import default_steps

    corpus, config = run.corpus, run.config
    assert constant.config.lr_final == constant.config.lr == config.lr
    assert np.array_equal(constant.step_pair, run.step_pair)   # same pairs in the same order
    early, late = default_steps(run)
    first = step_of_run(run, 0)
    late_rec = step_of_run(run, late)
    o = late_rec.context
    # the early step again, with the context word swapped for the most probable other word
    early_rec = step_of_run(run, early)
    others = np.argsort(-early_rec.p, kind="stable")
    other = int(next(j for j in others if j != early_rec.context))
    swapped = training_step(*run.state_before(early), early_rec.center, other, early_rec.lr)
    moves = {name: (_move(r, early), _move(r, late)) for name, r in (("own", run), ("constant", constant))}
    return dict(V=int(corpus.vocab_size), step0_loss=float(first.loss), ln_V=math.log(corpus.vocab_size),
                step0_grad_h=float(np.linalg.norm(first.grad_h)),
                step0_grad_W_out=float(np.linalg.norm(first.grad_W_out)),
                early=int(early), late=int(late),
                center=corpus.vocab[early_rec.center], context=corpus.vocab[o],
                late_p=float(late_rec.p[o]), late_loss=float(late_rec.loss), late_e=float(late_rec.e[o]),
                late_loss_rule=float(-math.log(late_rec.p[o])), late_e_rule=float(late_rec.p[o] - 1),
                other=corpus.vocab[other],
                same_u=bool(np.array_equal(swapped.u, early_rec.u) and np.array_equal(swapped.p, early_rec.p)),
                e_changed=int((swapped.e != early_rec.e).sum()),
                grad_h_change=float(np.linalg.norm(swapped.grad_h - early_rec.grad_h)),
                lr=float(config.lr), lr_final=float(config.lr_final),
                move_early=moves["own"][0], move_late=moves["own"][1],
                move_ratio=moves["own"][1] / moves["own"][0],
                move_early_constant=moves["constant"][0], move_late_constant=moves["constant"][1],
                move_ratio_constant=moves["constant"][1] / moves["constant"][0])


def journey_exercises(run: Run, small: Run, constant: Run) -> dict:
    """For the exercises of "Training journey": the loss floor and its number of words; the
    analogy test right at the fewest checkpoints; the recipe retrained at dimension 2 (`small`,
    only `dim` changed), where the map holds all of W; and with a constant learning rate
    (`constant`, only `lr_final` changed, to `lr`): when words settle, how noisy the loss stays."""
    corpus, config = run.corpus, run.config
    assert small.config.dim == 2 and constant.config.lr_final == constant.config.lr == config.lr
    floor = loss_floor(run)
    right = run.analogy_ranks == 1                            # (C, A)
    per_test = right.sum(axis=0)
    if not corpus.analogies:  # no analogies.txt: nothing to name; the chapter says so in a note
        per_test, right = np.zeros(1, int), np.zeros((1, 1), bool)
    weakest = int(np.argmin(per_test))                        # the first of the least often right
    a, b, c, d = corpus.analogies[weakest] if corpus.analogies else ("—",) * 4
    small_map = analysis.map_facts(small)
    conv = analysis.convergence_step(run.W_checkpoints, run.checkpoint_steps)
    conv_constant = analysis.convergence_step(constant.W_checkpoints, constant.checkpoint_steps)
    window = config.checkpoint_every
    return dict(floor=float(floor), floor_words=float(np.exp(floor)), last_mean=_last_mean(run),
                last_words=float(np.exp(_last_mean(run))), loss_window=int(window),
                n_checkpoints=int(len(run.checkpoint_steps)), n_analogies=len(corpus.analogies),
                weakest_test=f"{a} : {b} :: {c} : ?", weakest_right=int(per_test[weakest]),
                weakest_d=d, weakest_answer=corpus.vocab[int(run.analogy_answers[-1, weakest])] if corpus.analogies else "—",
                weakest_rank=int(run.analogy_ranks[-1, weakest]) if corpus.analogies else 0,
                weakest_right_end=bool(right[-1, weakest]),
                D=int(config.dim), small_share=float(small_map["map_share_end"]),
                # one group (no groups.tsv) holds every word: every neighbour is in it
                small_map_purity=float(small_map.get("map_purity_end", 100.0)),
                small_W_purity=float(small_map.get("map_purity_W_end", 100.0)),
                own_share=float(100 * analysis.embedding_map(run.W_checkpoints)["share"][-1]),
                conv_median=float(np.median(conv)), conv_median_constant=float(np.median(conv_constant)),
                last_std=float(run.losses[-window:].std()), last_std_constant=float(constant.losses[-window:].std()),
                last_mean_constant=_last_mean(constant), lr=float(config.lr), lr_final=float(config.lr_final))


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


# ---------------------------------------------------------------- "Explain the oddity"
# Each picks its oddity from the run, so the exercise stays about what this run shows, and gives
# the numbers from the corpus that explain it.

def _context_cosines(run: Run) -> np.ndarray:
    """(V, V) the cosine between two words' rows of the corpus's p(o | c): how alike their
    windows are, read off the text alone."""
    table = counts.cooccurrence(run.pairs, run.corpus.vocab_size).astype(np.float64)
    return analysis.cosine_matrix(counts.conditional(table))          # a word never a centre: 0


def _groups_of(corpus, ids) -> list[str]:
    return [corpus.groups[int(corpus.word_group[i])] for i in ids]


def surprising_neighbour(run: Run) -> dict:
    """For "Training journey", an oddity: of the words whose nearest word (cosine of rows of W)
    is in another group, the one nearest to it; without such a word, the most similar pair of
    words of different groups (`is_nearest` False). Beside it, what the text says about them:
    how often they stand in each other's window, how alike their windows are (cosine of their
    rows of p(o | c)) and the group-mate of the word whose window is most like its own."""
    corpus = run.corpus
    V, groups = corpus.vocab_size, corpus.word_group
    cos = analysis.cosine_matrix(run.W)
    np.fill_diagonal(cos, -np.inf)
    nearest = np.argmax(cos, axis=1)                                  # (V,) ties: the lower id
    cross = np.flatnonzero(groups[nearest] != groups)
    if cross.size:
        w = int(cross[np.argmax(cos[cross, nearest[cross]])])
        n, is_nearest = int(nearest[w]), True
    else:                                                             # every nearest word a group-mate
        other = np.where(groups[:, None] != groups[None, :], cos, -np.inf)
        if np.isinf(other).all():                                     # one group (no groups.tsv)
            other = cos
        w, n = (int(i) for i in np.unravel_index(int(np.argmax(other)), other.shape))
        is_nearest = int(nearest[w]) == n
    table = counts.cooccurrence(run.pairs, V)
    ctx = _context_cosines(run)
    mates = np.flatnonzero((groups == groups[w]) & (np.arange(V) != w))
    mate = int(mates[np.argmax(ctx[w, mates])]) if mates.size else w
    shared = np.minimum(table[w], table[n])                           # contexts both have
    top_shared = [corpus.vocab[i] for i in np.argsort(-shared, kind="stable")[:3] if shared[i] > 0]
    return dict(odd_word=corpus.vocab[w], odd_neighbour=corpus.vocab[n],
                odd_word_group=_groups_of(corpus, [w])[0], odd_neighbour_group=_groups_of(corpus, [n])[0],
                odd_is_nearest=bool(is_nearest), odd_n_cross=int(cross.size), odd_cos=float(cos[w, n]),
                odd_together=int(table[w, n]), odd_ctx_cos=float(ctx[w, n]),
                odd_mate=corpus.vocab[mate], odd_mate_ctx_cos=float(ctx[w, mate]),
                odd_mate_cos=float(cos[w, mate]), odd_shared=", ".join(top_shared) or "none",
                odd_count_word=int(corpus.counts[w]), odd_count_neighbour=int(corpus.counts[n]))


def closest_pair_contexts(run: Run) -> dict:
    """For "Inside the weights", an oddity: the most similar pair of different words (cosine of
    rows of W), and why. The context words only one of the two ever has tell them apart; the
    pairs those make, against all the pairs of the two words; and the mean cosine, in W′,
    between a context word only the first has and one only the second has (the median over
    all pairs of columns beside it)."""
    corpus, W, W_out = run.corpus, run.W, run.W_out
    V = corpus.vocab_size
    cos = analysis.cosine_matrix(W)
    np.fill_diagonal(cos, -np.inf)
    a, b = (int(i) for i in np.unravel_index(int(np.argmax(cos)), cos.shape))
    table = counts.cooccurrence(run.pairs, V)
    only_a = np.flatnonzero((table[a] > 0) & (table[b] == 0))
    only_b = np.flatnonzero((table[b] > 0) & (table[a] == 0))
    cos_out = analysis.cosine_matrix(W_out.T)                         # (V, V) columns of W′
    apart = cos_out[np.ix_(only_a, only_b)]
    return dict(cp_a=corpus.vocab[a], cp_b=corpus.vocab[b], cp_cos=float(cos[a, b]),
                cp_only_a=", ".join(corpus.vocab[i] for i in only_a) or "none",
                cp_only_b=", ".join(corpus.vocab[i] for i in only_b) or "none",
                cp_n_apart=int(len(only_a) + len(only_b)),
                cp_apart_pairs=int(table[a, only_a].sum() + table[b, only_b].sum()),
                cp_pairs=int(table[a].sum() + table[b].sum()),
                cp_apart_cos=float(apart.mean()) if apart.size else float("nan"),
                cp_median_cos=float(np.median(cos_out[np.triu_indices(V, 1)])))


def palest_square(run: Run) -> dict:
    """For "Inside the weights", an oddity: the group whose square on the diagonal of the
    similarity heatmap loses most to another block in its row (or comes nearest to losing), and
    why: how many of its words are, on average, closer to the words of another group than to
    their own, and how alike the group's windows are (mean cosine of its words' rows of
    p(o | c)) against the other groups'."""
    corpus = run.corpus
    V, groups = corpus.vocab_size, corpus.word_group
    G = len(corpus.groups)
    cos = analysis.cosine_matrix(run.W)
    ctx = _context_cosines(run)
    other = ~np.eye(V, dtype=bool)
    member = [groups == g for g in range(G)]

    def block_mean(M, g, h):
        pick = np.outer(member[g], member[h]) & other
        return float(M[pick].mean()) if pick.any() else float("nan")

    block = np.array([[block_mean(cos, g, h) for h in range(G)] for g in range(G)])
    sized = [g for g in range(G) if member[g].sum() > 1 and G > 1]
    if not sized:                                                     # one group, or singletons only
        return dict(ps_group=corpus.groups[0], ps_rival="none", ps_own=float("nan"), ps_rival_cos=float("nan"),
                    ps_loses=False, ps_n_words=int(member[0].sum()), ps_n_elsewhere=0, ps_elsewhere="none",
                    ps_ctx_own=float("nan"), ps_ctx_next=float("nan"), ps_ctx_next_group="none",
                    ps_ctx_lowest=False)
    rival = {g: max((h for h in range(G) if h != g), key=lambda h: block[g, h]) for g in sized}
    g = min(sized, key=lambda g: block[g, g] - block[g, rival[g]])   # the smallest margin
    r = rival[g]
    words = np.flatnonzero(member[g])
    elsewhere = []
    for w in words:
        means = [float(cos[w, member[h] & (np.arange(V) != w)].mean()) if (member[h] & (np.arange(V) != w)).any()
                 else -np.inf for h in range(G)]
        best = int(np.argmax(means))
        if best != g:
            elsewhere.append(f"{corpus.vocab[w]} → {corpus.groups[best]}")
    ctx_own = {h: block_mean(ctx, h, h) for h in sized}
    next_g = min((h for h in sized if h != g), key=lambda h: ctx_own[h], default=g)
    return dict(ps_group=corpus.groups[g], ps_rival=corpus.groups[r], ps_own=float(block[g, g]),
                ps_rival_cos=float(block[g, r]), ps_loses=bool(block[g, r] > block[g, g]),
                ps_n_words=int(len(words)), ps_n_elsewhere=len(elsewhere), ps_elsewhere=", ".join(elsewhere) or "none",
                ps_ctx_own=ctx_own[g], ps_ctx_next=ctx_own[next_g], ps_ctx_next_group=corpus.groups[next_g],
                ps_ctx_lowest=bool(all(ctx_own[g] < ctx_own[h] for h in sized if h != g)))
