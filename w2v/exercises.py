"""The facts behind the chapters' exercises: one function per chapter, each a dict of plain values.

`welcome_exercises`: "Word2Vec: Inside the Model" (book/index.md).
`blueprint_exercises`: "Model blueprint" (book/blueprint.md).
`corpus_exercises`: "The corpus" (book/corpus.md).
`walkthrough_exercises`: "One training step, forward and backward" (book/walkthrough.md).
`journey_exercises`: "Training journey" (book/journey.md).

A solution that retrains the recipe with one setting changed gets that run as an argument: the
chapter trains it through `w2v.seeds.derived_corpus` and `w2v.train_or_load` (cached).
"""

from __future__ import annotations

import math

import numpy as np

from . import analysis
from .counts import loss_floor
from .model import SkipGram
from .step import step_of_run, training_step
from .train import Run


def _purity(run: Run, top: int = 3) -> float:
    """The run's final top-`top` neighbour purity, in percent."""
    return 100 * analysis.neighbor_purity(run.neighbors[-1], run.corpus.word_group, top)


def _last_mean(run: Run) -> float:
    """The mean loss of the run's last `checkpoint_every` steps."""
    return float(run.losses[-run.config.checkpoint_every:].mean())


def welcome_exercises(run: Run, bigger: Run) -> dict:
    """For the exercises of "Word2Vec: Inside the Model": the corpus sizes per sentence and per
    word, the parameter count 2·V·D, and the recipe retrained at a larger dimension (`bigger`,
    the same recipe with only `dim` changed): its parameters, purity and final loss."""
    corpus, config = run.corpus, run.config
    V, D, D2 = corpus.vocab_size, config.dim, bigger.config.dim
    assert bigger.corpus.vocab == corpus.vocab and D2 > D
    n_params = sum(p.numel() for p in SkipGram(V, D).parameters())
    n_params_bigger = sum(p.numel() for p in SkipGram(V, D2).parameters())
    return dict(V=int(V), D=int(D), n_sentences=len(corpus.sentences), n_tokens=int(corpus.n_tokens),
                tokens_per_sentence=corpus.n_tokens / len(corpus.sentences),
                tokens_per_word=corpus.n_tokens / V,
                n_params=int(n_params), n_per_matrix=int(V * D),
                D_bigger=int(D2), n_params_bigger=int(n_params_bigger),
                params_ratio=n_params_bigger / n_params,
                purity=_purity(run), purity_bigger=_purity(bigger),
                last_mean=_last_mean(run), last_mean_bigger=_last_mean(bigger))


def blueprint_exercises(run: Run, small: Run) -> dict:
    """For the exercises of "Model blueprint": the checkpoint count from the recipe, the learning
    rate at the middle step, one step from an all-zero W (nothing moves), and the recipe retrained
    at a smaller dimension (`small`, only `dim` changed): its parameters and purity."""
    corpus, config = run.corpus, run.config
    V, D, T = corpus.vocab_size, config.dim, config.steps
    assert small.corpus.vocab == corpus.vocab and small.config.dim < D
    middle = (T - 1) // 2
    # the first pair of the run, from W = 0 and W′ = 0 (W′'s own start)
    W0 = np.zeros((V, D), np.float32)
    W_out0 = np.zeros((D, V), np.float32)
    zero = training_step(W0, W_out0, int(run.centers[0]), int(run.contexts[0]), config.lr_at(0))
    return dict(steps=int(T), checkpoint_every=int(config.checkpoint_every),
                n_checkpoints=len(run.checkpoint_steps),
                lr=float(config.lr), lr_final=float(config.lr_final),
                middle_step=int(middle), lr_middle=float(config.lr_at(middle)),
                lr_middle_share=100 * config.lr_at(middle) / config.lr,
                zero_loss=float(zero.loss), ln_V=math.log(V),
                zero_grad_h=float(np.abs(zero.grad_h).max()),
                zero_grad_W_out=float(np.abs(zero.grad_W_out).max()),
                zero_moved=bool((zero.W_next != W0).any() or (zero.W_out_next != W_out0).any()),
                D_small=int(small.config.dim), n_params_small=2 * V * int(small.config.dim),
                purity=_purity(run), purity_small=_purity(small))


def window_pair_count(corpus, window: int) -> int:
    """The number of (centre, context) pairs by the counting rule of "The corpus": every two
    positions of a sentence at most `window` apart give two pairs, one each way."""
    return 2 * sum(max(len(s) - k, 0) for s in corpus.sentences for k in range(1, window + 1))


