"""The book's corpus trained four ways, over the same seeds: the full softmax, SGNS, the
hierarchical softmax, and gensim (SGNS and hierarchical softmax).

The full-softmax, SGNS and hierarchical-softmax runs are the book's recipe trained and cached by
w2v.seeds (SGNS is the recipe with ``negatives = k``, HS the recipe with ``softmax =
"hierarchical"``). gensim's own ``Word2Vec`` is trained on the same sentences with the
book's dim, window and learning rates, and as many updates as the book's steps (`gensim_params`);
its vectors are cached like a run. Every metric comes from w2v.analysis. Shown in "Two ways around the softmax".
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from . import analysis
from .corpus import DATA_FILES, Corpus, corpus_fingerprint, load_corpus, pairs
from .runs import HS_CHANGES, SGNS_NEGATIVES, variant
from .seeds import SEEDS, seed_runs
from .train import DAMAGED_ARTIFACT, Run, TrainConfig, default_cache_dir, load_config, replace_atomically

GENSIM_FORMAT = 1

# The pre-trained GoogleNews vectors: 3,000,000 words and phrases × 300 dimensions, trained on about
# 100 billion words of Google News. The file holds the input vectors only; training also had output
# vectors (word2vec's project page, code.google.com/archive/p/word2vec, and Mikolov et al. 2013b).
# The scale beside which "Two ways around the softmax" prices each method (cost_facts).
GOOGLE_NEWS_WORDS, GOOGLE_NEWS_DIM, GOOGLE_NEWS_TRAINING_WORDS = 3_000_000, 300, 100_000_000_000
GENSIM_NEGATIVES = 5  # gensim's default k, and word2vec.c's

# What word2vec.c and gensim do beyond SGNS, each switched on alone over the base row's settings.
GENSIM_VARIANTS = {
    "base": {},                               # SGNS, every word kept, the dynamic window (gensim's default)
    "subsampling": dict(sample=1e-3),         # frequent words dropped at random (gensim's default threshold)
    "fixed_window": dict(shrink_windows=False),  # every context word up to `window`, never fewer
    "cbow": dict(sg=0),                       # CBOW: the mean of the context vectors predicts the centre word
    "hs": dict(hs=1, negative=0),             # the hierarchical softmax over gensim's Huffman tree, no negatives
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
    """gensim's Word2Vec on the corpus's sentences: (W, W_out), W (V, D) its input vectors in the
    corpus's vocabulary order and W_out its output vectors: (D, V) one per word (syn1neg), or with
    the hierarchical softmax (D, V − 1) one per inner node of its tree (syn1), which no word owns."""
    from gensim.models import Word2Vec

    model = Word2Vec(sentences=corpus.sentences, **params)
    rows = [model.wv.key_to_index[w] for w in corpus.vocab]
    W = np.array(model.wv.vectors[rows], dtype=np.float32)
    if params.get("hs"):
        return W, np.array(model.syn1[:corpus.vocab_size - 1], dtype=np.float32).T
    return W, np.array(model.syn1neg[rows], dtype=np.float32).T


def gensim_learning_rates(corpus: Corpus, params: dict) -> list[float]:
    """The learning rate gensim's Word2Vec used in each pass, read from gensim itself (its
    `min_alpha_yet_reached` after every pass). gensim sets the rate once per job of up to
    `batch_words` words, not per update: on a corpus shorter than a job, once per pass, a staircase
    from `alpha` that stops one stair above `min_alpha`. Glued by "Negative sampling"."""
    from gensim.models import Word2Vec
    from gensim.models.callbacks import CallbackAny2Vec

    class Rates(CallbackAny2Vec):
        def __init__(self):
            self.seen = []

        def on_epoch_end(self, model):
            self.seen.append(float(model.min_alpha_yet_reached))

    rates = Rates()
    Word2Vec(sentences=corpus.sentences, callbacks=[rates], **params)
    return rates.seen


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
    (3CosAdd), block contrast and the mean cosine between a word's two vectors (NaN for a
    hierarchical softmax, whose W_out holds the tree's nodes: a word has one vector only)."""
    groups = corpus.word_group
    two_face = float(analysis.two_vector_cosine(W, W_out).mean()) if W_out.shape[1] == len(W) else float("nan")
    neighbors, _ = analysis.nearest_neighbors(W, min(3, corpus.vocab_size - 1))
    return dict(purity=analysis.neighbor_purity(neighbors, groups, 3),  # 1.0 with one group, as everywhere
                analogies=float(analysis.baseline_scores(W, corpus.ids_of_analogies())["three_cos_add"]),
                block_contrast=analysis.block_contrast(W, groups) if corpus.has_groups else float("nan"),
                two_face=two_face)


