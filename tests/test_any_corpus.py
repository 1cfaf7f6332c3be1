"""The book layer on a reader's corpus (issue 27): a folder with a sentences.txt only, no
groups.tsv, analogies.txt or train.toml, as `python -m w2v prepare` writes it from real text.
Chapters' facts computed without Sphinx, on tiny runs."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from w2v import analysis, counts
from w2v.book import journey as book_journey
from w2v.book.kit import Claims
from w2v.step import step_of_run
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
    ex = book_journey.journey_exercises(run, constant)   # used to fail: argmin of no tests
    assert ex["n_analogies"] == 0 and ex["weakest_test"] == "— : — :: — : ?" and ex["weakest_right"] == 0
    small_map = analysis.map_facts(small)
    assert small_map.get("map_purity_end", 100.0) == small_map.get("map_purity_W_end", 100.0) == 100.0   # one group
    assert abs(small_map["map_share_end"] - 100) < 1e-6


def chapter_cell(chapter: str, marker: str) -> str:
    """The source of the code cell of book/<chapter>.md that contains `marker`."""
    text = (Path(__file__).resolve().parents[1] / "book" / f"{chapter}.md").read_text(encoding="utf-8")
    cells = [c.split("\n", 1)[1].split("\n```", 1)[0] for c in text.split("```{code-cell} python")[1:]]
    found = [c for c in cells if marker in c]
    assert len(found) == 1, f"{len(found)} cells of {chapter}.md hold {marker!r}"
    return found[0]


def test_two_faces_step_check_holds_when_the_example_word_opens_training(bare):
    """"Two faces" checks one step of its example word against both update formulas. On a text
    where that word is the centre of step 0 (the licence texts: "the"), the step picked was step 0,
    where W′ is still zero: no row of W moved and the visible cell's assert failed the build."""
    run = bare[0]
    ex = int(run.centers[0])
    assert (run.centers[1:] == ex).any()
    cell = chapter_cell("two-faces", "one row of W changed")
    scope = dict(np=np, run=run, ex=ex, V=run.corpus.vocab_size, step_of_run=step_of_run,
                 claims=Claims(strict=True))
    exec(cell, scope)   # the chapter's own code, as the page runs it
    assert scope["t"] > 0


def test_the_map_of_a_text_without_groups_is_one_colour_as_its_caption_says(bare):
    """The caption said "all grey (the text has no groups)" over orange dots (the one group's
    colour, as a text of 4,384 real words showed)."""
    from w2v.book.figures import coloured_by
    from w2v.book.figures.maps import embedding_map as map_figure

    run = bare[0]
    m = analysis.embedding_map(run.W_checkpoints)
    layout = map_figure(run.corpus, run.checkpoint_steps, m["coords"], m["axis_share"], m["share"],
                        run.neighbors, run.analogy_answers)
    colours = set(layout.select_one({"name": "map-points"}).data["color"])
    assert len(colours) == 1 and coloured_by(run.corpus) == "all one colour (the text has no groups)"
