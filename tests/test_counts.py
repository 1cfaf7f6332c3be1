"""The co-occurrence table, the loss floor, PMI and the count-based baseline (w2v.counts), and the
facts "What the model is fitting" glues from them (w2v.book.counts)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from tiny_corpus import write_tiny
from w2v import counts
from w2v.book import counts as book_counts
from w2v.corpus import load_corpus, pairs
from w2v.model import SkipGram
from w2v.train import load_config, train_or_load


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    folder = write_tiny(tmp_path_factory.mktemp("tiny") / "corpus")
    return train_or_load(folder, tmp_path_factory.mktemp("cache"))


def test_counts_agree_with_the_pair_table(tmp_path):
    corpus = load_corpus(write_tiny(tmp_path / "tiny"))
    for window in (1, 2):
        table = pairs(corpus, window)
        got = counts.cooccurrence(table, corpus.vocab_size)
        assert got.sum() == len(table)
        # every cell by a plain loop over the sentences, the way the window reads them
        want = np.zeros_like(got)
        for sentence in corpus.sentences:
            ids = [corpus.index[w] for w in sentence]
            for i, c in enumerate(ids):
                for j in range(max(0, i - window), min(len(ids), i + window + 1)):
                    if j != i:
                        want[c, ids[j]] += 1
        assert np.array_equal(got, want)
        assert np.array_equal(got, got.T)          # a symmetric window counts both ways
        cond = counts.conditional(got)
        assert np.allclose(cond.sum(axis=1), 1)


def test_conditional_entropy_by_hand():
    # centre 0 sees contexts 1 and 2 equally, centre 1 always sees 0: H = (2/4)·ln 2 + (2/4)·0
    table = np.array([[0, 1, 1], [2, 0, 0], [0, 0, 0]])
    assert counts.conditional_entropy(table) == pytest.approx(0.5 * np.log(2))


def test_the_floor_is_a_lower_bound_of_the_models_mean_loss(tiny_run):
    table = counts.cooccurrence(tiny_run.pairs, tiny_run.corpus.vocab_size)
    floor = counts.conditional_entropy(table)
    rng = np.random.default_rng(0)
    V = tiny_run.corpus.vocab_size
    for W, W_out in [(tiny_run.W, tiny_run.W_out), (tiny_run.W_checkpoints[0], tiny_run.W_out_checkpoints[0]),
                     (rng.normal(size=(V, 4)), rng.normal(size=(4, V)))]:
        loss = counts.pair_loss(W, W_out, table)
        assert floor <= loss
        # the gap is the centre-weighted KL divergence, exactly
        kl = counts.kl_per_word(table, W, W_out)
        assert (kl >= -1e-12).all()
        assert loss - floor == pytest.approx((table.sum(axis=1) * kl).sum() / table.sum())
    # the trained model is closer to the floor than its start, a uniform guess at ln V
    assert counts.pair_loss(tiny_run.W, tiny_run.W_out, table) < np.log(V)
    assert counts.pair_loss(tiny_run.W_checkpoints[0], tiny_run.W_out_checkpoints[0], table) == pytest.approx(np.log(V))


def test_scores_equal_to_log_p_reach_the_floor():
    rng = np.random.default_rng(1)
    table = rng.integers(1, 6, size=(5, 5))
    log_p = np.log(counts.conditional(table))
    # W = log p(o|c) with W_out = identity: the scores are ln p(o | c), the softmax gives p back
    assert counts.pair_loss(log_p, np.eye(5), table) == pytest.approx(counts.conditional_entropy(table))
    assert np.allclose(counts.learned_conditional(log_p, np.eye(5)), counts.conditional(table))


def test_pair_loss_is_the_models_own_loss(tiny_run):
    """The mean of SkipGram's loss over every row of the pair table, computed by the model."""
    V, D = tiny_run.W.shape
    model = SkipGram(V, D)
    with torch.no_grad():
        model.W.copy_(torch.from_numpy(tiny_run.W))
        model.W_out.copy_(torch.from_numpy(tiny_run.W_out))
        centre = torch.from_numpy(tiny_run.pairs[:, 0].astype(np.int64))
        context = torch.from_numpy(tiny_run.pairs[:, 1].astype(np.int64))
        by_model = float(model(centre, context))
    table = counts.cooccurrence(tiny_run.pairs, V)
    assert counts.pair_loss(tiny_run.W, tiny_run.W_out, table) == pytest.approx(by_model, rel=1e-5)


def test_pmi_and_ppmi_by_hand():
    table = np.array([[0, 2, 1], [2, 0, 3], [1, 3, 0]])
    n = table.sum()
    got = counts.pmi(table)
    for c in range(3):
        for o in range(3):
            if table[c, o] == 0:
                assert got[c, o] == -np.inf
            else:
                want = np.log(table[c, o] * n / (table[c].sum() * table[:, o].sum()))
                assert got[c, o] == pytest.approx(want)
    positive = counts.ppmi(table, smoothing=1.0)
    assert (positive >= 0).all() and np.allclose(positive, np.maximum(np.where(table > 0, got, 0), 0))
    # smoothing changes only the context probabilities: with all context counts equal it changes nothing
    even = np.array([[1, 1], [1, 1]])
    assert np.allclose(counts.pmi(even, 0.75), counts.pmi(even, 1.0))


