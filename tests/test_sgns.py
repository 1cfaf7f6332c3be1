"""Negative sampling (w2v.sgns) and the comparison with gensim (w2v.peers).

The NumPy step is held to torch autograd on SkipGramNS, as tests/test_step.py holds the softmax
step; a recorded SGNS run is replayed bit for bit from its seed; gensim's rows come from real
gensim runs on the same sentences.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from tiny_corpus import write_tiny
from w2v import peers
from w2v.corpus import load_corpus, pairs
from w2v.sgns import SkipGramNS, draw_negatives, multiply_adds, noise_distribution, sgns_step
from w2v.step import training_step
from w2v.train import load_config, train_or_load

TOL = 1e-6


@pytest.fixture(scope="module")
def sgns_run(tmp_path_factory):
    folder = write_tiny(tmp_path_factory.mktemp("tiny"))
    (folder / "train.toml").write_text((folder / "train.toml").read_text() + "negatives = 3\n")
    return train_or_load(folder, tmp_path_factory.mktemp("cache"))


def autograd_step(W, W_out, center, context, negatives, lr):
    torch.manual_seed(0)
    model = SkipGramNS(*W.shape)
    with torch.no_grad():
        model.W.copy_(torch.from_numpy(W))
        model.W_out.copy_(torch.from_numpy(W_out))
    loss = model(torch.tensor([center]), torch.tensor([context]), torch.from_numpy(np.asarray(negatives, dtype=np.int64)[None]))
    loss.backward()
    return loss.item(), model.W.grad.numpy(), model.W_out.grad.numpy()


@pytest.mark.parametrize("seed", range(12))
def test_step_matches_autograd(seed):
    rng = np.random.default_rng(seed)
    V, D, k = 20, 6, 1 + seed % 5
    W = rng.normal(0, 0.5, (V, D)).astype(np.float32)
    W_out = rng.normal(0, 0.5, (D, V)).astype(np.float32)
    center, context = rng.integers(V, size=2)
    negatives = rng.integers(V, size=k)
    if seed % 3 == 0:
        negatives[0] = negatives[-1] = context  # repeats and the context word itself, as a draw can give
    lr = 0.1
    record = sgns_step(W, W_out, int(center), int(context), negatives, lr)
    loss, grad_W, grad_W_out = autograd_step(W, W_out, int(center), int(context), negatives, lr)
    assert abs(record.loss - loss) < TOL
    assert np.allclose(record.grad_W_out, grad_W_out, atol=TOL, rtol=0)
    assert np.allclose(record.grad_h, grad_W[center], atol=TOL, rtol=0)
    assert np.allclose(record.W_out_next, W_out - np.float32(lr) * grad_W_out, atol=TOL, rtol=0)
    assert np.allclose(record.W_next, W - np.float32(lr) * grad_W, atol=TOL, rtol=0)
    # only row `center` of W and only the 1 + k drawn columns of W′ move
    assert set(np.flatnonzero((record.W_next != W).any(axis=1))) <= {int(center)}
    assert set(np.flatnonzero((record.W_out_next != W_out).any(axis=0))) <= set(record.words.tolist())


def test_loss_is_the_objective():
    rng = np.random.default_rng(5)
    W, W_out = rng.normal(size=(10, 4)).astype(np.float32), rng.normal(size=(4, 10)).astype(np.float32)
    r = sgns_step(W, W_out, 2, 3, [4, 5], 0.1)
    sigma = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    expected = -np.log(sigma(W[2] @ W_out[:, 3])) - np.log(sigma(-W[2] @ W_out[:, 4])) \
        - np.log(sigma(-W[2] @ W_out[:, 5]))
    assert abs(r.loss - expected) < 1e-5


def test_negatives_are_deterministic_and_follow_counts_to_the_three_quarters():
    counts = np.array([1, 10, 100, 1000])
    a = draw_negatives(counts, 40_000, 5, seed=7)
    assert np.array_equal(a, draw_negatives(counts, 40_000, 5, seed=7))
    assert not np.array_equal(a, draw_negatives(counts, 40_000, 5, seed=8))
    share = np.bincount(a.ravel(), minlength=4) / a.size
    expected = counts ** 0.75 / (counts ** 0.75).sum()
    assert np.allclose(noise_distribution(counts), expected)
    assert np.allclose(share, expected, atol=0.01)
    assert share[0] > counts[0] / counts.sum()  # the 3/4 power draws rare words more often than counts


def test_sgns_run_replays_bit_for_bit(sgns_run):
    run = sgns_run
    assert run.config.negatives == 3 and run.negatives.shape == (run.config.steps, 3)
    # the same pairs as the softmax recipe with the same seed
    softmax = train_or_load(write_tiny(run.corpus.folder.parent / "softmax"), run.corpus.folder.parent / "c2")
    assert np.array_equal(run.step_pair, softmax.step_pair)
    assert np.array_equal(run.W_checkpoints[0], softmax.W_checkpoints[0])
    assert not np.array_equal(run.W, softmax.W)
    for c, step in enumerate(run.checkpoint_steps):
        W, W_out = run.state_before(int(step))
        assert np.allclose(W, run.W_checkpoints[c], atol=1e-5)
        assert np.allclose(W_out, run.W_out_checkpoints[c], atol=1e-5)
    # every step's recorded loss is the hand step's loss
    W, W_out = run.W_checkpoints[0], run.W_out_checkpoints[0]
    for t in range(run.config.steps):
        record = sgns_step(W, W_out, int(run.centers[t]), int(run.contexts[t]), run.negatives[t], run.config.lr_at(t))
        assert abs(record.loss - run.losses[t]) < 1e-5
        W, W_out = record.W_next, record.W_out_next
    assert np.allclose(W, run.W, atol=1e-5)


def test_sgns_moves_k_plus_one_columns_softmax_moves_all(sgns_run):
    run = sgns_run
    W, W_out = run.state_before(50)
    r = sgns_step(W, W_out, int(run.centers[50]), int(run.contexts[50]), run.negatives[50], run.config.lr_at(50))
    full = training_step(W, W_out, int(run.centers[50]), int(run.contexts[50]), run.config.lr_at(50))
    assert (r.W_out_next != W_out).any(axis=0).sum() <= run.config.negatives + 1
    assert (full.W_out_next != W_out).any(axis=0).all()


def test_negatives_key_is_checked(tmp_path):
    from w2v.corpus import CorpusError

    folder = write_tiny(tmp_path / "c")
    (folder / "train.toml").write_text("negatives = -1\n")
    with pytest.raises(CorpusError, match="negatives"):
        load_config(folder)
    (folder / "train.toml").write_text("negatives = 0\n")
    assert load_config(folder).negatives == 0


def test_multiply_adds():
    assert multiply_adds(96, 8) == 3 * 8 * 96 + 8
    assert multiply_adds(96, 8, 5) == 3 * 8 * 6 + 8
    assert multiply_adds(3_000_000, 300) / multiply_adds(3_000_000, 300, 5) > 400_000


def test_gensim_rows_come_from_real_gensim_runs(tmp_path):
    from gensim.models import Word2Vec

    folder = write_tiny(tmp_path / "c")
    corpus, config = load_corpus(folder), load_config(folder)
    params = peers.gensim_params(corpus, config, 3)
    assert params["epochs"] == round(config.steps / len(pairs(corpus, config.window)))
    W, W_out = peers.gensim_vectors(folder, params, tmp_path / "cache")
    model = Word2Vec(sentences=corpus.sentences, **params)  # trained again, directly: the same vectors
    assert np.array_equal(W[corpus.index["cat"]], model.wv["cat"])
    assert np.array_equal(W_out[:, corpus.index["cat"]], model.syn1neg[model.wv.key_to_index["cat"]])
    again = peers.gensim_vectors(folder, params, tmp_path / "cache")  # from the cache
    assert np.array_equal(again[0], W)
    other = peers.gensim_vectors(folder, peers.gensim_params(corpus, config, 4), tmp_path / "cache")
    assert not np.array_equal(other[0], W)


def test_comparison_table(tmp_path):
    folder = write_tiny(tmp_path / "c")
    table = peers.comparison(folder, seeds=(0, 1), cache_dir=tmp_path / "cache", negatives=(2,))
    assert set(table) == {"softmax", "sgns2", "hs"} | {f"gensim_{v}" for v in peers.GENSIM_VARIANTS}
    for name, entry in table.items():
        assert len(entry["rows"]) == 2
        for metric, s in entry["spread"].items():
            if np.isnan(s["median"]):  # a hierarchical softmax gives a word one vector, no two faces
                assert (name, metric) in {("hs", "two_face"), ("gensim_hs", "two_face")}
                continue
            assert s["min"] <= s["median"] <= s["max"], (name, metric)
    assert 0 <= table["softmax"]["spread"]["purity"]["max"] <= 1
    corpus = load_corpus(folder)
    first = peers.gensim_runs(folder, "base", (0,), tmp_path / "cache")[0]
    assert table["gensim_base"]["rows"][0] == peers.scores(corpus, *first)
    assert table["gensim_cbow"]["rows"] != table["gensim_base"]["rows"]


def test_step_seconds_times_both_models():
    seconds = peers.step_seconds(12, 4, 3, steps=50, repeats=2)
    assert set(seconds) == {"softmax", "sgns"}
    assert all(0 < s < 1 for s in seconds.values())


def test_gensim_lowers_its_rate_once_per_job_and_never_reaches_min_alpha(tmp_path):
    """On a corpus shorter than one of gensim's jobs, its rate is a staircase, one stair per pass:
    alpha − (alpha − min_alpha)·e/E for pass e of E, so the last pass runs above min_alpha."""
    folder = write_tiny(tmp_path / "tiny")
    corpus, config = load_corpus(folder), load_config(folder)
    params = peers.gensim_params(corpus, config, 0, epochs=4, alpha=0.2, min_alpha=0.02)
    rates = peers.gensim_learning_rates(corpus, params)
    assert rates == pytest.approx([0.2 - 0.18 * e / 4 for e in range(4)])
    assert rates[-1] > 0.02 + 0.04
