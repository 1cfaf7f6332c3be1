"""What word2vec users expect of the command line (issue 27): recipe options over train.toml,
--epochs, --min-count, --version, binary export read by gensim, questions-words.txt scored as
gensim scores it. In-process: `w2v.cli.main(argv)`."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest

from w2v import cli
from w2v.corpus import pairs
from w2v.train import train_or_load

from tiny_corpus import TINY_GROUPS, run_main, trained_tiny, write_tiny

ROOT = Path(__file__).resolve().parents[1]
RECIPE = ["--steps", "120", "--dim", "3", "--window", "1", "--lr", "0.2", "--lr-final", "0.01", "--seed", "4",
          "--negatives", "2"]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return trained_tiny(tmp_path_factory.mktemp("options"))


def test_help_shows_every_recipe_option(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["train", "--help"])
    out = capsys.readouterr().out
    assert stop.value.code == 0
    for option in ("--steps", "--epochs", "--dim", "--window", "--lr", "--lr-final", "--seed", "--negatives",
                   "--min-count"):
        assert f"  {option} " in out, option
    assert "overrides the corpus's train.toml" in out


def test_version_is_the_package_version(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert stop.value.code == 0 and capsys.readouterr().out == f"w2v {version}\n"


def test_recipe_options_override_train_toml(tiny, capsys):
    code, out, err = run_main(capsys, "train", *RECIPE, "--corpus", tiny["folder"], "--cache-dir", tiny["cache"])
    assert code == 0, err
    overrides = dict(steps=120, dim=3, window=1, lr=0.2, lr_final=0.01, seed=4, negatives=2)
    run = train_or_load(tiny["folder"], tiny["cache"], overrides=overrides)
    assert run.from_cache and run.W.shape == (16, 3) and len(run.losses) == 120
    assert {k: getattr(run.config, k) for k in overrides} == overrides
    assert run.config.checkpoint_every == 100  # what train.toml sets and no option overrides stays
    assert "steps           120" in out.splitlines()


@pytest.mark.parametrize("argv, said", [(["--steps", "0"], "--steps: steps must be a whole number ≥ 1, got 0"),
                                        (["--lr", "-1"], "--lr: lr must be a number > 0"),
                                        (["--min-count", "0"], "--min-count: min_count must be a whole number ≥ 1"),
                                        (["--epochs", "0"], "--epochs must be a whole number ≥ 1, got 0"),
                                        (["--min-count", "1000"], "min_count 1000 leaves 0 word(s)")])
def test_a_bad_option_is_one_line(tiny, capsys, argv, said):
    code, out, err = run_main(capsys, "train", *argv, "--corpus", tiny["folder"], "--cache-dir", tiny["root"] / "c2")
    assert code == 2 and out == "" and len(err.splitlines()) == 1 and said in err, err
    assert not (tiny["root"] / "c2").exists()


def test_steps_and_epochs_exclude_each_other(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["train", "--steps", "5", "--epochs", "2"])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and len(err.splitlines()) == 1 and "not allowed with argument" in err


def test_epochs_are_passes_over_the_pairs(tiny, capsys):
    code, out, err = run_main(capsys, "train", "--epochs", "2", "--corpus", tiny["folder"], "--cache-dir", tiny["cache"])
    assert code == 0, err
    n_pairs = len(pairs(tiny["run"].corpus, tiny["run"].config.window))
    assert f"steps           {2 * n_pairs}" in out.splitlines()
    run = train_or_load(tiny["folder"], tiny["cache"], epochs=2)
    assert run.from_cache and sorted(np.bincount(run.step_pair)) == [2] * n_pairs  # every pair twice


def test_min_count_drops_rarer_words_and_says_how_many(tmp_path, capsys):
    folder = write_tiny(tmp_path / "c")
    (folder / "groups.tsv").unlink()  # groups.tsv would have to name the rare words too
    with open(folder / "sentences.txt", "a") as f:
        f.write("cat sees zebra\nyak\n")
    code, out, err = run_main(capsys, "train", "--min-count", "2", "--corpus", folder, "--cache-dir", tmp_path / "cache")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[1] == "min count       2: dropped 2 rarer words (2 tokens, 0 analogy tests)"
    assert "33 sentences, 130 tokens, 16 words" in lines[0]  # "cat sees" stays, "yak" goes
    run = train_or_load(folder, tmp_path / "cache", overrides={"min_count": 2})
    assert run.from_cache and sorted(run.corpus.vocab) == sorted(w for ws in TINY_GROUPS.values() for w in ws)


@pytest.mark.parametrize("binary", [False, True])
def test_export_is_read_by_gensim(tiny, tmp_path, capsys, binary):
    from gensim.models import KeyedVectors

    path = tmp_path / ("v.bin" if binary else "v.txt")
    code, out, err = run_main(capsys, "export", path, *(["--binary"] if binary else []), "--corpus", tiny["folder"],
                              "--cache-dir", tiny["cache"])
    assert code == 0, err
    assert out == f"wrote 16 × 4 W vectors to {path} (word2vec {'binary' if binary else 'text'} format)\n"
    kv = KeyedVectors.load_word2vec_format(str(path), binary=binary)
    assert kv.index_to_key == tiny["run"].corpus.vocab and np.array_equal(kv.vectors, tiny["run"].W)


QUESTIONS = """\
: animals-colours
cat dog red blue
cow pig green pink
cat pig red pink
dog cow blue green
Cat Dog Red Blue
cat dog red unicorn
: verbs-places
eats sees park farm
likes wants town lake
sees likes farm town
wants eats lake park
eats sees unicorn farm
"""


def test_evaluate_scores_sections_like_gensim(tiny, tmp_path, capsys):
    from gensim.models import KeyedVectors

    questions = tmp_path / "questions-words.txt"
    questions.write_text(QUESTIONS)
    vectors = tmp_path / "v.txt"
    assert run_main(capsys, "export", vectors, "--corpus", tiny["folder"], "--cache-dir", tiny["cache"])[0] == 0
    code, out, err = run_main(capsys, "evaluate", questions, "--corpus", tiny["folder"], "--cache-dir", tiny["cache"])
    assert code == 0, err
    score, sections = KeyedVectors.load_word2vec_format(str(vectors)).evaluate_word_analogies(str(questions))
    lines = out.splitlines()
    for line, section in zip(lines, sections[:2]):
        correct, answered = len(section["correct"]), len(section["correct"]) + len(section["incorrect"])
        assert line.split()[0] == section["section"] and line.split()[1] == f"{correct}/{answered}"
    assert lines[0].endswith("(1 skipped)") and lines[1].endswith("(1 skipped)")
    total = sections[-1]
    assert total["section"] == "Total accuracy"
    n = len(total["correct"]) + len(total["incorrect"])
    assert n == 9  # the capitalised question is answered, as by gensim; the two with unicorn are not
    assert lines[2] == (f"total: {len(total['correct'])}/{n} correct ({100 * score:.1f}%); skipped 2 of 11 "
                        f"questions with a word outside the vocabulary")


def test_a_bad_questions_file_is_one_line(tiny, tmp_path, capsys):
    questions = tmp_path / "q.txt"
    questions.write_text(": s\ncat dog red\n")
    code, out, err = run_main(capsys, "evaluate", questions, "--corpus", tiny["folder"], "--cache-dir", tiny["cache"])
    assert code == 2 and out == ""
    assert err == f"w2v evaluate: error: {questions}:2: expected ': section' or four words 'a b c d', got 3 words\n"
