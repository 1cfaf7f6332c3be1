"""The chapter "Training journey" (book/journey.md): what its text glues, section by section: the
run (`run_facts`), the loss (`loss_facts`), the neighbours (`purity_facts`, `apart_facts`), the
analogies (`analogy_facts`), what answers each test (`offset_tests`, `offset_test_facts`) and what
a bigger recipe changes (`bigger_model_facts`), the spread over seeds (`spread_facts`), when words
settle (`convergence_facts`), the weights' growth (`snapshot_facts`) and the map (`map_text_facts`);
its exercise answers (`journey_exercises`) and the oddity its exercise explains
(`surprising_neighbour`)."""

from __future__ import annotations

import numpy as np

from .. import analysis, counts
from ..corpus import Corpus
from ..counts import loss_floor
from ..evidence import EvidenceIndex, sharing_rates
from ..seeds import spread_summary, spread_table
from ..train import Run
from ..wording import counted
from .figures import sorted_by
from .kit import context_cosines, last_mean, signed


def run_facts(run: Run) -> dict:
    """The run in the chapter's opening: its recipe, sizes and checkpoints."""
    corpus, config = run.corpus, run.config
    V, D = run.W.shape
    return dict(steps=int(config.steps), V=int(V), D=int(D), n_sentences=len(corpus.sentences),
                n_checkpoints=int(len(run.checkpoint_steps)), checkpoint_every=int(config.checkpoint_every),
                n_snapshots=len(run.snapshot_steps), n_groups=len(corpus.groups), words_order=sorted_by(corpus),
                window=int(config.window))


def first_step(run: Run, values, threshold) -> int | None:
    """The first checkpoint step of the run whose value reaches `threshold`, or None."""
    hit = np.flatnonzero(np.asarray(values) >= threshold)
    return int(run.checkpoint_steps[hit[0]]) if hit.size else None


def loss_facts(run: Run) -> dict:
    """The loss in the text: ln V (a uniform guess, step 0's loss), the mean loss of the first and
    of the last `checkpoint_every` steps, the perplexity at the end and how noisy single pairs stay."""
    losses, window = run.losses, run.config.checkpoint_every
    last_mean = losses[-window:].mean()
    return dict(ln_V=float(np.log(run.corpus.vocab_size)), loss_0=float(losses[0]),
                first_mean=float(losses[:window].mean()), last_mean=float(last_mean), loss_window=int(window),
                perplexity_end=float(np.exp(last_mean)), last_std=float(np.std(losses[-window:])))


def purity_facts(run: Run, purity: np.ndarray, chance: float, top: int) -> dict:
    """The neighbour purity (`purity`, (C,) the share of each word's `top` nearest neighbours in its
    group, at each checkpoint) against `chance`: at step 0, at the end and the first step it reaches
    50% (`purity_half_step`; the last step if never, `reaches_half` False); and the word the
    neighbour figure opens on: its final `top` all in its group, its first none, as frequent as
    possible (`start_word`), with its first and last neighbours."""
    corpus = run.corpus
    half = first_step(run, purity, 0.5)
    per_word = analysis.purity_per_word(run.neighbors, corpus.word_group, top)   # (C, V)
    candidates = np.flatnonzero((per_word[-1] == 1) & (per_word[0] == 0))
    if candidates.size == 0:
        candidates = np.flatnonzero(per_word[-1] == per_word[-1].max())
    start = int(candidates[np.argmax(corpus.counts[candidates])])
    start_word = corpus.vocab[start]
    return dict(k=int(run.neighbors.shape[-1]), top=int(top), chance=100 * chance, purity_0=100 * float(purity[0]),
                purity_end=100 * float(purity[-1]), reaches_half=half is not None,
                purity_half_step=int(half if half is not None else run.config.steps),
                start_word=start_word, start_group=corpus.group_of(start_word),
                start_first=", ".join(corpus.vocab[i] for i in run.neighbors[0, start, :top]),
                start_last=", ".join(corpus.vocab[i] for i in run.neighbors[-1, start, :top]))


def apart_facts(run: Run) -> dict:
    """Nearest neighbours need not stand together: of the final (word, neighbour) pairs, the share
    that never co-occur (`apart_share`, and `apart_fraction` as a share), and how often two words
    share a context word, any or a specific one (w2v.evidence.sharing_rates), in per cent."""
    corpus, V = run.corpus, run.corpus.vocab_size
    index = EvidenceIndex(corpus, run.config.window)
    final = [(w, int(n)) for w in range(V) for n in run.neighbors[-1, w]]
    apart = [p for p in final if index.pair(*p).n_together == 0]
    rates = sharing_rates(index, apart)
    return dict(n_final_pairs=len(final), apart_share=100 * len(apart) / len(final),
                apart_fraction=len(apart) / len(final), common_a=rates["common_words"][0],
                common_b=rates["common_words"][1], apart_specific=100 * rates["pairs_specific"],
                all_any=100 * rates["all_any"], all_specific=100 * rates["all_specific"])


