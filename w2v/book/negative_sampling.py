"""The chapter "Two ways around the softmax" (book/negative-sampling.md): what its text glues,
section by section: the sizes and gensim's defaults (`page_facts`), the noise distribution and the
SGNS optimum (`noise_facts`), the SGNS step (`step_facts`), the Huffman tree (`huffman_facts`,
`tree_probability_facts`), the hierarchical-softmax step (`hs_step_facts`), the results table
(`table_facts`, `results_facts`, `gensim_facts`), which analogies the offset answers
(`method_vectors`, `offset_views`, `by_offset_facts`, `offset_rule_facts`, `offset_table`), what the
tree does to similarity (`similarity_facts`), what word2vec.c and gensim also do (`extras_facts`)
and the cost of a step (`cost_facts`, `hs_cost_facts`, `magnitude_facts`); its exercise answers
(`negative_sampling_exercises`, `path_exercises`)."""

from __future__ import annotations

import inspect
from pathlib import Path

import numpy as np

from .. import counts, hs, peers
from ..corpus import Corpus, pairs
from ..peers import GOOGLE_NEWS_DIM, GOOGLE_NEWS_WORDS
from ..seeds import seed_runs
from ..sgns import NOISE_POWER, multiply_adds, noise_distribution, sgns_step
from ..train import Run, TrainConfig
from ..wording import counted
from .figures.negative_sampling import figure_step
from .kit import signed

SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def page_facts(run: Run, k: int, seeds) -> dict:
    """The chapter's opening: the run's sizes, k (the negatives of the step shown, `K1` = k + 1),
    the seeds the table is trained over, α of the noise distribution, and gensim's defaults
    (`gensim_sg`, `gensim_negative`, `gensim_hs`: the page says they train CBOW with SGNS;
    `gensim_min_count`: the words it keeps)."""
    from gensim.models import Word2Vec

    V, D = run.W.shape
    defaults = {name: p.default for name, p in inspect.signature(Word2Vec).parameters.items()}
    return dict(V=int(V), D=int(D), K=k, K1=k + 1, steps=int(run.config.steps), n_seeds=len(seeds),
                seed_first=int(seeds[0]), seed_last=int(seeds[-1]), A=len(run.corpus.analogies),
                noise_power=NOISE_POWER, gensim_sg=defaults["sg"], gensim_negative=defaults["negative"],
                gensim_hs=defaults["hs"], gensim_min_count=defaults["min_count"])


def noise_facts(run: Run, sgns_runs: list[Run], k: int) -> dict:
    """"A yes-or-no question instead of a choice": the most frequent and a rarest word's share of
    the tokens and of the negatives (in percent), the shifts ln 2 and ln 5, how near the SGNS runs
    `sgns_runs` (negatives = k, every seed) come to their optimum ln p(c,o)/(p(c) P_n(o)) − ln k
    (the correlation of their scores with it over the pairs that occur: `optimum_corr_min`/`_max`),
    and the slope of ln p(o) in that optimum, fitted with PMI over the pairs that occur (ln k goes
    into the constant: `sgns_slope`)."""
    corpus, V = run.corpus, run.W.shape[0]
    unigram = corpus.counts / corpus.counts.sum()            # (V,) share of the tokens
    noise = noise_distribution(corpus.counts)                # (V,) share of the negatives
    top, rare = int(np.argmax(corpus.counts)), int(np.argmin(corpus.counts))
    pair_table = counts.cooccurrence(run.pairs, V)           # (V, V)
    occurs = pair_table > 0
    with np.errstate(divide="ignore"):
        optimum = (np.log(pair_table / pair_table.sum())
                   - np.log(np.outer(pair_table.sum(axis=1) / pair_table.sum(), noise)) - np.log(k))
    optimum_corr = [float(np.corrcoef((r.W @ r.W_out)[occurs], optimum[occurs])[0, 1]) for r in sgns_runs]
    with np.errstate(divide="ignore"):
        pmi_table = counts.pmi(pair_table)
        log_p_context = np.log(pair_table.sum(axis=0) / pair_table.sum())     # (V,) ln p(o)
    design = np.column_stack([pmi_table[occurs], np.broadcast_to(log_p_context, (V, V))[occurs],
                              np.ones(int(occurs.sum()))])
    sgns_slope = float(np.linalg.lstsq(design, (optimum + np.log(k))[occurs], rcond=None)[0][1])
    return dict(top_word=corpus.vocab[top], top_unigram=100 * float(unigram[top]), top_noise=100 * float(noise[top]),
                rare_word=corpus.vocab[rare], rare_unigram=100 * float(unigram[rare]),
                rare_noise=100 * float(noise[rare]), log_2=float(np.log(2)), log_5=float(np.log(5)),
                optimum_corr_min=min(optimum_corr), optimum_corr_max=max(optimum_corr), sgns_slope=sgns_slope)


