"""The command line at scale (issue 27): neighbours by blocks (memory linear in V, the book's
numbers unchanged), and a recipe this machine cannot run refused before training.
Time and memory at V ≈ 20,000 are measured by benchmarks/scale.py."""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
import pytest

from w2v import cli
from w2v.analysis import nearest_neighbors, normalize_rows

from tiny_corpus import write_tiny


def full_matrix_neighbors(W: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The reference: the whole V × V cosine matrix at once, np.partition and a stable sort (what
    the record used before it worked by blocks)."""
    unit = normalize_rows(W)
    cos = unit @ unit.T
    np.fill_diagonal(cos, -np.inf)
    V = len(cos)
    kth_best = np.partition(cos, V - k, axis=-1)[:, V - k, None]
    ids = np.empty((V, k), dtype=np.int64)
    for row in range(V):
        tied = np.flatnonzero(cos[row] >= kth_best[row])
        ids[row] = np.sort(tied[np.argsort(-cos[row, tied], kind="stable")[:k]])
    top = np.take_along_axis(cos, ids, axis=-1)
    order = np.argsort(-top, axis=-1, kind="stable")
    return np.take_along_axis(ids, order, axis=-1), np.take_along_axis(top, order, axis=-1)


def test_the_book_run_records_the_full_matrix_neighbours(book_run):
    k = book_run.neighbors.shape[-1]
    for c, W in enumerate(book_run.W_checkpoints):
        ids, cos = full_matrix_neighbors(W, k)
        assert np.array_equal(book_run.neighbors[c], ids) and np.array_equal(book_run.neighbor_cosines[c], cos.astype(np.float32))


@pytest.mark.parametrize("V, D, k, block", [(300, 4, 5, 64), (50, 2, 7, 7), (40, 3, 39, 16), (2, 2, 1, 1)])
def test_blocks_find_the_same_neighbours(V, D, k, block):
    rng = np.random.default_rng(V)
    for W in (rng.standard_normal((V, D)), rng.integers(-1, 2, (V, D)).astype(float)):  # the second has ties
        ids, cos = nearest_neighbors(W, k, block=block)
        ref_ids, ref_cos = full_matrix_neighbors(W, k)
        assert np.allclose(cos, ref_cos, atol=1e-12)  # a block's product may round its last bit differently
        same_place = np.isclose(np.sort(cos, axis=-1), np.sort(ref_cos, axis=-1), atol=1e-12).all(axis=-1)
        assert np.array_equal(ids[same_place], ref_ids[same_place])


def test_neighbours_never_hold_a_vocabulary_squared_matrix():
    V, D = 8_000, 8
    W = np.random.default_rng(0).standard_normal((V, D))
    tracemalloc.start()
    nearest_neighbors(W, 5)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 64 * 2**20, f"{peak / 2**20:.0f} MB (a V × V float64 matrix is {V * V * 8 / 2**20:.0f} MB)"


@pytest.mark.parametrize("argv", [["--steps", str(10**12)], ["--dim", str(10**8)], ["--steps", str(10**8)]])
def test_a_recipe_that_cannot_fit_is_refused_before_training(tmp_path, capsys, argv):
    folder = write_tiny(tmp_path / "c")
    started = time.perf_counter()
    code = cli.main(["train", *argv, "--corpus", str(folder), "--cache-dir", str(tmp_path / "cache")])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"w2v train: error: {folder / 'train.toml'}: this recipe (steps ") and " GB of memory (" in err
    assert err.rstrip().endswith("hours; lower steps or dim")
    assert time.perf_counter() - started < 30 and not (tmp_path / "cache").exists()