@pytest.mark.parametrize("eigen_weight", [0.0, 0.5, 1.0])
def test_svd_vectors_reproduce_the_ppmi_matrix_at_full_rank(tiny_run, eigen_weight):
    table = counts.cooccurrence(tiny_run.pairs, tiny_run.corpus.vocab_size)
    M = counts.ppmi(table)
    words, contexts = counts.svd_vectors(M, len(M), eigen_weight)
    assert np.allclose(words @ contexts.T, M, atol=1e-10)
    # truncated, it is the best approximation of its rank: the error is the dropped singular values
    low, low_ctx = counts.svd_vectors(M, 3, eigen_weight)
    sigma = np.linalg.svd(M, compute_uv=False)
    assert np.linalg.norm(M - low @ low_ctx.T) == pytest.approx(np.sqrt((sigma[3:] ** 2).sum()))


def test_dim_runs_change_only_the_dimension(tmp_path):
    folder = write_tiny(tmp_path / "tiny")
    own = load_config(folder).dim
    runs = counts.dim_runs(folder, (2, own), tmp_path / "cache")
    assert [r.W.shape[1] for r in runs] == [2, own]
    assert runs[1].key == train_or_load(folder, tmp_path / "cache").key        # the own D is the run itself
    assert dataclasses.replace(runs[0].config, dim=own) == runs[1].config
    facts = counts.dim_facts(runs)
    assert facts["dims"] == [2, own] and all(loss >= facts["floor"] for loss in facts["losses"])


def test_chapter_text_facts(tiny_run, tmp_path):
    import math

    from w2v.book.walkthrough import default_steps
    from w2v.runs import variant
    from w2v.step import step_of_run

    run, V = tiny_run, tiny_run.corpus.vocab_size
    wt = book_counts.walkthrough_pair_facts(run)
    step = step_of_run(run, default_steps(run)[1])
    row = counts.cooccurrence(run.pairs, V)[step.center]
    assert wt["wt_share"] == pytest.approx(row[step.context] / row.sum()) and wt["wt_p"] == pytest.approx(step.p[step.context])

    longer = variant(run.corpus.folder, tmp_path, steps=2 * run.config.steps)
    by_dim = dict(dims=[2, run.config.dim], losses=[5.0, 4.0], floor=3.0)
    text = book_counts.dim_text_facts(by_dim, run.config.dim, longer)
    assert (text["dim_low"], text["loss_mine"], text["gap_high"]) == (2, 4.0, 1.0)
    assert text["closed"] == pytest.approx((4.0 - text["long_loss"]) / 1.0) and text["long_steps"] == 2 * run.config.steps

    base = dict(svd=dict(purity=0.5, analogies=1, nearest_of_c=0, b_plus_c=0, block_contrast=0.2),
                own=dict(purity=0.9, analogies=2, nearest_of_c=1, b_plus_c=0, block_contrast=float("nan")),
                seeds={k: dict(median=v, min=v, max=v) for k, v in
                       dict(purity=0.5, analogies=2, nearest_of_c=1, b_plus_c=0, block_contrast=0.1).items()},
                n_seeds=3)
    table = book_counts.baseline_table(base, 4, 8)
    assert "3CosAdd (of 4)" in table and "3 seeds" in table and "\u2014" in table and "2 (2–2)" in table
    assert book_counts.baseline_verdict(base) == "ahead on block contrast; behind on analogies; level on purity"
    assert not math.isnan(text["long_loss"])


def test_chapter_facts(tiny_run):
    floor = book_counts.floor_facts(tiny_run)
    assert floor["floor"] <= floor["pair_loss"] < floor["ln_V"]
    assert floor["n_pairs"] == len(tiny_run.pairs)
    fit = book_counts.fit_facts(tiny_run)
    assert fit["weighted_kl"] == pytest.approx(floor["pair_loss"] - floor["floor"])
    assert -1 <= fit["correlation"] <= 1 and 0 <= fit["unseen_mass"] <= 100
    word = book_counts.picked_word(tiny_run.corpus)
    assert word == tiny_run.corpus.analogies[0][0]
    pm = book_counts.pmi_facts(tiny_run, word, k=3)
    assert len(pm["predicted"]) == 3 and set(pm["top_pmi"]) <= set(tiny_run.corpus.vocab)
    diag = counts.diagnostics(tiny_run.W, tiny_run.corpus, word)
    assert 0 <= diag["purity"] <= 1 and 0 <= diag["analogies"] <= len(tiny_run.corpus.analogies)
    assert word not in diag["neighbors"] and len(diag["neighbors"]) == 5
