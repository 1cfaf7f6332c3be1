"""w2v.plots.Claims: prose about the book's corpus fails the build there when false, and becomes a
visible note on a reader's corpus (W2V_CORPUS) instead."""

import pytest

import w2v
from w2v.plots import Claims


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
