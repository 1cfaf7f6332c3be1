"""Every run the book trains, declared once: the recipe, its variants, the seed runs, and gensim's.

A variant is a value, the corpus's recipe with a field changed (``dataclasses.replace(recipe,
window=3)``), cached under the corpus's data, the recipe and the engine's code (w2v.train.run_key).
The book's build calls `train_missing` before the first chapter executes (book/_ext/w2v_book.py),
so no notebook cell trains; a chapter that asks for a run not declared here fails the build
(w2v.train.TRAINED_ONLY). The chapters get their runs through `variant`, `w2v.seeds.seed_runs`,
`w2v.counts.dim_runs` and `w2v.peers.comparison`, all of which ask for runs declared here.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .corpus import load_corpus
from .train import Run, TrainConfig, default_cache_dir, load_config, run_key, run_path, train_or_load

SGNS_NEGATIVES = (2, 5)  # the k of the SGNS rows of "Negative sampling"'s table, over every seed
LONG_RUN_FACTOR = 4  # "What the model is fitting": how much of the gap to the floor more steps close
HS_CHANGES = dict(softmax="hierarchical", negatives=0)  # the recipe with word2vec's other way around the softmax
# "What it would take" ("Training journey"): the recipe with twice the dimensions and four times the
# steps, over every seed, to see whether the test the book's recipe cannot answer by the offset
# only lacks room and time. On the book's corpus: 16 dimensions × 60,000 steps.
BIGGER_DIM_FACTOR, BIGGER_STEPS_FACTOR = 2, 4


def exercise_recipes(config: TrainConfig) -> dict[str, dict]:
    """The three changes of the recipe the exercises of "Your turn" ask the reader to try: one
    more word of window on each side (also "The corpus", "Counts", "Two faces"), a two-dimensional
    model (also "Model blueprint", "Training journey"), and a fifth of the steps."""
    return dict(window=dict(window=config.window + 1), dim=dict(dim=2), steps=dict(steps=max(config.steps // 5, 1)))


def single_recipes(config: TrainConfig) -> list[TrainConfig]:
    """Every recipe the book trains alone: its own, each of `exercise_recipes`, a constant learning
    rate ("One training step", "Training journey"), each dimension of "What the model is fitting"
    (w2v.counts.DIMS), and a run LONG_RUN_FACTOR times longer ("What the model is fitting")."""
    from .counts import DIMS

    changes = [{}] + list(exercise_recipes(config).values()) + [dict(lr_final=config.lr)] + \
        [dict(dim=d) for d in DIMS] + [dict(steps=LONG_RUN_FACTOR * config.steps)]
    return _unique(dataclasses.replace(config, **c) for c in changes)


def seed_groups(config: TrainConfig) -> list[list[TrainConfig]]:
    """The recipes trained over every seed of w2v.seeds.SEEDS, one group per batched program: the
    recipe itself ("Training journey", "Counts", "The weights"), SGNS with each of SGNS_NEGATIVES
    and the hierarchical softmax ("Two ways around the softmax")."""
    from .seeds import SEEDS

    bases = [config] + [dataclasses.replace(config, negatives=k) for k in SGNS_NEGATIVES] \
        + [dataclasses.replace(config, **HS_CHANGES)]
    return [[dataclasses.replace(base, seed=s) for s in SEEDS] for base in bases]


def bigger_changes(config: TrainConfig) -> dict:
    """The changes of the recipe in "What it would take": BIGGER_DIM_FACTOR times the dimensions,
    BIGGER_STEPS_FACTOR times the steps, checkpoints as many as the recipe's (so they stay as cheap)."""
    return dict(dim=BIGGER_DIM_FACTOR * config.dim, steps=BIGGER_STEPS_FACTOR * config.steps,
                checkpoint_every=BIGGER_STEPS_FACTOR * config.checkpoint_every)


def bigger_group(corpus_dir: str | Path, config: TrainConfig) -> list[TrainConfig]:
    """`bigger_changes` over every seed ("Training journey", "What it would take"), one batched
    program; none on a corpus without analogy tests, where there is no test to answer."""
    from .seeds import SEEDS

    if not load_corpus(corpus_dir).analogies:
        return []
    bigger = dataclasses.replace(config, **bigger_changes(config))
    return [dataclasses.replace(bigger, seed=s) for s in SEEDS]


def gensim_params_all(corpus_dir: str | Path) -> list[dict]:
    """gensim's Word2Vec arguments of every row of "Negative sampling"'s table, every seed."""
    from .peers import GENSIM_VARIANTS, gensim_params
    from .seeds import SEEDS

    corpus, config = load_corpus(corpus_dir), load_config(corpus_dir)
    return [gensim_params(corpus, config, s, **changes) for changes in GENSIM_VARIANTS.values() for s in SEEDS]


def variant(corpus_dir: str | Path, cache_dir: str | Path | None = None, **changes) -> Run:
    """The corpus's recipe with `changes` (e.g. window=3), loaded from the cache or trained: the
    one way a chapter asks for a run of another recipe."""
    return train_or_load(corpus_dir, cache_dir, config=dataclasses.replace(load_config(corpus_dir), **changes))


def _unique(recipes) -> list[TrainConfig]:
    return list(dict.fromkeys(recipes))


def missing(corpus_dir: str | Path, cache_dir: str | Path | None = None) -> list[list[TrainConfig]]:
    """The declared torch runs not in the cache, as jobs: a single recipe, or a seed group."""
    folder = Path(corpus_dir)
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    config = load_config(folder)
    grouped = {r for group in seed_groups(config) for r in group}

    def absent(recipes):
        return [r for r in recipes if not run_path(cache, run_key(folder, r)).is_file()]

    # the book's own run is trained alone, never in a batch (w2v.seeds.seed_runs does the same)
    jobs = [[r] for r in absent(single_recipes(config)) if r not in grouped or r == config]
    groups = seed_groups(config) + [bigger_group(folder, config)]
    jobs += [group for group in (absent([r for r in g if r != config]) for g in groups) if group]
    return jobs


def train_missing(corpus_dir: str | Path, cache_dir: str | Path | None = None, workers: int | None = None) -> int:
    """Train every declared run missing from the cache, the jobs spread over one process per core
    (largest first), then gensim's vectors; returns the number of torch runs trained. Each run is
    single-threaded and seeded, so it is the same run whichever process trains it."""
    jobs = sorted(missing(corpus_dir, cache_dir), key=len, reverse=True)
    workers = min(len(jobs), workers or os.cpu_count() or 1)
    if workers > 1:  # "spawn": a fresh interpreter, never a fork of a process that already runs torch
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            list(pool.map(_train_job, [str(corpus_dir)] * len(jobs), jobs, [cache_dir] * len(jobs)))
    else:
        for job in jobs:
            _train_job(corpus_dir, job, cache_dir)
    from .peers import gensim_vectors

    for params in gensim_params_all(corpus_dir):
        gensim_vectors(corpus_dir, params, cache_dir)
    return sum(len(job) for job in jobs)


def _train_job(corpus_dir, recipes: list[TrainConfig], cache_dir) -> None:
    from .train import train_or_load_seeds

    if len(recipes) == 1:
        train_or_load(corpus_dir, cache_dir, config=recipes[0])
    else:
        train_or_load_seeds(corpus_dir, recipes, cache_dir)
