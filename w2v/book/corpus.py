"""The chapter "The corpus" (book/corpus.md): the words by frequency (`frequency_order`), each
group's share of the tokens (`token_shares`) and sample sentences (`samples_for_group`); what the
window lets the model see (`function_word_shares`, `context_counts`, `separating_contexts`,
`twin_lines`, over the word pairs of the analogy tests, `analogy_word_pairs`); its exercise answers
(`corpus_exercises`) and the pair count by its rule (`window_pair_count`)."""

from __future__ import annotations

import numpy as np

from ..corpus import is_bare_list, pairs
from ..counts import loss_floor
from ..train import Run
from .kit import last_mean


def frequency_order(corpus) -> list[int]:
    """Word ids, most frequent first; ties by vocabulary order (group, then word)."""
    return sorted(range(corpus.vocab_size), key=lambda i: (-int(corpus.counts[i]), i))


def token_shares(corpus) -> np.ndarray:
    """(G,) fraction of all tokens that belong to each group."""
    totals = np.bincount(corpus.word_group, weights=corpus.counts, minlength=len(corpus.groups))
    return totals / totals.sum()


def samples_for_group(corpus, group: str, n: int = 2) -> list[int]:
    """The n sentences with the most distinct words of `group`, real sentences before bare lists
    ("cat and dog" shows a group but not how its words are used); ties go to the longer, then the
    earlier sentence. Deterministic."""
    members = set(corpus.words_in_group(group))
    scored = [(is_bare_list(s), -len(members.intersection(s)), -len(s), i) for i, s in enumerate(corpus.sentences)]
    return [i for bare, hits, length, i in sorted(scored) if hits < 0][:n]


# ---------------------------------------------------------------- what the window lets the model see

def function_word_shares(corpus, window: int, group: str = "function") -> dict[str, float]:
    """The share (%) of the (centre, context) pairs whose context is a word of `group`: over all
    pairs, and over the pairs whose centre is not in `group` (a content word)."""
    table = pairs(corpus, window)
    function = np.asarray([g == corpus.groups.index(group) for g in corpus.word_group])
    context_is = function[table[:, 1]]
    content_centre = ~function[table[:, 0]]
    return dict(all_pairs=100 * float(context_is.mean()),
                content_pairs=100 * float(context_is[content_centre].mean()))


def context_counts(corpus, window: int, word: str) -> np.ndarray:
    """(V,) how often each word stands in the window of `word`, over the whole corpus."""
    table = pairs(corpus, window)
    return np.bincount(table[table[:, 0] == corpus.index[word], 1], minlength=corpus.vocab_size)


def separating_contexts(corpus, window: int, x: str, y: str, top: int = 4) -> tuple[list, list]:
    """The context words `x` has and `y` never has, and those `y` has and `x` never has: up to `top`
    (word, count) each, most frequent first (ties by vocabulary order)."""
    cx, cy = context_counts(corpus, window, x), context_counts(corpus, window, y)

    def only(mine, other):
        ids = [i for i in np.argsort(-mine, kind="stable") if mine[i] > 0 and other[i] == 0]
        return [(corpus.vocab[i], int(mine[i])) for i in ids[:top]]

    return only(cx, cy), only(cy, cx)


def twin_lines(corpus, x: str, y: str) -> list[tuple[str, str]]:
    """Pairs of lines that are the same but for `x` in one where the other has `y`: every such pair
    gives x and y the same contexts, which pulls their vectors together."""
    lines = {" ".join(s) for s in corpus.sentences}
    twins = []
    for s in corpus.sentences:
        for i, w in enumerate(s):
            if w == x:
                other = " ".join(s[:i] + [y] + s[i + 1:])
                if other in lines:
                    twins.append((" ".join(s), other))
    return twins


def analogy_word_pairs(corpus) -> list[tuple[str, str]]:
    """The word pairs the analogy tests compare, a with b and c with d, each pair once, in test order."""
    seen = []
    for a, b, c, d in corpus.analogies:
        for pair in ((a, b), (c, d)):
            if pair not in seen:
                seen.append(pair)
    return seen


# ---------------------------------------------------------------- the exercises

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