def analogy_facts(run: Run, right: np.ndarray) -> dict:
    """The analogy tests over training (`right`, (C, A): answered right at each checkpoint): the final
    and the best score and when, the score at step 0, how often an answer changes, and the test
    answered right at the most checkpoints."""
    corpus = run.corpus
    A = len(corpus.analogies)
    score = right.sum(axis=1)
    best_test = int(np.argmax(right.sum(axis=0))) if A else 0
    a, b, c, _ = corpus.analogies[best_test] if A else ("—",) * 4   # no analogies.txt: nothing to name
    return dict(n_analogies=int(A), final_score=int(score[-1]), best_score=int(score.max()),
                best_step=first_step(run, score, score.max()), score_0=int(score[0]),
                analogy_changes=int((np.diff(right.astype(int), axis=0) != 0).sum()),
                best_test=f"{a} : {b} :: {c} : ?", best_test_share=int(right[:, best_test].sum()) if A else 0)


def offset_tests(corpus: Corpus) -> list[tuple[str, str, str, str]]:
    """The analogy tests; without analogies.txt, a stand-in test of the four most frequent words, so
    that "What answers each test" has numbers (its note says so)."""
    return corpus.analogies or [tuple(corpus.vocab[i] for i in np.argsort(-corpus.counts, kind="stable")[:4])]


def weakest_test(found: dict) -> int:
    """The test the second paragraph of "What answers each test" looks at: the first the offset does
    not answer, else the one of the weakest offset (`found`: w2v.analysis.analogy_diagnostics)."""
    not_offset = [t for t, ok in enumerate(found["by_offset"]) if not ok]
    return not_offset[0] if not_offset else int(np.argmin(found["offset_cos_median"]))


def offset_test_facts(corpus: Corpus, window: int, analogies: list, found: dict, n_runs: int) -> dict:
    """What "What answers each test" glues from `found` (w2v.analysis.analogy_diagnostics of the
    tests `analogies` over `n_runs` seed runs): the rule's thresholds, the tests the offset answers
    and their offset cosines, and the weakest test (`weakest_test`): how often 3CosAdd and closeness
    answer it, its cosines, its wrong answers (`wrong_answers`, every one) and the context words
    (window `window`) that tell its a from its c (`only_c_words`: those only c has)."""
    from .corpus import separating_contexts

    names = [f"{a} : {b} :: {c} : {d}" for a, b, c, d in analogies]
    by_offset = [n for n, ok in zip(names, found["by_offset"]) if ok]
    offset_cos = found["offset_cos_median"][found["by_offset"]]
    t = weakest_test(found)
    a, b, c, d = analogies[t]
    wrong = [corpus.vocab[i] for i in found["answer"][:, t][~found["right"][:, t]]]
    only_a, only_c = separating_contexts(corpus, window, a, c, top=10)
    return dict(wa_n_seeds=n_runs, wa_right_share=100 * analysis.OFFSET_RIGHT_SHARE,   # the rule's thresholds
                wa_closeness_share=100 * analysis.CLOSENESS_SHARE, wa_offset_cosine=analysis.OFFSET_COSINE,
                wa_c=analogies[0][2], wa_d=analogies[0][3], wa_n_offset=len(by_offset),
                wa_offset_tests="; ".join(by_offset),
                wa_offset_min=float(offset_cos.min()) if len(offset_cos) else float("nan"),
                wa_offset_max=float(offset_cos.max()) if len(offset_cos) else float("nan"),
                wa_bad=names[t], wa_bad_a=a, wa_bad_b=b, wa_bad_c=c, wa_bad_d=d,
                wa_bad_right=int(found["right_count"][t]), wa_bad_ac=float(found["cos_ac_median"][t]),
                wa_bad_offset=float(found["offset_cos_median"][t]),
                wa_bad_wrong=", ".join(sorted(set(wrong), key=wrong.index)),
                wa_bad_near_c=int(found["nearest_of_c_count"][t]), wa_bad_near_b=int(found["nearest_of_b_count"][t]),
                wa_bad_apart=len(only_a) + len(only_c), wa_bad_apart_seen=sum(n for _, n in only_a + only_c),
                wa_bad_only_a=", ".join(w for w, _ in only_a), wa_bad_only_c=", ".join(w for w, _ in only_c),
                wrong_answers=wrong, only_c_words=[w for w, _ in only_c])


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


