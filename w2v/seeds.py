"""The same recipe under other training seeds: how much of the story depends on the seed.

A seed run is the book's corpus with only ``seed`` changed in its recipe, trained and cached like
the book's own run (a derived corpus folder under the cache, so its key covers everything the
book's key covers). Shown in "Training journey" (the seed bands) and `benchmarks/seed_spread.py`.
Antoniak & Mimno (2018) show why word-embedding results should be reported over seeds.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from . import analysis
from .corpus import CORPUS_FILES, corpus_fingerprint
from .train import Run, default_cache_dir, load_config, replace_atomically, run_key, run_path, train_or_load

SEEDS = tuple(range(20))  # the seeds every spread in the book is taken over


def derived_corpus(corpus_dir: str | Path, cache_dir: str | Path | None = None, **recipe) -> Path:
    """A copy of a corpus folder whose train.toml has `recipe` changed (e.g. seed=3), under the cache."""
    source = Path(corpus_dir)
    config = dataclasses.replace(load_config(source), **recipe)
    label = "-".join(f"{k}{v}" for k, v in sorted(recipe.items())) or "same"
    # The source's fingerprint is in the name: two corpora that share a folder name (a clone, a
    # worktree, an edited copy) must never overwrite each other's derived folders.
    folder = Path(cache_dir if cache_dir is not None else default_cache_dir()) / "derived" / \
        f"{source.resolve().name}-{corpus_fingerprint(source)[:12]}-{label}"
    folder.mkdir(parents=True, exist_ok=True)
    # softmax only when it is not the full one: the full softmax's derived recipes stay the bytes
    # they were before the key existed, so their runs in a cache are found again
    values = {k: v for k, v in dataclasses.asdict(config).items() if not (k == "softmax" and v == "full")}
    toml = "".join(f"{k} = {v!r}\n".replace("'", '"') for k, v in values.items())
    for name in CORPUS_FILES:  # the data files as they are; the recipe (train.toml, last) changed
        wanted = toml.encode() if name == CORPUS_FILES[-1] else \
            (source / name).read_bytes() if (source / name).is_file() else None
        if wanted is None:
            (folder / name).unlink(missing_ok=True)
        elif not (folder / name).is_file() or (folder / name).read_bytes() != wanted:
            # atomically: two processes (pytest workers, two builds) may derive the same folder at once
            with replace_atomically(folder / name) as f:
                f.write(wanted)
    return folder


def seed_runs(corpus_dir: str | Path, seeds=SEEDS, cache_dir: str | Path | None = None) -> list[Run]:
    """The corpus trained once per seed (each cached); the corpus's own seed is its own run.

    Runs missing from the cache are trained in parallel, one process per core: each run is
    single-threaded and seeded, so it is the same run whichever process trains it.
    """
    own = load_config(corpus_dir).seed
    folders = [Path(corpus_dir) if int(s) == own else derived_corpus(corpus_dir, cache_dir, seed=int(s)) for s in seeds]
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    missing = [f for f in folders if not run_path(cache, run_key(f, load_config(f))).exists()]
    workers = min(len(missing), os.cpu_count() or 1)
    if workers > 1:  # "spawn": a fresh interpreter, never a fork of a process that already runs torch
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            list(pool.map(_train_into_cache, missing, [cache_dir] * len(missing)))
    return [train_or_load(folder, cache_dir) for folder in folders]


def _train_into_cache(folder: Path, cache_dir) -> None:
    train_or_load(folder, cache_dir)


def final_scores(run: Run) -> dict[str, float]:
    """One run's headline diagnostics at its last checkpoint: analogies and their baselines,
    top-3 neighbour purity, block contrast."""
    groups = run.corpus.word_group
    scores = analysis.baseline_scores(run.W, run.corpus.ids_of_analogies())
    return dict(seed=run.config.seed, analogies=scores["three_cos_add"], nearest_of_c=scores["nearest_of_c"],
                b_plus_c=scores["b_plus_c"],
                purity=analysis.neighbor_purity(run.neighbors[-1], groups, 3) if run.corpus.has_groups else float("nan"),
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


def spread_facts(runs: list[Run], own_seed: int) -> dict[str, float]:
    """The numbers the journey's "How much depends on the seed" section glues: the spread of the
    final analogy score, its baselines and purity over the runs, and where the book's run sits."""
    table = spread_table(runs)
    summary = spread_summary(table)
    own = next(row for row in table if row["seed"] == own_seed)
    facts = dict(n_seeds=len(runs), seed_first=int(table[0]["seed"]), seed_last=int(table[-1]["seed"]),
                 own_seed=int(own_seed), own_analogies=int(own["analogies"]), own_purity=100 * own["purity"])
    for key in ("analogies", "nearest_of_c", "b_plus_c"):
        for stat in ("median", "min", "max"):
            facts[f"{key}_{stat}"] = summary[key][stat]
    for stat in ("median", "min", "max"):
        facts[f"purity_{stat}"] = 100 * summary["purity"][stat]
        facts[f"contrast_{stat}"] = summary["block_contrast"][stat]
    facts["own_rank"] = 1 + sum(row["analogies"] > own["analogies"] for row in table)  # 1 = no seed does better
    return facts


def right_per_test(runs: list[Run]) -> np.ndarray:
    """(A,) for each analogy test, how many of the runs answer it right at the end of training.
    Shown in "Training journey" beside the seed bands."""
    return np.sum([run.analogy_ranks[-1] == 1 for run in runs], axis=0)
