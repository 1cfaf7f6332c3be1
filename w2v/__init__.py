"""w2v: the package every chapter of "Word2Vec: Inside the Model" imports.

Modules follow the book: corpus → model → train (record, cache) → step → analysis. This package is
the engine; the chapters' own facts and figures are the book layer on top of it, w2v.book.
"""

import os
from pathlib import Path

from .corpus import Corpus, CorpusError, load_corpus, pairs
from .train import Run, TrainConfig, load_config, train_or_load

REPO_ROOT = Path(__file__).resolve().parent.parent
# The corpus the whole book is built on: the repository's corpus/, or the folder named by the
# environment variable W2V_CORPUS (README, "The book on a corpus of your own").
BOOK_CORPUS = Path(os.environ.get("W2V_CORPUS") or REPO_ROOT / "corpus").resolve()
# Prose written about the book's own corpus is checked there (a false claim fails the build); on a
# reader's corpus the same check shows a note under the paragraph instead (w2v.book.kit.Claims).
ON_BOOK_CORPUS = BOOK_CORPUS == (REPO_ROOT / "corpus").resolve()


def book_run(progress=None) -> Run:
    """The one run the whole book shows: BOOK_CORPUS (corpus/ unless W2V_CORPUS names another
    folder), trained once and cached."""
    return train_or_load(BOOK_CORPUS, progress=progress)


def book_variant(**changes) -> Run:
    """The book's recipe with `changes` (e.g. window=3) on BOOK_CORPUS, cached: every variant a
    chapter trains is declared in w2v/runs.py, which trains them all before the chapters run."""
    from .runs import variant

    return variant(BOOK_CORPUS, **changes)


__all__ = ["Corpus", "CorpusError", "Run", "TrainConfig", "book_run", "book_variant", "load_config", "load_corpus",
           "pairs", "train_or_load", "BOOK_CORPUS", "ON_BOOK_CORPUS", "REPO_ROOT"]
