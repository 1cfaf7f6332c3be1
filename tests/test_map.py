"""The map (w2v.analysis.embedding_map, two_table_map and their facts; w2v.book.figures.maps): the plane is
orthonormal, its shares are true shares of variance, every checkpoint is seen in the same plane
with no sign flip between frames, the two-table map is one PCA of both tables, and the figures
carry the run's data."""

from __future__ import annotations

import numpy as np
import pytest

from w2v import analysis
from w2v.analysis import (embedding_map, map_axes, map_facts, normalize_rows, offset_cosines,
                          plane_neighbor_purity, two_table_facts, two_table_map, variance_share)
from w2v.book.figures.maps import embedding_map as map_figure
from w2v.book.figures.maps import two_table_map as two_table_figure


def cloud(seed: int = 0, n: int = 40, d: int = 6) -> np.ndarray:
    """Points with a clear first and second axis: spreads 5, 2, then 1 and less."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)) * np.array([5, 2, 1, 0.5, 0.3, 0.2])[:d]


# ---------------------------------------------------------------- the plane

def test_axes_are_orthonormal_and_shares_are_decreasing_fractions():
    axes, share = map_axes(cloud())
    assert axes.shape == (6, 2)
    np.testing.assert_allclose(axes.T @ axes, np.eye(2), atol=1e-12)
    assert np.all((share >= 0) & (share <= 1)) and share[0] >= share[1] and share.sum() <= 1


def test_axes_are_the_principal_axes():
    X = cloud()
    axes, share = map_axes(X)
    # the first axis is (up to sign) the direction of the largest spread, here the first coordinate
    assert abs(axes[0, 0]) > 0.99 and abs(axes[1, 1]) > 0.99
    centred = X - X.mean(0)
    eig = np.linalg.eigvalsh(centred.T @ centred)[::-1]
    np.testing.assert_allclose(share, eig[:2] / eig.sum(), rtol=1e-10)
    # and the share of the plane is the sum of the two axes' shares
    assert variance_share(X, axes) == pytest.approx(share.sum())


def test_axes_have_a_fixed_sign():
    X = cloud()
    axes, _ = map_axes(X)
    flipped, _ = map_axes(-X)    # the same cloud mirrored: the sign rule mirrors the axes too
    np.testing.assert_allclose(flipped, -axes, atol=1e-12)
    scores = (X - X.mean(0)) @ axes
    far = np.argmax(np.abs(scores), axis=0)
    assert np.all(scores[far, [0, 1]] > 0)    # the furthest point lies on the positive side


def test_variance_share_of_an_unrelated_plane():
    X = cloud()
    axes = np.eye(6)[:, 4:6]         # the two smallest directions
    assert 0 <= variance_share(X, axes) < 0.05
    assert variance_share(np.ones((5, 6)), axes) == 0.0    # no spread at all


# ---------------------------------------------------------------- frames

def drifting(seed: int = 0, C: int = 8) -> np.ndarray:
    """(C, V, D) checkpoints that converge onto a final cloud, with the axes' SVD sign free to flip."""
    rng = np.random.default_rng(seed)
    final = cloud(seed)
    return np.stack([final * (1 + c) / C + rng.normal(scale=0.05, size=final.shape) * (C - c) for c in range(C)])


def test_every_checkpoint_is_seen_in_the_final_plane():
    Ws = drifting()
    m = embedding_map(Ws)
    C, V, _ = Ws.shape
    assert m["coords"].shape == (C, V, 2) and m["share"].shape == (C,)
    axes, axis_share = map_axes(normalize_rows(Ws[-1]))
    np.testing.assert_allclose(m["axes"], axes)
    np.testing.assert_allclose(m["axis_share"], axis_share)
    assert m["share"][-1] == pytest.approx(axis_share.sum())
    assert np.all((m["share"] >= 0) & (m["share"] <= 1))
    unit = normalize_rows(Ws)
    np.testing.assert_allclose(m["coords"], (unit - unit.mean(1, keepdims=True)) @ axes, atol=1e-12)


