"""The registry of every run the book trains (w2v.runs): what it declares is what the chapters ask
for, it trains what is missing once, and a build refuses a run it does not declare."""

from __future__ import annotations

import dataclasses

import pytest

from tiny_corpus import write_tiny
from w2v import counts, peers, runs, seeds
from w2v.book import playground
from w2v.corpus import CorpusError
from w2v.train import TRAINED_ONLY, load_config, run_key, run_path, train_or_load

FEW_SEEDS = (0, 1, 2)

# The tests reading `trained` run on one worker (--dist loadgroup), so it is trained once, not once per worker.
registry = pytest.mark.xdist_group("tiny-registry")


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """The tiny corpus with every declared run trained by `train_missing` (three seeds, two
    processes), as the book's build does before the first chapter executes."""
    tmp = tmp_path_factory.mktemp("registry")
    folder, cache = write_tiny(tmp / "tiny"), tmp / "cache"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(seeds, "SEEDS", FEW_SEEDS)
        n = runs.train_missing(folder, cache, workers=2)
        assert runs.missing(folder, cache) == []
        again = runs.train_missing(folder, cache, workers=2)
    return folder, cache, n, again


@registry
def test_train_missing_trains_each_declared_run_once(trained, monkeypatch):
    folder, cache, n, again = trained
    monkeypatch.setattr(seeds, "SEEDS", FEW_SEEDS)
    config = load_config(folder)
    declared = set(runs.single_recipes(config)) | {r for g in runs.seed_groups(config) for r in g} \
        | set(runs.bigger_group(folder, config))
    assert n == len(declared) and again == 0
    assert all(run_path(cache, run_key(folder, r)).is_file() for r in declared)
    assert sorted(p.name.split("-")[0] for p in cache.iterdir()) == ["gensim"] * len(runs.gensim_params_all(folder)) \
        + ["run"] * len(declared)  # runs and gensim's vectors only: no corpus folders


@registry
def test_every_run_the_chapters_ask_for_is_declared(trained, monkeypatch):
    """With W2V_RUNS_TRAINED=1 (as in a build, once `train_missing` ran) any request for an
    undeclared run raises; every way a chapter gets its runs passes, loading only."""
    folder, cache, _, _ = trained
    monkeypatch.setattr(seeds, "SEEDS", FEW_SEEDS)
    monkeypatch.setenv(TRAINED_ONLY, "1")
    config = load_config(folder)
    book = train_or_load(folder, cache)
    asked = [book, *seeds.seed_runs(folder, FEW_SEEDS, cache), *counts.dim_runs(folder, cache_dir=cache)]
    asked += [runs.variant(folder, cache, **changes) for changes in runs.exercise_recipes(config).values()]
    asked += [runs.variant(folder, cache, lr_final=config.lr)]                     # walkthrough, journey
    asked += [runs.variant(folder, cache, negatives=k) for k in runs.SGNS_NEGATIVES]  # negative sampling
    asked += [peers.hs_run(folder, cache), *seeds.seed_runs(folder, FEW_SEEDS, cache, **runs.HS_CHANGES)]
    asked += [runs.variant(folder, cache, steps=runs.LONG_RUN_FACTOR * config.steps)]  # counts
    asked += seeds.bigger_runs(folder, FEW_SEEDS, cache)                            # journey, "What it would take"
    assert all(r.from_cache for r in asked)
    table = peers.comparison(folder, FEW_SEEDS, cache)
    assert set(table) >= {"softmax", "sgns2", "sgns5", "hs", "gensim_hs"} and len(table["sgns5"]["rows"]) == len(FEW_SEEDS)
    assert playground.exercise_facts(book, cache)["ex_tests"] == len(book.corpus.analogies)


@registry
def test_an_undeclared_run_fails_the_build_naming_the_registry(trained, monkeypatch):
    folder, cache, _, _ = trained
    monkeypatch.setenv(TRAINED_ONLY, "1")
    before = sorted(cache.iterdir())
    with pytest.raises(CorpusError, match=r"not declared in w2v/runs\.py"):
        runs.variant(folder, cache, window=1, dim=3)
    assert sorted(cache.iterdir()) == before  # nothing trained, nothing written


def test_seed_groups_differ_only_in_the_seed_and_cover_every_seed(tmp_path):
    config = load_config(write_tiny(tmp_path / "tiny"))
    for group in runs.seed_groups(config):
        assert [r.seed for r in group] == list(seeds.SEEDS)
        assert len({dataclasses.replace(r, seed=0) for r in group}) == 1
    assert [(g[0].negatives, g[0].softmax) for g in runs.seed_groups(config)] == \
        [(config.negatives, "full"), *((k, "full") for k in runs.SGNS_NEGATIVES), (0, "hierarchical")]



def test_the_bigger_recipe_has_more_room_and_steps_and_only_where_there_are_tests(tmp_path):
    """"What it would take" trains the recipe at BIGGER_DIM_FACTOR × dim and BIGGER_STEPS_FACTOR ×
    steps over every seed, with as many checkpoints; a corpus without analogies.txt trains none."""
    folder = write_tiny(tmp_path / "tiny")
    config = load_config(folder)
    group = runs.bigger_group(folder, config)
    assert [r.seed for r in group] == list(seeds.SEEDS)
    assert {(r.dim, r.steps, r.steps // r.checkpoint_every) for r in group} == \
        {(runs.BIGGER_DIM_FACTOR * config.dim, runs.BIGGER_STEPS_FACTOR * config.steps,
          config.steps // config.checkpoint_every)}
    assert {dataclasses.replace(r, seed=0, **{k: getattr(config, k) for k in runs.bigger_changes(config)})
            for r in group} == {dataclasses.replace(config, seed=0)}  # nothing else changes
    (folder / "analogies.txt").unlink()
    assert runs.bigger_group(folder, config) == []