def corpus_exercises(run: Run, wide: Run) -> dict:
    """For the exercises of "The corpus": the most frequent word against all tokens and the
    rarest words; the pair count by hand; how often the most frequent word is the centre of a
    step, expected and actual; and the recipe retrained with a wider window (`wide`, only
    `window` changed): its pairs, its loss floor and its final loss."""
    corpus, config = run.corpus, run.config
    assert wide.corpus.vocab == corpus.vocab and wide.config.window > config.window
    counts = corpus.counts
    top = int(np.argmax(counts))
    n_pairs = len(run.pairs)
    as_centre = int((run.pairs[:, 0] == top).sum())           # pairs with the top word as centre
    return dict(window=int(config.window), n_sentences=len(corpus.sentences), n_tokens=int(corpus.n_tokens),
                top_word=corpus.vocab[top], top_count=int(counts[top]),
                top_share=100 * counts[top] / corpus.n_tokens, min_count=int(counts.min()),
                top_over_min=counts[top] / counts.min(),
                n_pairs=int(n_pairs), n_pairs_rule=window_pair_count(corpus, config.window),
                steps=int(config.steps), top_pairs=as_centre,
                top_expected=config.steps * as_centre / n_pairs,
                top_actual=int((run.centers == top).sum()),
                window_wide=int(wide.config.window), n_pairs_wide=int(len(wide.pairs)),
                n_pairs_wide_rule=window_pair_count(corpus, wide.config.window),
                floor=loss_floor(run), floor_wide=loss_floor(wide),
                last_mean=_last_mean(run), last_mean_wide=_last_mean(wide),
                loss_window=int(config.checkpoint_every))


def _move(run: Run, step: int) -> float:
    """How far a step moves the centre word's row of W: η · ‖∂L/∂h‖."""
    record = step_of_run(run, step)
    return float(record.lr * np.linalg.norm(record.grad_h))


def walkthrough_exercises(run: Run, constant: Run) -> dict:
    """For the exercises of "One training step": step 0 (loss ln V, no gradient for W), the late
    step's loss and error by hand from its probability, the early step with another context word
    (only two entries of e change), and the page's two steps in `constant`, the recipe retrained
    with a constant learning rate (only `lr_final` changed, to `lr`)."""
    from .plots.walkthrough import default_steps

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


def journey_exercises(run: Run, small: Run, constant: Run) -> dict:
    """For the exercises of "Training journey": the loss floor and its number of words; the
    analogy test right at the fewest checkpoints; the recipe retrained at dimension 2 (`small`,
    only `dim` changed), where the map holds all of W; and with a constant learning rate
    (`constant`, only `lr_final` changed, to `lr`): when words settle, how noisy the loss stays."""
    corpus, config = run.corpus, run.config
    assert small.config.dim == 2 and constant.config.lr_final == constant.config.lr == config.lr
    floor = loss_floor(run)
    right = run.analogy_ranks == 1                            # (C, A)
    per_test = right.sum(axis=0)
    weakest = int(np.argmin(per_test))                        # the first of the least often right
    a, b, c, d = corpus.analogies[weakest]
    small_map = analysis.map_facts(small)
    conv = analysis.convergence_step(run.W_checkpoints, run.checkpoint_steps)
    conv_constant = analysis.convergence_step(constant.W_checkpoints, constant.checkpoint_steps)
    window = config.checkpoint_every
    return dict(floor=float(floor), floor_words=float(np.exp(floor)), last_mean=_last_mean(run),
                last_words=float(np.exp(_last_mean(run))), loss_window=int(window),
                n_checkpoints=int(len(run.checkpoint_steps)), n_analogies=len(corpus.analogies),
                weakest_test=f"{a} : {b} :: {c} : ?", weakest_right=int(per_test[weakest]),
                weakest_d=d, weakest_answer=corpus.vocab[int(run.analogy_answers[-1, weakest])],
                weakest_rank=int(run.analogy_ranks[-1, weakest]),
                weakest_right_end=bool(right[-1, weakest]),
                D=int(config.dim), small_share=float(small_map["map_share_end"]),
                small_map_purity=float(small_map["map_purity_end"]),
                small_W_purity=float(small_map["map_purity_W_end"]),
                own_share=float(100 * analysis.embedding_map(run.W_checkpoints)["share"][-1]),
                conv_median=float(np.median(conv)), conv_median_constant=float(np.median(conv_constant)),
                last_std=float(run.losses[-window:].std()), last_std_constant=float(constant.losses[-window:].std()),
                last_mean_constant=_last_mean(constant), lr=float(config.lr), lr_final=float(config.lr_final))
