"""Analysis: hand-made cases with known answers, and gensim as an independent peer on the real run."""

from __future__ import annotations

import numpy as np
import pytest

from w2v.analysis import (analogy_answer, analogy_diagnostics, analogy_results, analogy_scores, block_contrast, convergence_step,
                          cosine_matrix, cosine_to_final, distance_to_final, nearest_neighbors, neighbor_purity,
                          normalize_rows, purity_per_word, sorted_similarity, summary, two_vector_cosine)

# five words in a plane: 0 → east, 1 → east (twice as long), 2 → north, 3 → north-east, 4 → west
PLANE = np.array([[1, 0], [2, 0], [0, 1], [1, 1], [-1, 0]], dtype=np.float32)
R = np.sqrt(0.5)


# ---------------------------------------------------------------- cosine neighbours

def test_cosine_matrix_by_hand():
    cos = cosine_matrix(PLANE)
    expected = np.array([[1, 1, 0, R, -1], [1, 1, 0, R, -1], [0, 0, 1, R, 0], [R, R, R, 1, -R], [-1, -1, 0, -R, 1]])
    assert np.allclose(cos, expected, atol=1e-12)


def test_nearest_neighbors_by_hand_with_ties_broken_by_id():
    ids, cos = nearest_neighbors(PLANE, 4)
    assert ids.tolist() == [
        [1, 3, 2, 4],   # 1 is the same direction; 2 (0) before 4 (−1)
        [0, 3, 2, 4],
        [3, 0, 1, 4],   # 0, 1 and 4 are all at 0: ties go by id
        [0, 1, 2, 4],   # 0, 1, 2 all at √½: by id
        [2, 3, 0, 1],
    ]
    assert np.allclose(cos[0], [1, R, 0, -1]) and np.allclose(cos[3], [R, R, R, -R])
    ids2, cos2 = nearest_neighbors(PLANE, 2)
    assert np.array_equal(ids2, ids[:, :2]) and np.array_equal(cos2, cos[:, :2])


def test_nearest_neighbors_ignore_length_and_never_self():
    rng = np.random.default_rng(0)
    W = rng.normal(size=(20, 4))
    scaled = W * rng.uniform(0.1, 10, size=(20, 1))
    assert np.array_equal(nearest_neighbors(W, 19)[0], nearest_neighbors(scaled, 19)[0])
    ids, cos = nearest_neighbors(W, 19)
    assert (ids != np.arange(20)[:, None]).all()
    assert (np.diff(cos, axis=1) <= 0).all()
    assert np.array_equal(np.sort(ids, axis=1), np.array([[j for j in range(20) if j != i] for i in range(20)]))



def full_sort_neighbors(W: np.ndarray, k: int) -> np.ndarray:
    """The definition: sort each row by cosine, best first, equal cosines by word id."""
    cos = cosine_matrix(W)
    np.fill_diagonal(cos, -np.inf)
    return np.lexsort((np.broadcast_to(np.arange(len(cos)), cos.shape), -cos), axis=-1)[:, :k]


def test_nearest_neighbors_equal_a_full_sort_even_with_many_ties():
    """Many equal cosines, zero rows, ties at the k-th place. The rows are axis vectors, (±½, ±½,
    ±½, ±½) and zero, times powers of two: every norm and cosine is exact in binary, so equal
    cosines are equal floats whatever kernel BLAS picks (with whole-number vectors, AVX-512
    rounded two equal cosines apart, and the tie went by value)."""
    rng = np.random.default_rng(3)
    axes = np.vstack([np.eye(4), -np.eye(4)])
    halves = np.array([[(s >> b & 1) - 0.5 for b in range(4)] for s in range(16)])
    pool = np.vstack([axes, halves, np.zeros((2, 4))])
    for _ in range(200):
        V = int(rng.integers(2, 25))
        k = int(rng.integers(1, V))
        W = (pool[rng.integers(0, len(pool), V)] * 2.0 ** rng.integers(-3, 4, (V, 1))).astype(np.float32)
        ids, cos = nearest_neighbors(W, k)
        assert np.array_equal(ids, full_sort_neighbors(W, k)), (W, k)
        assert np.array_equal(cos, np.take_along_axis(cosine_matrix(W), ids, axis=-1))


def test_nearest_neighbors_keep_no_V_by_V_array_alive():
    """Results kept per checkpoint must hold (V, k) numbers, not a view into a (V, V) sort."""
    import tracemalloc

    W = np.random.default_rng(0).normal(size=(1_500, 8))
    tracemalloc.start()
    try:
        kept = [nearest_neighbors(W, 5) for _ in range(4)]
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    compact = sum(ids.nbytes + cos.nbytes for ids, cos in kept)
    assert held < 2 * compact + 100_000, f"{held / 1e6:.1f} MB held for {compact / 1e6:.2f} MB of results"
    for ids, cos in kept:
        assert ids.base is None or ids.base.nbytes == ids.nbytes
        assert cos.base is None or cos.base.nbytes == cos.nbytes

