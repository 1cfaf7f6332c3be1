"""Pages that scale (issue 27): a figure with a row or a cell per word draws at most
w2v.plots.HEATMAP_WORDS words, the most frequent, and says so in its caption. Book-layer figures on a
synthetic 400-word corpus, without building the book."""

from __future__ import annotations

import numpy as np
import pytest

from w2v.corpus import load_corpus
from w2v.plots import HEATMAP_WORDS, embed, heatmap_rule, heatmap_words
from w2v.plots.counts import count_heatmap, fit_heatmaps, fit_scatter, score_scatters
from w2v.plots.weights import similarity_heatmap, weight_explorer

V_BIG = 400


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """400 words; word k occurs about 400 / (k + 1) times (a Zipf-like text), two groups."""
    folder = tmp_path_factory.mktemp("big")
    words = [f"w{k:03d}" for k in range(V_BIG)]
    tokens = [w for k, w in enumerate(words) for _ in range(max(1, V_BIG // (k + 1)))]
    rng = np.random.default_rng(0)
    rng.shuffle(tokens)
    (folder / "sentences.txt").write_text("\n".join(" ".join(tokens[i:i + 8]) for i in range(0, len(tokens), 8)) + "\n")
    (folder / "groups.tsv").write_text("".join(f"{w}\t{'odd' if k % 2 else 'even'}\n" for k, w in enumerate(words)))
    return load_corpus(folder)


def cells(figure) -> int:
    """The largest number of glyphs a ColumnDataSource of the figure holds."""
    from bokeh.models import ColumnDataSource

    return max(len(next(iter(s.data.values()))) for s in figure.references() if isinstance(s, ColumnDataSource)
               and s.data)


def test_the_most_frequent_words_in_group_order(big):
    shown = heatmap_words(big)
    assert len(shown) == HEATMAP_WORDS
    counts = np.asarray(big.counts)
    assert counts[shown].min() >= np.sort(counts)[-HEATMAP_WORDS]          # the most frequent
    assert np.all(np.diff(big.word_group[shown]) >= 0)                     # sorted by group
    assert "150 most frequent of the 400 words" in heatmap_rule(big, shown)


def test_a_small_vocabulary_is_drawn_whole(tmp_path):
    (tmp_path / "sentences.txt").write_text("the cat sat\nthe dog ran\n")
    corpus = load_corpus(tmp_path)
    assert sorted(heatmap_words(corpus)) == list(range(corpus.vocab_size)) and heatmap_rule(corpus, heatmap_words(corpus)) == ""


def test_counts_figures_keep_to_the_budget(big):
    V, shown = big.vocab_size, heatmap_words(big)
    rng = np.random.default_rng(1)
    table = rng.integers(0, 3, size=(V, V))
    p = table / np.maximum(table.sum(axis=1, keepdims=True), 1)
    learned = rng.dirichlet(np.ones(V), size=V)
    budget = HEATMAP_WORDS ** 2
    assert cells(count_heatmap(big, table, shown)) <= budget
    assert cells(fit_heatmaps(big, p, learned, shown)) <= budget
    assert cells(fit_scatter(big, p, learned, shown)) == budget
    scores = rng.normal(size=(V, V))
    assert cells(score_scatters(big, scores, scores, scores, table > 0, (0.1, 0.9), shown)) <= budget
    # unchanged when nothing is left out: every cell
    assert cells(fit_scatter(big, p, learned)) == V * V


def test_weights_figures_keep_to_the_budget(big):
    V, D, shown = big.vocab_size, 4, heatmap_words(big)
    rng = np.random.default_rng(2)
    W, W_out = rng.normal(size=(V, D)), rng.normal(size=(D, V))
    start = big.vocab[shown[0]]
    explorer = weight_explorer(big, W, W_out, shown, start)
    assert cells(explorer) == HEATMAP_WORDS * 2 * D
    picker = next(m for m in explorer.references() if type(m).__name__ == "Select")
    offered = [w for ws in picker.options.values() for w in ws]
    assert sorted(offered) == sorted(big.vocab[i] for i in shown)     # only words the heatmap has
    unit = W / np.linalg.norm(W, axis=1, keepdims=True)
    heat = similarity_heatmap(big, (unit @ unit.T)[np.ix_(shown, shown)], shown)
    assert cells(heat) == HEATMAP_WORDS ** 2
    assert len(embed(heat, "c", "a", "n").html()) < 400_000           # the figure's page weight
