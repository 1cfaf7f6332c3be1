"""The data of "Your turn" (book/playground.md), where the reader trains the whole model in the page.

The page's Web Worker trains with the same float32 step as "One training step"
(book/_static/w2v-step.js). With the book's corpus and recipe it starts from the run's own initial
W and takes the run's own pair order, both carried in the page by `playground_data`, so that it
reproduces the run's final W and W′. The book's results sit beside the reader's: its loss curve
(`loss_curve`), neighbours, analogies, purity and map.
"""

from __future__ import annotations

import numpy as np

from ..analysis import embedding_map, nearest_neighbors, neighbor_purity
from ..corpus import pairs
from ..runs import exercise_recipes  # declared with every run the book trains
from .figures import GROUP_COLORS
from .kit import PageHTML, b64

CURVE_POINTS = 100    # the loss curve is the mean loss of this many equal blocks of steps
NEIGHBORS_K = 5       # neighbours listed per word
PURITY_K = 3          # neighbour purity over each word's top 3, as "Training journey" reads it


def loss_curve(losses: np.ndarray, points: int = CURVE_POINTS) -> tuple[list[int], list[float]]:
    """The loss curve the page draws: the steps split into blocks of ceil(steps / points) steps,
    and each block's mean loss, placed at the block's last step (1-based). The page computes the
    reader's curve the same way (curve() in book/_static/playground.js). Shown in "Your turn"."""
    losses = np.asarray(losses, dtype=np.float64)
    size = -(-len(losses) // points)
    ends = list(range(size, len(losses), size)) + [len(losses)]
    starts = [0] + ends[:-1]
    return ends, [float(losses[a:b].mean()) for a, b in zip(starts, ends)]


def final_loss(losses: np.ndarray, window: int) -> float:
    """The run's final loss as the whole book reads it: the mean loss of its last `window` steps
    (the recipe's `checkpoint_every`; all of them if the run is shorter). The page computes the
    reader's the same way (finalLoss() in book/_static/playground.js). Shown in "Your turn"."""
    losses = np.asarray(losses, dtype=np.float64)
    return float(losses[-window:].mean())


def default_word(corpus) -> str:
    """The word whose neighbours the page lists first: the first word of the first analogy test,
    or the most frequent word when there is no test."""
    if corpus.analogies:
        return corpus.analogies[0][0]
    return corpus.vocab[int(np.argmax(corpus.counts))]


def groups_text(corpus) -> str:
    """The groups as the page's text box reads them: one line per group, 'group: word word …'."""
    if not corpus.has_groups:
        return ""
    return "\n".join(f"{g}: {' '.join(corpus.words_in_group(g))}" for g in corpus.groups)


def analogies_text(corpus) -> str:
    """The analogy tests as the page's text box reads them: one 'a b c d' per line."""
    return "\n".join(" ".join(test) for test in corpus.analogies)


def book_results(run) -> dict:
    """What the page shows of the book's own run beside the reader's: each word's neighbours,
    the analogy answers and how many are right, the neighbour purity and the map (the PCA of the
    unit rows of the final W, as in "Training journey")."""
    corpus = run.corpus
    k = min(PURITY_K, run.neighbors.shape[-1])
    purity = neighbor_purity(run.neighbors[-1], corpus.word_group, k) if corpus.has_groups else None
    coords = embedding_map(run.W[None])["coords"][0]
    ends, means = loss_curve(run.losses)
    return dict(
        final_loss=round(final_loss(run.losses, run.config.checkpoint_every), 6),
        neighbors=run.neighbors[-1][:, :NEIGHBORS_K].tolist(),
        analogy_answers=[int(a) for a in run.analogy_answers[-1]],
        analogies_right=int(run.analogy_correct[-1].sum()),
        purity=purity,
        map_x=[round(float(x), 6) for x in coords[:, 0]],
        map_y=[round(float(y), 6) for y in coords[:, 1]],
        curve_steps=ends,
        curve_loss=[round(v, 6) for v in means],
    )


def playground_data(run) -> dict:
    """Everything the page needs, as JSON: the corpus as the text boxes show it, the recipe,
    the run's initial W (base64 little-endian float32, (V, D)) and its pair order (base64
    uint16 or int32, (steps,)), and the book's results. W′ starts at zero, so it is not carried.
    Shown in "Your turn"."""
    config, corpus = run.config, run.corpus
    order_dtype = "uint16" if len(run.pairs) < 2**16 else "int32"
    return dict(
        text="\n".join(" ".join(s) for s in corpus.sentences),
        groups=groups_text(corpus),
        analogies=analogies_text(corpus),
        vocab=list(corpus.vocab),
        recipe=dict(window=config.window, dim=config.dim, lr=config.lr, lr_final=config.lr_final,
                    steps=config.steps, seed=config.seed),
        n_pairs=int(len(run.pairs)),
        W0=b64(run.W_checkpoints[0].astype("<f4")),
        order=b64(run.step_pair.astype("<u2" if order_dtype == "uint16" else "<i4")),
        order_dtype=order_dtype,
        loss_window=int(config.checkpoint_every),
        neighbors_k=NEIGHBORS_K, purity_k=min(PURITY_K, run.neighbors.shape[-1]), curve_points=CURVE_POINTS,
        colors=list(GROUP_COLORS[:-1]), default_word=default_word(corpus),
        book=book_results(run),
    )


def data_script(run):
    """The page's data, embedded once as <script type="application/json" id="w2v-playground-data">."""
    import json

    text = json.dumps(playground_data(run), separators=(",", ":")).replace("</", "<\\/")
    return PageHTML(f'<script type="application/json" id="w2v-playground-data">{text}</script>')


def outcome(run) -> dict:
    """A run's results as the page shows them: analogies right, neighbour purity, the final loss."""
    k = min(PURITY_K, run.neighbors.shape[-1])
    purity = neighbor_purity(run.neighbors[-1], run.corpus.word_group, k) if run.corpus.has_groups else float("nan")
    return dict(right=int(run.analogy_correct[-1].sum()), purity=float(purity),
                loss=final_loss(run.losses, run.config.checkpoint_every))


def neighbours_in_window(run, window: int) -> float:
    """The share of each word's PURITY_K nearest neighbours (cosine, rows of the final W) that
    stand within `window` words of it somewhere in the corpus, averaged over the words: how far
    a run's neighbours are words a word occurs *with*. For the window exercise of "Your turn"."""
    V = run.corpus.vocab_size
    found = pairs(run.corpus, window)
    together = np.zeros((V, V), dtype=bool)
    together[found[:, 0], found[:, 1]] = True
    ids, _ = nearest_neighbors(run.W, min(PURITY_K, V - 1))
    return float(np.mean(np.take_along_axis(together, ids, axis=1)))


def page_facts(run, exercises: dict) -> dict:
    """What the page glues: the book's recipe as the settings start (`pg_<setting>`), the purity's
    k, and the answers of `exercise_facts` (`exercises`), shares in per cent as everywhere else."""
    config = run.config
    facts = dict(pg_steps=int(config.steps), pg_dim=int(config.dim), pg_window=int(config.window),
                 pg_lr=float(config.lr), pg_lr_final=float(config.lr_final),
                 pg_loss_window=int(config.checkpoint_every), pg_purity_k=min(PURITY_K, run.neighbors.shape[-1]))
    facts.update({name: 100 * value if name.endswith(("_purity", "_together")) else value
                  for name, value in exercises.items()})
    return facts


def exercise_facts(run, cache_dir=None) -> dict:
    """The answers of the exercises of "Your turn", from the Python engine: the book's corpus
    trained with each recipe of `exercise_recipes` (cached like every run), and the book's own
    run, as plain values named `ex_<exercise>_<value>`."""
    from ..runs import variant

    facts = {f"ex_book_{k}": v for k, v in outcome(run).items()}
    facts["ex_tests"] = len(run.corpus.analogies)
    for name, recipe in exercise_recipes(run.config).items():
        other = variant(run.corpus.folder, cache_dir, **recipe)
        facts.update({f"ex_{name}_{k}": v for k, v in outcome(other).items()})
        facts.update({f"ex_{name}_setting": v for v in recipe.values()})
        if name == "window":   # the neighbours' windows, both runs read with the wider one
            facts["ex_window_together"] = neighbours_in_window(other, other.config.window)
            facts["ex_book_together"] = neighbours_in_window(run, other.config.window)
    return facts
