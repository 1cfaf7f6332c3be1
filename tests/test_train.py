"""Recorded training: determinism, the atomic cache, its key, what is recorded, and the outcomes.

Slow pieces train the real corpus (the determinism test trains it twice); everything about the
cache itself uses a tiny hand-made corpus of 16 words and 400 steps.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import os
import shutil
import stat
import tempfile
from pathlib import Path

import numpy as np
import pytest

import w2v
import w2v.train as train_mod
from w2v.analysis import analogy_results, nearest_neighbors, neighbor_purity, block_contrast, summary
from w2v.corpus import CorpusError
from w2v.step import training_step
from w2v.train import TrainConfig, load_config, run_key, source_fingerprint, train_or_load

from tiny_corpus import TINY_TOML, write_tiny


def array_hashes(run) -> dict[str, str]:
    hashes = {}
    for f in dataclasses.fields(run):
        value = getattr(run, f.name)
        if isinstance(value, np.ndarray):
            hashes[f.name] = hashlib.sha256(value.dtype.str.encode() + str(value.shape).encode()
                                            + np.ascontiguousarray(value).tobytes()).hexdigest()
    return hashes


RUN_ARRAYS = {"pairs", "step_pair", "losses", "checkpoint_steps", "W_checkpoints", "W_out_checkpoints",
              "snapshot_steps", "W_snapshots", "neighbors", "neighbor_cosines", "analogy_answers",
              "analogy_ranks", "recent_loss"}


# ---------------------------------------------------------------- determinism

def test_training_is_bit_for_bit_deterministic(tmp_path, book_run):
    """A fresh training equals the book's run (trained by the build's process in `make test`, so
    two processes agree; trained in this one when the cache was empty)."""
    fresh = train_or_load(w2v.BOOK_CORPUS, tmp_path / "one")
    assert not fresh.from_cache and fresh is not book_run
    h1 = array_hashes(fresh)
    assert set(h1) == RUN_ARRAYS
    assert fresh.key == book_run.key
    assert array_hashes(book_run) == h1


def test_tiny_run_is_deterministic_and_the_seed_matters(tmp_path):
    a = train_or_load(write_tiny(tmp_path / "a"), tmp_path / "ca")
    b = train_or_load(write_tiny(tmp_path / "b"), tmp_path / "cb")
    assert array_hashes(a) == array_hashes(b)
    c = train_or_load(write_tiny(tmp_path / "c", TINY_TOML + "seed = 1\n"), tmp_path / "cc")
    assert not np.array_equal(a.W, c.W)
    assert not np.array_equal(a.step_pair, c.step_pair)


# ---------------------------------------------------------------- the cache

def test_artifact_written_atomically_no_temp_left(tmp_path):
    cache = tmp_path / "cache"
    run = train_or_load(write_tiny(tmp_path / "c"), cache)
    assert sorted(p.name for p in cache.iterdir()) == [f"run-{run.key}.npz"]


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_exception_during_save_leaves_nothing(tmp_path, monkeypatch, error):
    cache = tmp_path / "cache"

    def half_written(f, *args, **kwargs):
        f.write(b"PK\x03\x04 half an archive")
        raise error("disk full")

    monkeypatch.setattr(np, "savez", half_written)
    with pytest.raises(error):
        train_or_load(write_tiny(tmp_path / "c"), cache)
    assert list(cache.iterdir()) == []


def test_damaged_artifact_is_retrained_and_replaced(tmp_path):
    folder, cache = write_tiny(tmp_path / "c"), tmp_path / "cache"
    good = train_or_load(folder, cache)
    path = cache / f"run-{good.key}.npz"
    path.write_bytes(b"not an npz")
    again = train_or_load(folder, cache)
    assert array_hashes(again) == array_hashes(good)
    assert sorted(p.name for p in cache.iterdir()) == [path.name]
    assert np.load(path)["losses"].shape == (400,)


@pytest.mark.parametrize("damage", ["cut to 1,000 bytes", "cut in half", "64 bytes overwritten"])
def test_a_damaged_zip_is_retrained_and_replaced(tmp_path, damage):
    """A cut-off or overwritten .npz raises zipfile.BadZipFile, which is neither OSError nor ValueError."""
    folder, cache = write_tiny(tmp_path / "c"), tmp_path / "cache"
    good = train_or_load(folder, cache)
    path = cache / f"run-{good.key}.npz"
    data = path.read_bytes()
    middle = len(data) // 2
    damaged = {"cut to 1,000 bytes": data[:1000], "cut in half": data[:middle],
               "64 bytes overwritten": data[:middle] + b"\xff" * 64 + data[middle + 64:]}[damage]
    path.write_bytes(damaged)
    again = train_or_load(folder, cache)
    assert not again.from_cache
    assert array_hashes(again) == array_hashes(good)
    replaced = train_or_load(folder, cache)  # the file was written again, whole
    assert replaced.from_cache and array_hashes(replaced) == array_hashes(good)
    assert sorted(p.name for p in cache.iterdir()) == [path.name]


def refuse_writes_in(folder: Path, monkeypatch) -> None:
    """Make `folder` read-only. chmod binds no one running as root (as CI does), so creating a
    file in it is refused here the way the kernel refuses it to anyone else."""
    folder.chmod(0o555)

    def refused(original):
        def create(*args, dir=None, **kwargs):
            if dir is not None and Path(dir) == folder:
                raise PermissionError(errno.EACCES, "Permission denied", str(folder))
            return original(*args, dir=dir, **kwargs)
        return create

    monkeypatch.setattr(tempfile, "mkstemp", refused(tempfile.mkstemp))
    monkeypatch.setattr(tempfile, "TemporaryFile", refused(tempfile.TemporaryFile))


def test_a_read_only_cache_serves_its_runs_and_refuses_only_a_new_one(tmp_path, monkeypatch):
    folder, cache = write_tiny(tmp_path / "c"), tmp_path / "cache"
    trained = train_or_load(folder, cache)
    try:
        refuse_writes_in(cache, monkeypatch)
        loaded = train_or_load(folder, cache)
        assert loaded.from_cache and array_hashes(loaded) == array_hashes(trained)
        other = write_tiny(tmp_path / "other", TINY_TOML + "seed = 1\n")  # not in the cache: must be trained
        with pytest.raises(CorpusError, match=rf"^--cache-dir {cache}: not writable \(Permission denied\)"):
            train_or_load(other, cache)
        assert [p.name for p in cache.iterdir()] == [f"run-{trained.key}.npz"]
    finally:
        cache.chmod(0o755)


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_the_artifact_has_the_mode_of_any_new_file(tmp_path, umask, mode):
    """Not mkstemp's 0600: a cache shared by a group, or read by a web server, must stay readable."""
    previous = os.umask(umask)
    try:
        run = train_or_load(write_tiny(tmp_path / "c"), tmp_path / "cache")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "cache" / f"run-{run.key}.npz").stat().st_mode) == mode


