"""w2v.book.figures.Claims: prose about the book's corpus fails the build there when false, and becomes a
visible note on a reader's corpus (W2V_CORPUS) instead."""

import pytest

import w2v
from w2v.book.kit import Claims


def test_on_the_books_corpus_a_false_claim_fails():
    claims = Claims(strict=True)
    assert claims.check(2 > 1, "two is more than one")
    with pytest.raises(AssertionError, match=r"most words point together \(30 of 42 point apart\)"):
        claims.check(False, "most words point together", "30 of 42 point apart")


def test_on_a_readers_corpus_a_false_claim_is_a_note():
    claims = Claims(strict=False)
    assert claims.note() == ""                      # nothing failed: no note at all
    assert not claims.check(False, "the pronouns lead", "none here")
    assert claims.check(True, "a claim that holds")
    claims.check(False, "twin lines are a handful")
    assert claims.note() == ("*On this corpus, which is not the book's:* the pronouns lead: not so here "
                             "(none here); twin lines are a handful: not so here.")


def test_the_book_corpus_is_strict_unless_another_is_named():
    assert w2v.ON_BOOK_CORPUS == (w2v.BOOK_CORPUS == (w2v.REPO_ROOT / "corpus").resolve())


def test_a_mention_is_a_note_only_on_a_readers_corpus():
    strict, reader = Claims(strict=True), Claims(strict=False)
    for claims in (strict, reader):
        claims.mention("the book trains 20 seeds on its own corpus, this build 5, to keep it short")
    assert strict.note() == "" and not strict.failed
    assert reader.note() == ("*On this corpus, which is not the book's:* the book trains 20 seeds on its own corpus, "
                             "this build 5, to keep it short.")


def test_a_readers_corpus_trains_fewer_seeds(tmp_path):
    # a fresh interpreter: w2v.seeds reads W2V_CORPUS when imported, as the book's build does
    import os
    import subprocess
    import sys

    code = "from w2v import seeds; print(len(seeds.SEEDS), seeds.BOOK_SEEDS)"
    book = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items() if k != "W2V_CORPUS"}, check=True)
    (tmp_path / "sentences.txt").write_text("a b\n")
    reader = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "W2V_CORPUS": str(tmp_path)}, check=True)
    assert book.stdout.split() == ["20", "20"] and reader.stdout.split() == ["5", "20"]


def test_a_measure_with_nothing_to_measure_reads_a_dash_not_nan():
    claims = Claims(strict=False)
    claims.check(False, "bands of the groups appear in W", "block contrast nan → −nan, purity nan% to 100%")
    assert claims.note() == ("*On this corpus, which is not the book's:* bands of the groups appear in W: not so "
                             "here (block contrast — → —, purity — to 100%).")


def test_a_negative_number_in_a_note_has_a_true_minus_sign():
    claims = Claims(strict=False)
    claims.check(False, "pairs are alike in W′", "cosine 0.84 against a median of -0.10, step 2-3")
    assert claims.note().endswith("(cosine 0.84 against a median of \u22120.10, step 2-3).")

