"""The facts behind the exercises (w2v.book.<chapter>), each against an independent computation on the
tiny corpus: counted by loops over the text, by torch autograd, or from the recorded arrays."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from tiny_corpus import write_tiny
from w2v import analysis
from w2v.book import blueprint as book_blueprint
from w2v.book import corpus as book_corpus
from w2v.book import index as book_index
from w2v.book import journey as book_journey
from w2v.book import walkthrough as book_walkthrough
from w2v.corpus import load_corpus
from w2v.model import SkipGram
from w2v.runs import variant
from w2v.train import train_or_load


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """The tiny run, and the same recipe with one setting changed, as the chapters retrain it."""
    folder = write_tiny(tmp_path_factory.mktemp("tiny") / "corpus")
    cache = tmp_path_factory.mktemp("cache")
    run = train_or_load(folder, cache)

    def changed(**recipe):
        return variant(folder, cache, **recipe)

    return dict(folder=folder, run=run, bigger=changed(dim=2 * run.config.dim), small=changed(dim=2),
                wide=changed(window=run.config.window + 1), constant=changed(lr_final=run.config.lr))


def sentence_ids(corpus):
    return [[corpus.index[w] for w in s] for s in corpus.sentences]


def test_welcome(tiny):
    run, bigger = tiny["run"], tiny["bigger"]
    facts = book_index.welcome_exercises(run, bigger)
    lines = (tiny["folder"] / "sentences.txt").read_text().split("\n")
    words = [line.split() for line in lines if line.strip()]
    assert facts["n_sentences"] == len(words)
    assert facts["n_tokens"] == sum(len(s) for s in words)
    assert facts["V"] == len({w for s in words for w in s})
    assert facts["tokens_per_sentence"] == pytest.approx(sum(map(len, words)) / len(words))
    assert facts["tokens_per_word"] == pytest.approx(facts["n_tokens"] / facts["V"])
    # the parameters: W and W′ as the trained arrays hold them
    assert facts["n_params"] == run.W.size + run.W_out.size
    assert facts["n_params_bigger"] == bigger.W.size + bigger.W_out.size == 2 * facts["n_params"]
    # Google's News vectors, 3 million words × 300: their two tables, in 32-bit floats
    assert facts["google_n_params"] == 1_800_000_000 and facts["google_gigabytes"] == pytest.approx(7.2)
    assert facts["google_ratio"] == pytest.approx(1_800_000_000 / facts["n_params"])
    assert facts["purity"] == pytest.approx(100 * np.mean(
        [np.mean([run.corpus.word_group[n] == run.corpus.word_group[w] for n in run.neighbors[-1, w, :3]])
         for w in range(run.corpus.vocab_size)]))
    assert facts["last_mean_bigger"] == pytest.approx(bigger.losses[-run.config.checkpoint_every:].mean())
    # pairs per centre word, counted by a loop over every position and every offset of the window
    window = run.config.window
    as_centre = {w: 0 for w in run.corpus.vocab}
    for s in words:
        for i, w in enumerate(s):
            as_centre[w] += sum(1 for j in range(max(i - window, 0), min(i + window + 1, len(s))) if j != i)
    assert facts["most_pairs"] == max(as_centre.values()) and facts["least_pairs"] == min(as_centre.values())
    assert as_centre[facts["most_pairs_word"]] == facts["most_pairs"]
    assert facts["median_pairs"] == pytest.approx(np.median(list(as_centre.values())))


def test_blueprint_recipe(tiny):
    import dataclasses

    from w2v.train import TrainConfig

    run = tiny["run"]
    facts = book_blueprint.recipe_facts(run)
    assert facts["steps"] == run.config.steps and facts["n_checkpoints"] == len(run.checkpoint_steps)
    assert facts["window_words"] == f"{run.config.window} words" and facts["optimizer"] == "sgd"
    table = book_blueprint.recipe_table(run.config)
    assert table.count("<tr>") == 1 + len(dataclasses.fields(TrainConfig))   # the header, then a row per field
    assert f"<code>steps</code></td><td class=\"num\">{run.config.steps:,}" in table


def test_welcome_page_facts(tiny):
    run = tiny["run"]
    facts = book_index.facts(run)
    assert facts["n_params"] == run.W.size + run.W_out.size == 2 * facts["V"] * facts["D"]
    assert facts["n_code_lines"] == 13                                # "the model in 13 lines of PyTorch"
    assert facts["google_numbers_millions"] == 900 and facts["google_dim"] == 300
    assert facts["google_to_params"] == pytest.approx(900_000_000 / facts["n_params"])
    assert facts["param_ratio"] == round(facts["google_to_params"], -3)
    assert facts["google_to_tokens"] == pytest.approx(1e11 / facts["n_tokens"])


def test_blueprint(tiny):
    run, small = tiny["run"], tiny["small"]
    config = run.config
    facts = book_blueprint.blueprint_exercises(run, small)
    assert facts["n_checkpoints"] == len(run.W_checkpoints)
    assert facts["n_checkpoints"] == math.ceil(config.steps / config.checkpoint_every) + 1
    for key in ("one_more", "one_fewer"):  # the same rule, by counting the saves one by one
        steps = facts[f"steps_{key}"]
        assert facts[f"n_checkpoints_{key}"] == len(range(0, steps, config.checkpoint_every)) + 1
    assert facts["steps_one_more"] == config.steps + 1 and facts["steps_one_fewer"] == config.steps - 1
    t = facts["middle_step"]
    assert abs((config.steps - 1) - 2 * t) <= 1
    assert facts["lr_middle"] == pytest.approx(np.interp(t, [0, config.steps - 1], [config.lr, config.lr_final]))
    # a model whose W starts at zero, through torch autograd: loss ln V and no gradient at all
    V, D = run.corpus.vocab_size, config.dim
    model = SkipGram(V, D)
    with torch.no_grad():
        model.W.zero_()
    loss = model(torch.tensor([int(run.centers[0])]), torch.tensor([int(run.contexts[0])]))
    loss.backward()
    loss = loss.detach()
    assert facts["zero_loss"] == pytest.approx(loss.item(), abs=1e-6)
    assert facts["zero_loss"] == pytest.approx(math.log(V), abs=1e-5)
    assert not model.W.grad.any() and not model.W_out.grad.any()
    assert facts["zero_grad_h"] == facts["zero_grad_W_out"] == 0 and not facts["zero_moved"]
    assert facts["n_params_small"] == small.W.size + small.W_out.size


def test_corpus(tiny):
    run, wide = tiny["run"], tiny["wide"]
    corpus = load_corpus(tiny["folder"])
    facts = book_corpus.corpus_exercises(run)
    # pairs by a loop over every position and every other position within the window
    for window in (run.config.window, wide.config.window):
        loop = sum(1 for s in sentence_ids(corpus) for i in range(len(s)) for j in range(len(s))
                   if i != j and abs(i - j) <= window)
        assert book_corpus.window_pair_count(corpus, window) == loop
    assert facts["n_pairs"] == len(run.pairs) == facts["n_pairs_rule"]
    assert len(wide.pairs) == book_corpus.window_pair_count(corpus, wide.config.window)
    tokens = [w for s in corpus.sentences for w in s]
    most = max(tokens.count(w) for w in set(tokens))
    top = next(w for w in corpus.vocab if tokens.count(w) == most)     # ties: the first in the vocabulary
    assert facts["top_word"] == top and facts["top_count"] == most
    assert facts["top_share"] == pytest.approx(100 * most / len(tokens))
    # the steps whose centre is the top word, read from the recorded pairs one step at a time
    actual = sum(1 for row in run.step_pair if run.pairs[row, 0] == corpus.index[top])
    assert facts["top_actual"] == actual
    assert facts["top_expected"] == pytest.approx(actual, rel=0.25)   # shuffled passes: close to the share


def test_corpus_pair_facts(tiny):
    run = tiny["run"]
    facts = book_corpus.pair_facts(run)
    assert facts["n_pairs"] == len(run.pairs) and facts["steps"] == run.config.steps
    assert facts["passes"] == pytest.approx(run.config.steps / len(run.pairs))
    counts = np.bincount(run.step_pair, minlength=len(run.pairs))
    assert facts["times"] in {str(counts.min()), f"{counts.min()} or {counts.max()}"}


def test_walkthrough(tiny):
    run, constant = tiny["run"], tiny["constant"]
    facts = book_walkthrough.walkthrough_exercises(run, constant)
    V = run.corpus.vocab_size
    assert facts["step0_loss"] == pytest.approx(math.log(V), abs=1e-5) and facts["step0_grad_h"] == 0
    assert facts["late_loss"] == pytest.approx(-math.log(facts["late_p"]), abs=1e-5)
    assert facts["late_loss"] == pytest.approx(float(run.losses[facts["late"]]), abs=1e-5)   # the recorded loss
    assert facts["late_e"] == pytest.approx(facts["late_p"] - 1, abs=1e-6)
    # the early step with the other context word, through torch autograd
    W, W_out = run.state_before(facts["early"])
    center, other = run.corpus.index[facts["center"]], run.corpus.index[facts["other"]]
    grads = []
    for context in (int(run.contexts[facts["early"]]), other):
        model = SkipGram(V, run.config.dim)
        with torch.no_grad():
            model.W.copy_(torch.from_numpy(W))
            model.W_out.copy_(torch.from_numpy(W_out))
        model(torch.tensor([center]), torch.tensor([context])).backward()
        grads.append(model.W.grad[center].numpy().copy())
    assert facts["grad_h_change"] == pytest.approx(float(np.linalg.norm(grads[1] - grads[0])), abs=1e-5)
    assert facts["same_u"] and facts["e_changed"] == 2
    # the constant learning rate: every step's lr is the start's
    assert np.allclose(constant.lrs(), run.config.lr)
    assert facts["move_ratio"] == pytest.approx(facts["move_late"] / facts["move_early"])
    assert facts["shift_change"] < 1e-12 and facts["exp_1000"] == "inf"   # softmax ignores a shift; e^1000 overflows


def test_walkthrough_page(tiny):
    run = tiny["run"]
    early, late = book_walkthrough.default_steps(run)
    for step in (early, late):
        book_walkthrough.check_against_autograd(run, step)                 # passes: the step is autograd's
    facts = book_walkthrough.page_facts(run, early, late)
    assert all(isinstance(v, str) for v in facts.values())
    assert facts["wt_V"] == str(run.corpus.vocab_size) and facts["wt_early"] == f"{early:,}"
    assert facts["wt_rows_moved"] == "1" and facts["wt_cols_moved"] == str(run.corpus.vocab_size)
    center, context = int(run.centers[early]), int(run.contexts[early])
    assert facts["wt_center"] == run.corpus.vocab[center] and facts["wt_context"] == run.corpus.vocab[context]


def test_journey_page_facts(tiny):
    from w2v import analysis

    run, small, constant = tiny["run"], tiny["small"], tiny["constant"]
    corpus, V, window = run.corpus, run.corpus.vocab_size, run.config.checkpoint_every
    assert book_journey.run_facts(run)["n_checkpoints"] == len(run.checkpoint_steps)
    loss = book_journey.loss_facts(run)
    assert loss["ln_V"] == pytest.approx(math.log(V)) and loss["loss_0"] == pytest.approx(math.log(V), abs=1e-5)
    assert loss["last_mean"] == pytest.approx(float(np.mean(run.losses[-window:])), rel=1e-5)
    purity = np.array([analysis.neighbor_purity(n, corpus.word_group, 3) for n in run.neighbors])
    near = book_journey.purity_facts(run, purity, 0.25, 3)
    assert near["purity_end"] == pytest.approx(100 * purity[-1]) and near["start_word"] in corpus.vocab
    half = [s for s, v in zip(run.checkpoint_steps, purity) if v >= 0.5]
    assert near["reaches_half"] == bool(half) and near["purity_half_step"] == (half[0] if half else run.config.steps)
    right = run.analogy_ranks == 1
    answers = book_journey.analogy_facts(run, right)
    assert answers["final_score"] == right[-1].sum() and answers["score_0"] == right[0].sum()
    assert answers["analogy_changes"] == sum((right[c] != right[c + 1]).sum() for c in range(len(right) - 1))
    apart = book_journey.apart_facts(run)
    assert apart["n_final_pairs"] == V * run.neighbors.shape[-1] and 0 <= apart["apart_share"] <= 100
    tests = book_journey.offset_tests(corpus)
    found = analysis.analogy_diagnostics(np.stack([r.W for r in (run, small, constant) if r.W.shape == run.W.shape]),
                                         np.array([corpus.ids(t) for t in tests]))
    wa = book_journey.offset_test_facts(corpus, run.config.window, tests, found, 2)
    t = book_journey.weakest_test(found)
    assert wa["wa_bad"] == " : ".join(tests[t][:2]) + " :: " + " : ".join(tests[t][2:]) and wa["wa_n_seeds"] == 2
    conv = analysis.convergence_step(run.W_checkpoints, run.checkpoint_steps)
    settling = book_journey.convergence_facts(run, conv)
    assert settling["conv_first"] == conv.min() and settling["conv_last"] == conv.max()
    picked = book_journey.settling_words(corpus, conv)
    assert picked[0] == int(np.argmax(corpus.counts)) and corpus.counts[picked[2]] == corpus.counts.min()
    shown = book_journey.map_text_facts(run)
    assert shown["map_D"] == run.config.dim and not any(isinstance(v, bool) for v in shown.values())


def test_journey(tiny):
    run, small, constant = tiny["run"], tiny["small"], tiny["constant"]
    facts = book_journey.journey_exercises(run, constant)
    # H(o|c) from counts taken with a plain dictionary
    table = {}
    for c, o in run.pairs[:, :2].tolist():
        table.setdefault(c, {}).setdefault(o, 0)
        table[c][o] += 1
    n = len(run.pairs)
    floor = -sum(k / n * math.log(k / sum(row.values())) for row in table.values() for k in row.values())
    assert facts["floor"] == pytest.approx(floor) and facts["floor_words"] == pytest.approx(math.exp(floor))
    # the least often right analogy test, counted checkpoint by checkpoint
    counts = [sum(int(run.analogy_ranks[c, t] == 1) for c in range(len(run.checkpoint_steps)))
              for t in range(len(run.corpus.analogies))]
    assert facts["weakest_right"] == min(counts)
    a, b, c, _ = run.corpus.analogies[counts.index(min(counts))]
    assert facts["weakest_test"] == f"{a} : {b} :: {c} : ?"
    # at dimension 2 the map's plane is all of W: all the spread, the same neighbours
    small_map = analysis.map_facts(small)
    assert small_map["map_share_end"] == pytest.approx(100)
    assert small_map["map_purity_end"] == pytest.approx(small_map["map_purity_W_end"])
    assert facts["conv_median_constant"] >= 0 and facts["last_std_constant"] > 0
