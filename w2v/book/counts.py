"""The chapter "What the model is fitting" (book/counts.md): what it glues, each a dict of plain
values computed with w2v.counts (`floor_facts`, `walkthrough_pair_facts`, `fit_facts`,
`dim_text_facts` from w2v.counts.dim_facts, `pmi_facts`, `baseline_facts`, around the word
`picked_word` chooses), the count-based baseline's table and verdict (`baseline_table`,
`baseline_verdict`), and its exercise answers (`counts_exercises`)."""

from __future__ import annotations

import numpy as np

from .. import counts
from ..corpus import Corpus
from ..counts import (conditional, conditional_entropy, cooccurrence, count_baseline, diagnostics, kl_per_word,
                      learned_conditional, pair_loss, pmi)
from ..seeds import spread_summary, spread_table
from ..step import step_of_run
from ..train import Run
from .kit import html_table
from .walkthrough import default_steps


def floor_facts(run: Run) -> dict:
    """The loss floor beside the run's losses, for "What the model is fitting": H(o|c), the
    final model's loss on all pairs, the mean loss of the last `checkpoint_every` training steps,
    and ln V, the loss of a uniform guess."""
    counts = cooccurrence(run.pairs, run.corpus.vocab_size)
    window = run.config.checkpoint_every
    return dict(floor=conditional_entropy(counts), pair_loss=pair_loss(run.W, run.W_out, counts),
                last_mean=float(run.losses[-window:].mean()), loss_window=int(window),
                ln_V=float(np.log(run.corpus.vocab_size)), n_pairs=int(len(run.pairs)),
                n_cells=int((counts > 0).sum()), n_all_cells=int(counts.size),
                context_counts_max=int(counts.max()))


def walkthrough_pair_facts(run: Run) -> dict:
    """The walkthrough's pair on its row of the table: the share p(o | c) that minimises the row's
    loss, and the probability the model gave it at the walkthrough's late step."""
    _, late = default_steps(run)
    step = step_of_run(run, late)
    share = conditional(cooccurrence(run.pairs, run.corpus.vocab_size))[step.center, step.context]
    return dict(wt_c=run.corpus.vocab[step.center], wt_o=run.corpus.vocab[step.context], wt_late=int(late),
                wt_share=float(share), wt_p=float(step.p[step.context]))


def fit_facts(run: Run) -> dict:
    """How close the learned p(o | c) is to the empirical one, for "What the model is fitting":
    their correlation over all V × V cells, the mean KL per centre word, the centre-frequency
    weighted KL (= pair loss − floor), the learned mass on pairs never seen, and the word
    whose two distributions differ most and least."""
    counts = cooccurrence(run.pairs, run.corpus.vocab_size)
    cond, learned = conditional(counts), learned_conditional(run.W, run.W_out)
    kl = kl_per_word(counts, run.W, run.W_out)
    centres = counts.sum(axis=1)
    is_centre = centres > 0
    unseen_mass = (learned * (counts == 0)).sum(axis=1)
    return dict(correlation=float(np.corrcoef(cond.ravel(), learned.ravel())[0, 1]),
                mean_kl=float(kl[is_centre].mean()),
                weighted_kl=float((centres * kl).sum() / centres.sum()),
                unseen_mass=100 * float(unseen_mass[is_centre].mean()),
                worst_word=run.corpus.vocab[int(np.argmax(np.where(is_centre, kl, -np.inf)))],
                worst_kl=float(kl[is_centre].max()),
                best_word=run.corpus.vocab[int(np.argmin(np.where(is_centre, kl, np.inf)))],
                best_kl=float(kl[is_centre].min()))


def dim_text_facts(by_dim: dict, dim: int, longer: Run) -> dict:
    """What the text says of w2v.counts.dim_facts (`by_dim`): the loss at the lowest dimension, at the book's
    (`dim`) and at the highest, and the gap left to the floor; and how much of the gap at the
    book's D the recipe trained longer (`longer`, only `steps` raised) closes (`closed`, a share)."""
    dims, losses = by_dim["dims"], by_dim["losses"]
    mine = dims.index(dim)
    long_loss = pair_loss(longer.W, longer.W_out, cooccurrence(longer.pairs, longer.corpus.vocab_size))
    closed = (losses[mine] - long_loss) / (losses[mine] - by_dim["floor"])
    return dict(dim_low=dims[0], dim_high=dims[-1], loss_low=losses[0], loss_mine=losses[mine], loss_high=losses[-1],
                gap_high=losses[-1] - by_dim["floor"], long_steps=int(longer.config.steps),
                long_loss=float(long_loss), long_closed=100 * closed, closed=closed)


def picked_word(corpus: Corpus) -> str:
    """The word the chapter looks at closely: the first word of the first analogy test (the most
    frequent word when there is none)."""
    return corpus.analogies[0][0] if corpus.analogies else corpus.vocab[int(np.argmax(corpus.counts))]


def pmi_facts(run: Run, word: str, k: int = 5) -> dict:
    """The learned scores W · W′ against PMI and against PMI + ln p(o) = ln p(o | c), over the
    pairs seen in the corpus, for "What the model is fitting"; and around `word`: the `k` words
    the model scores highest, the `k` of highest PMI, and their mean corpus counts."""
    counts = cooccurrence(run.pairs, run.corpus.vocab_size)
    seen = counts > 0
    scores = run.W @ run.W_out
    p_mi = pmi(counts)
    p_o = counts.sum(axis=0) / counts.sum()
    log_cond = p_mi + np.log(p_o)[None, :]
    w = run.corpus.index[word]
    predicted = np.argsort(-scores[w], kind="stable")[:k]
    by_pmi = np.argsort(-np.where(seen[w], p_mi[w], -np.inf), kind="stable")[:min(k, int(seen[w].sum()))]
    freq = run.corpus.counts
    return dict(corr_pmi=float(np.corrcoef(scores[seen], p_mi[seen])[0, 1]),
                corr_log_cond=float(np.corrcoef(scores[seen], log_cond[seen])[0, 1]),
                n_seen=int(seen.sum()), predicted=[run.corpus.vocab[i] for i in predicted],
                top_pmi=[run.corpus.vocab[i] for i in by_pmi],
                predicted_count=float(freq[predicted].mean()), top_pmi_count=float(freq[by_pmi].mean()))