def test_loading_a_cached_run_does_not_retrain(tmp_path, monkeypatch):
    folder, cache = write_tiny(tmp_path / "c"), tmp_path / "cache"
    trained = train_or_load(folder, cache)

    def no_training(*args, **kwargs):
        raise AssertionError("train() called on a cache hit")

    monkeypatch.setattr(train_mod, "train", no_training)
    monkeypatch.setattr(train_mod, "record_analysis", no_training)
    loaded = train_or_load(folder, cache)
    assert loaded.from_cache and not trained.from_cache
    assert array_hashes(loaded) == array_hashes(trained)
    assert loaded.key == trained.key and loaded.seconds == trained.seconds
    assert loaded.config == trained.config


def test_cache_key_changes_with_each_data_file_and_the_recipe_not_with_its_text(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(w2v.BOOK_CORPUS, folder)
    config = load_config(folder)
    base = run_key(folder, config)
    assert run_key(folder, config) == base  # stable
    seen = {base}
    for name in ("sentences.txt", "groups.tsv", "analogies.txt"):
        path = folder / name
        original = path.read_bytes() if path.exists() else None
        path.write_bytes((original or b"") + b"\n# edited\n")
        key = run_key(folder, config)
        assert key not in seen, f"editing {name} kept the cache key"
        seen.add(key)
        if original is None:
            path.unlink()
        else:
            path.write_bytes(original)
        assert run_key(folder, config) == base
    # train.toml is the recipe: the key takes its values, so a comment changes nothing and a value does
    toml = folder / "train.toml"
    toml.write_text(toml.read_text() + "\n# a comment\n")
    assert run_key(folder, load_config(folder)) == base
    toml.write_text("".join(f"{k} = {v!r}\n" for k, v in dataclasses.asdict(
        dataclasses.replace(config, window=config.window + 1)).items()).replace("'", '"'))
    assert run_key(folder, load_config(folder)) != base


def test_a_variant_is_keyed_by_value_and_writes_no_folder(tmp_path):
    """The recipe with window=3 given as a value is the same run as a corpus folder whose train.toml
    says window = 3; asking for it writes nothing but the run's own file into the cache."""
    folder = write_tiny(tmp_path / "c")
    config = dataclasses.replace(load_config(folder), window=3)
    cache = tmp_path / "cache"
    run = train_or_load(folder, cache, config=config)
    assert run.config == config and not run.from_cache
    assert sorted(p.name for p in cache.iterdir()) == [f"run-{run.key}.npz"]
    twin = write_tiny(tmp_path / "twin", TINY_TOML + "window = 3\n")
    again = train_or_load(twin, cache)
    assert again.from_cache and again.key == run.key and np.array_equal(again.W, run.W)


def test_cache_key_changes_with_the_config(tmp_path):
    folder = write_tiny(tmp_path / "c")
    config = load_config(folder)
    keys = {run_key(folder, config)}
    for change in (dict(steps=401), dict(lr=0.4), dict(seed=3), dict(window=1), dict(neighbors_k=4)):
        keys.add(run_key(folder, dataclasses.replace(config, **change)))
    assert len(keys) == 6


def test_cache_key_changes_with_the_source(tmp_path, monkeypatch):
    folder = write_tiny(tmp_path / "c")
    config = load_config(folder)
    base = run_key(folder, config)
    monkeypatch.setattr(train_mod, "source_fingerprint", lambda: "0" * 64)
    assert run_key(folder, config) != base


def test_the_key_covers_the_engine_modules_and_no_other(tmp_path, monkeypatch):
    """Editing a module that makes a run (model.py, …) is a new run; editing a chapter's facts
    (w2v/book/<chapter>.py), a figure (w2v/book/figures/) or the CLI retrains nothing: every module
    below w2v/ is edited in turn, the book layer's included."""
    package = tmp_path / "w2v"
    shutil.copytree(Path(train_mod.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    folder = write_tiny(tmp_path / "c")
    config = load_config(folder)
    base_fingerprint, base_key = source_fingerprint(), run_key(folder, config)
    monkeypatch.setattr(train_mod, "__file__", str(package / "train.py"))
    assert source_fingerprint() == base_fingerprint and run_key(folder, config) == base_key  # same text
    modules = sorted(str(p.relative_to(package)) for p in package.rglob("*.py"))
    assert set(train_mod.ENGINE_FILES) < set(modules) and "model.py" in train_mod.ENGINE_FILES
    assert {"book/kit.py", "book/journey.py", "book/figures/__init__.py"} <= set(modules)   # the book layer is edited too
    for name in modules:
        path = package / name
        original = path.read_bytes()
        path.write_bytes(original + b"\n# edited\n")
        changed = run_key(folder, config) != base_key
        assert changed == (name in train_mod.ENGINE_FILES), f"editing {name}: key changed = {changed}"
        path.write_bytes(original)
    assert run_key(folder, config) == base_key


def test_edited_corpus_is_a_new_run(tmp_path):
    folder, cache = write_tiny(tmp_path / "c"), tmp_path / "cache"
    first = train_or_load(folder, cache)
    with open(folder / "sentences.txt", "a") as f:
        f.write("cat likes red park\n")
    second = train_or_load(folder, cache)
    assert second.key != first.key
    assert len(list(cache.glob("run-*.npz"))) == 2
    assert len(second.pairs) > len(first.pairs)


# ---------------------------------------------------------------- train.toml

def test_config_defaults_and_overrides(tmp_path):
    assert load_config(tmp_path) == TrainConfig()
    (tmp_path / "train.toml").write_text("lr = 1\nsteps = 10\n")
    config = load_config(tmp_path)
    assert config.lr == 1.0 and isinstance(config.lr, float) and config.steps == 10


@pytest.mark.parametrize("line, option", [
    ("colour = 3", "unknown key 'colour'"), ("steps = 0", "steps"), ("steps = -5", "steps"),
    ("dim = 0", "dim"), ("window = 0", "window"), ("lr = 0", "lr"), ("lr = -0.1", "lr"),
    ("steps = 1.5", "steps"), ("steps = true", "steps"), ("optimizer = 'adam'", "optimizer"),
])
def test_config_errors_name_the_line(tmp_path, line, option):
    (tmp_path / "train.toml").write_text(f"# recipe\n{line}\n")
    with pytest.raises(CorpusError) as info:
        load_config(tmp_path)
    assert str(info.value).startswith(f"{tmp_path / 'train.toml'}:2: ")
    assert option in str(info.value)


def test_diverging_lr_is_a_clear_error_and_leaves_nothing(tmp_path):
    cache = tmp_path / "cache"
    folder = write_tiny(tmp_path / "c", TINY_TOML + "lr = 50\n")
    with pytest.raises(CorpusError, match=r"train\.toml: training diverged at step \d+ .*lower lr"):
        train_or_load(folder, cache)
    assert list(cache.iterdir()) == []


def test_a_window_wider_than_every_sentence_names_the_line(tmp_path):
    folder = write_tiny(tmp_path / "c", TINY_TOML + "window = 1000\n")  # the tiny corpus has 4-word sentences
    with pytest.raises(CorpusError) as info:
        train_or_load(folder, tmp_path / "cache")
    assert str(info.value).startswith(f"{folder / 'train.toml'}:6: window must be at most 4 ")
    assert str(info.value).endswith("got 1000")
    assert not (tmp_path / "cache").exists()
    write_tiny(folder, TINY_TOML + "window = 4\n")  # as wide as the longest sentence: fine
    assert train_or_load(folder, tmp_path / "cache").config.window == 4


def test_one_word_sentences_only_say_there_are_no_pairs(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "sentences.txt").write_text("cat\ndog\n")  # the window (2) is wider, but that is not the point
    with pytest.raises(CorpusError, match=r"sentences\.txt: no sentence has two words"):
        train_or_load(folder, tmp_path / "cache")


def test_a_byte_order_mark_in_train_toml_is_ignored(tmp_path):
    folder = write_tiny(tmp_path / "c")
    (folder / "train.toml").write_text("\ufeff" + TINY_TOML, encoding="utf-8")
    assert load_config(folder).steps == 400


def test_progress_ends_at_the_last_step_when_steps_are_not_a_multiple_of_250(tmp_path):
    calls = []
    folder = write_tiny(tmp_path / "c", TINY_TOML.replace("steps = 400", "steps = 401"))
    train_or_load(folder, tmp_path / "cache", progress=lambda done, total: calls.append((done, total)))
    assert calls == [(250, 401), (401, 401)]


@pytest.mark.parametrize("analogies", [None, "# no tests yet\n\n"], ids=["no analogies.txt", "only a comment"])
@pytest.mark.parametrize("groups", [True, False], ids=["groups", "no groups"])
def test_a_corpus_without_analogy_tests_trains_and_loads(tmp_path, analogies, groups):
    folder = write_tiny(tmp_path / "c")
    if analogies is None:
        (folder / "analogies.txt").unlink()
    else:
        (folder / "analogies.txt").write_text(analogies)
    if not groups:
        (folder / "groups.tsv").unlink()
    run = train_or_load(folder, tmp_path / "cache")
    C = len(run.checkpoint_steps)
    assert run.analogy_answers.shape == run.analogy_ranks.shape == (C, 0)
    assert summary(run)["analogies"] == summary(run)["analogies_correct"] == 0
    loaded = train_or_load(folder, tmp_path / "cache")
    assert loaded.from_cache and loaded.analogy_ranks.shape == (C, 0)


# ---------------------------------------------------------------- what the book run records

def test_recipe_facts(book_run):
    assert book_run.config.steps == 15_000
    assert book_run.config.dim == 8
    assert book_run.corpus.vocab_size == 96


def test_checkpoints(book_run):
    config = book_run.config
    expected = sorted(set(range(0, config.steps, config.checkpoint_every)) | {config.steps})
    assert book_run.checkpoint_steps.tolist() == expected
    C, V, D = len(expected), book_run.corpus.vocab_size, config.dim
    assert book_run.W_checkpoints.shape == (C, V, D)
    assert book_run.W_out_checkpoints.shape == (C, D, V)
    assert book_run.W_checkpoints.dtype == book_run.W_out_checkpoints.dtype == np.float32
    W0 = book_run.W_checkpoints[0]
    assert np.abs(W0).max() <= 0.5 / D and not book_run.W_out_checkpoints[0].any()  # the initial state
    assert np.isfinite(book_run.W_checkpoints).all() and np.isfinite(book_run.W_out_checkpoints).all()
    assert np.array_equal(book_run.W, book_run.W_checkpoints[-1])
    assert np.array_equal(book_run.W_out, book_run.W_out_checkpoints[-1])


def test_steps_losses_and_pairs(book_run):
    config, n_pairs = book_run.config, len(book_run.pairs)
    assert book_run.step_pair.shape == book_run.losses.shape == (config.steps,)
    assert np.isfinite(book_run.losses).all() and (book_run.losses > 0).all()
    assert book_run.losses[0] == pytest.approx(np.log(book_run.corpus.vocab_size), abs=1e-5)  # W_out = 0
    first_pass = book_run.step_pair[: min(n_pairs, config.steps)]
    assert len(np.unique(first_pass)) == len(first_pass)  # shuffled passes: no pair twice in a pass
    assert book_run.centers.shape == book_run.contexts.shape == (config.steps,)
    lrs = book_run.lrs()
    assert lrs[0] == pytest.approx(config.lr) and lrs[-1] == pytest.approx(config.lr_final)
    assert (np.diff(lrs) <= 0).all() or config.lr_final >= config.lr


def test_snapshots_evenly_spread(book_run):
    steps, config = book_run.snapshot_steps, book_run.config
    assert len(steps) == 10 == config.snapshots
    assert steps[0] == 0 and steps[-1] == config.steps
    gaps = np.diff(steps)
    assert gaps.max() - gaps.min() <= 1
    assert book_run.W_snapshots.shape == (10, book_run.corpus.vocab_size, config.dim)
    for s, W in zip(steps, book_run.W_snapshots):
        if s in book_run.checkpoint_steps:
            c = int(np.searchsorted(book_run.checkpoint_steps, s))
            assert np.array_equal(W, book_run.W_checkpoints[c])
        else:
            assert np.abs(book_run.state_before(int(s))[0] - W).max() <= 1e-5


def test_analysis_recorded_at_every_checkpoint(book_run):
    corpus, config = book_run.corpus, book_run.config
    C, V, A = len(book_run.checkpoint_steps), corpus.vocab_size, len(corpus.analogies)
    k = min(config.neighbors_k, V - 1)
    assert book_run.neighbors.shape == book_run.neighbor_cosines.shape == (C, V, k)
    assert book_run.analogy_answers.shape == book_run.analogy_ranks.shape == (C, A)
    assert book_run.recent_loss.shape == (C,)
    tests = corpus.ids_of_analogies()
    for c, step in enumerate(book_run.checkpoint_steps):
        ids, cos = nearest_neighbors(book_run.W_checkpoints[c], k)
        assert np.array_equal(book_run.neighbors[c], ids)
        assert np.allclose(book_run.neighbor_cosines[c], cos, atol=1e-6)
        answers, ranks = analogy_results(book_run.W_checkpoints[c], tests)
        assert book_run.analogy_answers[c].tolist() == answers
        assert book_run.analogy_ranks[c].tolist() == ranks
        window = book_run.losses[max(0, step - config.checkpoint_every): step] if step else book_run.losses[:1]
        assert book_run.recent_loss[c] == pytest.approx(float(window.mean()), rel=1e-9)
    assert ((book_run.neighbors >= 0) & (book_run.neighbors < V)).all()
    assert (book_run.neighbors != np.arange(V)[None, :, None]).all()  # a word is not its own neighbour
    assert (book_run.analogy_ranks >= 1).all()


def test_state_before_replays_each_checkpoint_to_the_next(book_run):
    """Give state_before only checkpoint c−1: replaying it must reach checkpoint c within 1e-5."""
    worst = 0.0
    steps = book_run.checkpoint_steps
    for c in range(1, len(steps)):
        thin = dataclasses.replace(book_run, checkpoint_steps=steps[c - 1:c],
                                   W_checkpoints=book_run.W_checkpoints[c - 1:c],
                                   W_out_checkpoints=book_run.W_out_checkpoints[c - 1:c])
        W, W_out = thin.state_before(int(steps[c]))
        worst = max(worst, np.abs(W - book_run.W_checkpoints[c]).max(),
                    np.abs(W_out - book_run.W_out_checkpoints[c]).max())
    assert worst <= 1e-5


def test_state_before_at_and_between_checkpoints(book_run):
    for c, step in enumerate(book_run.checkpoint_steps):
        W, W_out = book_run.state_before(int(step))
        assert np.array_equal(W, book_run.W_checkpoints[c])
        assert np.array_equal(W_out, book_run.W_out_checkpoints[c])
    step = int(book_run.checkpoint_steps[3]) + 7
    W, W_out = book_run.W_checkpoints[3], book_run.W_out_checkpoints[3]
    for t in range(int(book_run.checkpoint_steps[3]), step):
        r = training_step(W, W_out, int(book_run.centers[t]), int(book_run.contexts[t]), book_run.config.lr_at(t))
        W, W_out = r.W_next, r.W_out_next
    got = book_run.state_before(step)
    assert np.array_equal(got[0], W) and np.array_equal(got[1], W_out)
    for bad in (-1, book_run.config.steps + 1):
        with pytest.raises(ValueError):
            book_run.state_before(bad)


# ---------------------------------------------------------------- outcomes of the book's run

def chance_purity(word_group: np.ndarray) -> float:
    """Expected share of same-group words among random *other* words."""
    sizes = np.bincount(word_group)
    return float(np.mean((sizes[word_group] - 1) / (len(word_group) - 1)))


def test_chance_purity_by_hand():
    assert chance_purity(np.array([0, 0, 1, 1])) == pytest.approx(1 / 3)
    assert chance_purity(np.array([0, 0, 0, 1])) == pytest.approx((3 * 2 / 3 + 0) / 4)


def test_analogies_learned(book_run):
    """The book's run learns analogies it could not answer at step 0 (how many depends on the
    seed: see tests/test_seeds.py for the spread over seeds)."""
    correct = book_run.analogy_correct
    assert correct.shape[1] == 5
    assert correct[0].sum() <= 1, f"step 0: {correct[0].sum()}/5 analogies correct"
    assert correct[-1].sum() >= correct[0].sum() + 2, f"final: {correct[-1].sum()}/5 analogies correct"


def test_neighbour_purity(book_run):
    groups = book_run.corpus.word_group
    final = neighbor_purity(book_run.neighbors[-1], groups, 3)
    start = neighbor_purity(book_run.neighbors[0], groups, 3)
    chance = chance_purity(groups)
    assert start <= 2 * chance, f"step-0 purity {start:.3f} is not near chance {chance:.3f}"
    assert final >= 5 * chance, f"final top-3 purity {final:.3f} is not far above chance {chance:.3f}"


def test_block_contrast(book_run):
    contrast = block_contrast(book_run.W, book_run.corpus.word_group)
    assert contrast >= 0.30, f"block contrast {contrast:.3f} < 0.30"
    assert abs(block_contrast(book_run.W_checkpoints[0], book_run.corpus.word_group)) < 0.1