def test_frames_are_aligned_no_flip_between_checkpoints():
    """Consecutive frames of a slowly drifting run: each axis correlates positively with the next
    frame's. (Here a frame fitted on its own plane, with SVD's free sign, flips twice.)"""
    m = embedding_map(drifting())
    for a, b in zip(m["coords"][:-1], m["coords"][1:]):
        for axis in range(2):
            assert np.corrcoef(a[:, axis], b[:, axis])[0, 1] > 0.5
    # the check can fail: frames each fitted on their own plane (plain SVD signs) do flip here
    own = []
    for frame in normalize_rows(drifting()):
        centred = frame - frame.mean(0)
        own.append(centred @ np.linalg.svd(centred)[2][:2].T)
    flips = sum(np.corrcoef(a[:, axis], b[:, axis])[0, 1] < 0 for a, b in zip(own[:-1], own[1:]) for axis in range(2))
    assert flips > 0


def test_book_run_frames_are_aligned(book_run):
    m = embedding_map(book_run.W_checkpoints)
    C = len(book_run.checkpoint_steps)
    np.testing.assert_allclose(m["axes"].T @ m["axes"], np.eye(2), atol=1e-10)
    assert np.all((m["share"] >= 0) & (m["share"] <= 1)) and m["axis_share"][0] >= m["axis_share"][1]
    # from a quarter of the way on, each frame agrees with the next on both axes' directions
    for c in range(C // 4, C - 1):
        for axis in range(2):
            assert np.corrcoef(m["coords"][c, :, axis], m["coords"][c + 1, :, axis])[0, 1] > 0.5


# ---------------------------------------------------------------- facts

def test_offset_cosines_by_hand():
    X = np.array([[0, 0], [1, 0], [0, 1], [1, 1], [0, 2]], dtype=float)
    tests = np.array([[0, 1, 2, 3], [0, 1, 2, 4], [1, 0, 2, 3]])
    np.testing.assert_allclose(offset_cosines(X, tests), [1, 0, -1], atol=1e-12)


def test_plane_neighbor_purity_by_hand():
    coords = np.array([[0, 0], [0.1, 0], [5, 5], [5.1, 5]])
    assert plane_neighbor_purity(coords, np.array([0, 0, 1, 1]), k=1) == 1.0
    assert plane_neighbor_purity(coords, np.array([0, 1, 0, 1]), k=1) == 0.0


def test_map_facts_of_the_book_run(book_run):
    f = map_facts(book_run)
    m = embedding_map(book_run.W_checkpoints)
    assert f["map_share_end"] == pytest.approx(100 * m["share"][-1])
    assert f["map_share_end"] == pytest.approx(f["map_axis_1"] + f["map_axis_2"])
    assert f["map_share_peak"] == pytest.approx(100 * m["share"].max())
    assert f["map_share_peak"] >= f["map_share_end"]
    assert f["map_random_share"] == 100 * 2 / book_run.W.shape[1]
    tests = book_run.corpus.ids_of_analogies()
    cos = offset_cosines(normalize_rows(book_run.W), tests)
    assert f["map_parallel_cos"] == pytest.approx(cos.max()) and f["map_broken_cos"] == pytest.approx(cos.min())


def test_two_table_map_is_one_pca_of_both_tables(book_run):
    W, W_out = book_run.W, book_run.W_out
    m = two_table_map(W, W_out)
    V = len(W)
    both = np.concatenate([normalize_rows(W), normalize_rows(W_out.T)])
    axes, share = map_axes(both)
    np.testing.assert_allclose(np.concatenate([m["coords_W"], m["coords_W_out"]]),
                               (both - both.mean(0)) @ axes, atol=1e-10)
    assert m["coords_W"].shape == m["coords_W_out"].shape == (V, 2)
    assert m["share"] == pytest.approx(share.sum()) and 0 < m["share"] <= 1
    f = two_table_facts(W, W_out)
    assert 0 <= f["two_map_own_nearest"] <= V


def test_the_invariance_the_two_faces_caveat_states(book_run):
    """W → WA and W′ → A⁻¹W′ change the tables (and their map) but no score: what the chapter says."""
    W, W_out = book_run.W.astype(np.float64), book_run.W_out.astype(np.float64)
    A = np.random.default_rng(1).normal(size=(W.shape[1],) * 2)
    np.testing.assert_allclose((W @ A) @ (np.linalg.inv(A) @ W_out), W @ W_out, atol=1e-8)
    assert not np.allclose(two_table_map(W @ A, np.linalg.inv(A) @ W_out)["coords_W"],
                           two_table_map(W, W_out)["coords_W"], atol=1e-3)


# ---------------------------------------------------------------- figures

def test_map_figure_carries_the_run(book_run):
    run = book_run
    m = embedding_map(run.W_checkpoints)
    layout = map_figure(run.corpus, run.checkpoint_steps, m["coords"], m["axis_share"], m["share"],
                        run.neighbors, run.analogy_answers)
    points = layout.select_one({"name": "map-points"}).data
    np.testing.assert_allclose(points["x"], m["coords"][-1, :, 0], atol=1e-4)
    assert points["word"] == list(run.corpus.vocab)
    w = 0
    assert points["nb"][w] == ", ".join(run.corpus.vocab[i] for i in run.neighbors[-1, w, :3])
    slider = layout.select_one({"name": "map-slider"})
    assert (slider.start, slider.end, slider.value) == (0, len(run.checkpoint_steps) - 1, len(run.checkpoint_steps) - 1)


def test_map_over_its_budget_draws_the_frequent_and_the_test_words_and_says_so(book_run):
    """At V = 4,384 words of real text the map's script was 2.1 MB compressed (every word at 31
    checkpoints) and the journey transferred 4.18 MB; above its budget the map draws the most
    frequent words and every word of an analogy test or answer, and the caption says so."""
    from w2v.book.figures.maps import map_rule, map_words

    run, corpus = book_run, book_run.corpus
    assert map_words(corpus, run.analogy_answers).tolist() == list(range(corpus.vocab_size))   # the book's: all
    assert map_rule(corpus, map_words(corpus, run.analogy_answers)) == ""
    shown = map_words(corpus, run.analogy_answers, budget=20)
    frequent = np.argsort(-corpus.counts, kind="stable")[:20]
    needed = set(frequent) | set(corpus.ids_of_analogies().ravel()) | set(run.analogy_answers.ravel())
    assert set(shown.tolist()) == {int(i) for i in needed} and len(shown) < corpus.vocab_size
    assert map_rule(corpus, shown).startswith(f" Only {len(shown):,} of the {corpus.vocab_size:,} words are drawn")
    m = embedding_map(run.W_checkpoints)
    layout = map_figure(corpus, run.checkpoint_steps, m["coords"], m["axis_share"], m["share"],
                        run.neighbors, run.analogy_answers, shown=shown)
    points = layout.select_one({"name": "map-points"}).data
    assert points["word"] == [corpus.vocab[i] for i in shown]
    np.testing.assert_allclose(points["x"], m["coords"][-1, shown, 0], atol=1e-4)
    # the page script's tests and answers are positions among the points drawn, each the same word
    update = layout.select_one({"name": "map-slider"}).js_property_callbacks["change:value"][0]
    tests, answers = np.array(update.args["tests"]), np.array(update.args["answers"])
    assert [points["word"][i] for i in tests] == [corpus.vocab[i] for i in corpus.ids_of_analogies().ravel()]
    assert [points["word"][i] for i in answers] == [corpus.vocab[i] for i in run.analogy_answers.ravel()]
    assert len(update.args["coords"]) == len(run.checkpoint_steps) * len(shown) * 2

def test_two_table_figure_joins_each_words_two_points(book_run):
    m = two_table_map(book_run.W, book_run.W_out)
    layout = two_table_figure(book_run.corpus, m["coords_W"], m["coords_W_out"], m["axis_share"])
    links = layout.select_one({"name": "two-faces-map-links"}).data
    np.testing.assert_allclose(links["x0"], m["coords_W"][:, 0], atol=1e-4)
    np.testing.assert_allclose(links["y1"], m["coords_W_out"][:, 1], atol=1e-4)