def step_facts(corpus: Corpus, t: int, c: int, o: int, step, moved: np.ndarray) -> dict:
    """"One step in full": the SGNS step `step` (w2v.sgns.sgns_step) of pair (c, o) at step t, as the
    text names it: its words, σ(u) of the true pair, its loss and how many columns of W′ it moved."""
    return dict(t=int(t), center_word=corpus.vocab[c], context_word=corpus.vocab[o],
                negative_words=", ".join(corpus.vocab[n] for n in step.negatives), n_moved=len(moved),
                step_loss=float(step.loss), s_context=float(step.s[0]))


def huffman_facts(run: Run, tree) -> dict:
    """"The other way: a tree over the vocabulary": the Huffman `tree`'s inner nodes, the parameters
    with it and with the full softmax, its shortest and longest path, the mean path over the tokens
    against log₂ V, and the words on the shortest path."""
    V, D = (int(n) for n in run.W.shape)
    depth = tree.depth
    shallow = [run.corpus.vocab[w] for w in np.flatnonzero(depth == depth.min())]
    return dict(n_nodes=V - 1, params_full=2 * V * D, params_hs=V * D + (V - 1) * D,
                depth_min=int(depth.min()), depth_max=int(depth.max()), log2_V=float(np.log2(V)),
                mean_path=hs.mean_path_length(tree, run.corpus.counts),
                shallow_words=", ".join(shallow), n_shallow=len(shallow))   # set in italics by the text


def tree_probability_facts(hs_run: Run, tree, c: int) -> dict:
    """The sum of the tree's V probabilities p(o | c) for the figure's centre word c, from the
    trained hierarchical-softmax run: 1 for any weights (`p_sum`)."""
    return dict(p_sum=float(hs.word_probabilities(hs_run.W, hs_run.W_out, tree, c).sum()))


def hs_step_facts(step_h, moved_nodes: np.ndarray, context_depth: int) -> dict:
    """"One hierarchical-softmax step": its path's length, p(o | c), its loss, the node vectors it
    moved and the depth of the context word in the tree."""
    return dict(hs_L=len(step_h.nodes), hs_p_context=step_h.p_context, hs_step_loss=step_h.loss,
                hs_n_moved=len(moved_nodes), context_depth=int(context_depth))


def table_facts(table: dict) -> dict[str, float]:
    """w2v.peers.comparison's spreads as flat names for glue: '<method>_<metric>_<median|min|max>', purity
    in percent. Glued by "Two ways around the softmax"."""
    facts = {}
    for method, entry in table.items():
        for metric, s in entry["spread"].items():
            for stat, value in s.items():
                facts[f"{method}_{metric}_{stat}"] = 100 * value if metric == "purity" else value
    return facts


def results_facts(table: dict) -> dict:
    """"Results on this corpus": the table's cells (`table_facts`, block contrast and two-face cosine
    as the prose prints them, `signed`) and on how many of the four measures SGNS (k = 5) and gensim
    land in overlapping ranges over the seeds (`n_overlap`)."""
    facts = {name: signed(value) if "two_face" in name or "block_contrast" in name else value
             for name, value in table_facts(table).items()}
    sgns, gensim = table["sgns5"]["spread"], table["gensim_base"]["spread"]
    facts["n_overlap"] = sum(sgns[m]["min"] <= gensim[m]["max"] and gensim[m]["min"] <= sgns[m]["max"]
                             for m in ("purity", "analogies", "block_contrast", "two_face"))
    return facts