def spread(rows: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    """For each metric: median, min and max over the seeds (NaN where the metric is NaN)."""
    return {k: dict(median=float(np.median([r[k] for r in rows])), min=float(np.min([r[k] for r in rows])),
                    max=float(np.max([r[k] for r in rows]))) for k in rows[0]}


def comparison(corpus_dir: str | Path, seeds=SEEDS, cache_dir: str | Path | None = None,
               negatives=SGNS_NEGATIVES, hierarchical: bool = True) -> dict:
    """Everything "Two ways around the softmax" compares, over `seeds`: for each method its
    per-seed scores and their spread.


    Methods: "softmax" (the book's recipe), "sgns<k>" for each k of `negatives` (the recipe with
    ``negatives = k``), "hs" (the recipe with ``softmax = "hierarchical"``, if `hierarchical`) and
    "gensim_<variant>" for each of GENSIM_VARIANTS.
    """
    folder = Path(corpus_dir)
    corpus = load_corpus(folder)
    out = {}
    runs = {"softmax": seed_runs(folder, seeds, cache_dir)}
    for k in negatives:
        runs[f"sgns{k}"] = seed_runs(folder, seeds, cache_dir, negatives=k)
    if hierarchical:
        runs["hs"] = seed_runs(folder, seeds, cache_dir, **HS_CHANGES)

    for name, rs in runs.items():
        rows = [scores(corpus, r.W, r.W_out) for r in rs]
        out[name] = dict(rows=rows, spread=spread(rows))
    for variant in GENSIM_VARIANTS:
        rows = [scores(corpus, W, W_out) for W, W_out in gensim_runs(folder, variant, seeds, cache_dir)]
        out[f"gensim_{variant}"] = dict(rows=rows, spread=spread(rows))
    return out


def hs_run(corpus_dir: str | Path, cache_dir: str | Path | None = None) -> Run:
    """The book's recipe with a hierarchical softmax (`HS_CHANGES`), cached like every run."""
    return variant(corpus_dir, cache_dir, **HS_CHANGES)


def kept_share(counts: np.ndarray, sample: float) -> float:
    """The share of tokens gensim's subsampling keeps, in expectation: a word of count v is kept
    with probability (√(v / (sample·N)) + 1) · sample·N / v, capped at 1 (N tokens in all)."""
    counts = np.asarray(counts, dtype=np.float64)
    threshold = sample * counts.sum()
    keep = np.minimum(1.0, (np.sqrt(counts / threshold) + 1) * threshold / counts)
    return float((keep * counts).sum() / counts.sum())


def step_seconds(vocab_size: int, dim: int, negatives: int, steps: int = 2000, repeats: int = 5,
                 seed: int = 0) -> dict[str, float]:
    """Seconds per training step (forward, backward, SGD update, one thread) of the full softmax
    and of SGNS with `negatives`, on the same random pairs: the two are timed in turn `repeats`
    times and the fastest pass of each is kept, so a busy machine slows both alike. A training
    run's own clock is no measure of this: runs are trained side by side with other work.
    Measured by "Two ways around the softmax" at the book's size."""
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


# "Answered by the offset" (the corpus issue's definition): on a set of seeds, 3CosAdd right in at
# least 4 of 5 seeds, closeness alone (the nearest word to c, or to b) giving d in at most 1 of 5,
# and a median cosine between the offsets b − a and d − c of at least 0.5.
OFFSET_RIGHT, OFFSET_CLOSE, OFFSET_COSINE = 0.8, 0.2, 0.5


def offset_view(corpus: Corpus, vectors: list[np.ndarray]) -> list[dict]:
    """Per analogy test a : b :: c : d over a set of W (one per seed): how many answer it
    (3CosAdd), how often the nearest word to c and to b (a, b, c excluded) is already d, the
    median offset cosine cos(b − a, d − c) on unit rows, and whether the test is answered by the
    offset. Shown in "Two ways around the softmax"."""
    tests = corpus.ids_of_analogies().reshape(-1, 4)
    right, near_c, near_b, cosines = [], [], [], []
    for W in vectors:
        unit = analysis.normalize_rows(np.asarray(W, dtype=np.float64))
        right.append(analysis.baseline_answers(W, tests)["three_cos_add"] == tests[:, 3])
        near_c.append(analysis.baseline_answers(W, tests)["nearest_of_c"] == tests[:, 3])
        of_b = []
        for a, b, c, d in tests:
            scores = unit @ unit[b]
            scores[[a, b, c]] = -np.inf
            of_b.append(int(np.argmax(scores)) == d)
        near_b.append(of_b)
        cosines.append(analysis.offset_cosines(unit, tests))
    right, near_c, near_b = (np.sum(x, axis=0) for x in (right, near_c, near_b))
    cosine = np.median(cosines, axis=0)
    n = len(vectors)
    return [dict(test=" ".join(corpus.vocab[i] for i in t), right=int(right[j]), nearest_of_c=int(near_c[j]),
                 nearest_of_b=int(near_b[j]), offset_cosine=float(cosine[j]),
                 by_offset=bool(right[j] >= OFFSET_RIGHT * n and near_c[j] <= OFFSET_CLOSE * n
                                and near_b[j] <= OFFSET_CLOSE * n and cosine[j] >= OFFSET_COSINE))
            for j, t in enumerate(tests)]


def shared_prefix(tree, a: int, b: int) -> int:
    """How many nodes the paths of words a and b share from the root: 0 … min(depth) − 1."""
    na, nb = tree.path(a)[0], tree.path(b)[0]
    n = min(len(na), len(nb))
    return int(np.argmin(np.append(na[:n] == nb[:n], False)))


def tree_facts(corpus: Corpus, tree, hs_W: list[np.ndarray], softmax_W: list[np.ndarray]) -> dict:
    """What the Huffman tree does to similarity, measured: where each group's words sit in the
    tree, and whether words that share more of their path have closer W rows in the hierarchical
    softmax's runs than in the full softmax's, which has no tree (Spearman's ρ over all pairs of
    words, median over the runs). Glued by "Two ways around the softmax"."""
    from scipy.stats import spearmanr

    V = corpus.vocab_size
    i, j = np.triu_indices(V, 1)
    prefix = np.array([shared_prefix(tree, a, b) for a, b in zip(i, j)])

    def rho(Ws):
        return float(np.median([spearmanr(prefix, analysis.cosine_matrix(W)[i, j])[0] for W in Ws]))

    facts = dict(rho_hs=rho(hs_W), rho_softmax=rho(softmax_W))
    if corpus.has_groups:  # without groups.tsv the chapter says so and glues no group facts
        same = corpus.word_group[i] == corpus.word_group[j]
        first = tree.path_codes[:, 0]               # which half of the root each word is in
        split = [len(set(first[corpus.word_group == g])) == 2 for g in range(len(corpus.groups))
                 if (corpus.word_group == g).sum() >= 2]
        facts.update(prefix_within=float(prefix[same].mean()), prefix_between=float(prefix[~same].mean()),
                     groups_split=int(sum(split)), groups_counted=len(split))
    return facts
