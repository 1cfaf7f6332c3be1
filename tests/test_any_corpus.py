"""The book layer on a reader's corpus (issue 27): a folder with a sentences.txt only, no
groups.tsv, analogies.txt or train.toml, as `python -m w2v prepare` writes it from real text.
Chapters' facts computed without Sphinx, on tiny runs."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from w2v import counts
from w2v.book import journey as book_journey
from w2v.train import load_config, train_or_load

# real text: one-word lines (a word never seen as a context), words seen once
SENTENCES = ["the cat sat on the mat", "the dog sat on the log", "a cat ran", "hello",
             "the dog ran to the cat", "goodbye", "a log on a mat"]


@pytest.fixture(scope="module")
def bare(tmp_path_factory):
    root = tmp_path_factory.mktemp("bare")
    folder = root / "corpus"
    folder.mkdir()
    (folder / "sentences.txt").write_text("\n".join(SENTENCES) + "\n")
    cache = root / "cache"
    config = dataclasses.replace(load_config(folder), steps=80, checkpoint_every=20)
    run = train_or_load(folder, cache, config=config)
    small = train_or_load(folder, cache, config=dataclasses.replace(config, dim=2))
    constant = train_or_load(folder, cache, config=dataclasses.replace(config, lr_final=config.lr))
    return run, small, constant


def test_ppmi_of_a_word_never_seen_as_a_context_is_zero(bare):
    run = bare[0]
    table = counts.cooccurrence(run.pairs, run.corpus.vocab_size)
    assert (table.sum(axis=0) == 0).any()                 # "hello" and "goodbye" stand alone
    positive = counts.ppmi(table)
    assert np.isfinite(positive).all() and (positive[table == 0] == 0).all()
    words, contexts = counts.svd_vectors(positive, 2)     # used to fail: "SVD did not converge" on NaN
    assert np.isfinite(words).all() and words.shape == (run.corpus.vocab_size, 2)


def test_journey_exercises_without_groups_or_analogies(bare):
    run, small, constant = bare
    assert not run.corpus.has_groups and not run.corpus.analogies
    ex = book_journey.journey_exercises(run, small, constant)   # used to fail: argmin of no tests
    assert ex["n_analogies"] == 0 and ex["weakest_test"] == "— : — :: — : ?" and ex["weakest_right"] == 0
    assert ex["small_map_purity"] == ex["small_W_purity"] == 100.0   # one group holds every word
    assert abs(ex["small_share"] - 100) < 1e-6
