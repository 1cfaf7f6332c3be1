"""The chapter "One training step, forward and backward" (book/walkthrough.md): the two steps it
shows first (`default_steps`) and its exercise answers (`walkthrough_exercises`). The page's data and
figures are w2v.book.figures.walkthrough."""

from __future__ import annotations

import math

import numpy as np

from ..step import step_of_run, training_step
from ..train import Run


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


def _move(run: Run, step: int) -> float:
    """How far a step moves the centre word's row of W: η · ‖∂L/∂h‖."""
    record = step_of_run(run, step)
    return float(record.lr * np.linalg.norm(record.grad_h))


def walkthrough_exercises(run: Run, constant: Run) -> dict:
    """For the exercises of "One training step": step 0 (loss ln V, no gradient for W), the late
    step's loss and error by hand from its probability, the early step with another context word
    (only two entries of e change), and the page's two steps in `constant`, the recipe retrained
    with a constant learning rate (only `lr_final` changed, to `lr`)."""
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
                move_ratio_constant=moves["constant"][1] / moves["constant"][0])
