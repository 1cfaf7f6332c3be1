"""The chapter "Two faces of every word" (book/two-faces.md): what its text says of the example word
(`example_facts`), of the two-face cosines (`cosine_facts`), of who pulls on a word's two vectors
(`window_facts`), of the freedom W → W A, W′ → A⁻¹ W′ (`gauge_facts`) and of the two tables'
neighbours (`neighbour_facts`); and its exercise answers (`two_faces_exercises`)."""

from __future__ import annotations

import numpy as np

from .. import analysis, counts
from ..step import step_of_run
from ..train import Run
from .kit import signed


def example_facts(run: Run) -> dict:
    """The chapter's example: the most frequent word of the group the figures show first, and at
    how many steps it is the centre and the context word."""
    corpus = run.corpus
    first_group = corpus.groups[int(corpus.word_group[analysis.group_order(corpus.word_group)[0]])]
    example = max(corpus.words_in_group(first_group), key=lambda w: int(corpus.counts[corpus.index[w]]))
    ex = corpus.index[example]
    return dict(example_group=first_group, example=example, centre_steps=int((run.centers == ex).sum()),
                context_steps=int((run.contexts == ex).sum()))


def cosine_facts(corpus, two_face: np.ndarray) -> dict:
    """The two-face cosines (V,) in the text: the highest and the lowest word, the mean, the median,
    and how many are negative."""
    hi, lo = int(np.argmax(two_face)), int(np.argmin(two_face))
    return dict(most_similar=corpus.vocab[hi], most_similar_cos=signed(two_face[hi]),
                least_similar=corpus.vocab[lo], least_similar_cos=signed(two_face[lo]),
                mean_cos=signed(two_face.mean()), median_cos=signed(np.median(two_face)),
                n_negative=int((two_face < 0).sum()))


def window_facts(run: Run, ex: int) -> dict:
    """Who pulls on a word's two vectors: the share of the pairs inside one group (`mate_share` in
    per cent, `mate_fraction` as a share), the example word `ex`'s commonest neighbours and its
    pairs with group-mates, and the mean score W[w]·W′[:, j] of two words of one group against two
    of different groups (`score_within`, `score_between` as the prose prints them, and their
    difference `score_gap`)."""
    corpus, W, W_out = run.corpus, run.W, run.W_out
    V, word_group = corpus.vocab_size, corpus.word_group
    cooc = counts.cooccurrence(run.pairs[:, :2], V)               # cooc[c, o]: pairs with centre c, context o
    assert (cooc == cooc.T).all()   # the window is symmetric: "the same both ways"
    same_group = word_group[:, None] == word_group[None, :]
    mate_share = float((cooc * same_group).sum() / cooc.sum())   # pairs inside one group
    ex_seen = np.argsort(-cooc[ex], kind="stable")[:3]           # the example's commonest neighbours
    scores = W @ W_out                                           # (V, V) score of j around w
    off = ~np.eye(V, dtype=bool)
    score_within = float(scores[same_group & off].mean())
    score_between = float(scores[~same_group].mean())
    return dict(mate_share=100 * mate_share, mate_fraction=mate_share,
                ex_seen=", ".join(corpus.vocab[j] for j in ex_seen), ex_pairs=int(cooc[ex].sum()),
                ex_mate_pairs=int((cooc[ex] * same_group[ex]).sum()),
                score_within=signed(score_within), score_between=signed(score_between),
                score_gap=score_within - score_between)


def imbalance(W: np.ndarray, W_out: np.ndarray) -> float:
    """The largest ratio between matching singular values of W and W′ (1 = balanced)."""
    a, b = np.linalg.svd(W, compute_uv=False), np.linalg.svd(W_out, compute_uv=False)
    return float(np.exp(np.abs(np.log(a / b)).max()))