def test_normalize_rows_keeps_zero_rows_zero():
    unit = normalize_rows(np.array([[3.0, 4.0], [0.0, 0.0]]))
    assert np.allclose(unit, [[0.6, 0.8], [0, 0]]) and np.isfinite(unit).all()


# ---------------------------------------------------------------- 3CosAdd analogies

def analogy_world():
    """a : b :: c : d with d = b − a + c exactly, plus distractors; rows at very different lengths."""
    a, b, c = np.array([1.0, 0, 0, 0]), np.array([1.0, 1, 0, 0]), np.array([0.0, 0, 1, 0])
    d = b - a + c
    words = [a, b, c, d, np.array([0, 0, 0, 1.0]), np.array([0, 1, 0, 0.3]), np.array([-1.0, 0, 0.2, 0])]
    lengths = np.array([3.0, 0.5, 7.0, 0.2, 1.0, 4.0, 2.0])
    return np.array(words) * lengths[:, None]


def test_analogy_by_hand():
    W = analogy_world()
    assert analogy_answer(W, 0, 1, 2) == 3
    scores = analogy_scores(W, 0, 1, 2)
    assert np.isneginf(scores[[0, 1, 2]]).all()
    unit = W / np.linalg.norm(W, axis=1, keepdims=True)
    target = unit[1] - unit[0] + unit[2]
    brute = unit @ target / np.linalg.norm(target)
    assert np.allclose(scores[3:], brute[3:], atol=1e-12)
    answers, ranks = analogy_results(W, np.array([[0, 1, 2, 3], [0, 1, 2, 5], [0, 1, 2, 0]]))
    assert answers == [3, 3, 3]
    assert ranks[0] == 1
    assert ranks[1] == 1 + int((brute[3:] > brute[5]).sum())
    assert ranks[2] == 5  # a query word scores −inf: every other word (4 of them) ranks above it


def test_analogy_excludes_the_query_words_even_when_they_win():
    # b and c are themselves closest to the target b − a + c here; 3CosAdd must answer word 3
    W = np.array([[1.0, 0, 0], [0, 1, 0], [0.1, 0.1, 1], [0.3, -0.2, 1], [0, -1, 0]])
    unit = normalize_rows(W)
    target = unit[1] - unit[0] + unit[2]
    raw = unit @ target
    assert raw[1] > raw[3] and raw[2] > raw[3]  # without the exclusion, a query word would win
    assert analogy_answer(W, 0, 1, 2) == 3


# ---------------------------------------------------------------- convergence, two vectors, groups

def test_convergence_step_by_hand():
    steps = np.array([0, 10, 20, 30])
    rows = {  # each word's row at the four checkpoints
        0: [(0, 1), (1, 0.5), (1, 0.01), (1, 0)],   # cosine to final: 0, .894, ≈1, 1
        1: [(1, 0), (0, 1), (1, 0), (1, 0)],        # close, leaves at 10, back from 20
        2: [(1, 1), (2, 2), (1, 1), (3, 3)],        # always the same direction
        3: [(0, 1), (0, 1), (0, 1), (1, 0)],        # only the last checkpoint
    }
    W = np.array([rows[w] for w in range(4)], dtype=np.float64).transpose(1, 0, 2)  # (C, V, D)
    assert convergence_step(W, steps).tolist() == [20, 20, 0, 30]
    assert convergence_step(W, steps, threshold=0.85).tolist() == [10, 20, 0, 30]
    assert cosine_to_final(W).shape == distance_to_final(W).shape == (4, 4)
    assert np.allclose(distance_to_final(W)[:, 2], [np.hypot(2, 2), 1 * np.hypot(1, 1), np.hypot(2, 2), 0])


def test_two_vector_cosine_by_hand():
    rng = np.random.default_rng(1)
    W = rng.normal(size=(6, 3))
    assert np.allclose(two_vector_cosine(W, W.T * rng.uniform(0.5, 2, 6)), 1)
    assert np.allclose(two_vector_cosine(W, -W.T), -1)
    W2 = np.array([[1.0, 0], [0, 1], [1, 1]])
    W2_out = np.array([[0.0, 1, 1], [1, 0, -1]])  # columns: (0,1), (1,0), (1,−1)
    assert np.allclose(two_vector_cosine(W2, W2_out), [0, 0, 0])
    assert np.allclose(two_vector_cosine(np.array([[1.0, 0]]), np.array([[1.0], [1.0]])), [R])


