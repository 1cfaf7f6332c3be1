"""The hierarchical softmax (w2v.hs): the Huffman tree, the model, one step by hand.

The NumPy step is held to torch autograd on SkipGramHS, as tests/test_sgns.py holds the SGNS
step; the probabilities over the vocabulary sum to 1 for any weights; the tree is word2vec.c's
(a Huffman code: prefix-free, frequent words no deeper than rare ones, the optimal mean length);
a recorded run replays from its seed; gensim's hierarchical softmax is trained on the same text.
"""

from __future__ import annotations

import heapq
import subprocess
import sys

import numpy as np
import pytest
import torch

from tiny_corpus import write_tiny
from w2v import peers
from w2v.corpus import CorpusError, load_corpus
from w2v.hs import SkipGramHS, hs_step, huffman_tree, mean_path_length, word_probabilities
from w2v.train import load_config, train_or_load

TOL = 1e-6
STEP_SEEDS = range(12)


@pytest.fixture(scope="module")
def hs_run(tmp_path_factory):
    folder = write_tiny(tmp_path_factory.mktemp("tiny"))
    (folder / "train.toml").write_text((folder / "train.toml").read_text() + 'softmax = "hierarchical"\n')
    return train_or_load(folder, tmp_path_factory.mktemp("cache"))


def random_counts(rng, V):
    return rng.integers(1, 200, size=V)


def autograd_step(W, W_out, tree, center, context):
    model = SkipGramHS(W.shape[0], W.shape[1], tree)
    with torch.no_grad():
        model.W.copy_(torch.from_numpy(W))
        model.W_out.copy_(torch.from_numpy(W_out))
    loss = model(torch.tensor([center]), torch.tensor([context]))
    loss.backward()
    return loss.item(), model.W.grad.numpy(), model.W_out.grad.numpy()


def step_against_autograd(seed):
    """One random step by hand and by autograd: (the step's record, its inputs, the differences of
    its loss, both gradients and both updated tables)."""
    rng = np.random.default_rng(seed)
    V, D = 5 + 7 * seed, 6
    tree = huffman_tree(random_counts(rng, V))
    W = rng.normal(0, 0.5, (V, D)).astype(np.float32)
    W_out = rng.normal(0, 0.5, (D, V - 1)).astype(np.float32)
    center, context = (int(x) for x in rng.integers(V, size=2))
    lr = 0.1
    record = hs_step(W, W_out, tree, center, context, lr)
    loss, grad_W, grad_W_out = autograd_step(W, W_out, tree, center, context)
    diffs = [abs(record.loss - loss), np.abs(record.grad_W_out - grad_W_out).max(),
             np.abs(record.grad_h - grad_W[center]).max(),
             np.abs(record.W_out_next - (W_out - np.float32(lr) * grad_W_out)).max(),
             np.abs(record.W_next - (W - np.float32(lr) * grad_W)).max()]
    return record, (W, W_out, tree, center, context), diffs


@pytest.mark.parametrize("seed", STEP_SEEDS)
def test_step_matches_autograd(seed):
    record, (W, W_out, tree, center, context), diffs = step_against_autograd(seed)
    assert max(diffs) < TOL, diffs
    # only row `center` of W and only the path's nodes move; every node on the path does
    assert set(np.flatnonzero((record.W_next != W).any(axis=1))) <= {center}
    moved = set(np.flatnonzero((record.W_out_next != W_out).any(axis=0)).tolist())
    assert moved == set(record.nodes.tolist())
    assert len(record.nodes) == tree.depth[context]
    assert np.isclose(record.p_context, np.exp(-record.loss), rtol=1e-5)


def test_largest_difference_is_small():
    largest = max(max(step_against_autograd(seed)[2]) for seed in STEP_SEEDS)
    print(f"\nlargest |hand − autograd| over {len(STEP_SEEDS)} steps: {largest:.3g}")
    assert largest < TOL


@pytest.mark.parametrize("seed", range(6))
def test_probabilities_sum_to_one(seed):
    rng = np.random.default_rng(100 + seed)
    V, D = 2 + 9 * seed, 4
    tree = huffman_tree(random_counts(rng, V))
    W = rng.normal(0, 2.0, (V, D))       # large weights: probabilities far from uniform
    W_out = rng.normal(0, 2.0, (D, V - 1))
    for center in range(V):
        p = word_probabilities(W, W_out, tree, center)
        assert (p > 0).all()
        assert abs(p.sum() - 1) < 1e-12
    # at the start (W_out = 0) every branch is a coin flip: p(o) = 2^−depth(o)
    p0 = word_probabilities(W, np.zeros_like(W_out), tree, 0)
    assert np.allclose(p0, 0.5 ** tree.depth)


