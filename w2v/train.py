"""Train the skip-gram once, record everything the book shows, cache it on disk.

The recipe is a `TrainConfig` read from the corpus's ``train.toml``. `train_or_load` returns
the one `Run` every chapter uses: its recipe is shown in "Model blueprint", its record in
"Training journey" and "One training step".
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import re
import sys
import tempfile
import time
import tomllib
import zipfile
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from .corpus import DATA_FILES, Corpus, CorpusError, corpus_fingerprint, load_corpus, pairs

FORMAT_VERSION = 1


@dataclass(frozen=True)
class TrainConfig:
    """The training recipe. Every field can be set in the corpus's train.toml."""

    steps: int = 15_000          # optimisation steps, one (center, context) pair each
    dim: int = 8                 # embedding dimension D
    window: int = 2              # context words taken on each side of the centre word
    negatives: int = 0           # 0: the full softmax (model.py); k ≥ 1: negative sampling with k (sgns.py)
    softmax: str = "full"        # "full": over all V words (model.py); "hierarchical": a Huffman tree (hs.py)
    lr: float = 0.5              # learning rate at step 0
    lr_final: float = 0.05       # learning rate at the last step; linear decay in between
    optimizer: str = "sgd"       # plain SGD: exactly the update the walkthrough shows
    seed: int = 0                # seeds the initial weights and the order of the pairs
    checkpoint_every: int = 500  # W and W_out are saved every this many steps, and at the end
    snapshots: int = 10          # evenly spread copies of W for the weight animation
    neighbors_k: int = 5         # cosine neighbours stored per word at every checkpoint
    min_count: int = 1           # words seen fewer times are dropped before training (1: keep every word)

    def lr_at(self, step: int) -> float:
        """The learning rate of `step` (0-based): linear from `lr` to `lr_final`."""
        return self.lr + (self.lr_final - self.lr) * step / max(self.steps - 1, 1)

    def checkpoint_steps(self) -> np.ndarray:
        """Steps whose *starting* state is saved: 0, every `checkpoint_every`, and `steps` (the end)."""
        return np.unique(np.append(np.arange(0, self.steps, self.checkpoint_every), self.steps))

    def snapshot_steps(self) -> np.ndarray:
        return np.unique(np.linspace(0, self.steps, self.snapshots).round().astype(np.int64))


_RULES: dict[str, tuple[type, Callable[[object], bool], str]] = {
    "steps": (int, lambda v: v >= 1, "a whole number ≥ 1"),
    "dim": (int, lambda v: v >= 1, "a whole number ≥ 1"),
    "window": (int, lambda v: v >= 1, "a whole number ≥ 1"),
    "negatives": (int, lambda v: 0 <= v <= 1000, "a whole number ≥ 0 (0 is the full softmax; at most 1000)"),
    "softmax": (str, lambda v: v in ("full", "hierarchical"), "\"full\" or \"hierarchical\""),
    "lr": (float, lambda v: 0 < v <= 100, "a number > 0 (and ≤ 100)"),
    "lr_final": (float, lambda v: 0 < v <= 100, "a number > 0 (and ≤ 100)"),
    "optimizer": (str, lambda v: v == "sgd", "'sgd' (the only optimiser the walkthrough can show)"),
    "seed": (int, lambda v: 0 <= v < 2**63, "a whole number ≥ 0"),
    "checkpoint_every": (int, lambda v: v >= 1, "a whole number ≥ 1"),
    "snapshots": (int, lambda v: v >= 2, "a whole number ≥ 2"),
    "neighbors_k": (int, lambda v: v >= 1, "a whole number ≥ 1"),
    "min_count": (int, lambda v: v >= 1, "a whole number ≥ 1"),
}


def option_name(key: str) -> str:
    """The command-line option that overrides the recipe key `key` (lr_final: --lr-final)."""
    return "--" + key.replace("_", "-")


