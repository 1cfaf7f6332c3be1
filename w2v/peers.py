"""The book's corpus trained three ways, over the same seeds: the full softmax, SGNS, and gensim.

The full-softmax and SGNS runs are the book's recipe trained and cached by w2v.seeds (SGNS is the
recipe with ``negatives = k``). gensim's own ``Word2Vec`` is trained on the same sentences with the
book's dim, window and learning rates, and as many updates as the book's steps (`gensim_params`);
its vectors are cached like a run. Every metric comes from w2v.analysis. Shown in "Negative sampling".
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from . import analysis
from .blueprint import GOOGLE_NEWS_DIM, GOOGLE_NEWS_WORDS
from .corpus import DATA_FILES, Corpus, corpus_fingerprint, load_corpus, pairs
from .runs import SGNS_NEGATIVES
from .seeds import SEEDS, seed_runs
from .train import DAMAGED_ARTIFACT, TrainConfig, default_cache_dir, load_config, replace_atomically

GENSIM_FORMAT = 1
GENSIM_NEGATIVES = 5  # gensim's default k, and word2vec.c's

# What word2vec.c and gensim do beyond SGNS, each switched on alone over the base row's settings.
GENSIM_VARIANTS = {
    "base": {},                               # SGNS, every word kept, the dynamic window (gensim's default)
    "subsampling": dict(sample=1e-3),         # frequent words dropped at random (gensim's default threshold)
    "fixed_window": dict(shrink_windows=False),  # every context word up to `window`, never fewer
    "cbow": dict(sg=0),                       # CBOW: the mean of the context vectors predicts the centre word
}


def gensim_epochs(corpus: Corpus, config: TrainConfig) -> int:
    """Passes over the corpus that give gensim's skip-gram about `config.steps` updates: one
    pass makes one update per (center, context) pair, as many as the book's pairs table has."""
    return max(1, round(config.steps / len(pairs(corpus, config.window))))


def gensim_params(corpus: Corpus, config: TrainConfig, seed: int, **changes) -> dict:
    """The arguments of gensim.models.Word2Vec for the base row, with `changes` on top."""
    params = dict(sg=1, hs=0, negative=GENSIM_NEGATIVES, sample=0.0, shrink_windows=True,
                  vector_size=config.dim, window=config.window, min_count=1,
                  alpha=config.lr, min_alpha=config.lr_final,  # the book's linear decay, lr → lr_final
                  epochs=gensim_epochs(corpus, config), workers=1, seed=int(seed))
    params.update(changes)
    return params


def _gensim_key(folder: Path, params: dict) -> str:
    import gensim

    # the data files only: `params` carry every setting of the recipe gensim uses
    parts = [corpus_fingerprint(folder, DATA_FILES), json.dumps(params, sort_keys=True), gensim.__version__,
             np.__version__, str(GENSIM_FORMAT)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]


def _gensim_path(cache: Path, folder: Path, params: dict) -> Path:
    return cache / f"gensim-{_gensim_key(folder, params)}.npz"


def train_gensim(corpus: Corpus, params: dict) -> tuple[np.ndarray, np.ndarray]:
    """gensim's Word2Vec on the corpus's sentences: (W, W_out) in the corpus's vocabulary order,
    W (V, D) its input vectors and W_out (D, V) its output vectors (syn1neg)."""
    from gensim.models import Word2Vec

    model = Word2Vec(sentences=corpus.sentences, **params)
    rows = [model.wv.key_to_index[w] for w in corpus.vocab]
    W = np.array(model.wv.vectors[rows], dtype=np.float32)
    out = model.syn1neg if params.get("negative") else model.syn1
    return W, np.array(out[rows], dtype=np.float32).T


def gensim_vectors(corpus_dir: str | Path, params: dict, cache_dir: str | Path | None = None):
    """(W, W_out) of gensim trained with `params`, loaded from the cache or trained and cached."""
    folder = Path(corpus_dir)
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    path = _gensim_path(cache, folder, params)
    if path.is_file():
        try:
            with np.load(path, allow_pickle=False) as data:
                return data["W"], data["W_out"]
        except DAMAGED_ARTIFACT:
            pass
    W, W_out = train_gensim(load_corpus(folder), params)
    cache.mkdir(parents=True, exist_ok=True)
    with replace_atomically(path) as f:
        np.savez(f, W=W, W_out=W_out)
    return W, W_out