def test_probabilities_are_the_models():
    rng = np.random.default_rng(3)
    V, D = 11, 3
    tree = huffman_tree(random_counts(rng, V))
    W, W_out = rng.normal(size=(V, D)).astype(np.float32), rng.normal(size=(D, V - 1)).astype(np.float32)
    p = word_probabilities(W, W_out, tree, 4)
    for o in range(V):
        loss, _, _ = autograd_step(W, W_out, tree, 4, o)
        assert np.isclose(np.exp(-loss), p[o], rtol=1e-5)


def huffman_lengths(counts):
    """Code lengths of a textbook Huffman code (heapq), independent of word2vec.c's two pointers."""
    heap = [(int(c), i, [i]) for i, c in enumerate(counts)]
    heapq.heapify(heap)
    depth = np.zeros(len(counts), dtype=int)
    tie = len(counts)
    while len(heap) > 1:
        c1, _, a = heapq.heappop(heap)
        c2, _, b = heapq.heappop(heap)
        depth[a + b] += 1
        heapq.heappush(heap, (c1 + c2, tie, a + b))
        tie += 1
    return depth


@pytest.mark.parametrize("seed", range(8))
def test_tree_is_a_huffman_code(seed):
    rng = np.random.default_rng(seed)
    V = 2 + 13 * seed
    counts = random_counts(rng, V)
    tree = huffman_tree(counts)
    assert tree.vocab_size == V
    # V − 1 inner nodes, each on some path; the root (V − 2) starts every path
    assert set(np.unique(np.concatenate([tree.path(w)[0] for w in range(V)]))) == set(range(V - 1))
    assert (tree.path_nodes[:, 0] == V - 2).all()
    # every inner node has exactly two children: one on branch 0, one on branch 1
    for n in range(V - 1):
        children = np.flatnonzero(tree.parent == V + n)
        assert sorted(tree.branch[children]) == [0, 1]
    # prefix-free: no word's code is the start of another's
    codes = ["".join(map(str, tree.path(w)[1])) for w in range(V)]
    assert len(set(codes)) == V
    assert not any(a != b and b.startswith(a) for a in codes for b in codes)
    # Kraft: the leaves fill the tree exactly
    assert np.isclose((0.5 ** tree.depth).sum(), 1.0)
    # a more frequent word is never deeper than a rarer one
    for a in range(V):
        assert not ((counts[a] > counts) & (tree.depth[a] > tree.depth)).any()
    # the mean code length is the optimum (any Huffman code's)
    assert (tree.depth * counts).sum() == (huffman_lengths(counts) * counts).sum()
    assert mean_path_length(tree, counts) <= np.log2(V) + 1


def test_tree_of_two_words_and_ties():
    tree = huffman_tree([5, 5])
    assert list(tree.depth) == [1, 1] and sorted(tree.path_codes[:, 0]) == [0, 1]
    assert np.array_equal(huffman_tree([3, 3, 3, 3]).depth, [2, 2, 2, 2])
    with pytest.raises(ValueError):
        huffman_tree([7])


def test_hs_run_replays_and_shares_the_softmax_start(hs_run):
    run = hs_run
    V = run.corpus.vocab_size
    assert run.config.softmax == "hierarchical"
    assert run.W_out.shape == (run.config.dim, V - 1)
    softmax = train_or_load(write_tiny(run.corpus.folder.parent / "softmax"), run.corpus.folder.parent / "c2")
    assert np.array_equal(run.step_pair, softmax.step_pair)
    assert np.array_equal(run.W_checkpoints[0], softmax.W_checkpoints[0])
    assert not np.array_equal(run.W, softmax.W)
    for c, step in enumerate(run.checkpoint_steps):
        W, W_out = run.state_before(int(step))
        assert np.allclose(W, run.W_checkpoints[c], atol=1e-5)
        assert np.allclose(W_out, run.W_out_checkpoints[c], atol=1e-5)
    tree = huffman_tree(run.corpus.counts)
    W, W_out = run.W_checkpoints[0], run.W_out_checkpoints[0]
    for t in range(run.config.steps):
        record = hs_step(W, W_out, tree, int(run.centers[t]), int(run.contexts[t]), run.config.lr_at(t))
        assert abs(record.loss - run.losses[t]) < 1e-5
        W, W_out = record.W_next, record.W_out_next
    assert np.allclose(W, run.W, atol=1e-5)
    # the first loss: W′ = 0, so −log p = depth · ln 2
    assert np.isclose(run.losses[0], tree.depth[run.contexts[0]] * np.log(2), atol=1e-6)
    # cached: the second call loads the same run
    again = train_or_load(run.corpus.folder, run.corpus.folder.parent.parent / run.corpus.folder.parent.name)
    assert again.key == run.key