def _check_value(key: str, value: object, where: str) -> object:
    kind, ok, wanted = _RULES[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or isinstance(value, bool) or not ok(value):
        raise CorpusError(f"{where}: {key} must be {wanted}, got {value!r}")
    return value


def _read_config_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")  # an editor's byte-order mark is not TOML
    except UnicodeDecodeError:
        raise CorpusError(f"{path}: not valid UTF-8") from None


def config_line(folder: str | Path, key: str) -> str:
    """'<folder>/train.toml:<line>' where `key` is set, for error messages (the file alone if not set)."""
    path = Path(folder) / "train.toml"
    text = _read_config_text(path) if path.exists() else ""
    for n, line in enumerate(text.split("\n"), 1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return f"{path}:{n}"
    return str(path)


def load_config(folder: str | Path, overrides: dict | None = None) -> TrainConfig:
    """Read ``train.toml`` from a corpus folder (defaults when absent), checking every value.
    `overrides` (the command line's --steps, --dim, …) replace what the file sets."""
    values = _read_config(folder)
    for key, value in (overrides or {}).items():
        values[key] = _check_value(key, value, option_name(key))
    config = TrainConfig(**values)
    if config.softmax == "hierarchical" and config.negatives:
        where = option_name("negatives") if "negatives" in (overrides or {}) else config_line(folder, "softmax")
        raise CorpusError(f"{where}: softmax = \"hierarchical\" trains without negatives, so negatives must be 0, "
                          f"got {config.negatives}")
    return config


def _read_config(folder: str | Path) -> dict:
    path = Path(folder) / "train.toml"
    if not path.exists():
        return {}
    try:
        values = tomllib.loads(_read_config_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise CorpusError(f"{path}: invalid TOML ({exc})") from None

    for key, value in values.items():
        if key not in _RULES:
            raise CorpusError(f"{config_line(folder, key)}: unknown key '{key}' (known: {', '.join(_RULES)})")
        values[key] = _check_value(key, value, config_line(folder, key))
    if values.get("neighbors_k", 0) >= 10**6:
        raise CorpusError(f"{config_line(folder, 'neighbors_k')}: neighbors_k is too large")
    return values


def check_config_fits(config: TrainConfig, corpus: Corpus, options=()) -> None:
    """Settings that only make sense against the corpus: a window wider than every sentence is a typo.
    A setting named in `options` came from the command line, and the message names the option."""
    def where(key):
        return option_name(key) if key in options else config_line(corpus.folder, key)

    longest = max(len(s) for s in corpus.sentences)
    if config.softmax == "hierarchical" and corpus.vocab_size < 2:
        raise CorpusError(f"{where('softmax')}: a hierarchical softmax needs a tree, so at "
                          f"least 2 different words; the corpus has {corpus.vocab_size}")
    if longest >= 2 and config.window > longest:  # one-word sentences only: train() says there are no pairs
        raise CorpusError(f"{where('window')}: window must be at most {longest} (the longest "
                          f"sentence has {longest} words; a wider window adds nothing), got {config.window}")


@dataclass
class Run:
    """One recorded training run: the corpus, the recipe and every array the book shows."""

    corpus: Corpus
    config: TrainConfig
    key: str
    seconds: float                  # training time of the run that made the record
    pairs: np.ndarray               # (n_pairs, 4) center, context, sentence, position
    step_pair: np.ndarray           # (steps,) row of `pairs` trained at each step
    losses: np.ndarray              # (steps,) loss of each step, before its update
    checkpoint_steps: np.ndarray    # (C,) the state *before* these steps is saved
    W_checkpoints: np.ndarray       # (C, V, D)
    W_out_checkpoints: np.ndarray   # (C, D, V)
    snapshot_steps: np.ndarray      # (S,)
    W_snapshots: np.ndarray         # (S, V, D)
    neighbors: np.ndarray           # (C, V, k) word ids of each word's nearest neighbours
    neighbor_cosines: np.ndarray    # (C, V, k)
    analogy_answers: np.ndarray     # (C, A) word id the model answers
    analogy_ranks: np.ndarray       # (C, A) rank of the right answer (1 = correct)
    recent_loss: np.ndarray         # (C,) mean loss of the steps since the previous checkpoint
    from_cache: bool = False        # loaded from the cache (True) or trained by this call (False)

    @property
    def centers(self) -> np.ndarray:
        return self.pairs[self.step_pair, 0]

    @property
    def contexts(self) -> np.ndarray:
        return self.pairs[self.step_pair, 1]

    @property
    def W(self) -> np.ndarray:
        """(V, D) final centre-word vectors."""
        return self.W_checkpoints[-1]

    @property
    def W_out(self) -> np.ndarray:
        """(D, V) final context-word vectors (W′)."""
        return self.W_out_checkpoints[-1]

    @functools.cached_property
    def negatives(self) -> np.ndarray:
        """(steps, k) the negatives of every step, redrawn from the seed (k = 0 for the full softmax)."""
        from .sgns import draw_negatives

        return draw_negatives(self.corpus.counts, self.config.steps, self.config.negatives, self.config.seed)

    @property
    def analogy_correct(self) -> np.ndarray:
        return self.analogy_ranks == 1

    def lrs(self) -> np.ndarray:
        return np.array([self.config.lr_at(t) for t in range(self.config.steps)])

    def state_before(self, step: int) -> tuple[np.ndarray, np.ndarray]:
        """(W, W_out) as they were before `step`, replayed from the nearest earlier checkpoint."""
        from .sgns import sgns_step
        from .step import training_step  # step.py builds on this module

        if self.config.softmax == "hierarchical":
            from .hs import replay

            return replay(self, step)
        if not 0 <= step <= self.config.steps:
            raise ValueError(f"step must be in 0…{self.config.steps}, got {step}")
        c = int(np.searchsorted(self.checkpoint_steps, step, side="right") - 1)
        W, W_out = self.W_checkpoints[c].copy(), self.W_out_checkpoints[c].copy()
        for t in range(int(self.checkpoint_steps[c]), step):
            if self.config.negatives:
                record = sgns_step(W, W_out, int(self.centers[t]), int(self.contexts[t]), self.negatives[t],
                                   self.config.lr_at(t))
            else:
                record = training_step(W, W_out, int(self.centers[t]), int(self.contexts[t]), self.config.lr_at(t))
            W, W_out = record.W_next, record.W_out_next
        return W, W_out


# ---------------------------------------------------------------- training

def sample_steps(n_pairs: int, steps: int, seed: int) -> np.ndarray:
    """Which pair each step trains on: shuffled passes over all pairs, cut at `steps`."""
    rng = np.random.default_rng(seed)
    passes = -(-steps // n_pairs)
    return np.concatenate([rng.permutation(n_pairs) for _ in range(passes)])[:steps].astype(np.int32)


def train(corpus: Corpus, config: TrainConfig, progress: Callable[[int, int], None] | None = None) -> dict:
    """Train SkipGram with plain SGD, one pair per step, and record the run's raw arrays.
    With ``negatives = k`` the model is SkipGramNS (sgns.py): same start, same pairs, k negatives a step;
    with ``softmax = "hierarchical"`` it is SkipGramHS (hs.py): same start, same pairs, W_out its tree's nodes."""
    import torch

    from .hs import SkipGramHS, huffman_tree
    from .model import SkipGram
    from .sgns import SkipGramNS, draw_negatives

    table = pairs(corpus, config.window)
    if len(table) == 0:
        raise CorpusError(f"{corpus.folder / 'sentences.txt'}: no sentence has two words, so there are no pairs")
    step_pair = sample_steps(len(table), config.steps, config.seed)
    centers = torch.from_numpy(table[step_pair, 0].astype(np.int64)).split(1)
    contexts = torch.from_numpy(table[step_pair, 1].astype(np.int64)).split(1)
    negatives = torch.from_numpy(draw_negatives(corpus.counts, config.steps, config.negatives,
                                                config.seed).astype(np.int64)).split(1)
    lrs = [config.lr_at(t) for t in range(config.steps)]
    checkpoint_at = set(config.checkpoint_steps().tolist())
    snapshot_at = set(config.snapshot_steps().tolist())

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # 96×8 is far too small to gain from threads; one thread is also deterministic
    try:
        torch.manual_seed(config.seed)
        if config.softmax == "hierarchical":
            model = SkipGramHS(corpus.vocab_size, config.dim, huffman_tree(corpus.counts))
        else:
            model = (SkipGramNS if config.negatives else SkipGram)(corpus.vocab_size, config.dim)
        W, W_out = model.W, model.W_out
        checkpoints, snapshots, losses = {}, {}, []
        started = time.perf_counter()
        for t in range(config.steps + 1):
            if t in checkpoint_at:
                checkpoints[t] = (W.detach().clone(), W_out.detach().clone())
            if t in snapshot_at:
                snapshots[t] = W.detach().clone()
            if t == config.steps:
                break
            loss = model(centers[t], contexts[t], negatives[t]) if config.negatives else model(centers[t], contexts[t])
            loss.backward()
            with torch.no_grad():  # plain SGD, written out: p ← p − lr · ∂L/∂p
                W.add_(W.grad, alpha=-lrs[t])
                W_out.add_(W_out.grad, alpha=-lrs[t])
            W.grad = None
            W_out.grad = None
            losses.append(loss.item())  # a float: keeping each loss tensor grew memory ~80 KB a step at V = 5,000
            if progress is not None and ((t + 1) % 250 == 0 or t + 1 == config.steps):  # the bar ends at the end
                progress(t + 1, config.steps)
        seconds = time.perf_counter() - started
    finally:
        torch.set_num_threads(threads)

    losses = np.array(losses, dtype=np.float32)  # the loss is float32: exact both ways
    if not np.isfinite(losses).all():
        first = int(np.argmin(np.isfinite(losses)))
        raise CorpusError(f"{corpus.folder / 'train.toml'}: training diverged at step {first} (the loss is not "
                          f"finite); lower lr (now {config.lr}) or lr_final (now {config.lr_final})")
    steps = sorted(checkpoints)
    return dict(
        seconds=seconds,
        pairs=table,
        step_pair=step_pair,
        losses=losses,
        checkpoint_steps=np.array(steps),
        W_checkpoints=np.stack([checkpoints[s][0].numpy() for s in steps]),
        W_out_checkpoints=np.stack([checkpoints[s][1].numpy() for s in steps]),
        snapshot_steps=np.array(sorted(snapshots)),
        W_snapshots=np.stack([snapshots[s].numpy() for s in sorted(snapshots)]),
    )


def train_seeds(corpus: Corpus, configs: list[TrainConfig]) -> list[dict]:
    """`train` of recipes that differ only in their seed, as one batched program: every tensor gets
    a leading seed axis S, and step t updates all S models at once. Each model starts as its own
    `train` starts (its model built after ``torch.manual_seed(seed)``), trains on its seed's pairs
    and negatives in its seed's order, with the same loss and SGD update, so each record equals its
    single run to float32 rounding (tests/test_seeds.py holds them within 1e-5). The seed runs of
    "Training journey" and "Two ways around the softmax" (w2v.runs) are trained this way: 20 runs
    cost about as much as four single ones, as torch's fixed cost per operation is paid once per step."""
    import torch
    from torch.nn import functional as F

    from .hs import SkipGramHS, huffman_tree
    from .model import SkipGram
    from .sgns import SkipGramNS, draw_negatives

    first = configs[0]
    if any(dataclasses.replace(c, seed=first.seed) != first for c in configs):
        raise ValueError("train_seeds: the recipes must differ only in their seed")
    tree = huffman_tree(corpus.counts) if first.softmax == "hierarchical" else None
    table = pairs(corpus, first.window)
    if len(table) == 0:
        raise CorpusError(f"{corpus.folder / 'sentences.txt'}: no sentence has two words, so there are no pairs")
    S, k = len(configs), first.negatives
    step_pairs = [sample_steps(len(table), first.steps, c.seed) for c in configs]
    centers = torch.from_numpy(np.stack([table[sp, 0] for sp in step_pairs], 1).astype(np.int64))  # (steps, S)
    contexts = torch.from_numpy(np.stack([table[sp, 1] for sp in step_pairs], 1).astype(np.int64))  # (steps, S)
    negatives = torch.from_numpy(np.stack([draw_negatives(corpus.counts, first.steps, k, c.seed)
                                           for c in configs], 1).astype(np.int64))  # (steps, S, k)
    lrs = [first.lr_at(t) for t in range(first.steps)]
    checkpoint_at = set(first.checkpoint_steps().tolist())
    snapshot_at = set(first.snapshot_steps().tolist())
    seed_axis = torch.arange(S)

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        starts = []
        for c in configs:  # each model's start exactly as `train` makes it
            torch.manual_seed(c.seed)
            if tree is not None:
                model = SkipGramHS(corpus.vocab_size, first.dim, tree)
            else:
                model = (SkipGramNS if k else SkipGram)(corpus.vocab_size, first.dim)
            starts.append((model.W.detach(), model.W_out.detach()))
        if tree is not None:  # every model's tree is the same: its paths, (V, L) nodes and ±1 signs
            path_nodes, path_sign = model.nodes, model.sign
        W = torch.stack([w for w, _ in starts]).requires_grad_()          # (S, V, D)
        W_out = torch.stack([w for _, w in starts]).requires_grad_()      # (S, D, V), or (S, D, V − 1) nodes
        checkpoints, snapshots = {}, {}
        losses = torch.empty(first.steps, S)
        started = time.perf_counter()
        for t in range(first.steps + 1):
            if t in checkpoint_at:
                checkpoints[t] = (W.detach().clone(), W_out.detach().clone())
            if t in snapshot_at:
                snapshots[t] = W.detach().clone()
            if t == first.steps:
                break
            h = W[seed_axis, centers[t]]                                   # (S, D) each model's hidden layer
            if tree is not None:  # SkipGramHS.forward, per model: −Σ log σ(±u) along the context's path
                nodes, sign = path_nodes[contexts[t]], path_sign[contexts[t]]  # (S, L)
                u = torch.einsum("sd,sld->sl", h, W_out[seed_axis[:, None], :, nodes])  # (S, L)
                loss = -(F.logsigmoid(sign * u) * sign.abs()).sum(-1)          # (S,)
            elif k:  # SkipGramNS.forward, per model: the true word's score up, the k negatives' down
                words = torch.cat([contexts[t][:, None], negatives[t]], dim=1)   # (S, 1 + k)
                u = torch.einsum("sd,sjd->sj", h, W_out[seed_axis[:, None], :, words])  # (S, 1 + k)
                loss = -F.logsigmoid(u[:, 0]) - F.logsigmoid(-u[:, 1:]).sum(-1)  # (S,)
            else:  # SkipGram.forward, per model: −log softmax(h W′)[context]
                u = torch.bmm(h[:, None, :], W_out)[:, 0]                  # (S, V)
                loss = F.nll_loss(F.log_softmax(u, dim=-1), contexts[t], reduction="none")  # (S,)
            loss.sum().backward()  # the sum: each model's gradient is that of its own loss
            with torch.no_grad():
                W.add_(W.grad, alpha=-lrs[t])
                W_out.add_(W_out.grad, alpha=-lrs[t])
                losses[t] = loss
            W.grad = None
            W_out.grad = None
        seconds = (time.perf_counter() - started) / S
    finally:
        torch.set_num_threads(threads)

    losses = losses.numpy().T  # (S, steps) float32, as `train` records them
    for c, run_losses in zip(configs, losses):
        if not np.isfinite(run_losses).all():
            step = int(np.argmin(np.isfinite(run_losses)))
            raise CorpusError(f"{corpus.folder / 'train.toml'}: training with seed {c.seed} diverged at step {step} "
                              f"(the loss is not finite); lower lr (now {c.lr}) or lr_final (now {c.lr_final})")
    steps, snaps = sorted(checkpoints), sorted(snapshots)
    return [dict(seconds=seconds, pairs=table, step_pair=step_pairs[s], losses=losses[s].copy(),
                 checkpoint_steps=np.array(steps),
                 W_checkpoints=np.stack([checkpoints[c][0][s].numpy() for c in steps]),
                 W_out_checkpoints=np.stack([checkpoints[c][1][s].numpy() for c in steps]),
                 snapshot_steps=np.array(snaps), W_snapshots=np.stack([snapshots[c][s].numpy() for c in snaps]))
            for s in range(S)]


def train_or_load_seeds(corpus_dir: str | Path, configs: list[TrainConfig],
                        cache_dir: str | Path | None = None) -> list[Run]:
    """The runs of `configs` (recipes that differ only in their seed): those missing from the cache
    trained together by `train_seeds`, each then cached as `train_or_load` would cache it."""
    from .prune import drop_rare

    folder = Path(corpus_dir)
    corpus, _ = drop_rare(load_corpus(folder), configs[0].min_count)  # the corpus `train_or_load` trains on
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    keys = [run_key(folder, c) for c in configs]
    missing = [(c, key) for c, key in zip(configs, keys) if not run_path(cache, key).is_file()]
    if len(missing) > 1:
        for c, _ in missing:
            check_config_fits(c, corpus)
            _refuse_undeclared(folder, c)
            check_recipe_fits(c, corpus, len(pairs(corpus, c.window)))
        _check_writable(cache)
        for (c, key), raw in zip(missing, train_seeds(corpus, [c for c, _ in missing])):
            _save_trained(cache, key, corpus, c, raw)
    return [train_or_load(folder, cache, config=c) for c in configs]


def record_analysis(corpus: Corpus, config: TrainConfig, raw: dict,
                    progress: Callable[[int, int], None] | None = None) -> dict:
    """What the book reads at every checkpoint: neighbours, analogy answers, recent loss.
    Neighbours are found a block of rows at a time: memory grows with V, never V × V."""
    from .analysis import analogy_results, nearest_neighbors

    k = min(config.neighbors_k, corpus.vocab_size - 1)
    neighbors, cosines, answers, ranks, recent = [], [], [], [], []
    losses = raw["losses"]
    if progress is not None:
        progress(0, len(raw["checkpoint_steps"]))
    for c, step in enumerate(raw["checkpoint_steps"]):
        ids, cos = nearest_neighbors(raw["W_checkpoints"][c], k)
        neighbors.append(ids)
        cosines.append(cos)
        ans, rank = analogy_results(raw["W_checkpoints"][c], corpus.ids_of_analogies())
        answers.append(ans)
        ranks.append(rank)
        window = losses[max(0, step - config.checkpoint_every): step] if step > 0 else losses[:1]
        recent.append(float(window.mean()))
        if progress is not None:
            progress(c + 1, len(raw["checkpoint_steps"]))
    shape = (len(raw["checkpoint_steps"]), len(corpus.analogies))  # explicit: (C, 0) when there are no tests
    return dict(
        neighbors=np.stack(neighbors).astype(np.int32),
        neighbor_cosines=np.stack(cosines).astype(np.float32),
        analogy_answers=np.array(answers, dtype=np.int32).reshape(shape),
        analogy_ranks=np.array(ranks, dtype=np.int32).reshape(shape),
        recent_loss=np.array(recent, dtype=np.float64),
    )


# ---------------------------------------------------------------- cache

# The modules whose code makes a run's arrays: reading the corpus and its pairs, dropping rare
# words, the two models, the negatives, training and the record (neighbours and analogies come
# from analysis). Editing any other module (a chapter's facts, a figure, the CLI) retrains nothing.
ENGINE_FILES = ("corpus.py", "prune.py", "model.py", "sgns.py", "hs.py", "train.py", "analysis.py")


def source_fingerprint() -> str:
    """sha256 over the engine modules that produce a run (ENGINE_FILES): editing one is a new run."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for name in ENGINE_FILES:
        digest.update(name.encode() + b"\0" + (package / name).read_bytes() + b"\0")
    return digest.hexdigest()


def run_key(folder: Path, config: TrainConfig) -> str:
    """The cache key of the run of `config` on the corpus in `folder`: the corpus's data files, the
    recipe as values (so a variant such as ``dataclasses.replace(config, window=3)`` needs no folder
    of its own), the engine's code, torch's version and the file format."""
    import torch

    parts = [corpus_fingerprint(folder, DATA_FILES), json.dumps(dataclasses.asdict(config), sort_keys=True),
             source_fingerprint(), torch.__version__, str(FORMAT_VERSION)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]


def run_path(cache_dir: Path, key: str) -> Path:
    """Where the run with `key` is cached (one file per run)."""
    return Path(cache_dir) / f"run-{key}.npz"


def default_cache_dir() -> Path:
    env = os.environ.get("W2V_CACHE_DIR")
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "w2v"


TEMP_PREFIX = ".tmp-"  # a file being written: `.tmp-<pid>-<random>`, renamed when whole
STALE_SECONDS = 3600   # a temp file whose writer cannot be told (no pid in its name) is stale after this


def _writer_alive(name: str) -> bool:
    """Whether the process that named the temp file `name` (`.tmp-<pid>-…`) still runs."""
    pid = name[len(TEMP_PREFIX):].split("-")[0]
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def clean_leftovers(folder: Path) -> list[Path]:
    """Remove the temp files a killed writer left in `folder` (SIGKILL, a power cut); return them.
    A temp file of a writer still running (another worker saving the same cache) is kept."""
    removed = []
    for path in Path(folder).glob(TEMP_PREFIX + "*"):
        try:
            stale = not _writer_alive(path.name) and (
                path.name[len(TEMP_PREFIX):].split("-")[0].isdigit()
                or time.time() - path.stat().st_mtime > STALE_SECONDS)
            if stale and path.is_file():
                path.unlink()
                removed.append(path)
        except OSError:
            continue  # gone already, or not ours to remove
    return removed


def _check_writable(cache_dir: Path) -> None:
    """Refuse before training, not after it, when the run could not be saved."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=cache_dir):
            pass
    except OSError as exc:
        raise CorpusError(f"--cache-dir {cache_dir}: not writable ({exc.strerror}), and the run must be "
                          f"trained and saved") from None
    clean_leftovers(cache_dir)


def _new_file_mode() -> int:
    """The mode open() gives a new file: 0o666 minus the umask (read, then put back)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def replace_atomically(path: Path):
    """A binary file to write `path` through: a temp file in the same folder, renamed onto `path`
    only when the block ends without an exception, so a reader never sees half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{TEMP_PREFIX}{os.getpid()}-")
    try:
        os.fchmod(fd, _new_file_mode())  # mkstemp makes 0600; the file should look like any other
        f = os.fdopen(fd, "wb")
        try:
            yield f
        except BaseException:
            with suppress(OSError):  # the first error is the one to tell
                f.close()
            raise
        f.close()  # a full disk may fail only here, when the last buffer is flushed
        os.replace(tmp, path)
    except BaseException:  # any error, Ctrl-C, SIGTERM: no temp file stays behind
        Path(tmp).unlink(missing_ok=True)
        raise


def save_run(path: Path, meta: dict, arrays: dict) -> None:
    """Write the artifact atomically (see `replace_atomically`); a failed write (a full disk) is
    one CorpusError and leaves no file."""
    try:
        with replace_atomically(path) as f:
            np.savez(f, meta=np.array(json.dumps(meta)), **arrays)
    except OSError as exc:
        raise CorpusError(f"cannot save the run to {path} ({exc.strerror or exc}); nothing was "
                          f"written") from None


# What reading a damaged .npz can raise: a cut-off or overwritten zip (BadZipFile, EOFError),
# a bad array header (ValueError), a missing member (KeyError), a read error (OSError).
DAMAGED_ARTIFACT = (zipfile.BadZipFile, EOFError, ValueError, KeyError, OSError)


def load_run_file(path: Path, corpus: Corpus, config: TrainConfig) -> Run:
    """The recorded run in `path`; a damaged file raises one of DAMAGED_ARTIFACT."""
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        arrays = {name: data[name] for name in data.files if name != "meta"}
    return Run(corpus=corpus, config=config, key=meta["key"], seconds=meta["seconds"], from_cache=True, **arrays)


BYTES_PER_STEP = 700      # the step's pair, negatives and learning rate as tensors, its loss (measured)
SECONDS_PER_STEP = 25e-6  # one SGD step's fixed cost in torch, before the V·D of the softmax
SECONDS_PER_FLOP = 1e-9   # this machine's one-thread speed, roughly
MAX_SECONDS = 24 * 3600   # a run longer than a day is refused: it would look like a hang


def recipe_cost(config: TrainConfig, vocab_size: int, n_pairs: int) -> tuple[float, float]:
    """(bytes, seconds) a run needs, roughly: its record and its steps. Used to refuse, before any
    training, a recipe that cannot fit in this machine's memory or in a day."""
    V, D, C = vocab_size, config.dim, -(-config.steps // config.checkpoint_every) + 1
    k = min(config.neighbors_k, V - 1)
    record = C * V * D * 4 * 2 * 2 + config.snapshots * V * D * 4 * 2 + C * V * k * 8 * 2
    memory = record + n_pairs * 16 + config.steps * BYTES_PER_STEP + V * D * 4 * 6
    per_step = V * D * 4 if config.negatives == 0 else (config.negatives + 1) * D * 4
    seconds = config.steps * (SECONDS_PER_STEP + per_step * SECONDS_PER_FLOP) + C * V * V * (D + 10) * SECONDS_PER_FLOP
    return float(memory), float(seconds)


def physical_memory() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def check_recipe_fits(config: TrainConfig, corpus: Corpus, n_pairs: int) -> None:
    """Refuse, before training, a recipe this machine cannot run (steps = 10**12, dim = 10**8)."""
    memory, seconds = recipe_cost(config, corpus.vocab_size, n_pairs)
    available = physical_memory()
    if memory > 0.8 * available or seconds > MAX_SECONDS:
        raise CorpusError(
            f"{corpus.folder / 'train.toml'}: this recipe (steps {config.steps:,}, dim {config.dim:,}, "
            f"{corpus.vocab_size:,} words) would need about {memory / 2**30:,.1f} GB of memory "
            f"({available / 2**30:,.1f} GB here) and {seconds / 3600:,.1f} hours; lower steps or dim")


def train_or_load(corpus_dir: str | Path = "corpus", cache_dir: str | Path | None = None,
                  progress: Callable[[int, int], None] | None = None, overrides: dict | None = None,
                  epochs: int | None = None, analysis_progress: Callable[[int, int], None] | None = None,
                  config: TrainConfig | None = None) -> Run:
    """The run for a corpus folder: loaded from the cache, or trained once and cached.

    Used by every chapter (through `w2v.book_run` and w2v.runs) and by ``python -m w2v train``, whose
    options (--steps, --dim, …) arrive as `overrides`; `epochs` sets steps to that many passes over
    the pairs. `config` is the whole recipe instead of the folder's train.toml: a variant of the
    book's recipe is ``config=dataclasses.replace(load_config(folder), window=3)``, and every variant
    the book trains is declared in w2v.runs.
    """
    from .prune import drop_rare

    folder = Path(corpus_dir)
    corpus = load_corpus(folder)
    config = load_config(folder, overrides) if config is None else config
    corpus, _ = drop_rare(corpus, config.min_count)
    check_config_fits(config, corpus, options=overrides or {})
    n_pairs = None
    if epochs is not None:
        n_pairs = len(pairs(corpus, config.window))
        config = dataclasses.replace(config, steps=max(1, epochs * n_pairs))
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    key = run_key(folder, config)
    path = run_path(cache, key)
    if path.is_file():  # loading needs only read access: a read-only cache still serves its runs
        try:
            return load_run_file(path, corpus, config)
        except DAMAGED_ARTIFACT:
            pass  # a damaged artifact is retrained and replaced, never trusted
    _refuse_undeclared(folder, config)
    if n_pairs is None:
        n_pairs = sum(len(s) for s in corpus.sentences) * 2 * config.window  # at most; pairs() comes later
    check_recipe_fits(config, corpus, n_pairs)
    _check_writable(cache)
    raw = train(corpus, config, progress)
    return _save_trained(cache, key, corpus, config, raw, analysis_progress)


def _save_trained(cache: Path, key: str, corpus: Corpus, config: TrainConfig, raw: dict,
                  analysis_progress: Callable[[int, int], None] | None = None) -> Run:
    raw.update(record_analysis(corpus, config, raw, analysis_progress))
    seconds = raw.pop("seconds")
    save_run(run_path(cache, key), {"key": key, "seconds": seconds, "config": dataclasses.asdict(config)}, raw)
    return Run(corpus=corpus, config=config, key=key, seconds=seconds, **raw)


# Set by the book's build (book/_ext/w2v_book.py) once every run of w2v.runs is in the cache: a
# chapter that asks for a run the registry does not declare then fails at once, naming it, instead
# of training it inside a notebook cell (where it would be slow, serial, and unlisted).
TRAINED_ONLY = "W2V_RUNS_TRAINED"


def _refuse_undeclared(folder: Path, config: TrainConfig) -> None:
    if os.environ.get(TRAINED_ONLY) == "1":
        raise CorpusError(f"{folder}: the run {dataclasses.asdict(config)} is not declared in w2v/runs.py, so "
                          f"the build did not train it before the chapters ran; declare it there")
