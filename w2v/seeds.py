"""The same recipe under other training seeds: how much of the story depends on the seed.

A seed run is the book's corpus with only ``seed`` changed in its recipe, trained and cached like
the book's own run (its key is the corpus's data, the recipe and the engine's code, w2v.train.run_key).
Shown in "Training journey" (the seed bands) and `benchmarks/seed_spread.py`.
Antoniak & Mimno (2018) show why word-embedding results should be reported over seeds.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from . import analysis
from .train import Run, load_config, train_or_load, train_or_load_seeds

from . import ON_BOOK_CORPUS

BOOK_SEEDS = 20   # the seeds every spread in the book is taken over, on the book's corpus
READER_SEEDS = 5  # on a reader's corpus (W2V_CORPUS): a quarter of the runs, so the build stays short
SEEDS = tuple(range(BOOK_SEEDS if ON_BOOK_CORPUS else READER_SEEDS))


def seed_runs(corpus_dir: str | Path, seeds=SEEDS, cache_dir: str | Path | None = None, **changes) -> list[Run]:
    """The corpus's recipe, with `changes` (e.g. negatives=5), trained once per seed (each cached);
    the corpus's own seed of the unchanged recipe is its own run.

    The runs missing from the cache are trained as one batched program (w2v.train.train_seeds),
    each equal to its single run to float32 rounding. Declared in w2v.runs.
    """
    own = load_config(corpus_dir)
    recipes = [dataclasses.replace(own, **changes, seed=int(s)) for s in seeds]
    if own in recipes:  # the corpus's own run is trained alone, as `train_or_load` always trains it
        train_or_load(corpus_dir, cache_dir)
    return train_or_load_seeds(corpus_dir, recipes, cache_dir)


def bigger_runs(corpus_dir: str | Path, seeds=SEEDS, cache_dir: str | Path | None = None) -> list[Run]:
    """The corpus's recipe at a larger dimension and more steps (w2v.runs.bigger_changes: on the
    book's corpus 16 dimensions × 60,000 steps), once per seed: "What it would take" in "Training
    journey" asks whether the test the recipe cannot answer by the offset only lacks room and time.
    Declared in w2v.runs (bigger_group), so the build trains them before the chapters run."""
    from .runs import bigger_changes

    return seed_runs(corpus_dir, seeds, cache_dir, **bigger_changes(load_config(corpus_dir)))


def final_scores(run: Run) -> dict[str, float]:
    """One run's headline diagnostics at its last checkpoint: analogies and their baselines,
    top-3 neighbour purity, block contrast."""
    groups = run.corpus.word_group
    scores = analysis.baseline_scores(run.W, run.corpus.ids_of_analogies())
    return dict(seed=run.config.seed, analogies=scores["three_cos_add"], nearest_of_c=scores["nearest_of_c"],
                b_plus_c=scores["b_plus_c"],
                purity=analysis.neighbor_purity(run.neighbors[-1], groups, 3),  # 1.0 with one group, as everywhere
                block_contrast=analysis.block_contrast(run.W, groups) if run.corpus.has_groups else float("nan"))


def spread_table(runs: list[Run]) -> list[dict[str, float]]:
    """`final_scores` of every run, in seed order."""
    return [final_scores(run) for run in runs]


def spread_summary(table: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    """For each diagnostic: median, min and max over the runs."""
    keys = [k for k in table[0] if k != "seed"]
    return {k: dict(median=float(np.median([row[k] for row in table])), min=float(min(row[k] for row in table)),
                    max=float(max(row[k] for row in table))) for k in keys}


def curves(runs: list[Run]) -> dict[str, np.ndarray]:
    """(S, C) purity and analogy score of every run at every checkpoint (runs share the recipe's checkpoints)."""
    purity = np.array([analysis.purity_per_word(run.neighbors, run.corpus.word_group, 3).mean(axis=-1)
                       for run in runs])
    right = np.array([(run.analogy_ranks == 1).sum(axis=1) for run in runs])
    return dict(steps=runs[0].checkpoint_steps, purity=purity, analogies=right)


def right_per_test(runs: list[Run]) -> np.ndarray:
    """(A,) for each analogy test, how many of the runs answer it right at the end of training.
    Shown in "Training journey" beside the seed bands."""
    return np.sum([run.analogy_ranks[-1] == 1 for run in runs], axis=0)