def gensim_runs(corpus_dir: str | Path, variant: str = "base", seeds=SEEDS,
                cache_dir: str | Path | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
    """gensim's (W, W_out) for every seed with one of GENSIM_VARIANTS, each cached. Trained one
    after the other: a run takes a few hundredths of a second here, less than starting a process."""
    folder = Path(corpus_dir)
    corpus, config = load_corpus(folder), load_config(folder)
    return [gensim_vectors(folder, gensim_params(corpus, config, s, **GENSIM_VARIANTS[variant]), cache_dir)
            for s in seeds]


def scores(corpus: Corpus, W: np.ndarray, W_out: np.ndarray) -> dict[str, float]:
    """The table's four metrics of one set of vectors: top-3 neighbour purity, analogies right
    (3CosAdd), block contrast and the mean cosine between a word's two vectors."""
    groups = corpus.word_group
    neighbors, _ = analysis.nearest_neighbors(W, min(3, corpus.vocab_size - 1))
    return dict(purity=analysis.neighbor_purity(neighbors, groups, 3) if corpus.has_groups else float("nan"),
                analogies=float(analysis.baseline_scores(W, corpus.ids_of_analogies())["three_cos_add"]),
                block_contrast=analysis.block_contrast(W, groups) if corpus.has_groups else float("nan"),
                two_face=float(analysis.two_vector_cosine(W, W_out).mean()))


def spread(rows: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    """For each metric: median, min and max over the seeds."""
    return {k: dict(median=float(np.median([r[k] for r in rows])), min=float(min(r[k] for r in rows)),
                    max=float(max(r[k] for r in rows))) for k in rows[0]}


def comparison(corpus_dir: str | Path, seeds=SEEDS, cache_dir: str | Path | None = None,
               negatives=SGNS_NEGATIVES) -> dict:
    """Everything "Negative sampling" compares, over `seeds`: for each method its per-seed scores
    and their spread.

    Methods: "softmax" (the book's recipe), "sgns<k>" for each k of `negatives` (the recipe with
    ``negatives = k``), and "gensim_<variant>" for each of GENSIM_VARIANTS.
    """
    folder = Path(corpus_dir)
    corpus = load_corpus(folder)
    out = {}
    runs = {"softmax": seed_runs(folder, seeds, cache_dir)}
    for k in negatives:
        runs[f"sgns{k}"] = seed_runs(folder, seeds, cache_dir, negatives=k)
    for name, rs in runs.items():
        rows = [scores(corpus, r.W, r.W_out) for r in rs]
        out[name] = dict(rows=rows, spread=spread(rows))
    for variant in GENSIM_VARIANTS:
        rows = [scores(corpus, W, W_out) for W, W_out in gensim_runs(folder, variant, seeds, cache_dir)]
        out[f"gensim_{variant}"] = dict(rows=rows, spread=spread(rows))
    return out


def kept_share(counts: np.ndarray, sample: float) -> float:
    """The share of tokens gensim's subsampling keeps, in expectation: a word of count v is kept
    with probability (√(v / (sample·N)) + 1) · sample·N / v, capped at 1 (N tokens in all)."""
    counts = np.asarray(counts, dtype=np.float64)
    threshold = sample * counts.sum()
    keep = np.minimum(1.0, (np.sqrt(counts / threshold) + 1) * threshold / counts)
    return float((keep * counts).sum() / counts.sum())


def table_facts(table: dict) -> dict[str, float]:
    """`comparison`'s spreads as flat names for glue: '<method>_<metric>_<median|min|max>', purity
    in percent. Glued by "Negative sampling"."""
    facts = {}
    for method, entry in table.items():
        for metric, s in entry["spread"].items():
            for stat, value in s.items():
                facts[f"{method}_{metric}_{stat}"] = 100 * value if metric == "purity" else value
    return facts


def cost_facts(vocab_size: int, dim: int, negatives: int, big_vocab: int = GOOGLE_NEWS_WORDS,
               big_dim: int = GOOGLE_NEWS_DIM) -> dict:
    """Multiply-adds of a step, full softmax against SGNS, at the book's size and at Google's
    (w2v.blueprint.GOOGLE_NEWS_WORDS × GOOGLE_NEWS_DIM). Glued by "Negative sampling"."""
    from .sgns import multiply_adds

    small = multiply_adds(vocab_size, dim), multiply_adds(vocab_size, dim, negatives)
    big = multiply_adds(big_vocab, big_dim), multiply_adds(big_vocab, big_dim, negatives)
    return dict(madds_softmax=small[0], madds_sgns=small[1], madds_ratio=small[0] / small[1],
                big_vocab=big_vocab, big_dim=big_dim, big_madds_softmax=big[0], big_madds_sgns=big[1],
                big_madds_ratio=big[0] / big[1])


def step_seconds(vocab_size: int, dim: int, negatives: int, steps: int = 2000, repeats: int = 5,
                 seed: int = 0) -> dict[str, float]:
    """Seconds per training step (forward, backward, SGD update, one thread) of the full softmax
    and of SGNS with `negatives`, on the same random pairs: the two are timed in turn `repeats`
    times and the fastest pass of each is kept, so a busy machine slows both alike. A training
    run's own clock is no measure of this: runs are trained side by side with other work.
    Measured by "Negative sampling" at the book's size."""
    import time

    import torch

    from .model import SkipGram
    from .sgns import SkipGramNS

    rng = np.random.default_rng(seed)
    center = torch.from_numpy(rng.integers(vocab_size, size=steps)).split(1)
    context = torch.from_numpy(rng.integers(vocab_size, size=steps)).split(1)
    noise = torch.from_numpy(rng.integers(vocab_size, size=(steps, negatives))).split(1)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        torch.manual_seed(seed)
        models = {"softmax": SkipGram(vocab_size, dim), "sgns": SkipGramNS(vocab_size, dim)}
        best = {name: float("inf") for name in models}
        for _ in range(repeats):
            for name, model in models.items():
                started = time.perf_counter()
                for t in range(steps):
                    extra = (noise[t],) if name == "sgns" else ()
                    model(center[t], context[t], *extra).backward()
                    with torch.no_grad():
                        for param in (model.W, model.W_out):
                            param.add_(param.grad, alpha=-0.05)
                            param.grad = None
                best[name] = min(best[name], (time.perf_counter() - started) / steps)
    finally:
        torch.set_num_threads(threads)
    return best