def test_block_contrast_by_hand():
    groups = np.array([0, 0, 1, 1])
    assert block_contrast(np.array([[1, 0], [1, 0], [0, 1], [0, 1]]), groups) == pytest.approx(1.0)
    # within: (0,1)=1, (2,3)=0 → ½; between: (0,2)=−1, (0,3)=0, (1,2)=−1, (1,3)=0 → −½
    assert block_contrast(np.array([[1, 0], [2, 0], [-1, 0], [0, 1]]), groups) == pytest.approx(1.0)
    # within: (0,1)=0, (2,3)=1 → ½; between: (0,2)=√½,(0,3)=√½,(1,2)=√½,(1,3)=√½ → √½
    assert block_contrast(np.array([[1, 0], [0, 1], [1, 1], [1, 1]]), groups) == pytest.approx(0.5 - R)
    assert np.isnan(block_contrast(PLANE, np.arange(5)))  # no pair inside a group


def test_sorted_similarity_by_hand():
    groups = np.array([1, 0, 1, 0, 2])
    sim, order = sorted_similarity(PLANE, groups)
    assert order.tolist() == [1, 3, 0, 2, 4]
    cos = cosine_matrix(PLANE)
    assert np.allclose(sim, cos[np.ix_(order, order)])
    assert sim[0, 2] == pytest.approx(1.0)  # word 1 vs word 0, now at positions 0 and 2
    assert np.allclose(np.diag(sim), 1)


def test_neighbor_purity_by_hand():
    groups = np.array([0, 0, 0, 1, 1])
    ids = np.array([[1, 3, 2], [0, 2, 4], [3, 4, 0], [4, 0, 1], [3, 2, 1]])
    assert purity_per_word(ids, groups).tolist() == pytest.approx([2 / 3, 2 / 3, 1 / 3, 1 / 3, 1 / 3])
    assert neighbor_purity(ids, groups) == pytest.approx(7 / 15)
    assert neighbor_purity(ids, groups, k=1) == pytest.approx(4 / 5)


def test_summary_agrees_with_the_record(book_run):
    s = summary(book_run)
    assert s["steps"] == book_run.config.steps
    assert s["final_loss"] == book_run.recent_loss[-1]
    assert s["analogies"] == len(book_run.corpus.analogies) == 5
    assert s["analogies_correct"] == int((book_run.analogy_ranks[-1] == 1).sum())
    assert s["analogies_correct_at_0"] == int((book_run.analogy_ranks[0] == 1).sum())
    groups = book_run.corpus.word_group
    assert s["purity"] == neighbor_purity(nearest_neighbors(book_run.W, 3)[0], groups)
    assert s["block_contrast"] == block_contrast(book_run.W, groups)


# ---------------------------------------------------------------- gensim as a peer

def keyed_vectors(vocab, W):
    from gensim.models import KeyedVectors

    kv = KeyedVectors(vector_size=W.shape[1])
    kv.add_vectors(vocab, W)
    return kv


def test_gensim_neighbours_equal_ours_word_for_word(book_run):
    vocab, k = book_run.corpus.vocab, book_run.neighbors.shape[-1]
    kv = keyed_vectors(vocab, book_run.W)
    ids, _ = nearest_neighbors(book_run.W, k)
    for i, word in enumerate(vocab):
        theirs = [w for w, _ in kv.most_similar(word, topn=k)]
        assert theirs == [vocab[j] for j in ids[i]], word
        assert theirs == [vocab[j] for j in book_run.neighbors[-1, i]], word


def test_gensim_full_rankings_at_every_checkpoint(book_run):
    """Whole rankings (all V − 1 words) at every checkpoint. gensim ranks float32 unit vectors and we
    rank float64 ones, so two words whose cosines differ by less than float32 can resolve (< 1e-6)
    may swap; any other difference is a bug."""
    vocab = book_run.corpus.vocab
    V = len(vocab)
    swaps = 0
    for W in book_run.W_checkpoints:
        kv = keyed_vectors(vocab, W)
        ids, _ = nearest_neighbors(W, V - 1)
        cos = cosine_matrix(W)
        for i, word in enumerate(vocab):
            theirs = [kv.key_to_index[w] for w, _ in kv.most_similar(word, topn=V - 1)]
            assert sorted(theirs) == sorted(ids[i].tolist())
            for n, (t, o) in enumerate(zip(theirs, ids[i])):
                if t != o:
                    swaps += 1
                    assert abs(cos[i, t] - cos[i, o]) < 1e-6, f"{word}: position {n}: gensim {vocab[t]}, ours {vocab[o]}"
    assert swaps < 0.001 * len(book_run.W_checkpoints) * V * (V - 1)


