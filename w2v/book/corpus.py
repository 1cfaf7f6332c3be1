"""The chapter "The corpus" (book/corpus.md): what its text glues, section by section (`size_facts`,
`frequency_facts`, `pair_facts`, `window_facts`), from the words by frequency (`frequency_order`),
each group's share of the tokens (`token_shares`), sample sentences (`samples_for_group`) and what
the window lets the model see (`function_word_shares`, `context_counts`, `separating_contexts`,
`twin_lines`, over the word pairs of the analogy tests, `analogy_word_pairs`); its exercise answers
(`corpus_exercises`) and the pair count by its rule (`window_pair_count`)."""

from __future__ import annotations

import numpy as np

from ..corpus import is_bare_list, pairs
from ..train import Run
from ..wording import counted


def size_facts(corpus) -> dict:
    """The corpus in numbers: sentences, tokens, words, groups, and the sentences' lengths."""
    lengths = [len(s) for s in corpus.sentences]
    return dict(n_sentences=len(corpus.sentences), n_tokens=int(corpus.n_tokens), V=int(corpus.vocab_size),
                n_groups=len(corpus.groups), min_len=min(lengths), max_len=max(lengths),
                mean_len=float(np.mean(lengths)))


def frequency_facts(corpus, n_top: int = 10) -> dict:
    """"How often each word occurs": the most frequent word, the share of the tokens the `n_top`
    most frequent take, the rarest words, and the group with the largest share of the tokens."""
    order = frequency_order(corpus)
    top = order[0]
    top_share = float(corpus.counts[order[:n_top]].sum() / corpus.n_tokens)
    assert top_share > n_top / corpus.vocab_size, "the most frequent words should take more than their even share"
    rarest = [corpus.vocab[i] for i in order if corpus.counts[i] == corpus.counts.min()]
    shares = token_shares(corpus)
    biggest = int(np.argmax(shares))
    return dict(top_word=corpus.vocab[top], top_count=int(corpus.counts[top]), top_group=corpus.group_of(corpus.vocab[top]),
                n_top=n_top, top_share=100 * top_share, min_count=int(corpus.counts.min()), rarest=", ".join(rarest),
                n_rarest=len(rarest), rarest_share=100 * len(rarest) / corpus.vocab_size,
                rarest_examples=", ".join(rarest[:5]) + (", …" if len(rarest) > 5 else ""),
                rarest_words=counted(len(rarest), 'word'),
                big_group=corpus.groups[biggest], big_group_share=float(100 * shares[biggest]))


def pair_facts(run: Run) -> dict:
    """"From sentences to training pairs": the pairs, per token, the steps, the passes over the pairs
    they make and how often each pair is trained (shuffled passes: equally often, give or take one)."""
    n_pairs, steps = len(run.pairs), int(run.config.steps)
    times = np.bincount(run.step_pair, minlength=n_pairs)   # how often each pair was trained
    assert times.max() - times.min() <= 1, "shuffled passes: every pair is trained equally often, give or take one"
    return dict(n_pairs=n_pairs, pairs_per_token=float(n_pairs / run.corpus.n_tokens), steps=steps,
                passes=float(steps / n_pairs),
                times=f"{times.min()} or {times.max()}" if times.min() != times.max() else str(times.min()))


def window_facts(corpus, window: int) -> dict:
    """"What the window lets the model see": the share of the pairs whose context is a function
    word (`fw_*`); the lines with he, she, his or her, and how many of them have one in the window of a
    people word (`pronoun_*`; `pronoun_lines_without_people`: lines with a pronoun and no people word);
    for the first word pair the tests compare, the contexts only one of the two has (`x_only`,
    `y_only`: all found, most frequent first; the first of each, `x_first` and `y_first`, empty when
    there is none; the first three, `x_top3` and `y_top3`) and those
    they share; the twin lines of every pair the tests compare."""
    shares = (function_word_shares(corpus, window) if "function" in corpus.groups  # a group of groups.tsv
              else dict(all_pairs=0.0, content_pairs=0.0))
    # he, she, his and her stand only in lines about people, and inside the window of a people word
    gendered = {"he", "she", "his", "her"}
    people = set(corpus.words_in_group("people")) if "people" in corpus.groups else set()
    pronoun_lines = [s for s in corpus.sentences if gendered & set(s)]
    in_window = sum(any(s[j] in gendered for i, w in enumerate(s) if w in people
                        for j in range(max(0, i - window), min(len(s), i + window + 1)) if j != i)
                    for s in corpus.sentences)
    # the first pair the tests compare (king / queen on the book's corpus)
    pairs_tested = analogy_word_pairs(corpus)
    pair_x, pair_y = pairs_tested[0] if pairs_tested else tuple(corpus.vocab[:2])
    x_only, y_only = separating_contexts(corpus, window, pair_x, pair_y)
    both = np.minimum(context_counts(corpus, window, pair_x), context_counts(corpus, window, pair_y))
    shared = [corpus.vocab[i] for i in np.argsort(-both, kind="stable")[:4] if both[i] > 0]
    twins = {pair: twin_lines(corpus, *pair) for pair in pairs_tested}
    twin_x, twin_y = next((t[0] for t in twins.values() if t), ("(no twin line)", "(no twin line)"))
    return dict(fw_all=shares["all_pairs"], fw_content=shares["content_pairs"],
                fw_words=", ".join(corpus.words_in_group("function")) if "function" in corpus.groups else "none",
                pronoun_lines=len(pronoun_lines), pronoun_in_window=in_window,
                pronoun_share=100 * in_window / len(corpus.sentences),
                pronoun_lines_without_people=sum(not people & set(s) for s in pronoun_lines),
                pair_x=pair_x, pair_y=pair_y,
                x_only=", ".join(w for w, _ in x_only) or "nothing", y_only=", ".join(w for w, _ in y_only) or "nothing",
                x_first=x_only[0][0] if x_only else "", y_first=y_only[0][0] if y_only else "",
                x_top3=", ".join(w for w, _ in x_only[:3]) or "none", y_top3=", ".join(w for w, _ in y_only[:3]) or "none",
                pair_shared=", ".join(shared) or "none",
                n_twins=sum(len(t) for t in twins.values()), n_test_pairs=len(pairs_tested), twin_x=twin_x, twin_y=twin_y)


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


def corpus_exercises(run: Run) -> dict:
    """For the exercises of "The corpus": the most frequent word against all tokens and the
    rarest words; the pair count by hand; how often the most frequent word is the centre of a
    step, expected and actual."""
    corpus, config = run.corpus, run.config
    counts = corpus.counts
    top = int(np.argmax(counts))
    n_pairs = len(run.pairs)
    as_centre = int((run.pairs[:, 0] == top).sum())           # pairs with the top word as centre
    return dict(window=int(config.window), n_sentences=len(corpus.sentences), n_tokens=int(corpus.n_tokens),
                top_word=corpus.vocab[top], top_count=int(counts[top]),
                top_share=100 * counts[top] / corpus.n_tokens, min_count=int(counts.min()),
                min_times=counted(int(counts.min()), 'time'),
                top_over_min=counts[top] / counts.min(),
                n_pairs=int(n_pairs), n_pairs_rule=window_pair_count(corpus, config.window),
                steps=int(config.steps), top_pairs=as_centre,
                top_expected=config.steps * as_centre / n_pairs,
                top_actual=int((run.centers == top).sum()))
