"""`min_count`: words seen fewer times are dropped from the corpus before training, as word2vec does.

The command line's --min-count and train.toml's `min_count` use it (README, "The command line").
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .corpus import Corpus, CorpusError

@dataclasses.dataclass(frozen=True)
class Dropped:
    """What `drop_rare` removed."""

    words: int      # distinct words
    tokens: int     # their occurrences
    analogies: int  # analogy tests that named one of them

def drop_rare(corpus: Corpus, min_count: int) -> tuple[Corpus, Dropped]:
    """The corpus without the words seen fewer than `min_count` times, and what was dropped.
    Sentences keep their other words (an emptied sentence goes); the vocabulary keeps its order."""
    if min_count <= 1:
        return corpus, Dropped(0, 0, 0)
    keep = corpus.counts >= min_count
    if keep.sum() < 2:
        raise CorpusError(f"{corpus.folder / 'sentences.txt'}: min_count {min_count} leaves {int(keep.sum())} "
                          f"word(s) (the most frequent occurs {int(corpus.counts.max())} times); lower it")
    vocab = [w for w, k in zip(corpus.vocab, keep) if k]
    kept = set(vocab)
    sentences = [s for s in ([w for w in sentence if w in kept] for sentence in corpus.sentences) if s]
    analogies = [test for test in corpus.analogies if all(w in kept for w in test)]
    pruned = dataclasses.replace(corpus, sentences=sentences, vocab=vocab, counts=corpus.counts[keep],
                                 word_group=corpus.word_group[keep], analogies=analogies,
                                 index={w: i for i, w in enumerate(vocab)})
    return pruned, Dropped(words=int((~keep).sum()), tokens=int(corpus.counts[~keep].sum()),
                           analogies=len(corpus.analogies) - len(analogies))
