"""The chapter "One training step, forward and backward" (book/walkthrough.md): the two steps it
shows first (`default_steps`), each held to torch autograd (`check_against_autograd`), what the text
says of them (`page_facts`, its numbers as the page prints them: `fmt`), its exercise answers
(`walkthrough_exercises`) and the page's data (`page_data`, embedded by `data_script`).

The page lets a reader step through any of the run's training steps without a server: it carries
the recorded checkpoints and the order of the pairs, and its script (book/_static/walkthrough.js)
rebuilds the state before a step by replaying the recorded pairs from the nearest earlier
checkpoint (`page_state_before`), then runs the step of w2v/step.py in float32 (`page_step`). The
figures, and the names and colours the script redraws them by, are w2v.book.figures.walkthrough;
this module imports them from there, never the other way round."""

from __future__ import annotations

import json
import math

import numpy as np
import torch

from ..counts import cooccurrence
from ..model import SkipGram
from ..step import step_of_run, training_step
from ..train import Run
from .figures import DIVERGING
from .figures.walkthrough import (CENTER_COLOR, CONTEXT_COLOR, LOG_DECADES, NAMES, OTHER_COLOR, P_HEADROOM,
                                  UPDATE_WORDS, update_deltas)
from .kit import PageHTML, b64

DATA_ID = "w2v-walkthrough-data"  # id of the <script type="application/json"> the page script reads
# The page's budget, so that it stays small at any V (issue 27); it does not bind on the book's corpus.
CHECKPOINT_BYTES = 1_000_000  # at most this many bytes of checkpoints (W and W′, float32, before base64)


# ---------------------------------------------------------------- numbers as the page shows them

def fmt(value: float) -> str:
    """A number as the page prints it: 4 significant digits, a true minus sign.

    Mirrors fmt() in walkthrough.js, so glued text and live text read alike.
    """
    value = float(value)
    if value == 0:
        return "0"
    if abs(value) < 1e-4 or abs(value) >= 9999.5:  # 4 significant digits need an exponent there
        mantissa, exponent = f"{value:.3e}".split("e")
        text = f"{mantissa}e{int(exponent)}"
    else:
        digits = 3 - math.floor(math.log10(abs(value)))
        text = f"{value:.{max(digits, 0)}f}"
        rounded = float(text)  # rounding can add a digit (9.9996 → 10.000): print one place fewer
        if rounded != 0 and math.floor(math.log10(abs(rounded))) != math.floor(math.log10(abs(value))):
            text = f"{value:.{max(digits - 1, 0)}f}"
    return text.replace("-", "−")


def parse_shown(text: str) -> float:
    """The inverse of `fmt`, for tests that read numbers off the page."""
    return float(text.strip().replace("−", "-"))


# ---------------------------------------------------------------- the two steps, the text's facts, the exercises

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


def losses_agree(loss: float, other: float, context_score: float) -> bool:
    """Two float32 computations of one step's loss agree to float32 rounding. The loss is
    ln Σ exp(u) − u[context], a small difference of two numbers as large as the scores: its
    rounding error scales with them, not with the loss (at V = 4,384 words of real text, late in
    training: 0.15282348 against 0.15282154, with u[context] = 11.96)."""
    size = max(1.0, abs(loss), abs(loss + context_score))   # |ln Σ exp(u)|
    return abs(loss - other) <= 1e-6 * size


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
    assert losses_agree(loss, r.loss, float(r.u[r.context])), (step, loss, r.loss)
    # e = p − y: float32's p is exact only to about ε·|u| (its exp takes the scores), so both
    # gradients differ by amounts that scale with the scores and with what e is multiplied by
    # (at V = 4,384 words of real text, |u| near 12: 3.0e-6 on a ∂L/∂h of 0.19)
    scores = max(1.0, float(np.abs(r.u).max()))
    weighed = max(1.0, float((np.abs(W_out) @ (r.p + r.y)).max()))     # the columns of W′ that e weighs
    assert np.allclose(gW[r.center], r.grad_h, rtol=1e-5, atol=1e-6 * scores * weighed), step
    assert np.allclose(gWo, r.grad_W_out, rtol=1e-5, atol=1e-6 * scores * max(1.0, float(np.abs(r.h).max()))), step
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


# ---------------------------------------------------------------- the page's data

def _int_dtype(array: np.ndarray) -> str:
    return "uint8" if array.max(initial=0) < 2**8 else "uint16" if array.max(initial=0) < 2**16 else "int32"


def page_checkpoints(run, opening_steps=()) -> np.ndarray:
    """Indices of the run's checkpoints the page carries. All those before the last step when they
    fit in CHECKPOINT_BYTES (the book's corpus); otherwise every k-th, k the smallest that fits, plus
    the checkpoint each of `opening_steps` replays from, so that the numbers the text glues for the
    page's two opening steps are the page's own."""
    before = np.flatnonzero(run.checkpoint_steps < run.config.steps)
    per = 2 * run.corpus.vocab_size * run.config.dim * 4                 # bytes of one (W, W′) pair
    needed = {int(np.searchsorted(run.checkpoint_steps, s, side="right") - 1) for s in opening_steps}
    for k in range(1, len(before) + 1):
        kept = np.union1d(before[::k], sorted(needed & set(before.tolist()))).astype(np.int64)
        if len(kept) * per <= CHECKPOINT_BYTES:
            return kept
    return kept                                                          # one more than fits: V is huge