def gensim_facts(corpus: Corpus, config: TrainConfig, seed: int) -> dict:
    """How gensim was run beside the book: the book's pairs, gensim's passes and updates, the
    recipe's learning rates and window, gensim's words per job and the rates it used, one per pass
    (`gensim_rates`, the last as `gensim_last_rate`)."""
    from gensim.models.word2vec import MAX_WORDS_IN_BATCH   # gensim's words per job

    n_pairs = len(pairs(corpus, config.window))
    epochs = peers.gensim_epochs(corpus, config)
    rates = peers.gensim_learning_rates(corpus, peers.gensim_params(corpus, config, seed))
    assert len(rates) == epochs
    return dict(n_pairs=n_pairs, gensim_epochs=epochs, gensim_updates=epochs * n_pairs, lr=float(config.lr),
                lr_final=float(config.lr_final), window=int(config.window), gensim_batch_words=MAX_WORDS_IN_BATCH,
                gensim_rates=", ".join(f"{r:.2f}" for r in rates), gensim_last_rate=float(rates[-1]))


def method_vectors(corpus_dir: str | Path, seeds, cache_dir: str | Path | None = None) -> dict:
    """The W of every seed of the five methods the offset table compares: the full softmax, SGNS
    with k = 5, our hierarchical softmax and gensim's with k = 5 and with a hierarchical softmax."""
    return {
        "softmax": [r.W for r in seed_runs(corpus_dir, seeds, cache_dir)],
        "sgns5": [r.W for r in seed_runs(corpus_dir, seeds, cache_dir, negatives=5)],
        "hs": [r.W for r in seed_runs(corpus_dir, seeds, cache_dir, **peers.HS_CHANGES)],
        "gensim_base": [W for W, _ in peers.gensim_runs(corpus_dir, "base", seeds, cache_dir)],
        "gensim_hs": [W for W, _ in peers.gensim_runs(corpus_dir, "hs", seeds, cache_dir)],
    }


def offset_views(corpus: Corpus, vectors: dict) -> dict:
    """w2v.peers.offset_view of each method's vectors (`method_vectors`)."""
    return {name: peers.offset_view(corpus, Ws) for name, Ws in vectors.items()}


def by_offset_facts(views: dict) -> dict:
    """How many analogy tests the offset answers, per method: '<method>_by_offset'."""
    return {f"{name}_by_offset": sum(row["by_offset"] for row in view) for name, view in views.items()}


def offset_rule_facts(n_seeds: int) -> dict:
    """"Which analogies the offset answers": w2v.peers' rule in seeds out of `n_seeds`."""
    return dict(offset_right=int(np.ceil(peers.OFFSET_RIGHT * n_seeds)),
                offset_close=int(np.floor(peers.OFFSET_CLOSE * n_seeds)), offset_cosine=peers.OFFSET_COSINE)


