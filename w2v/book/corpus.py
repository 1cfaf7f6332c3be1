"""The chapter "The corpus" (book/corpus.md): its exercise answers (`corpus_exercises`) and the
pair count by its rule (`window_pair_count`)."""

from __future__ import annotations

import numpy as np

from ..counts import loss_floor
from ..train import Run
from .kit import last_mean


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
                last_mean=last_mean(run), last_mean_wide=last_mean(wide),
                loss_window=int(config.checkpoint_every))
