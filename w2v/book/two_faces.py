"""The chapter "Two faces of every word" (book/two-faces.md): its exercise answers
(`two_faces_exercises`)."""

from __future__ import annotations

import numpy as np

from .. import analysis, counts
from ..step import step_of_run
from ..train import Run


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