def baseline_facts(run: Run, runs: list[Run], word: str) -> dict:
    """The count-based baseline beside the trained model, for "What the model is fitting": the
    `diagnostics` of the PPMI + SVD vectors and of the book's run, and the spread (median, min,
    max) of every diagnostic over the seed runs `runs` (w2v.seeds.seed_runs)."""
    return dict(svd=diagnostics(count_baseline(run), run.corpus, word), own=diagnostics(run.W, run.corpus, word),
                seeds=spread_summary(spread_table(runs)), n_seeds=len(runs))


# The baseline table's rows: (label, diagnostic, scale, format); `baseline_verdict` compares at this precision.
BASELINE_ROWS = (("top-3 purity (%)", "purity", 100, "{:.0f}"), ("3CosAdd (of {A})", "analogies", 1, "{:g}"),
                 ("nearest of c", "nearest_of_c", 1, "{:g}"), ("nearest to b + c", "b_plus_c", 1, "{:g}"),
                 ("block contrast", "block_contrast", 1, "{:.2f}"))


def _shown(fmt: str, value: float) -> str:
    """A diagnostic as the table prints it; "—" where the corpus gives nothing to measure (block
    contrast with no groups.tsv)."""
    return "\u2014" if np.isnan(value) else fmt.format(value)


def baseline_table(base: dict, n_analogies: int, dim: int) -> str:
    """The table of `baseline_facts` (`base`): each diagnostic of the PPMI + SVD vectors, of the
    book's run and over the seed runs (median and range)."""
    svd, own, spread = base["svd"], base["own"], base["seeds"]

    def cells(key, scale, fmt):
        s = {k: _shown(fmt, scale * v) for k, v in spread[key].items()}
        return [_shown(fmt, scale * svd[key]), _shown(fmt, scale * own[key]),
                "\u2014" if np.isnan(spread[key]["median"]) else f"{s['median']} ({s['min']}–{s['max']})"]

    n = base["n_seeds"]
    return html_table(
        ["diagnostic", "PPMI + SVD", "this run", f"{n} seeds"],
        [[label.format(A=n_analogies), *cells(key, scale, fmt)] for label, key, scale, fmt in BASELINE_ROWS],
        caption=f"The count-based vectors and the trained skip-gram, both "
                f"with D = {dim}, scored the same way: this book's run, and "
                f"the median (range) of the {n} seed runs.",
        numeric=(1, 2), table_id="count-baseline-table")


def baseline_verdict(base: dict) -> str:
    """Where the count-based vectors stand against the median trained run, measure by measure, at
    the precision the table prints them: a difference the table does not show is "level"."""
    names = {"purity": "purity", "analogies": "analogies", "block_contrast": "block contrast"}
    printed = {key: (scale, fmt) for _, key, scale, fmt in BASELINE_ROWS}

    def as_printed(key, value):
        scale, fmt = printed[key]
        return float(fmt.format(scale * value)) if not np.isnan(value) else np.nan

    svd, spread = base["svd"], base["seeds"]
    side = {key: np.sign(as_printed(key, svd[key]) - as_printed(key, spread[key]["median"])) for key in names}
    verdict = [f"{word} on {' and '.join(names[k] for k in names if side[k] == sign)}"
               for sign, word in ((1, "ahead"), (-1, "behind"), (0, "level"))
               if any(side[k] == sign for k in names)]
    return "; ".join(verdict)


def counts_exercises(run: Run, low: Run) -> dict:
    """The exercises of "What the model is fitting": the darkest column of the count heatmap,
    PMI by hand for the chapter's word and its most frequent context word, and how closely the
    model of the smallest dimension (`low`, the recipe at a lower dim) fits the table."""
    corpus, V = run.corpus, run.corpus.vocab_size
    table = counts.cooccurrence(run.pairs, V)                   # (V, V) counts[c, o]
    column = table.sum(axis=0)                                  # (V,) pairs with o as context
    dark = int(np.argmax(column))
    word = picked_word(corpus)
    c = corpus.index[word]
    o = int(np.argmax(table[c]))                                # its most frequent context
    N, n_co, n_c, n_o = int(table.sum()), int(table[c, o]), int(table[c].sum()), int(column[o])
    fit, low_fit = fit_facts(run), fit_facts(low)
    return dict(
        ex_dark_word=corpus.vocab[dark], ex_dark_pairs=int(column[dark]),
        ex_dark_share=100 * float(column[dark]) / N, ex_dark_count=int(corpus.counts[dark]),
        ex_dark_most=2 * int(run.config.window) * int(corpus.counts[dark]),
        ex_word=word, ex_partner=corpus.vocab[o], ex_n_co=n_co, ex_n_c=n_c, ex_n_o=n_o, ex_N=N,
        ex_pmi=float(np.log(n_co * N / (n_c * n_o))), ex_log_cond=float(np.log(n_co / n_c)),
        ex_log_p_o=float(np.log(n_o / N)),
        ex_low_dim=int(low.config.dim), ex_dim=int(run.config.dim),
        ex_corr=fit["correlation"], ex_low_corr=low_fit["correlation"],
        ex_unseen=fit["unseen_mass"], ex_low_unseen=low_fit["unseen_mass"])