def test_gensim_analogies_equal_ours(book_run):
    vocab = book_run.corpus.vocab
    tests = book_run.corpus.ids_of_analogies()
    for c, W in enumerate(book_run.W_checkpoints):
        kv = keyed_vectors(vocab, W)
        for n, (a, b, cc, d) in enumerate(tests):
            theirs = kv.most_similar(positive=[vocab[b], vocab[cc]], negative=[vocab[a]], topn=1)[0][0]
            ours = analogy_answer(W, a, b, cc)
            assert theirs == vocab[ours], f"checkpoint {c}, test {n}"
            assert book_run.analogy_answers[c, n] == ours


# ---------------------------------------------------------------- what answers an analogy

def square(gender: float, other: float, noise: np.ndarray | None = None) -> np.ndarray:
    """Rows 0–3: a, b = a + gender, c = a + other, d = a + gender + other; rows 4, 5: a word close to
    c and one close to b, so closeness answers something else. Axes: base, gender, other, 2 spare."""
    base = np.array([1.0, 0, 0, 0, 0])
    g, o = gender * np.eye(5)[1], other * np.eye(5)[2]
    rows = np.array([base, base + g, base + o, base + g + o, base + o + 0.05 * np.eye(5)[3],
                     base + g + 0.05 * np.eye(5)[4]])
    return rows if noise is None else rows + noise


def test_analogy_diagnostics_a_parallelogram_is_answered_by_the_offset():
    found = analogy_diagnostics(square(1.0, 1.0), [[0, 1, 2, 3]])
    assert found["right"].tolist() == [[True]] and found["answer"].tolist() == [[3]]
    assert found["nearest_of_c"].tolist() == [[False]] and found["nearest_of_b"].tolist() == [[False]]
    assert found["offset_cos"][0, 0] > 0.9    # on unit rows a parallelogram bends a little
    assert found["by_offset"].tolist() == [True]


def test_analogy_diagnostics_closeness_is_not_the_offset():
    """d is c's twin (gender offset tiny): 3CosAdd is right, but only because d is c's nearest word."""
    W = square(0.02, 1.0)[:4]
    W = np.vstack([W, [[0, 0, 0, 1, 0], [0, 0, 0, 0, 1]]])      # two unrelated words
    found = analogy_diagnostics(W, [[0, 1, 2, 3]])
    assert found["right"][0, 0] and found["nearest_of_c"][0, 0]
    assert not found["by_offset"][0]


def test_analogy_diagnostics_counts_and_medians_over_runs():
    rng = np.random.default_rng(0)
    runs = np.stack([square(1.0, 1.0, 0.01 * rng.normal(size=(6, 5))) for _ in range(4)]
                    + [square(1.0, 1.0, 0.8 * rng.normal(size=(6, 5)))])   # one run of noise
    tests = np.array([[0, 1, 2, 3], [0, 2, 1, 3]])
    found = analogy_diagnostics(runs, tests)
    assert found["right"].shape == (5, 2) and found["offset_cos_median"].shape == (2,)
    assert np.array_equal(found["right_count"], found["right"].sum(axis=0))
    assert np.allclose(found["cos_ac_median"], np.median(found["cos_ac"], axis=0))
    assert (found["right_count"] >= 4).all()
    # the same W, one run alone, gives the same per-run values
    alone = analogy_diagnostics(runs[2], tests)
    assert np.allclose(alone["offset_cos"][0], found["offset_cos"][2])


def test_analogy_diagnostics_verdict_needs_every_condition():
    """Four runs right and one wrong of five is 80%: answered; two wrong is not."""
    good, bad = square(1.0, 1.0), square(1.0, 1.0)[[0, 1, 2, 4, 3, 5]]   # bad: d swapped with c's neighbour
    assert analogy_diagnostics(np.stack([good] * 4 + [bad]), [[0, 1, 2, 3]])["by_offset"][0]
    assert not analogy_diagnostics(np.stack([good] * 3 + [bad] * 2), [[0, 1, 2, 3]])["by_offset"][0]


def test_analogy_diagnostics_never_hold_every_cosine():
    """At V = 3,000 over 5 runs the whole (R, V, V) cosine array was 360 MB (16 GB at V = 20,000:
    the journey's stand-in test on a large text); only the rows of the tests' words are needed."""
    import tracemalloc

    W = np.random.default_rng(0).normal(size=(5, 3_000, 8))
    tests = np.array([[0, 1, 2, 3], [4, 5, 6, 7]])
    tracemalloc.start()
    found = analogy_diagnostics(W, tests)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert found["answer"].shape == (5, 2) and found["cos_ac"].shape == (5, 2)
    assert peak < 50e6, f"{peak / 1e6:.0f} MB"
