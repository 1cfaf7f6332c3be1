"""Seed runs and the analogy baselines (w2v.seeds, w2v.analysis.baseline_answers)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from tiny_corpus import write_tiny
from w2v import analysis, seeds
from w2v.train import load_config, train_or_load


def brute_force(W, a, b, c, target):
    """The answer by looping over every word, the query words skipped."""
    unit = W / np.linalg.norm(W, axis=1, keepdims=True)
    best, best_score = None, -np.inf
    for w in range(len(W)):
        if w in (a, b, c):
            continue
        score = unit[w] @ target / np.linalg.norm(target)
        if score > best_score:
            best, best_score = w, score
    return best


def test_baselines_match_a_brute_force_search():
    rng = np.random.default_rng(3)
    W = rng.normal(size=(30, 5))
    tests = rng.choice(30, size=(12, 4), replace=True)
    tests = np.array([t for t in tests if len(set(t[:3])) == 3])
    unit = W / np.linalg.norm(W, axis=1, keepdims=True)
    found = analysis.baseline_answers(W, tests)
    for i, (a, b, c, _) in enumerate(tests):
        assert found["three_cos_add"][i] == brute_force(W, a, b, c, unit[b] - unit[a] + unit[c])
        assert found["nearest_of_c"][i] == brute_force(W, a, b, c, unit[c])
        assert found["b_plus_c"][i] == brute_force(W, a, b, c, unit[b] + unit[c])
    # 3CosAdd here is the same answer the run records
    answers, _ = analysis.analogy_results(W, tests)
    assert list(found["three_cos_add"]) == answers


def test_baseline_scores_count_right_answers():
    W = np.eye(4) + 0.01  # every word its own direction
    # a : b :: c : c would be right for nearest-of-c, but c is excluded, so nothing trivially wins
    tests = np.array([[0, 1, 2, 3]])
    scores = analysis.baseline_scores(W, tests)
    assert set(scores) == {"three_cos_add", "nearest_of_c", "b_plus_c"}
    assert all(v in (0, 1) for v in scores.values())
    assert scores["nearest_of_c"] == 1  # only word 3 is left once a, b, c are excluded


def test_derived_corpus_changes_only_the_recipe_key(tmp_path):
    corpus = write_tiny(tmp_path / "tiny")
    derived = seeds.derived_corpus(corpus, tmp_path / "cache", seed=7)
    assert load_config(derived) == dataclasses.replace(load_config(corpus), seed=7)
    for name in ("sentences.txt", "groups.tsv", "analogies.txt"):
        assert (derived / name).read_bytes() == (corpus / name).read_bytes()
    again = seeds.derived_corpus(corpus, tmp_path / "cache", seed=7)
    assert again == derived and (derived / "train.toml").stat().st_mtime_ns == (again / "train.toml").stat().st_mtime_ns


def test_seed_runs_are_cached_distinct_and_the_own_seed_is_the_run_itself(tmp_path):
    corpus = write_tiny(tmp_path / "tiny")
    cache = tmp_path / "cache"
    runs = seeds.seed_runs(corpus, (0, 1, 2), cache)
    assert [r.config.seed for r in runs] == [0, 1, 2]
    assert runs[0].key == train_or_load(corpus, cache).key          # seed 0 is the corpus's own run
    assert not np.array_equal(runs[1].W, runs[2].W)                  # the seed matters
    again = seeds.seed_runs(corpus, (1,), cache)[0]
    assert again.key == runs[1].key and np.array_equal(again.W, runs[1].W)


def test_spread_summary_and_curves(tmp_path):
    runs = seeds.seed_runs(write_tiny(tmp_path / "tiny"), (0, 1, 2), tmp_path / "cache")
    table = seeds.spread_table(runs)
    summary = seeds.spread_summary(table)
    values = [row["purity"] for row in table]
    assert summary["purity"] == dict(median=pytest.approx(np.median(values)), min=min(values), max=max(values))
    assert summary["analogies"]["min"] <= summary["analogies"]["median"] <= summary["analogies"]["max"] <= 5
    c = seeds.curves(runs)
    assert c["purity"].shape == c["analogies"].shape == (3, len(runs[0].checkpoint_steps))
    assert np.allclose(c["purity"][:, -1], values)
    assert list(c["analogies"][:, -1]) == [row["analogies"] for row in table]