def settling_words(corpus, conv: np.ndarray) -> list[int]:
    """Three words spread over the log-frequency range, for the convergence figure: the most
    frequent, the word nearest the middle of the range on a log scale, and the typical rarest word
    (the median convergence step, `conv`, among the words tied at the lowest count)."""
    counts = corpus.counts
    log_count = np.log(counts)
    frequent = int(np.argmax(counts))
    middle = int(np.argmin(np.abs(log_count - (log_count.min() + log_count.max()) / 2)))
    rarest = np.flatnonzero(counts == counts.min())
    rarest = rarest[np.lexsort((rarest, conv[rarest]))]              # by convergence step, ties by id
    return [frequent, middle, int(rarest[(len(rarest) - 1) // 2])]


def convergence_facts(run: Run, conv: np.ndarray) -> dict:
    """When words settle (`conv`, (V,) each word's convergence step): the first, the median and the
    last step and the words there, how many steps lie between two updates of the most frequent and
    of the rarest words' rows, and the three words of `settling_words` with their counts and steps."""
    corpus, V = run.corpus, run.corpus.vocab_size
    counts = corpus.counts

    def words_at(step):
        """'a', 'a and b', 'a, b and c': every word whose convergence step is `step`."""
        names = [corpus.vocab[i] for i in np.flatnonzero(conv == step)]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    half_settled = int(np.sort(conv)[(V - 1) // 2])      # by then half of the words have settled
    assert (conv <= half_settled).sum() >= V / 2 > (conv < half_settled).sum()
    # how often a word's row of W is updated at all: once per step in which it is the centre
    updates = np.bincount(run.pairs[run.step_pair, 0], minlength=V)       # (V,)
    facts = dict(converged_cosine=analysis.CONVERGED_COSINE, conv_first=int(conv.min()), conv_half=half_settled,
                 conv_last=int(conv.max()), conv_first_words=words_at(conv.min()), conv_last_words=words_at(conv.max()),
                 gap_frequent=float(run.config.steps / updates.max()),
                 gap_rare=float(run.config.steps / updates[counts == counts.min()].mean()),
                 word_frequent=corpus.vocab[int(np.argmax(updates))])
    for role, i in zip(("frequent", "middle", "rare"), settling_words(corpus, conv)):
        facts.update({f"pick_{role}": corpus.vocab[i], f"pick_{role}_count": int(counts[i]),
                      f"pick_{role}_conv": int(conv[i])})
    n_rarest = int((counts == counts.min()).sum())
    facts.update(n_rarest=n_rarest, rarest_count=int(counts.min()),
                 rarest_occurrences=counted(int(counts.min()), 'occurrence'))
    return facts


def snapshot_facts(run: Run, largest: np.ndarray, contrast: list) -> dict:
    """The weights' growth over the snapshots: the largest |weight| (`largest`, (S,)) and the block
    contrast (`contrast`, (S,)) at the first, the second and the last snapshot."""
    return dict(largest_0=float(largest[0]), largest_end=float(largest[-1]),
                contrast_0=signed(contrast[0]),   # a true minus sign
                contrast_end=float(contrast[-1]), snapshot_2=int(run.snapshot_steps[1]), contrast_2=float(contrast[1]))


def map_text_facts(run: Run) -> dict:
    """What the text says of the map (w2v.analysis.map_facts), cosines as the prose prints them (a
    true minus sign), with stand-ins on a corpus without groups (every neighbour in the one group)
    or without analogy tests (no arrows), and the dimensions the map leaves out."""
    facts = analysis.map_facts(run)
    if not run.corpus.has_groups:  # one group holds every word: every neighbour is in it
        facts.update(map_purity_0=100.0, map_purity_end=100.0, map_purity_W_end=100.0)
    if not run.corpus.analogies:  # no analogies.txt: no arrows to draw (the page's note says so)
        facts.update(map_parallel_test="—", map_parallel_cos=float("nan"), map_broken_test="—",
                     map_broken_cos=float("nan"), map_broken_answer="—", map_broken_c="—", map_broken_nearest_c="—")
    shown = {name: signed(value) if name.endswith("_cos") else value
             for name, value in facts.items() if not isinstance(value, bool)}
    D = int(run.W.shape[1])
    return dict(shown, map_D=D, map_D_rest=D - 2)


def journey_exercises(run: Run, constant: Run) -> dict:
    """For the exercises of "Training journey": the loss floor and its number of words; the
    analogy test right at the fewest checkpoints; and the recipe retrained with a constant learning
    rate (`constant`, only `lr_final` changed, to `lr`): when words settle, how noisy the loss stays."""
    corpus, config = run.corpus, run.config
    assert constant.config.lr_final == constant.config.lr == config.lr
    floor = loss_floor(run)
    right = run.analogy_ranks == 1                            # (C, A)
    per_test = right.sum(axis=0)
    if not corpus.analogies:  # no analogies.txt: nothing to name; the chapter says so in a note
        per_test, right = np.zeros(1, int), np.zeros((1, 1), bool)
    weakest = int(np.argmin(per_test))                        # the first of the least often right
    a, b, c, d = corpus.analogies[weakest] if corpus.analogies else ("—",) * 4
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
