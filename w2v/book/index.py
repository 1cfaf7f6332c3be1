"""The chapter "Word2Vec: Inside the Model" (book/index.md): its exercise answers
(`welcome_exercises`)."""

from __future__ import annotations

from ..model import SkipGram
from ..peers import GOOGLE_NEWS_DIM, GOOGLE_NEWS_WORDS
from ..train import Run
from .kit import final_purity, last_mean


def welcome_exercises(run: Run, bigger: Run) -> dict:
    """For the exercises of "Word2Vec: Inside the Model": the corpus sizes per sentence and per
    word, the parameter count 2·V·D (and that of Google's News vectors), and the recipe retrained at a larger dimension (`bigger`,
    the same recipe with only `dim` changed): its parameters, purity and final loss."""
    corpus, config = run.corpus, run.config
    V, D, D2 = corpus.vocab_size, config.dim, bigger.config.dim
    assert bigger.corpus.vocab == corpus.vocab and D2 > D
    n_params = sum(p.numel() for p in SkipGram(V, D).parameters())
    n_params_bigger = sum(p.numel() for p in SkipGram(V, D2).parameters())
    return dict(V=int(V), D=int(D), n_sentences=len(corpus.sentences), n_tokens=int(corpus.n_tokens),
                tokens_per_sentence=corpus.n_tokens / len(corpus.sentences),
                tokens_per_word=corpus.n_tokens / V,
                n_params=int(n_params), n_per_matrix=int(V * D),
                google_V=GOOGLE_NEWS_WORDS, google_D=GOOGLE_NEWS_DIM,
                google_n_params=2 * GOOGLE_NEWS_WORDS * GOOGLE_NEWS_DIM,
                google_gigabytes=2 * GOOGLE_NEWS_WORDS * GOOGLE_NEWS_DIM * 4 / 1e9,  # float32
                google_ratio=2 * GOOGLE_NEWS_WORDS * GOOGLE_NEWS_DIM / n_params,
                D_bigger=int(D2), n_params_bigger=int(n_params_bigger),
                params_ratio=n_params_bigger / n_params,
                purity=final_purity(run), purity_bigger=final_purity(bigger),
                last_mean=last_mean(run), last_mean_bigger=last_mean(bigger))
