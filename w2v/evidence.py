"""Corpus evidence for a pair of words: why might the model find them similar?

Used by the chapter "Training journey" (book/journey.md). Skip-gram moves two words' vectors
together when they are trained on the same context words, so the evidence for a pair (a, b) is:

* **together**: sentences where a and b stand within the window of each other;
* **shared context words**: third words that occur in the window of a *and* in the window of b,
  with example sentence pairs — one sentence with a next to the shared word, one with b next to
  it. They are ranked by min(times a sees c, times b sees c) · ln(tokens / count of c), so a
  specific word both share beats a word like "the" that every word sees (tf-idf style).

Everything comes from `w2v.pairs(corpus, window)`, the same (centre, context) table training
samples from, so the evidence is exactly what the model was trained on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .corpus import Corpus, pairs


@dataclass(frozen=True)
class PairEvidence:
    """The corpus evidence for two word ids a and b (sentence numbers index corpus.sentences)."""

    a: int
    b: int
    together: list[int]                 # up to `max_sentences` sentences with a and b in one window
    n_together: int                     # how many sentences have them in one window
    shared: list[int]                   # up to `max_shared` shared context word ids, best first
    n_shared: int                       # how many context words they share
    examples: list[tuple[int, int, int]]  # (shared word, sentence with a near it, sentence with b near it)


class EvidenceIndex:
    """Context counts and window sentences of every word, computed once per corpus and window."""

    def __init__(self, corpus: Corpus, window: int):
        self.corpus, self.window = corpus, window
        table = pairs(corpus, window)                       # centre, context, sentence, position
        V = corpus.vocab_size
        # [w, c]: times c is in w's window (duplicates summed). Sparse: most pairs of words never
        # meet, and a dense V × V table is 3.2 GB at V = 20,000.
        self.context_counts = sparse.csr_array((np.ones(len(table), np.int64), (table[:, 0], table[:, 1])),
                                               shape=(V, V))
        self.specificity = np.log(corpus.n_tokens / corpus.counts)    # (V,) high for rare words
        # (w, c) → sentences where c is in w's window, in corpus order
        self._sentences: dict[tuple[int, int], list[int]] = {}
        for centre, context, sentence, _ in table.tolist():
            found = self._sentences.setdefault((centre, context), [])
            if not found or found[-1] != sentence:
                found.append(sentence)

    def sentences_with(self, word: int, context: int) -> list[int]:
        """Sentences in which `context` stands in the window of `word`."""
        return self._sentences.get((word, context), [])

    def contexts_of(self, word: int) -> np.ndarray:
        """(V,) how often each word is in the window of `word`."""
        return self.context_counts[word: word + 1].toarray()[0]

    def pair(self, a: int, b: int, max_sentences: int = 3, max_shared: int = 5,
             max_examples: int = 2) -> PairEvidence:
        together = self.sentences_with(a, b)
        both = np.minimum(self.contexts_of(a), self.contexts_of(b))
        both[[a, b]] = 0                                    # a and b themselves are not "third" words
        n_shared = int((both > 0).sum())
        # best first: seen often by both words, and specific (rare in the corpus); ties by word id
        weight = both * self.specificity
        order = np.lexsort((np.arange(len(both)), -weight))
        shared = [int(c) for c in order[:min(n_shared, max_shared)]]
        examples = []
        for c in shared[:max_examples]:
            sa, sb = self.sentences_with(a, c), self.sentences_with(b, c)
            distinct = [(x, y) for x in sa for y in sb if x != y]
            x, y = distinct[0] if distinct else (sa[0], sb[0])
            examples.append((c, x, y))
        return PairEvidence(a=a, b=b, together=together[:max_sentences], n_together=len(together),
                            shared=shared, n_shared=n_shared, examples=examples)


def neighbor_pairs(neighbors: np.ndarray) -> list[tuple[int, int]]:
    """Every unordered pair (a < b) that appears as (word, neighbour) in a (C, V, k) neighbour array."""
    C, V, k = neighbors.shape
    words = np.broadcast_to(np.arange(V)[None, :, None], neighbors.shape)
    lo, hi = np.minimum(words, neighbors).ravel(), np.maximum(words, neighbors).ravel()
    return sorted(set(zip(lo.tolist(), hi.tolist())))


def evidence_table(corpus: Corpus, window: int, pair_list, **limits) -> dict[str, list]:
    """Compact evidence for many pairs, keyed "a,b" (a < b), ready for the page.

    Each value is [together sentences, n_together, shared word ids, n_shared, flat examples
    (shared word, sentence of a, sentence of b, …)]. Sentence numbers index corpus.sentences.
    """
    index = EvidenceIndex(corpus, window)
    table = {}
    for a, b in pair_list:
        e = index.pair(a, b, **limits)
        table[f"{a},{b}"] = [e.together, e.n_together, e.shared, e.n_shared,
                             [n for example in e.examples for n in example]]
    return table


def sharing_rates(index: EvidenceIndex, pair_list, n_common: int = 2) -> dict[str, float]:
    """How often two words share a context word, for `pair_list` and, as the base rate, for every
    pair of distinct words; once counting every context word, once leaving out the `n_common` most
    frequent words of the corpus (function words that stand beside almost everything).

    Shown in "Training journey": neighbours that never co-occur share context words, but so do most
    pairs of words, so the evidence is only how much more often they share *specific* ones.
    """
    corpus = index.corpus
    V = corpus.vocab_size
    common = np.argsort(-corpus.counts, kind="stable")[:n_common]
    # (V, V) sparse [w, c]: c is ever in w's window, with the diagonal left out: then the context
    # words a and b both see, counted by seen[a] · seen[b], are the third words only (the term of
    # c = a has seen[a, a] = 0 and that of c = b has seen[b, b] = 0, and no other term changes)
    seen = (index.context_counts > 0).astype(np.int64)
    seen.setdiag(0)
    seen.eliminate_zeros()
    keep = np.ones(V, np.int64)
    keep[common] = 0
    rare_seen = (seen @ sparse.diags_array(keep, dtype=np.int64)).tocsr()   # the same, the common words left out

    def pairs_share(table, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Which of the pairs (a, b) share a third context word."""
        return np.asarray(table[a].multiply(table[b]).sum(axis=1)).ravel() > 0 if len(a) else np.zeros(0, bool)

    def every_pair_share(table) -> float:
        """The share of all V (V − 1) / 2 pairs of distinct words that share a third context word,
        by blocks of rows (memory linear in V: never a V × V array)."""
        columns, block, hits = table.T.tocsr(), max(1, 2_000_000 // V), 0
        for start in range(0, V, block):
            a = np.arange(start, min(V, start + block))
            shared = (table[a] @ columns).toarray() > 0      # (B, V) [a, b]: a third word both see
            hits += int((shared & (np.arange(V)[None, :] > a[:, None])).sum())   # each pair once, a < b
        return hits / (V * (V - 1) / 2) if V > 1 else float("nan")

    a, b = (np.array(x, dtype=np.int64) for x in zip(*pair_list)) if len(pair_list) else (np.zeros(0, int),) * 2
    return dict(pairs_any=float(pairs_share(seen, a, b).mean()), pairs_specific=float(pairs_share(rare_seen, a, b).mean()),
                all_any=every_pair_share(seen), all_specific=every_pair_share(rare_seen),
                common_words=[corpus.vocab[i] for i in common])
