"""The chapter "Inside the weights" (book/weights.md): what its similarity heatmap shows
(`similarity_facts`), its exercise answers (`weights_exercises`) and the oddities its exercises
explain (`closest_pair_contexts`, `palest_square`)."""

from __future__ import annotations

import numpy as np

from .. import analysis, counts
from ..train import Run
from .kit import context_cosines, signed


def similarity_facts(corpus, cos: np.ndarray) -> dict:
    """What the text says of the cosine matrix `cos` (V, V) of the rows of W: the tightest and the
    loosest group (mean cosine of two of its words), how many groups of two or more words have a
    square on the diagonal darker than any other block in its row (`n_wins` of `n_sized`), the two
    groups of the darkest block off the diagonal, and the most similar pair of different words."""
    word_group, V = corpus.word_group, corpus.vocab_size
    other_word = ~np.eye(V, dtype=bool)  # leave out a word with itself
    group_within = {}
    for g, name in enumerate(corpus.groups):
        members = word_group == g
        if members.sum() > 1:
            block = cos[np.ix_(members, members)]
            group_within[name] = float(block[~np.eye(len(block), dtype=bool)].mean())
    tightest = max(group_within, key=group_within.get)
    loosest = min(group_within, key=group_within.get)
    # Block means: block[a, b] is the mean cosine of a word of group a and one of group b.
    G = len(corpus.groups)
    block = np.full((G, G), np.nan)
    for a in range(G):
        for b in range(G):
            pick = np.outer(word_group == a, word_group == b) & other_word
            if pick.any():
                block[a, b] = cos[pick].mean()
    off = block.copy()
    np.fill_diagonal(off, -np.inf)
    best_other = np.argmax(np.nan_to_num(off, nan=-np.inf), axis=1)   # (G,) each row's rival
    has_square = ~np.isnan(np.diag(block))
    diag_wins = has_square & (np.diag(block) > off[np.arange(G), best_other])
    a, b = sorted(np.unravel_index(np.argmax(np.nan_to_num(off, nan=-np.inf)), off.shape))
    pair_cos = np.where(other_word, cos, -np.inf)
    i, j = np.unravel_index(np.argmax(pair_cos), pair_cos.shape)
    return dict(tightest=tightest, tightest_cos=signed(group_within[tightest]),
                loosest=loosest, loosest_cos=signed(group_within[loosest]),
                n_sized=int(has_square.sum()), n_wins=int(diag_wins.sum()),
                rival_a=corpus.groups[a], rival_b=corpus.groups[b], rival_cos=signed(block[a, b]),
                pair_a=corpus.vocab[i], pair_b=corpus.vocab[j], pair_cos=float(cos[i, j]))


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


def weights_exercises(run: Run, seed_runs: list[Run]) -> dict:
    """The exercises of "Inside the weights": the most similar pair's dot product and distances, the
    share of the spread between group means at step 0 against the (G − 1) / (V − 1) expected of
    random rows, and how many of `seed_runs` (w2v.seeds.seed_runs) have the book's tightest group."""
    corpus, W = run.corpus, run.W
    V = corpus.vocab_size
    cos = analysis.cosine_matrix(W)
    np.fill_diagonal(cos, -np.inf)
    a, b = np.unravel_index(int(np.argmax(cos)), cos.shape)
    va, vb = W[a].astype(np.float64), W[b].astype(np.float64)
    groups = corpus.word_group
    G = len(np.unique(groups))
    tight = tightest_group(W, groups)
    same = sum(tightest_group(r.W, groups) == tight for r in seed_runs)
    return dict(
        ex_pair_a=corpus.vocab[a], ex_pair_b=corpus.vocab[b], ex_dot=float(va @ vb),
        ex_norm_a=float(np.linalg.norm(va)), ex_norm_b=float(np.linalg.norm(vb)),
        ex_pair_cos=float(va @ vb / (np.linalg.norm(va) * np.linalg.norm(vb))),
        ex_unit_distance=float(np.linalg.norm(va / np.linalg.norm(va) - vb / np.linalg.norm(vb))),
        ex_distance=float(np.linalg.norm(va - vb)),
        ex_G=int(G), ex_V=int(V), ex_random_share=100 * (G - 1) / (V - 1),
        ex_share_0=100 * group_share(run.W_checkpoints[0], groups),
        ex_share_end=100 * group_share(W, groups),
        ex_tightest=corpus.groups[tight], ex_n_seeds=len(seed_runs), ex_same_tightest=int(same))


# "Explain the oddity": it is picked from the run, so the exercise stays about what this run shows,
# with the numbers from the corpus that explain it.

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
    ctx = context_cosines(run)
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
