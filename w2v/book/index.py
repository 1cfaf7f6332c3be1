"""The chapter "Word2Vec: Inside the Model" (book/index.md): the sizes of the tiny model beside
Google's published vectors (`facts`) and its exercise answers (`welcome_exercises`)."""

from __future__ import annotations

import numpy as np

from ..corpus import pairs
from ..model import SkipGram
from ..peers import GOOGLE_NEWS_DIM, GOOGLE_NEWS_TRAINING_WORDS, GOOGLE_NEWS_WORDS
from ..train import Run
from .blueprint import code_lines
from .kit import final_purity, last_mean


def facts(run: Run) -> dict:
    """What the page glues: the corpus and the model in numbers (V, D, sentences, tokens,
    parameters, steps, lines of model.py), and Google's published vectors beside them: their size
    (google2013word2vec) and how many times this model's parameters and this text's tokens they
    hold (`google_to_params`, `google_to_tokens`, unrounded, for the page's claim)."""
    corpus, config = run.corpus, run.config
    n_params = sum(p.numel() for p in SkipGram(corpus.vocab_size, config.dim).parameters())
    google_numbers = GOOGLE_NEWS_WORDS * GOOGLE_NEWS_DIM          # the published input vectors alone
    return dict(V=int(corpus.vocab_size), D=int(config.dim), n_sentences=len(corpus.sentences),
                n_tokens=int(corpus.n_tokens), n_params=int(n_params), steps=int(config.steps),
                n_code_lines=len(code_lines()),
                google_words_millions=GOOGLE_NEWS_WORDS // 1_000_000, google_dim=GOOGLE_NEWS_DIM,
                google_training_billions=GOOGLE_NEWS_TRAINING_WORDS // 1_000_000_000,
                google_numbers_millions=google_numbers // 1_000_000,
                param_ratio=round(google_numbers / n_params, -3),
                token_ratio_millions=round(GOOGLE_NEWS_TRAINING_WORDS / corpus.n_tokens / 1e6),
                google_to_params=google_numbers / n_params,
                google_to_tokens=GOOGLE_NEWS_TRAINING_WORDS / corpus.n_tokens)


def welcome_exercises(run: Run, bigger: Run) -> dict:
    """For the exercises of "Word2Vec: Inside the Model": the corpus sizes per sentence and per
    word, the pairs each word is the centre of (most, median, least), the parameter count 2·V·D
    (and that of Google's News vectors), and the recipe retrained at a larger dimension (`bigger`,
    the same recipe with only `dim` changed): its parameters, purity and final loss."""
    corpus, config = run.corpus, run.config
    V, D, D2 = corpus.vocab_size, config.dim, bigger.config.dim
    as_centre = np.bincount(pairs(corpus, config.window)[:, 0], minlength=V)   # (V,) pairs per centre word
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
                last_mean=last_mean(run), last_mean_bigger=last_mean(bigger),
                loss_window=int(config.checkpoint_every),
                most_pairs_word=corpus.vocab[int(np.argmax(as_centre))], most_pairs=int(as_centre.max()),
                median_pairs=float(np.median(as_centre)), least_pairs=int(as_centre.min()))
