"""The chapter "One training step, forward and backward" (book/walkthrough.md): the two steps it
shows first (`default_steps`), each held to torch autograd (`check_against_autograd`), what the text
says of them (`page_facts`) and its exercise answers (`walkthrough_exercises`). The page's data and
figures are w2v.book.figures.walkthrough."""

from __future__ import annotations

import math

import numpy as np
import torch

from ..counts import cooccurrence
from ..model import SkipGram
from ..step import step_of_run, training_step
from ..train import Run
from .figures.walkthrough import fmt, update_deltas


def default_steps(run) -> tuple[int, int]:
    """An early step and a late step that train the SAME (centre, context) pair, so the
    comparison shows what training did to one prediction.

    Candidates: pairs trained both before the first checkpoint after step 0 (while the softmax
    is still nearly uniform) and in the last tenth of training. Chosen: the one the final model
    predicts most confidently, so the page shows learning at its clearest. Early = that pair's
    first step from 1 on, late = its last step."""
    steps = run.config.steps
    centers, contexts = run.centers, run.contexts
    early_until = min(run.config.checkpoint_every, steps)
    late_from = steps - max(steps // 10, 1)
    first_seen, last_seen = {}, {}
    for t in range(1, early_until):
        first_seen.setdefault((int(centers[t]), int(contexts[t])), t)
    for t in range(late_from, steps):
        last_seen[(int(centers[t]), int(contexts[t]))] = t
    both = [pair for pair in first_seen if pair in last_seen]
    if not both:
        return min(1, steps - 1), steps - 1
    scores = run.W @ run.W_out                                        # (V, V) final scores
    log_p = scores - np.log(np.exp(scores - scores.max(1, keepdims=True)).sum(1, keepdims=True)) \
        - scores.max(1, keepdims=True)                                # final log-probabilities
    best = max(both, key=lambda pair: (log_p[pair], -first_seen[pair]))
    return first_seen[best], last_seen[best]


def check_against_autograd(run: Run, step: int) -> None:
    """Fail (AssertionError) unless the hand-written step `step` of the run is torch autograd's
    step through the 13-line model, and it moves only the centre word's row of W while every
    column of W′ has a gradient (the full softmax)."""
    r = step_of_run(run, step)
    W, W_out = run.state_before(step)
    model = SkipGram(*W.shape)
    with torch.no_grad():
        model.W.copy_(torch.from_numpy(W))
        model.W_out.copy_(torch.from_numpy(W_out))
    loss = model(torch.tensor([r.center]), torch.tensor([r.context]))
    loss.backward()
    loss, gW, gWo = float(loss.detach()), model.W.grad.numpy(), model.W_out.grad.numpy()
    # to float32 rounding, which grows with the numbers summed (V of them) and their size
    assert abs(loss - r.loss) <= 1e-6 * max(1.0, abs(loss)), (step, loss, r.loss)
    assert np.allclose(gW[r.center], r.grad_h, rtol=1e-5, atol=1e-6 * max(1.0, np.abs(r.grad_h).max()))
    assert np.allclose(gWo, r.grad_W_out, rtol=1e-5, atol=1e-6 * max(1.0, np.abs(r.grad_W_out).max()))
    # only the centre word's row of W moves; every column of W′ has a gradient (full softmax;
    # a very unlikely word's move can be below float32's resolution of its weights)
    dW, dW_out = update_deltas(W, W_out, r)
    assert np.flatnonzero(np.abs(dW).sum(axis=1)).tolist() == [r.center], step
    assert (np.abs(r.grad_W_out).sum(axis=0) > 0).all(), step
    assert np.array_equal(np.flatnonzero(gW.any(axis=1)), [r.center])  # autograd agrees: one row


def page_facts(run: Run, early: int, late: int) -> dict[str, str]:
    """What the text says of the recipe and of the page's two steps (`default_steps`), each as the
    text the page shows (numbers by `fmt`, as the page's script prints its live ones): the sizes,
    the learning rates, the early step's pair, p of the context word at both steps, what the early
    step moves, and the norms of e, h and ∂L/∂h with the move η‖∂L/∂h‖ at both steps."""
    config, corpus = run.config, run.corpus
    V, D, T = corpus.vocab_size, config.dim, config.steps
    rec = {s: step_of_run(run, s) for s in (early, late)}
    e_rec, l_rec = rec[early], rec[late]
    dW, dW_out = update_deltas(*run.state_before(early), e_rec)
    norm = np.linalg.norm
    facts = dict(
        wt_steps=f"{T:,}", wt_last=f"{T - 1:,}", wt_V=V, wt_D=D, wt_VD=V * D, wt_window=config.window,
        wt_lr=fmt(config.lr), wt_lr_final=fmt(config.lr_final), wt_every=f"{config.checkpoint_every:,}",
        wt_n_ckpt=int((run.checkpoint_steps < T).sum()), wt_max_replay=f"{config.checkpoint_every - 1:,}",
        wt_uniform_p=fmt(1 / V), wt_uniform_loss=fmt(math.log(V)), wt_early=f"{early:,}", wt_late=f"{late:,}",
        wt_center=corpus.vocab[e_rec.center], wt_context=corpus.vocab[e_rec.context],
        wt_early_p=fmt(e_rec.p[e_rec.context]), wt_late_p=fmt(l_rec.p[l_rec.context]),
        wt_rows_moved=int((np.abs(dW).sum(axis=1) > 0).sum()), wt_cols_moved=int((np.abs(dW_out).sum(axis=0) > 0).sum()),
        wt_ratio=fmt(l_rec.p[l_rec.context] / e_rec.p[e_rec.context]))
    for tag, s in (("early", early), ("late", late)):
        r = rec[s]
        facts.update({f"wt_{tag}_gnorm": fmt(float(norm(r.grad_h))), f"wt_{tag}_move": fmt(r.lr * float(norm(r.grad_h))),
                      f"wt_{tag}_enorm": fmt(float(norm(r.e))), f"wt_{tag}_hnorm": fmt(float(norm(r.h)))})
    facts.update(wt_lr_fall=f"{e_rec.lr / l_rec.lr:.0f}", wt_n_ckpt_all=len(run.checkpoint_steps))
    return {name: str(value) for name, value in facts.items()}   # a str is pasted without its quotes


def share_target(run: Run, step: int) -> dict:
    """The bridge to "What the model is fitting": of the pairs in the table whose centre is the
    step's centre word c, how many have its context word o. The mean loss over c's pairs is lowest
    when p(o | c) is that share, so it, not 1, is what the step's probability is pushed towards."""
    record = step_of_run(run, step)
    row = cooccurrence(run.pairs, run.corpus.vocab_size)[record.center]
    share, p = row[record.context] / row.sum(), float(record.p[record.context])
    return dict(wt_pair_count=int(row[record.context]), wt_centre_pairs=int(row.sum()), wt_share=fmt(share),
                share=float(share), p=p)


def _move(run: Run, step: int) -> float:
    """How far a step moves the centre word's row of W: η · ‖∂L/∂h‖."""
    record = step_of_run(run, step)
    return float(record.lr * np.linalg.norm(record.grad_h))


def walkthrough_exercises(run: Run, constant: Run) -> dict:
    """For the exercises of "One training step": step 0 (loss ln V, no gradient for W), the late
    step's loss and error by hand from its probability, the early step with another context word
    (only two entries of e change), the early step's scores shifted by 100 (the softmax does not
    change), e^1000 (what e^u gives unshifted), and the page's two steps in `constant`, the recipe
    retrained with a constant learning rate (only `lr_final` changed, to `lr`)."""
    corpus, config = run.corpus, run.config
    assert constant.config.lr_final == constant.config.lr == config.lr
    assert np.array_equal(constant.step_pair, run.step_pair)   # same pairs in the same order
    early, late = default_steps(run)
    first = step_of_run(run, 0)
    late_rec = step_of_run(run, late)
    o = late_rec.context
    # the early step again, with the context word swapped for the most probable other word
    early_rec = step_of_run(run, early)
    others = np.argsort(-early_rec.p, kind="stable")
    other = int(next(j for j in others if j != early_rec.context))
    swapped = training_step(*run.state_before(early), early_rec.center, other, early_rec.lr)
    moves = {name: (_move(r, early), _move(r, late)) for name, r in (("own", run), ("constant", constant))}
    # softmax is blind to a constant added to every score: the early step's scores, shifted by 100,
    # put through the softmax as written (no largest score subtracted; e^100 fits a 64-bit float)
    u = early_rec.u.astype(np.float64)
    shifted = np.exp(u + 100) / np.exp(u + 100).sum()
    plain = np.exp(u) / np.exp(u).sum()
    with np.errstate(over="ignore"):
        exp_1000 = str(np.exp(np.float64(1000)))                   # what e^u does unshifted
    return dict(V=int(corpus.vocab_size), step0_loss=float(first.loss), ln_V=math.log(corpus.vocab_size),
                step0_grad_h=float(np.linalg.norm(first.grad_h)),
                step0_grad_W_out=float(np.linalg.norm(first.grad_W_out)),
                early=int(early), late=int(late),
                center=corpus.vocab[early_rec.center], context=corpus.vocab[o],
                late_p=float(late_rec.p[o]), late_loss=float(late_rec.loss), late_e=float(late_rec.e[o]),
                late_loss_rule=float(-math.log(late_rec.p[o])), late_e_rule=float(late_rec.p[o] - 1),
                other=corpus.vocab[other],
                same_u=bool(np.array_equal(swapped.u, early_rec.u) and np.array_equal(swapped.p, early_rec.p)),
                e_changed=int((swapped.e != early_rec.e).sum()),
                grad_h_change=float(np.linalg.norm(swapped.grad_h - early_rec.grad_h)),
                lr=float(config.lr), lr_final=float(config.lr_final),
                move_early=moves["own"][0], move_late=moves["own"][1],
                move_ratio=moves["own"][1] / moves["own"][0],
                move_early_constant=moves["constant"][0], move_late_constant=moves["constant"][1],
                move_ratio_constant=moves["constant"][1] / moves["constant"][0],
                shift_change=float(np.abs(shifted - plain).max()), exp_1000=exp_1000)