def gauge_facts(W: np.ndarray, W_out: np.ndarray, two_face: np.ndarray) -> dict:
    """Any invertible A leaves every score unchanged: W → W A, W′ → A⁻¹ W′ (A a fixed, arbitrary
    matrix). The mean two-face cosine then (`mean_cos_A`, and how far it moved, `mean_cos_shift`),
    the words whose self-score W[w]·W′[:, w] is negative (the sign of a two-face cosine, which A
    keeps), and how unbalanced the singular values of the two tables are, before and after."""
    D = W.shape[1]
    A = np.random.default_rng(0).normal(size=(D, D))       # a fixed, arbitrary invertible matrix
    W_A, W_out_A = W @ A, np.linalg.solve(A, W_out)
    assert np.allclose(W_A @ W_out_A, W @ W_out, atol=1e-3)
    two_face_A = analysis.two_vector_cosine(W_A, W_out_A)
    # the sign of each cosine is the sign of the word's self-score W[w]·W′[:, w], which A keeps
    self_score = np.einsum("vd,dv->v", W, W_out)
    assert np.array_equal(np.sign(two_face), np.sign(self_score))
    assert np.array_equal(np.sign(two_face_A), np.sign(self_score))
    return dict(mean_cos_A=signed(two_face_A.mean()), mean_cos_shift=float(abs(two_face_A.mean() - two_face.mean())),
                n_self_negative=int((self_score < 0).sum()),
                imbalance_run=imbalance(W, W_out), imbalance_A=imbalance(W_A, W_out_A))


def neighbour_facts(run: Run, ex: int, near_W: np.ndarray, near_W_out: np.ndarray, predicted: np.ndarray, k: int,
                    k_purity: int = 3) -> dict:
    """The example word `ex`'s neighbours in W (`near_W`) and in W′ (`near_W_out`), the words the
    model predicts around it (`predicted`) and the `k` seen beside it most, with how many the last two
    share; the neighbour purity of both tables (in per cent, and as shares `purity_W_share`,
    `purity_W_out_share`); and a word as its own neighbour: how many words ever stand in their own
    window, the example's rank of itself, the median rank, and the median rank of the words that
    never do (`self_rank_median_unpaired`)."""
    corpus, W, W_out = run.corpus, run.W, run.W_out
    V = corpus.vocab_size

    def words(ids):
        return ", ".join(corpus.vocab[j] for j in ids)

    pairs = run.pairs
    seen = np.bincount(pairs[pairs[:, 0] == ex, 1], minlength=V)
    seen_top = np.argsort(-seen, kind="stable")[:k]
    purity_W = analysis.neighbor_purity(near_W, corpus.word_group, k_purity)
    purity_W_out = analysis.neighbor_purity(near_W_out, corpus.word_group, k_purity)
    # A word as its own neighbour: its score W[w]·W′[:, w] against the pairs it has with itself
    self_pairs = np.diag(counts.cooccurrence(pairs[:, :2], V))   # (V,) times a word stood in its own window
    all_scores = W @ W_out                                       # (V, V) score of j around w
    self_rank = 1 + (all_scores > np.diag(all_scores)[:, None]).sum(axis=1)   # 1 = predicted first
    return dict(k=k, near_W=words(near_W[ex]), near_W_out=words(near_W_out[ex]), predicted=words(predicted),
                seen=words(seen_top), overlap=len(set(predicted.tolist()) & set(seen_top.tolist())),
                k_purity=k_purity, purity_W=100 * purity_W, purity_W_out=100 * purity_W_out,
                purity_W_share=purity_W, purity_W_out_share=purity_W_out,
                n_self_words=int((self_pairs > 0).sum()), self_rank_example=int(self_rank[ex]),
                self_rank_median=float(np.median(self_rank)),
                self_rank_median_unpaired=float(np.median(self_rank[self_pairs == 0])))


def two_faces_exercises(run: Run, wide: Run, word: str) -> dict:
    """The exercises of "Two faces of every word": the bars of the two-face chart right of zero
    and the group of the top bar, the length of two column moves of W′ at the first step with
    `word` in the centre, by hand and as the run made them, the share of group-mate pairs and
    the median two-face cosine with a wider window (`wide`, the recipe with only `window` raised), and the
    neighbour purity of W + W′ against W and W′ alone."""
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