def test_softmax_key_is_checked(tmp_path):
    folder = write_tiny(tmp_path / "c")
    (folder / "train.toml").write_text('dim = 4\nsoftmax = "hierarchial"\n')
    with pytest.raises(CorpusError, match=r"train\.toml:2: softmax must be \"full\" or \"hierarchical\""):
        load_config(folder)
    (folder / "train.toml").write_text('softmax = "hierarchical"\nnegatives = 5\n')
    with pytest.raises(CorpusError, match=r"train\.toml:1: .*negatives must be 0"):
        load_config(folder)
    (folder / "train.toml").write_text('softmax = "full"\n')
    assert load_config(folder).softmax == "full"


def test_cli_trains_hierarchical_and_rejects_a_bad_value(tmp_path):
    folder = write_tiny(tmp_path / "c", 'steps = 300\ndim = 4\nsoftmax = "hierarchical"\n')
    run = [sys.executable, "-m", "w2v", "train", "--corpus", str(folder), "--cache-dir", str(tmp_path / "cache")]
    done = subprocess.run(run, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "300" in done.stdout
    (folder / "train.toml").write_text('steps = 300\nsoftmax = "tree"\n')
    bad = subprocess.run(run, capture_output=True, text=True, timeout=300)
    assert bad.returncode != 0
    lines = bad.stderr.strip().splitlines()
    assert len(lines) == 1 and "train.toml:2" in lines[0] and "softmax" in lines[0], bad.stderr
    assert "Traceback" not in bad.stderr


def test_gensim_hs_rows(tmp_path):
    from gensim.models import Word2Vec

    folder = write_tiny(tmp_path / "c")
    corpus, config = load_corpus(folder), load_config(folder)
    params = peers.gensim_params(corpus, config, 3, **peers.GENSIM_VARIANTS["hs"])
    assert params["hs"] == 1 and params["negative"] == 0
    W, W_out = peers.gensim_vectors(folder, params, tmp_path / "cache")
    model = Word2Vec(sentences=corpus.sentences, **params)
    assert np.array_equal(W[corpus.index["cat"]], model.wv["cat"])
    assert W_out.shape == (config.dim, corpus.vocab_size - 1)  # one vector per inner node
    # gensim's tree is a Huffman code of the same counts: the same optimal mean length as ours
    gensim_depth = np.array([len(model.wv.get_vecattr(w, "code")) for w in corpus.vocab])
    ours = huffman_tree(corpus.counts)
    assert (gensim_depth * corpus.counts).sum() == (ours.depth * corpus.counts).sum()
    row = peers.scores(corpus, W, W_out)
    assert np.isnan(row["two_face"]) and 0 <= row["purity"] <= 1


def test_comparison_has_hs_rows(tmp_path):
    folder = write_tiny(tmp_path / "c")
    table = peers.comparison(folder, seeds=(0, 1), cache_dir=tmp_path / "cache", negatives=(2,))
    assert {"hs", "gensim_hs"} <= set(table)
    hs_runs = peers.seed_runs(folder, (0, 1), tmp_path / "cache", **peers.HS_CHANGES)
    assert [r.config.softmax for r in hs_runs] == ["hierarchical"] * 2
    row = peers.scores(hs_runs[1].corpus, hs_runs[1].W, hs_runs[1].W_out)
    assert np.isnan(row.pop("two_face")) and np.isnan(table["hs"]["rows"][1]["two_face"])
    assert {k: v for k, v in table["hs"]["rows"][1].items() if k != "two_face"} == row
    assert table["hs"]["spread"]["purity"] != table["softmax"]["spread"]["purity"]


def test_hs_cost_is_between_sgns_and_softmax_at_google_size():
    from w2v.book.negative_sampling import hs_cost_facts
    from w2v.sgns import multiply_adds

    cost = hs_cost_facts(np.array([50, 20, 10, 10, 5, 5]), 8)
    assert cost["hs_path"] < np.log2(6) + 1
    assert multiply_adds(3_000_000, 300, 5) < cost["big_madds_hs"] < multiply_adds(3_000_000, 300) / 10_000
