"""The chapter "Training journey" (book/journey.md): the spread over seeds it glues (`spread_facts`), the test
the recipe does not answer under a bigger one (`bigger_model_facts`), its exercise answers (`journey_exercises`) and the oddity its exercise explains (`surprising_neighbour`)."""

from __future__ import annotations

import numpy as np

from .. import analysis, counts
from ..counts import loss_floor
from ..seeds import spread_summary, spread_table
from ..train import Run
from .kit import context_cosines, last_mean


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


def bigger_model_facts(names: list[str], found: dict, bigger: dict | None, t: int) -> dict:
    """The numbers "What it would take" glues: test `t` (the one the recipe does not answer by the
    offset) under the bigger recipe (w2v.seeds.bigger_runs), from `analogy_diagnostics` of the
    bigger runs (`bigger`; None on a corpus without analogy tests, where none are trained: zeros
    and NaN, and the page's note says why), and the tests the offset answers with the recipe but
    not with the bigger one (`big_lost`, with how often 3CosAdd is still right)."""
    if bigger is None:
        return dict(big_right=0, big_near_c=0, big_near_b=0, big_offset=float("nan"), big_ac=float("nan"),
                    big_by_offset=False, big_n_offset=0, big_lost="none", big_lost_right=0, big_lost_n=0)
    lost = [i for i in range(len(names)) if found["by_offset"][i] and not bigger["by_offset"][i]]
    return dict(big_right=int(bigger["right_count"][t]), big_near_c=int(bigger["nearest_of_c_count"][t]),
                big_near_b=int(bigger["nearest_of_b_count"][t]), big_offset=float(bigger["offset_cos_median"][t]),
                big_ac=float(bigger["cos_ac_median"][t]), big_by_offset=bool(bigger["by_offset"][t]),
                big_n_offset=int(bigger["by_offset"].sum()), big_lost="; ".join(names[i] for i in lost) or "none",
                big_lost_right=int(min((bigger["right_count"][i] for i in lost), default=0)), big_lost_n=len(lost))


def journey_exercises(run: Run, small: Run, constant: Run) -> dict:
    """For the exercises of "Training journey": the loss floor and its number of words; the
    analogy test right at the fewest checkpoints; the recipe retrained at dimension 2 (`small`,
    only `dim` changed), where the map holds all of W; and with a constant learning rate
    (`constant`, only `lr_final` changed, to `lr`): when words settle, how noisy the loss stays."""
    corpus, config = run.corpus, run.config
    assert small.config.dim == 2 and constant.config.lr_final == constant.config.lr == config.lr
    floor = loss_floor(run)
    right = run.analogy_ranks == 1                            # (C, A)
    per_test = right.sum(axis=0)
    if not corpus.analogies:  # no analogies.txt: nothing to name; the chapter says so in a note
        per_test, right = np.zeros(1, int), np.zeros((1, 1), bool)
    weakest = int(np.argmin(per_test))                        # the first of the least often right
    a, b, c, d = corpus.analogies[weakest] if corpus.analogies else ("—",) * 4
    small_map = analysis.map_facts(small)
    conv = analysis.convergence_step(run.W_checkpoints, run.checkpoint_steps)
    conv_constant = analysis.convergence_step(constant.W_checkpoints, constant.checkpoint_steps)
    window = config.checkpoint_every
    return dict(floor=float(floor), floor_words=float(np.exp(floor)), last_mean=last_mean(run),
                last_words=float(np.exp(last_mean(run))), loss_window=int(window),
                n_checkpoints=int(len(run.checkpoint_steps)), n_analogies=len(corpus.analogies),
                weakest_test=f"{a} : {b} :: {c} : ?", weakest_right=int(per_test[weakest]),
                weakest_d=d, weakest_answer=corpus.vocab[int(run.analogy_answers[-1, weakest])] if corpus.analogies else "—",
                weakest_rank=int(run.analogy_ranks[-1, weakest]) if corpus.analogies else 0,
                weakest_right_end=bool(right[-1, weakest]),
                D=int(config.dim), small_share=float(small_map["map_share_end"]),
                # one group (no groups.tsv) holds every word: every neighbour is in it
                small_map_purity=float(small_map.get("map_purity_end", 100.0)),
                small_W_purity=float(small_map.get("map_purity_W_end", 100.0)),
                own_share=float(100 * analysis.embedding_map(run.W_checkpoints)["share"][-1]),
                conv_median=float(np.median(conv)), conv_median_constant=float(np.median(conv_constant)),
                last_std=float(run.losses[-window:].std()), last_std_constant=float(constant.losses[-window:].std()),
                last_mean_constant=last_mean(constant), lr=float(config.lr), lr_final=float(config.lr_final))


# "Explain the oddity": it is picked from the run, so the exercise stays about what this run shows,
# with the numbers from the corpus that explain it.

def _groups_of(corpus, ids) -> list[str]:
    return [corpus.groups[int(corpus.word_group[i])] for i in ids]


def surprising_neighbour(run: Run) -> dict:
    """For "Training journey", an oddity: of the words whose nearest word (cosine of rows of W)
    is in another group, the one nearest to it; without such a word, the most similar pair of
    words of different groups (`is_nearest` False). Beside it, what the text says about them:
    how often they stand in each other's window, how alike their windows are (cosine of their
    rows of p(o | c)) and the group-mate of the word whose window is most like its own."""
    corpus = run.corpus
    V, groups = corpus.vocab_size, corpus.word_group
    cos = analysis.cosine_matrix(run.W)
    np.fill_diagonal(cos, -np.inf)
    nearest = np.argmax(cos, axis=1)                                  # (V,) ties: the lower id
    cross = np.flatnonzero(groups[nearest] != groups)
    if cross.size:
        w = int(cross[np.argmax(cos[cross, nearest[cross]])])
        n, is_nearest = int(nearest[w]), True
    else:                                                             # every nearest word a group-mate
        other = np.where(groups[:, None] != groups[None, :], cos, -np.inf)
        if np.isinf(other).all():                                     # one group (no groups.tsv)
            other = cos
        w, n = (int(i) for i in np.unravel_index(int(np.argmax(other)), other.shape))
        is_nearest = int(nearest[w]) == n
    table = counts.cooccurrence(run.pairs, V)
    ctx = context_cosines(run)
    mates = np.flatnonzero((groups == groups[w]) & (np.arange(V) != w))
    mate = int(mates[np.argmax(ctx[w, mates])]) if mates.size else w
    shared = np.minimum(table[w], table[n])                           # contexts both have
    top_shared = [corpus.vocab[i] for i in np.argsort(-shared, kind="stable")[:3] if shared[i] > 0]
    return dict(odd_word=corpus.vocab[w], odd_neighbour=corpus.vocab[n],
                odd_word_group=_groups_of(corpus, [w])[0], odd_neighbour_group=_groups_of(corpus, [n])[0],
                odd_is_nearest=bool(is_nearest), odd_n_cross=int(cross.size), odd_cos=float(cos[w, n]),
                odd_together=int(table[w, n]), odd_ctx_cos=float(ctx[w, n]),
                odd_mate=corpus.vocab[mate], odd_mate_ctx_cos=float(ctx[w, mate]),
                odd_mate_cos=float(cos[w, mate]), odd_shared=", ".join(top_shared) or "none",
                odd_count_word=int(corpus.counts[w]), odd_count_neighbour=int(corpus.counts[n]))
