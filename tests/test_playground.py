"""The data of "Your turn" (w2v.book.playground): the page gets the run's own start and pair order,
text boxes that read back to the same corpus, the book's results as w2v.analysis computes them,
and exercise answers trained by the engine through the cache."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from w2v import analysis, load_corpus, pairs, train_or_load
from w2v.book import playground as pg
from w2v.step import training_step

from tiny_corpus import write_tiny


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    folder = write_tiny(tmp_path_factory.mktemp("tiny") / "corpus")
    return train_or_load(folder, tmp_path_factory.mktemp("cache"))


def _decode(data):
    W0 = np.frombuffer(base64.b64decode(data["W0"]), dtype="<f4")
    order = np.frombuffer(base64.b64decode(data["order"]), dtype="<u2" if data["order_dtype"] == "uint16" else "<i4")
    return W0, order


def test_the_page_gets_the_runs_own_start_and_order(tiny_run):
    data = pg.playground_data(tiny_run)
    W0, order = _decode(data)
    assert np.array_equal(W0.reshape(tiny_run.W.shape), tiny_run.W_checkpoints[0])
    assert not tiny_run.W_out_checkpoints[0].any()          # W′ starts at zero: not carried
    assert np.array_equal(order, tiny_run.step_pair)
    assert data["n_pairs"] == len(tiny_run.pairs) and data["vocab"] == tiny_run.corpus.vocab
    r = tiny_run.config
    assert data["recipe"] == dict(window=r.window, dim=r.dim, lr=r.lr, lr_final=r.lr_final, steps=r.steps, seed=r.seed)
    json.dumps(data)                                         # plain JSON for the page


def test_start_and_order_replayed_give_the_runs_final_weights(tiny_run):
    """What the page does with them: the step of step.py from W0 along the order."""
    data = pg.playground_data(tiny_run)
    W0, order = _decode(data)
    W, W_out = W0.reshape(tiny_run.W.shape).copy(), np.zeros_like(tiny_run.W_out)
    table = pairs(tiny_run.corpus, data["recipe"]["window"])   # the page builds the pairs from the text
    for t, row in enumerate(order):
        rec = training_step(W, W_out, int(table[row, 0]), int(table[row, 1]), tiny_run.config.lr_at(t))
        W, W_out = rec.W_next, rec.W_out_next
    np.testing.assert_allclose(W, tiny_run.W, atol=1e-4, rtol=0)
    np.testing.assert_allclose(W_out, tiny_run.W_out, atol=1e-4, rtol=0)


def test_text_boxes_read_back_to_the_corpus(tiny_run, tmp_path):
    data = pg.playground_data(tiny_run)
    corpus = tiny_run.corpus
    assert [line.split(" ") for line in data["text"].split("\n")] == corpus.sentences
    groups = {}
    for line in data["groups"].split("\n"):
        name, words = line.split(": ")
        groups.update({w: name for w in words.split(" ")})
    assert groups == {w: corpus.group_of(w) for w in corpus.vocab}
    assert [tuple(line.split(" ")) for line in data["analogies"].split("\n")] == corpus.analogies
    # the page's vocabulary order (group, then frequency, then the word) is load_corpus's
    order = sorted(corpus.vocab, key=lambda w: (corpus.groups.index(groups[w]), -corpus.counts[corpus.index[w]], w))
    assert order == corpus.vocab
    assert data["default_word"] == corpus.analogies[0][0]


def test_book_results_are_w2v_analysis(tiny_run):
    book = pg.book_results(tiny_run)
    corpus = tiny_run.corpus
    ids, _ = analysis.nearest_neighbors(tiny_run.W, tiny_run.neighbors.shape[-1])
    assert book["neighbors"] == ids[:, :pg.NEIGHBORS_K].tolist()
    answers, ranks = analysis.analogy_results(tiny_run.W, corpus.ids_of_analogies())
    assert book["analogy_answers"] == answers and book["analogies_right"] == sum(r == 1 for r in ranks)
    k = min(pg.PURITY_K, tiny_run.neighbors.shape[-1])
    assert book["purity"] == pytest.approx(analysis.neighbor_purity(ids, corpus.word_group, k))
    coords = analysis.embedding_map(tiny_run.W_checkpoints)["coords"][-1]
    np.testing.assert_allclose(np.c_[book["map_x"], book["map_y"]], coords, atol=1e-6)


def test_loss_curve_is_block_means():
    losses = np.arange(1, 251, dtype=np.float32)          # 250 steps in 100 blocks of 3 (the last of 1)
    ends, means = pg.loss_curve(losses)
    assert ends[0] == 3 and ends[-1] == 250 and len(ends) == 84
    assert means[0] == pytest.approx(2.0) and means[-1] == pytest.approx(250.0)
    ends, means = pg.loss_curve(np.ones(15), points=100)  # fewer steps than points: one step a block
    assert ends == list(range(1, 16)) and means == [1.0] * 15


def test_final_loss_is_the_books_final_loss(tiny_run):
    """The page's final loss, the book's and the reader's, is the one the other chapters print:
    the mean loss of the last `checkpoint_every` steps (all of them in a shorter run)."""
    window = tiny_run.config.checkpoint_every
    last_mean = float(tiny_run.losses[-window:].mean())   # "Training journey"'s final loss
    assert pg.book_results(tiny_run)["final_loss"] == pytest.approx(last_mean, abs=1e-6)
    assert pg.outcome(tiny_run)["loss"] == pytest.approx(last_mean)
    assert pg.playground_data(tiny_run)["loss_window"] == window
    assert pg.final_loss(np.arange(1.0, 11.0), 4) == pytest.approx(8.5)     # 7, 8, 9, 10
    assert pg.final_loss(np.arange(1.0, 4.0), 500) == pytest.approx(2.0)    # shorter than the window


def test_neighbours_in_window_counts_the_pairs(tiny_run):
    """The window exercise's share, by brute force: for each word and each of its nearest
    neighbours, is there a training pair of the two within the window?"""
    corpus, window = tiny_run.corpus, tiny_run.config.window
    found = {(int(c), int(o)) for c, o in pairs(corpus, window)[:, :2]}
    ids, _ = analysis.nearest_neighbors(tiny_run.W, min(pg.PURITY_K, corpus.vocab_size - 1))
    expected = np.mean([[(w, int(j)) in found for j in row] for w, row in enumerate(ids)])
    assert pg.neighbours_in_window(tiny_run, window) == pytest.approx(expected)
    assert pg.neighbours_in_window(tiny_run, window + 1) >= pg.neighbours_in_window(tiny_run, window)


def test_exercise_recipes_change_one_setting_each(tiny_run):
    recipes = pg.exercise_recipes(tiny_run.config)
    assert recipes == dict(window=dict(window=tiny_run.config.window + 1), dim=dict(dim=2),
                           steps=dict(steps=tiny_run.config.steps // 5))


def test_exercise_answers_are_the_engines_runs(tiny_run, tmp_path):
    facts = pg.exercise_facts(tiny_run, tmp_path)
    assert facts["ex_book_right"] == int(tiny_run.analogy_correct[-1].sum())
    assert facts["ex_tests"] == len(tiny_run.corpus.analogies)
    from w2v.runs import variant

    other = variant(tiny_run.corpus.folder, tmp_path, dim=2)
    assert other.W.shape[1] == 2 and other.from_cache                # trained once, by exercise_facts
    assert facts["ex_dim_right"] == int(other.analogy_correct[-1].sum())
    assert facts["ex_dim_purity"] == pytest.approx(pg.outcome(other)["purity"])
    assert facts["ex_steps_setting"] == tiny_run.config.steps // 5
    glued = pg.page_facts(tiny_run, facts)
    assert glued["pg_steps"] == tiny_run.config.steps and glued["pg_purity_k"] == pg.playground_data(tiny_run)["purity_k"]
    assert glued["ex_dim_purity"] == pytest.approx(100 * facts["ex_dim_purity"])              # shares in per cent
    assert glued["ex_dim_right"] == facts["ex_dim_right"] and glued["ex_tests"] == facts["ex_tests"]


def test_data_script_cannot_close_its_element_early(tiny_run):
    html = pg.data_script(tiny_run)._repr_html_()
    assert html.startswith('<script type="application/json" id="w2v-playground-data">')
    assert html.count("</") == 1
