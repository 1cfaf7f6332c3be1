"""w2v: the package every chapter of "Word2Vec: Inside the Model" imports.

Modules follow the book: corpus → model → train (record, cache) → step → analysis → plots.
"""

from pathlib import Path

from .corpus import Corpus, CorpusError, load_corpus, pairs
from .train import Run, TrainConfig, load_config, train_or_load

REPO_ROOT = Path(__file__).resolve().parent.parent
BOOK_CORPUS = REPO_ROOT / "corpus"


def book_run(progress=None) -> Run:
    """The one run the whole book shows: the repository's corpus/, trained once and cached."""
    return train_or_load(BOOK_CORPUS, progress=progress)


__all__ = ["Corpus", "CorpusError", "Run", "TrainConfig", "book_run", "load_config", "load_corpus",
           "pairs", "train_or_load", "BOOK_CORPUS", "REPO_ROOT"]
