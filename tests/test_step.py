"""The NumPy training step against torch autograd, at many steps of the recorded book run.

The torch training loop of `w2v.train.train` is replayed with the run's own recipe (same seed,
same pairs, same learning rates, one thread); the replay is first shown to reproduce the record
bit for bit, so the states it captures are exactly the ones the run trained from.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from w2v.model import SkipGram
from w2v.step import step_of_run, training_step

TOL = 1e-6


def steps_to_check(run) -> list[int]:
    last = run.config.steps - 1
    fixed = [0, 1, 2, 499, 500, 501, 7000, last - 1, last]
    rng = np.random.default_rng(1234)
    sample = rng.choice(run.config.steps, size=200, replace=False).tolist()
    return sorted({s for s in fixed + sample if 0 <= s <= last})


@pytest.fixture(scope="module")
def replay(book_run):
    """Re-run the torch loop; capture, at each checked step, the state before, grads, loss, state after."""
    run, config = book_run, book_run.config
    wanted = set(steps_to_check(run))
    checkpoint_index = {int(s): c for c, s in enumerate(run.checkpoint_steps)}
    centers = torch.from_numpy(run.centers.astype(np.int64)).split(1)
    contexts = torch.from_numpy(run.contexts.astype(np.int64)).split(1)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    captured, mismatched_checkpoints, losses = {}, [], np.empty(config.steps, np.float32)
    try:
        torch.manual_seed(config.seed)
        model = SkipGram(run.corpus.vocab_size, config.dim)
        W, W_out = model.W, model.W_out
        for t in range(config.steps + 1):
            if t in checkpoint_index:
                c = checkpoint_index[t]
                if not (np.array_equal(W.detach().numpy(), run.W_checkpoints[c])
                        and np.array_equal(W_out.detach().numpy(), run.W_out_checkpoints[c])):
                    mismatched_checkpoints.append(t)
            if t == config.steps:
                break
            before = (W.detach().numpy().copy(), W_out.detach().numpy().copy())
            loss = model(centers[t], contexts[t])
            loss.backward()
            lr = config.lr_at(t)
            if t in wanted:
                captured[t] = dict(W=before[0], W_out=before[1], loss=loss.item(),
                                   grad_W=W.grad.numpy().copy(), grad_W_out=W_out.grad.numpy().copy())
            with torch.no_grad():
                W.add_(W.grad, alpha=-lr)
                W_out.add_(W_out.grad, alpha=-lr)
            W.grad = None
            W_out.grad = None
            losses[t] = loss.item()
            if t in wanted:
                captured[t].update(W_next=W.detach().numpy().copy(), W_out_next=W_out.detach().numpy().copy())
    finally:
        torch.set_num_threads(threads)
    return dict(captured=captured, mismatched_checkpoints=mismatched_checkpoints, losses=losses)


def test_replay_reproduces_the_record_bit_for_bit(book_run, replay):
    assert replay["mismatched_checkpoints"] == []
    assert np.array_equal(replay["losses"], book_run.losses)
    assert set(replay["captured"]) == set(steps_to_check(book_run))


def test_numpy_step_matches_autograd(book_run, replay):
    worst = {}
    for t, torch_step in sorted(replay["captured"].items()):
        center, context = int(book_run.centers[t]), int(book_run.contexts[t])
        r = training_step(torch_step["W"], torch_step["W_out"], center, context, book_run.config.lr_at(t))
        diffs = dict(
            # a loss is a float32 near 1…10: 1e-6 relative (≈ 8 ulps) is the same 1e-6 at its own scale
            loss=abs(r.loss - torch_step["loss"]) / max(1.0, abs(torch_step["loss"])),
            W_next=np.abs(r.W_next - torch_step["W_next"]).max(),
            W_out_next=np.abs(r.W_out_next - torch_step["W_out_next"]).max(),
            grad_h=np.abs(r.grad_h - torch_step["grad_W"][center]).max(),
            grad_W_out=np.abs(r.grad_W_out - torch_step["grad_W_out"]).max(),
        )
        for name, d in diffs.items():
            worst[name] = max(worst.get(name, 0.0), float(d))
        assert all(d <= TOL for d in diffs.values()), f"step {t}: {diffs}"
        # autograd puts the whole gradient of W on the centre's row
        other_rows = np.delete(torch_step["grad_W"], center, axis=0)
        assert not other_rows.any()
    print("worst differences vs autograd:", worst)
    assert worst  # checked at least one step


def test_step_intermediates(book_run, replay):
    for t, torch_step in sorted(replay["captured"].items()):
        W, W_out = torch_step["W"], torch_step["W_out"]
        center, context = int(book_run.centers[t]), int(book_run.contexts[t])
        r = training_step(W, W_out, center, context, book_run.config.lr_at(t))
        V, D = W.shape
        assert r.x.shape == r.y.shape == r.u.shape == r.p.shape == r.e.shape == (V,)
        assert r.h.shape == r.grad_h.shape == r.W_row_next.shape == (D,)
        assert r.grad_W_out.shape == W_out.shape and r.W_next.shape == W.shape
        assert r.x[center] == 1 and r.x.sum() == 1 and r.y[context] == 1 and r.y.sum() == 1
        assert np.array_equal(r.h, r.x @ W)
        assert r.p.sum() == pytest.approx(1, abs=1e-6) and (r.p > 0).all()
        assert r.loss == pytest.approx(-np.log(r.p[context]), abs=1e-5)
        assert np.allclose(r.e, r.p - r.y, atol=0)
        assert np.allclose(r.grad_W_out, np.outer(r.h, r.e), atol=0)
        assert np.array_equal(r.W_next[center], r.W_row_next)


def test_only_the_centre_row_changes_and_every_column_of_W_out(book_run, replay):
    for t, torch_step in sorted(replay["captured"].items()):
        W, W_out = torch_step["W"], torch_step["W_out"]
        center = int(book_run.centers[t])
        r = training_step(W, W_out, center, int(book_run.contexts[t]), book_run.config.lr_at(t))
        changed_rows = np.flatnonzero((r.W_next != W).any(axis=1)).tolist()
        if t == 0:
            # W_out starts at zero, so ∂L/∂h = W′e = 0: the very first step moves no row of W
            assert not W_out.any() and changed_rows == []
        else:
            assert changed_rows == [center], f"step {t}"
        # every column of W′ gets a non-zero gradient h·e_j (p_j > 0 for all j) ...
        assert (np.abs(r.grad_W_out).sum(axis=0) > 0).all(), f"step {t}"
        # ... and the update is large enough to move every column in float32
        changed_cols = (r.W_out_next != W_out).any(axis=0)
        assert changed_cols.all(), f"step {t}: columns {np.flatnonzero(~changed_cols)} did not move"


def test_step_of_run_follows_the_record(book_run, replay):
    for t in (0, 1, 501, book_run.config.steps - 1):
        r = step_of_run(book_run, t)
        assert r.center == book_run.centers[t] and r.context == book_run.contexts[t]
        assert r.lr == book_run.config.lr_at(t)
        assert abs(r.loss - book_run.losses[t]) <= 1e-5
        if t in replay["captured"]:
            assert np.abs(r.W_next - replay["captured"][t]["W_next"]).max() <= 1e-5


def test_training_step_does_not_modify_its_inputs():
    rng = np.random.default_rng(0)
    W = rng.normal(size=(6, 3)).astype(np.float32)
    W_out = rng.normal(size=(3, 6)).astype(np.float32)
    W0, W_out0 = W.copy(), W_out.copy()
    training_step(W, W_out, 2, 4, 0.3)
    assert np.array_equal(W, W0) and np.array_equal(W_out, W_out0)


def test_training_step_by_hand_on_a_tiny_example():
    """V = 3, D = 2, numbers small enough to follow on paper."""
    W = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], np.float32)
    W_out = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], np.float32)
    r = training_step(W, W_out, center=0, context=1, lr=0.5)
    # h = W[0] = (1, 0); u = h·W′ = (1, 0, 0); p = softmax(u)
    p = np.exp([1.0, 0.0, 0.0]) / np.exp([1.0, 0.0, 0.0]).sum()
    assert np.allclose(r.u, [1, 0, 0]) and np.allclose(r.p, p, atol=1e-7)
    assert r.loss == pytest.approx(-np.log(p[1]), abs=1e-6)
    e = p - np.array([0, 1, 0])
    assert np.allclose(r.grad_h, W_out @ e, atol=1e-7)
    assert np.allclose(r.W_out_next, W_out - 0.5 * np.outer([1, 0], e), atol=1e-7)
    assert np.allclose(r.W_next[0], [1, 0] - 0.5 * (W_out @ e), atol=1e-7)
    assert np.array_equal(r.W_next[1:], W[1:])
    assert np.array_equal(r.W_out_next[1], W_out[1])  # h[1] = 0: that row of W′ stays
