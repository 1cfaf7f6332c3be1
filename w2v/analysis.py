"""What the trained vectors say: neighbours, analogies, groups, convergence, the two vectors.

All functions take plain arrays (W is (V, D), W_out is (D, V)) so they work on any checkpoint.
"""

from __future__ import annotations

import numpy as np

CONVERGED_COSINE = 0.95  # a word has converged once its row stays this close to its final row


def normalize_rows(M: np.ndarray) -> np.ndarray:
    M = np.asarray(M, dtype=np.float64)
    norms = np.linalg.norm(M, axis=-1, keepdims=True)
    return M / np.where(norms == 0, 1, norms)


def cosine_matrix(W: np.ndarray) -> np.ndarray:
    """(V, V) cosine similarity of every pair of rows. Shown in "Inside the weights"."""
    unit = normalize_rows(W)
    return unit @ unit.T


NEIGHBOR_BLOCK = 256  # rows of the cosine matrix held at once: memory grows with V, never V × V
NEIGHBOR_CHUNK = 64   # a row's columns fall into groups of this many; only the best groups are searched


def nearest_neighbors(W: np.ndarray, k: int, block: int = NEIGHBOR_BLOCK) -> tuple[np.ndarray, np.ndarray]:
    """Each word's k most cosine-similar other words: ids (V, k) and cosines (V, k).

    Ties are broken by word id, so the answer is deterministic. Shown in "Training journey".
    The cosines are computed `block` rows at a time into one reused buffer (a fresh V × V matrix
    was 3.2 GB at V = 20,000, and allocating it cost more than the product).
    """
    unit = normalize_rows(W)
    V = len(unit)
    width = -(-V // NEIGHBOR_CHUNK) * NEIGHBOR_CHUNK  # padded to whole groups; the padding scores −inf
    columns = np.zeros((width, unit.shape[1]))
    columns[:V] = unit
    ids = np.empty((V, k), dtype=np.int64)
    top = np.empty((V, k), dtype=np.float64)
    buffer = np.empty((min(block, V), width), dtype=np.float64)
    for start in range(0, V, block):
        stop = min(start + block, V)
        cos = np.matmul(unit[start:stop], columns.T, out=buffer[: stop - start])
        cos[:, V:] = -np.inf
        cos[np.arange(stop - start), np.arange(start, stop)] = -np.inf  # a word is not its own neighbour
        ids[start:stop], top[start:stop] = _best_in_rows(cos, k)
    return ids, top


def _best_in_rows(cos: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k best of each row, best first; equal cosines in id order, and at a tie for the k-th
    place the lower ids win.

    A row's columns fall into groups (column j is in group j mod G); the k + 1 best of a row lie
    in the k + 1 groups with the highest maxima (a group left out has k + 1 better values
    elsewhere), so only those groups are searched: one elementwise pass of maxima, no selection
    over the whole row."""
    rows, width = cos.shape
    n_groups = width // NEIGHBOR_CHUNK
    want = min(k + 1, n_groups)
    group_max = cos.reshape(rows, NEIGHBOR_CHUNK, n_groups).max(axis=1)  # (rows, G): contiguous maxima
    if want < n_groups:
        best_groups = np.argpartition(-group_max, want - 1, axis=-1)[:, :want]
    else:
        best_groups = np.broadcast_to(np.arange(n_groups), (rows, n_groups))
    columns = (best_groups[:, :, None] + n_groups * np.arange(NEIGHBOR_CHUNK)).reshape(rows, -1)
    values = np.take_along_axis(cos, columns, axis=-1)  # more than k + 1 columns: (k + 1) · 64 or the row
    chosen = np.argpartition(-values, k, axis=-1)[:, : k + 1]  # the k + 1 best, in any order
    best = np.take_along_axis(values, chosen, axis=-1)
    order = np.argsort(-best, axis=-1, kind="stable")
    best, chosen = np.take_along_axis(best, order, axis=-1), np.take_along_axis(chosen, order, axis=-1)
    tied = best[:, k - 1] == best[:, k]
    ids = np.sort(np.take_along_axis(columns, chosen[:, :k], axis=-1), axis=-1)
    for row in np.flatnonzero(tied):  # a tie at the k-th place: every tied word competes, lower ids win
        candidates = np.flatnonzero(cos[row] >= best[row, k - 1])
        ids[row] = np.sort(candidates[np.argsort(-cos[row, candidates], kind="stable")[:k]])
    top = np.take_along_axis(cos, ids, axis=-1)
    order = np.argsort(-top, axis=-1, kind="stable")  # best first; equal cosines stay in id order
    return np.take_along_axis(ids, order, axis=-1), np.take_along_axis(top, order, axis=-1)


def analogy_scores(W: np.ndarray, a: int, b: int, c: int) -> np.ndarray:
    """3CosAdd: cosine of every word to b − a + c on unit rows; the three query words get −inf."""
    unit = normalize_rows(W)
    target = unit[b] - unit[a] + unit[c]
    scores = unit @ (target / np.linalg.norm(target))
    scores[[a, b, c]] = -np.inf
    return scores


def analogy_answer(W: np.ndarray, a: int, b: int, c: int) -> int:
    """The word id the vectors answer for a : b :: c : ?"""
    return int(np.argmax(analogy_scores(W, a, b, c)))


def analogy_results(W: np.ndarray, tests: np.ndarray) -> tuple[list[int], list[int]]:
    """For each test (a, b, c, d): the model's answer and the rank of d (1 = correct)."""
    answers, ranks = [], []
    for a, b, c, d in tests:
        scores = analogy_scores(W, a, b, c)
        answers.append(int(np.argmax(scores)))
        ranks.append(int((scores > scores[d]).sum()) + 1)
    return answers, ranks


def baseline_answers(W: np.ndarray, tests: np.ndarray) -> dict[str, np.ndarray]:
    """(A,) answer ids of 3CosAdd and of the two baselines of Linzen (2016), on the same vectors.

    ``nearest_of_c``: the nearest neighbour of c, ignoring a and b (what c alone would answer);
    ``b_plus_c``: the nearest word to b + c, ignoring a. The query words a, b, c are excluded from
    every answer, as in 3CosAdd. A score that beats the baselines shows the offset b − a matters.
    Shown in "Training journey".
    """
    unit = normalize_rows(W)
    found = {"three_cos_add": [], "nearest_of_c": [], "b_plus_c": []}
    for a, b, c, _ in np.asarray(tests, dtype=np.int64).reshape(-1, 4):
        for name, target in (("three_cos_add", unit[b] - unit[a] + unit[c]), ("nearest_of_c", unit[c]),
                             ("b_plus_c", unit[b] + unit[c])):
            scores = unit @ target
            scores[[a, b, c]] = -np.inf
            found[name].append(int(np.argmax(scores)))
    return {name: np.array(ids, dtype=np.int64) for name, ids in found.items()}


def baseline_scores(W: np.ndarray, tests: np.ndarray) -> dict[str, int]:
    """How many tests 3CosAdd and each baseline answer right (see `baseline_answers`)."""
    expected = np.asarray(tests, dtype=np.int64).reshape(-1, 4)[:, 3]
    return {name: int((ids == expected).sum()) for name, ids in baseline_answers(W, tests).items()}


# When a test counts as "answered by the offset" over a set of seeds (issue 23): 3CosAdd right in at
# least 80% of the runs, each closeness baseline right in at most 20%, median offset cosine ≥ 0.5.
OFFSET_RIGHT_SHARE, CLOSENESS_SHARE, OFFSET_COSINE = 0.8, 0.2, 0.5


def analogy_diagnostics(W_runs, tests: np.ndarray) -> dict[str, np.ndarray]:
    """What answers each analogy test a : b :: c : d, over one or several runs' W (R, V, D) or (V, D).

    Per run (R,) and test (A,): ``answer`` (3CosAdd's word id), ``right`` (it is d); ``nearest_of_c`` and ``nearest_of_b``
    (the nearest word to c, or to b, is d, with a, b, c excluded: closeness alone would answer);
    ``offset_cos``, cos(b − a, d − c) on unit rows; ``cos_ac`` and ``cos_bd``. Then per test (A,):
    the counts of the three, the medians of the three cosines, and ``by_offset``: right in ≥ 80% of
    runs, each closeness baseline in ≤ 20%, median offset cosine ≥ 0.5. Shown in "Training journey"
    (the scorecard) and printed by benchmarks/seed_spread.py.
    """
    W_runs = np.asarray(W_runs, dtype=np.float64)
    if W_runs.ndim == 2:
        W_runs = W_runs[None]
    a, b, c, d = np.asarray(tests, dtype=np.int64).reshape(-1, 4).T
    unit = normalize_rows(W_runs)                                          # (R, V, D)

    def cos_to_all(ids):                                                   # (A,) -> (R, A, V): rows of the
        return unit[:, ids] @ unit.transpose(0, 2, 1)                      # cosine matrix, never all V × V of it

    def cos_of(x, y):                                                      # (A,), (A,) -> (R, A)
        return np.take_along_axis(cos_to_all(x), y[None, :, None], axis=2)[..., 0]
    query = np.stack([a, b, c], axis=1)                                    # (A, 3) excluded from every answer
    excluded = np.zeros((len(a), W_runs.shape[1]), dtype=bool)
    np.put_along_axis(excluded, query, True, axis=1)

    def answers(scores):                                                   # (R, A, V) -> (R, A)
        return np.argmax(np.where(excluded, -np.inf, scores), axis=-1)

    target = unit[:, b] - unit[:, a] + unit[:, c]                          # (R, A, D)
    answer = answers(np.einsum("rad,rvd->rav", target, unit))
    found = dict(answer=answer, right=answer == d,
                 nearest_of_c=answers(cos_to_all(c)) == d, nearest_of_b=answers(cos_to_all(b)) == d,
                 offset_cos=np.stack([offset_cosines(u, tests) for u in unit]),
                 cos_ac=cos_of(a, c), cos_bd=cos_of(b, d))
    runs = len(W_runs)
    for name in ("right", "nearest_of_c", "nearest_of_b"):
        found[f"{name}_count"] = found[name].sum(axis=0)
    for name in ("offset_cos", "cos_ac", "cos_bd"):
        found[f"{name}_median"] = np.median(found[name], axis=0)
    found["by_offset"] = ((found["right_count"] >= OFFSET_RIGHT_SHARE * runs)
                          & (found["nearest_of_c_count"] <= CLOSENESS_SHARE * runs)
                          & (found["nearest_of_b_count"] <= CLOSENESS_SHARE * runs)
                          & (found["offset_cos_median"] >= OFFSET_COSINE))
    return found


def neighbor_purity(neighbor_ids: np.ndarray, word_group: np.ndarray, k: int = 3) -> float:
    """Mean share of each word's top-k neighbours that sit in its own group."""
    same = word_group[neighbor_ids[:, :k]] == word_group[:, None]
    return float(same.mean())


def purity_per_word(neighbor_ids: np.ndarray, word_group: np.ndarray, k: int = 3) -> np.ndarray:
    return (word_group[neighbor_ids[..., :k]] == word_group[..., None]).mean(axis=-1)


def group_order(word_group: np.ndarray) -> np.ndarray:
    """Word ids sorted by group (stable, so within a group the vocabulary order stays)."""
    return np.argsort(word_group, kind="stable")


def sorted_similarity(W: np.ndarray, word_group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The cosine matrix with rows and columns sorted by group, and that order."""
    order = group_order(word_group)
    return cosine_matrix(W)[np.ix_(order, order)], order


def block_contrast(W: np.ndarray, word_group: np.ndarray) -> float:
    """Mean within-group cosine (self excluded) minus mean between-group cosine."""
    cos = cosine_matrix(W)
    same = word_group[:, None] == word_group[None, :]
    off_diagonal = ~np.eye(len(cos), dtype=bool)
    within = cos[same & off_diagonal]
    between = cos[~same]
    if within.size == 0 or between.size == 0:
        return float("nan")
    return float(within.mean() - between.mean())


def distance_to_final(W_checkpoints: np.ndarray) -> np.ndarray:
    """(C, V) Euclidean distance of each word's row at each checkpoint to its final row."""
    return np.linalg.norm(W_checkpoints - W_checkpoints[-1], axis=-1)


def cosine_to_final(W_checkpoints: np.ndarray) -> np.ndarray:
    """(C, V) cosine of each word's row at each checkpoint to its final row."""
    unit = normalize_rows(W_checkpoints)
    return np.einsum("cvd,vd->cv", unit, unit[-1])


def convergence_step(W_checkpoints: np.ndarray, checkpoint_steps: np.ndarray,
                     threshold: float = CONVERGED_COSINE) -> np.ndarray:
    """(V,) for each word the first checkpoint step after which its row stays at cosine ≥ threshold
    to its final row. Shown in "Training journey"."""
    close = cosine_to_final(W_checkpoints) >= threshold            # (C, V)
    stays = np.flip(np.logical_and.accumulate(np.flip(close, 0), axis=0), 0)  # close from here to the end
    first = np.argmax(stays, axis=0)                                # the final checkpoint always stays
    return np.asarray(checkpoint_steps)[first]


def two_vector_cosine(W: np.ndarray, W_out: np.ndarray) -> np.ndarray:
    """(V,) cosine between each word's centre vector W[w] and its context vector W_out[:, w].
    Shown in "Two faces of every word"."""
    return np.sum(normalize_rows(W) * normalize_rows(W_out.T), axis=-1)


def summary(run) -> dict:
    """The headline outcomes of a run at its final step and at step 0."""
    groups = run.corpus.word_group
    k = min(3, run.neighbors.shape[-1])
    has_groups = run.corpus.has_groups
    return dict(
        steps=run.config.steps,
        seconds=run.seconds,
        final_loss=float(run.recent_loss[-1]),
        analogies_correct=int(run.analogy_correct[-1].sum()),
        analogies_correct_at_0=int(run.analogy_correct[0].sum()),
        analogies=len(run.corpus.analogies),
        purity=neighbor_purity(run.neighbors[-1], groups, k) if has_groups else float("nan"),
        purity_at_0=neighbor_purity(run.neighbors[0], groups, k) if has_groups else float("nan"),
        block_contrast=block_contrast(run.W, groups) if has_groups else float("nan"),
    )


# ---------------------------------------------------------------- the map

def map_axes(X: np.ndarray, n: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """The first `n` principal axes of the rows of X (N, D): axes (D, n), orthonormal, and the
    share of X's variance each holds (n,), largest first.

    Each axis is signed so that the row reaching furthest along it lands on its positive side: an
    SVD may return either sign, and this makes the picture the same on every machine.
    """
    centred = np.asarray(X, dtype=np.float64) - np.mean(X, axis=0)
    _, sing, vt = np.linalg.svd(centred, full_matrices=False)       # vt: (D, D), rows are the axes
    axes = vt[:n].T                                                 # (D, n)
    scores = centred @ axes                                         # (N, n)
    far = np.argmax(np.abs(scores), axis=0)
    axes = axes * np.sign(scores[far, np.arange(n)])
    total = float(np.sum(sing ** 2))
    return axes, (sing[:n] ** 2 / total if total > 0 else np.zeros(n))


def variance_share(X: np.ndarray, axes: np.ndarray) -> float:
    """The share of the variance of the rows of X (N, D) that lies in the plane of `axes` (D, n)."""
    centred = np.asarray(X, dtype=np.float64) - np.mean(X, axis=0)
    total = float(np.sum(centred ** 2))
    return float(np.sum((centred @ axes) ** 2) / total) if total > 0 else 0.0


def embedding_map(W_checkpoints: np.ndarray) -> dict:
    """The 2-D map of the words at every checkpoint: a PCA of the unit rows of W.

    Unit rows, because cosine neighbours and 3CosAdd analogies are computed on unit rows: the map
    shows the vectors those read. (The raw rows also grow several times longer during training,
    which would shrink the first checkpoints to a dot.)

    One plane for every checkpoint, fitted on the final W, rather than each checkpoint's own best
    plane aligned to the next by orthogonal Procrustes: in a fixed plane a word moves on the map
    only when its own vector moves, and the axes can neither flip nor spin between frames. The
    cost is that an early checkpoint is seen in the final plane, not in its own best one; its
    `share` says how much of it that plane holds.

    Returns coords (C, V, 2), each checkpoint's unit rows (minus their mean) in the plane; axes
    (D, 2); axis_share (2,), the share of the final variance on each axis; share (C,), the share
    of each checkpoint's variance in the plane. Shown in "Training journey" (the map).
    """
    unit = normalize_rows(W_checkpoints)                             # (C, V, D)
    axes, axis_share = map_axes(unit[-1])
    centred = unit - unit.mean(axis=1, keepdims=True)
    coords = centred @ axes                                          # (C, V, 2)
    share = np.array([variance_share(frame, axes) for frame in unit])
    return dict(coords=coords, axes=axes, axis_share=axis_share, share=share)


def two_table_map(W: np.ndarray, W_out: np.ndarray) -> dict:
    """One map of both tables: a PCA of the unit rows of W and the unit columns of W′ together.

    Returns coords_W (V, 2), coords_W_out (V, 2), axis_share (2,) of the joint variance, and
    share, the joint variance in the plane. Shown in "Two faces of every word" (the map).
    """
    both = np.concatenate([normalize_rows(W), normalize_rows(np.asarray(W_out).T)])   # (2V, D)
    axes, axis_share = map_axes(both)
    coords = (both - both.mean(axis=0)) @ axes
    V = len(W)
    return dict(coords_W=coords[:V], coords_W_out=coords[V:], axis_share=axis_share,
                share=float(axis_share.sum()))


def offset_cosines(X: np.ndarray, tests: np.ndarray) -> np.ndarray:
    """(A,) for each analogy test (a, b, c, d) the cosine between the offsets X[b] − X[a] and
    X[d] − X[c]: 1 when the two arrows are parallel and point the same way. X is unit rows in D
    dimensions, or their map coordinates. Shown in "Training journey" (the map)."""
    X = np.asarray(X, dtype=np.float64)
    a, b, c, d = np.asarray(tests, dtype=np.int64).reshape(-1, 4).T
    first, second = X[b] - X[a], X[d] - X[c]
    norms = np.linalg.norm(first, axis=-1) * np.linalg.norm(second, axis=-1)
    return np.sum(first * second, axis=-1) / np.where(norms == 0, 1, norms)


def plane_neighbor_purity(coords: np.ndarray, word_group: np.ndarray, k: int = 3) -> float:
    """Neighbour purity on the map: the mean share of each word's k nearest points in the plane
    (Euclidean; ties by word id) that sit in its own group. coords is (V, 2)."""
    coords = np.asarray(coords, dtype=np.float64)
    dist = np.linalg.norm(coords[:, None, :] - coords[None, :, :], axis=-1)
    np.fill_diagonal(dist, np.inf)
    nearest = np.argsort(dist, axis=-1, kind="stable")[:, :k]
    return neighbor_purity(nearest, word_group, k)


def map_facts(run, top: int = 3) -> dict:
    """The numbers "Training journey" states about the map (the map takes shape), as plain values:
    shares of variance in percent, steps, the most and least parallel analogy offsets at the end."""
    m = embedding_map(run.W_checkpoints)
    share, steps = 100 * m["share"], np.asarray(run.checkpoint_steps)
    C = len(steps)
    mid, peak = C // 2, int(np.argmax(share))
    facts = dict(map_share_end=float(share[-1]), map_axis_1=float(100 * m["axis_share"][0]),
                 map_axis_2=float(100 * m["axis_share"][1]), map_share_0=float(share[0]),
                 map_share_mid=float(share[mid]), map_mid_step=int(steps[mid]),
                 map_share_peak=float(share[peak]), map_peak_step=int(steps[peak]),
                 map_random_share=float(200 / run.W.shape[1]), map_top=int(top))
    if run.corpus.has_groups:
        groups = run.corpus.word_group
        facts.update(map_purity_0=100 * plane_neighbor_purity(m["coords"][0], groups, top),
                     map_purity_end=100 * plane_neighbor_purity(m["coords"][-1], groups, top),
                     map_purity_W_end=100 * neighbor_purity(run.neighbors[-1], groups, top))
    tests = run.corpus.ids_of_analogies()
    if len(tests):
        cos = offset_cosines(normalize_rows(run.W), tests)
        best, worst = int(np.argmax(cos)), int(np.argmin(cos))
        alone = baseline_answers(run.W, tests)["nearest_of_c"]
        name = lambda t: "{} : {} :: {} : {}".format(*run.corpus.analogies[t])   # noqa: E731
        facts.update(map_parallel_test=name(best), map_parallel_cos=float(cos[best]),
                     map_broken_test=name(worst), map_broken_cos=float(cos[worst]),
                     map_broken_right=bool(run.analogy_ranks[-1, worst] == 1),
                     map_broken_c_alone=bool(alone[worst] == tests[worst, 3]),
                     map_broken_answer=run.corpus.vocab[int(run.analogy_answers[-1, worst])],
                     map_broken_c=run.corpus.analogies[worst][2],
                     map_broken_nearest_c=run.corpus.vocab[int(alone[worst])])
    return facts


def two_table_facts(W: np.ndarray, W_out: np.ndarray) -> dict:
    """The numbers "Two faces of every word" states about its map: the share of the joint spread
    in the plane, and how many words have their own context vector as the context vector nearest
    (by cosine, in all dimensions) to their centre vector."""
    m = two_table_map(W, W_out)
    cos = normalize_rows(W) @ normalize_rows(np.asarray(W_out).T).T            # (V, V) W[w] · W′[:, j]
    own = int(np.sum(np.argmax(cos, axis=1) == np.arange(len(W))))
    return dict(two_map_share=100 * m["share"], two_map_axis_1=float(100 * m["axis_share"][0]),
                two_map_axis_2=float(100 * m["axis_share"][1]), two_map_own_nearest=own)