def offset_table(views: dict, k: int, n_seeds: int) -> str:
    """The HTML table (id hs-offset-table) of "Which analogies the offset answers": per test and
    method the seeds that answer it and the median offset cosine, ✓ where the offset answers it,
    and a last row with each method's count."""
    names = {"softmax": "full softmax", "sgns5": f"SGNS, k = {k}",
             "hs": "hierarchical softmax (ours)", "gensim_base": f"gensim, k = {k}",
             "gensim_hs": "gensim, hierarchical softmax"}
    head = "".join(f"<th>{label}</th>" for label in names.values())
    body = ""
    for j, test in enumerate(views["softmax"]):
        a, b, c, d = test["test"].split()
        cells = ""
        for name in names:
            row = views[name][j]
            mark = " ✓" if row["by_offset"] else ""
            cosine = f"{row['offset_cosine']:.2f}".replace("-", "\u2212")
            cells += f"<td>{row['right']}/{n_seeds}, {cosine}{mark}</td>"
        body += f"<tr><td>{a} : {b} :: {c} : {d}</td>{cells}</tr>"
    total = "".join(f"<td>{sum(r['by_offset'] for r in views[name])}</td>" for name in names)
    body += f"<tr><td>answered by the offset</td>{total}</tr>"
    return (f'<div class="w2v-table-wrap"><table class="w2v-table" id="hs-offset-table">'
            f"<thead><tr><th>test</th>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def similarity_facts(corpus: Corpus, tree, hs_W: list[np.ndarray], softmax_W: list[np.ndarray]) -> dict:
    """"What the tree does to similarity": w2v.peers.tree_facts as 'tree_<name>'; without groups.tsv
    the group facts are empty (0 groups, NaN prefixes) and the page says so."""
    facts = peers.tree_facts(corpus, tree, hs_W, softmax_W)
    if not corpus.has_groups:  # nothing to split or share
        facts.update(groups_split=0, groups_counted=0, prefix_within=float("nan"), prefix_between=float("nan"))
    return {f"tree_{name}": value for name, value in facts.items()}


def extras_facts(corpus: Corpus, config: TrainConfig, table: dict, sample: float = 1e-3) -> dict:
    """"What word2vec.c and gensim also do": gensim's default subsampling threshold `sample` in
    occurrences here, the share of the tokens it keeps, how often it keeps the most frequent word,
    and the dynamic window's effect as the page says it (`window_effect`: none at window 1, where
    gensim's runs with and without it are identical; else the median purity and analogies moved)."""
    top = int(np.argmax(corpus.counts))
    threshold = sample * corpus.n_tokens          # gensim's keep probability of the most frequent word
    top_kept = 100 * min(1.0, float((np.sqrt(corpus.counts[top] / threshold) + 1) * threshold / corpus.counts[top]))
    fixed, base = table["gensim_fixed_window"]["spread"], table["gensim_base"]["spread"]
    if table["gensim_fixed_window"]["rows"] == table["gensim_base"]["rows"]:
        window_effect = "there is nothing to shrink: gensim's runs with and without it are identical"
    else:
        window_effect = (f"switching it off (every context word up to {config.window}, always) moves the median "
                         f"purity from {100 * base['purity']['median']:.0f}% to {100 * fixed['purity']['median']:.0f}% "
                         f"and the median analogies from {base['analogies']['median']:g} to "
                         f"{fixed['analogies']['median']:g} of {len(corpus.analogies)}")
    return dict(sample=sample, kept_share=100 * peers.kept_share(corpus.counts, sample),
                n_tokens=int(corpus.n_tokens), threshold_count=threshold, top_kept=top_kept,
                window_effect=window_effect)


def cost_facts(vocab_size: int, dim: int, negatives: int, big_vocab: int = GOOGLE_NEWS_WORDS,
               big_dim: int = GOOGLE_NEWS_DIM) -> dict:
    """Multiply-adds of a step, full softmax against SGNS, at the book's size and at Google's
    (GOOGLE_NEWS_WORDS × GOOGLE_NEWS_DIM). Glued by "Two ways around the softmax"."""
    small = multiply_adds(vocab_size, dim), multiply_adds(vocab_size, dim, negatives)
    big = multiply_adds(big_vocab, big_dim), multiply_adds(big_vocab, big_dim, negatives)
    return dict(madds_softmax=small[0], madds_sgns=small[1], madds_ratio=small[0] / small[1],
                big_vocab=big_vocab, big_dim=big_dim, big_madds_softmax=big[0], big_madds_sgns=big[1],
                big_madds_ratio=big[0] / big[1])


def hs_cost_facts(counts, dim: int, big_vocab: int = GOOGLE_NEWS_WORDS, big_dim: int = GOOGLE_NEWS_DIM) -> dict:
    """Multiply-adds of a hierarchical-softmax step: at the book's size with the Huffman tree's
    mean path (depths weighted by counts), at Google's with a path of log₂ V (a balanced tree's;
    a Huffman tree's mean is shorter, its counts are not published). Glued by "Two ways around
    the softmax"."""
    path = hs.mean_path_length(hs.huffman_tree(counts), counts)
    return dict(hs_path=path, madds_hs=hs.multiply_adds(dim, path), big_path=float(np.log2(big_vocab)),
                big_madds_hs=hs.multiply_adds(big_dim, float(np.log2(big_vocab))))


def magnitude_facts(cost: dict, hs_cost: dict) -> dict:
    """The cost at Google's size as orders of magnitude, not false precision ("about 3DV"): billions
    and thousands of multiply-adds, the ratios, and each method's nearest power of ten ('oom_<method>',
    e.g. 10⁹). `cost` and `hs_cost` are `cost_facts` and `hs_cost_facts`."""
    facts = dict(big_madds_softmax_billions=cost["big_madds_softmax"] / 1e9,
                 big_madds_sgns_thousands=cost["big_madds_sgns"] / 1e3,
                 big_madds_ratio_thousands=round(cost["big_madds_ratio"] / 1e3),
                 big_hs_ratio=cost["big_madds_softmax"] / hs_cost["big_madds_hs"])
    for name, value in (("softmax", cost["big_madds_softmax"]), ("hs", hs_cost["big_madds_hs"]),
                        ("sgns", cost["big_madds_sgns"])):
        power = str(int(np.round(np.log10(value))))   # the nearest power of ten
        facts[f"oom_{name}"] = "10" + power.translate(SUPERSCRIPT)
    return facts


def negative_sampling_exercises(run: Run, sgns: dict[int, Run], table: dict) -> dict:
    """The exercises of "Negative sampling": the results table read off (median purity and
    analogies, k = 5 against k = 2), the loss of the chapter's SGNS step from its σ(u), the
    loss of every run at step 0 (W′ starts at zero), and the mean learned score of the pairs
    seen in the corpus for each k of `sgns` (k → the recipe with negatives = k; the smallest
    and the largest k are compared), against the shift ln k of Levy and Goldberg; and the loss of one
    pair with positives only at u = 10, −ln σ(10) (`ex_positive_loss`).
    `table` is w2v.peers.comparison of the book's corpus; `run` the book's run."""
    lo, hi = min(sgns), max(sgns)
    spread = {name: entry["spread"] for name, entry in table.items()}
    big = sgns[hi]
    t = figure_step(big)
    W, W_out = big.state_before(t)
    step = sgns_step(W, W_out, int(big.centers[t]), int(big.contexts[t]), big.negatives[t],
                     big.config.lr_at(t))
    seen = counts.cooccurrence(run.pairs, run.corpus.vocab_size) > 0     # (V, V)
    score = {k: float((r.W @ r.W_out)[seen].mean()) for k, r in sgns.items()}
    return dict(
        ex_k_lo=int(lo), ex_k_hi=int(hi),
        ex_purity_lo=100 * spread[f"sgns{lo}"]["purity"]["median"],
        ex_purity_hi=100 * spread[f"sgns{hi}"]["purity"]["median"],
        ex_purity_gain=100 * (spread[f"sgns{hi}"]["purity"]["median"] - spread[f"sgns{lo}"]["purity"]["median"]),
        ex_analogies_lo=spread[f"sgns{lo}"]["analogies"]["median"],
        ex_analogies_hi=spread[f"sgns{hi}"]["analogies"]["median"],
        ex_step=int(t), ex_s_context=float(step.s[0]),
        ex_term_context=float(-np.log(step.s[0])),
        ex_term_negatives=float(-np.log(1 - step.s[1:]).sum()),
        ex_step_loss=float(step.loss),
        ex_loss0_softmax=float(run.losses[0]), ex_ln_V=float(np.log(run.corpus.vocab_size)),
        ex_loss0_lo=float(sgns[lo].losses[0]), ex_loss0_hi=float(sgns[hi].losses[0]),
        ex_pred0_lo=(lo + 1) * float(np.log(2)), ex_pred0_hi=(hi + 1) * float(np.log(2)),
        ex_score_lo=score[lo], ex_score_hi=score[hi], ex_score_shift=score[hi] - score[lo],
        ex_log_ratio=float(np.log(hi / lo)), ex_positive_loss=float(np.log1p(np.exp(-10.0))))


def path_exercises(corpus: Corpus, tree) -> dict:
    """The exercise "The longest and the shortest path": the most frequent word's and a rarest
    word's path length in the Huffman `tree` (`ex_depth_top`, `ex_depth_rare`), their −log₂ share of
    the tokens (`ex_bits_*`), the top word's count, and how the text says the rarest word's count
    and how many words share it (`ex_rare_times`, `ex_rare_company`)."""
    counts_, depth = corpus.counts, tree.depth
    share = counts_ / counts_.sum()
    top, rare = int(np.argmax(counts_)), int(np.argmin(counts_))
    n_rare = int((counts_ == counts_[rare]).sum())          # words as rare as the rarest
    return dict(ex_depth_top=int(depth[top]), ex_depth_rare=int(depth[rare]),
                ex_bits_top=float(-np.log2(share[top])), ex_bits_rare=float(-np.log2(share[rare])),
                ex_count_top=int(counts_[top]),
                ex_rare_times=counted(int(counts_[rare]), 'time'),
                ex_rare_company=f"as do {n_rare} words in all" if n_rare > 1 else "no other word is as rare")