def page_state_before(run, step: int, kept: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(W, W′) before `step` as the page rebuilds them: replayed (as Run.state_before does) from the
    nearest checkpoint at or before `step` among `kept` (`page_checkpoints`). With every checkpoint
    kept this is Run.state_before; from an earlier one, float32 rounding may differ in the last
    places, as training's own steps (torch) and w2v/step.py do."""
    steps = run.checkpoint_steps[kept]
    c = int(kept[np.searchsorted(steps, step, side="right") - 1])
    W, W_out = run.W_checkpoints[c].copy(), run.W_out_checkpoints[c].copy()
    for t in range(int(run.checkpoint_steps[c]), step):
        record = training_step(W, W_out, int(run.centers[t]), int(run.contexts[t]), run.config.lr_at(t))
        W, W_out = record.W_next, record.W_out_next
    return W, W_out


def page_step(run, step: int, kept: np.ndarray):
    """w2v.step.step_of_run as the page computes it, from `page_state_before`."""
    W, W_out = page_state_before(run, step, kept)
    return training_step(W, W_out, int(run.centers[step]), int(run.contexts[step]), run.config.lr_at(step))


def checkpoint_rule(run, kept: np.ndarray) -> str:
    """The sentence that says which checkpoints the page carries ("" when it carries all of them)."""
    before = int((run.checkpoint_steps < run.config.steps).sum())
    if len(kept) == before:
        return ""
    steps = run.checkpoint_steps[kept]
    longest = int(np.diff(np.append(steps, run.config.steps)).max()) - 1
    return (f"On this corpus the page carries {len(kept)} of the run's {before} checkpoints (steps "
            f"{', '.join(f'{int(s):,}' for s in steps)}), so that it stays under "
            f"{CHECKPOINT_BYTES / 1e6:g} MB of weights: a step replays up to {longest:,} recorded steps, and the "
            "first visit to a stretch of training takes longer. Its numbers can then differ from the run's in "
            "the last digits (float32 rounding of the longer replay).")


def page_data(run, default_step: int, compare_step: int, kept: np.ndarray | None = None) -> dict:
    """Everything the page script needs, compact: checkpoints as base64 little-endian float32,
    pairs and the step → pair order as base64 unsigned ints of the smallest width that fits.

    Sized by a budget (issue 27): the checkpoints `kept` (`page_checkpoints`, computed here if not
    given), only the pairs some step trains (the run may stop before a pass over every pair), and,
    when V > UPDATE_WORDS, how many words' columns the update heatmaps draw. On the book's corpus
    every checkpoint and pair is there."""
    config, corpus = run.config, run.corpus
    if kept is None:
        kept = page_checkpoints(run, (default_step, compare_step))
    used, order = np.unique(run.step_pair, return_inverse=True)        # the pairs trained, in table order
    pairs = run.pairs[used]
    pair_dtype, order_dtype = _int_dtype(pairs), _int_dtype(order)
    data = dict(
        V=int(corpus.vocab_size), D=int(config.dim), steps=int(config.steps), window=int(config.window),
        lr=float(config.lr), lr_final=float(config.lr_final),
        vocab=list(corpus.vocab),
        sentences=[" ".join(s) for s in corpus.sentences],
        checkpoint_steps=[int(s) for s in run.checkpoint_steps[kept]],
        W=b64(run.W_checkpoints[kept].astype("<f4")),            # (C, V, D)
        W_out=b64(run.W_out_checkpoints[kept].astype("<f4")),    # (C, D, V)
        pairs=b64(pairs.astype(pair_dtype)), pairs_dtype=pair_dtype, n_pairs=int(len(pairs)),
        step_pair=b64(order.astype(order_dtype)), step_pair_dtype=order_dtype,
        default_step=int(default_step), compare_step=int(compare_step),
        palette=list(DIVERGING), log_decades=LOG_DECADES, p_headroom=P_HEADROOM,
        colors=dict(context=CONTEXT_COLOR, center=CENTER_COLOR, other=OTHER_COLOR),
        names=NAMES,
    )
    if len(kept) < (run.checkpoint_steps < config.steps).sum():
        data["replay_every"] = int(config.checkpoint_every)   # the page keeps the states it passes at these steps
    if corpus.vocab_size > UPDATE_WORDS:
        data["update_words"] = UPDATE_WORDS
    return data


def data_script(run, default_step: int, compare_step: int) -> PageHTML:
    """The page's data, embedded once as <script type="application/json">; on a corpus where the
    page carries fewer checkpoints than the run saved, a paragraph before it says so."""
    kept = page_checkpoints(run, (default_step, compare_step))   # once, for the data and the rule
    text = json.dumps(page_data(run, default_step, compare_step, kept), separators=(",", ":"))
    text = text.replace("</", "<\\/")  # never close the script element early
    rule = checkpoint_rule(run, kept)
    note = f'<p class="w2v-budget-note">{rule}</p>' if rule else ""
    return PageHTML(f'{note}<script type="application/json" id="{DATA_ID}">{text}</script>')
