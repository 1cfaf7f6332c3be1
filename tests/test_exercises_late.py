"""The facts behind the later chapters' exercises (w2v.book: counts, negative sampling, weights,
two faces), each checked against a computation of its own: counted from the sentences, brute-force
loops, torch, or the run's replay."""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pytest
import torch

from tiny_corpus import write_tiny
from w2v import counts as w2v_counts
from w2v import peers
from w2v.book import counts as book_counts
from w2v.book import journey as book_journey
from w2v.book import negative_sampling as book_negative_sampling
from w2v.book import two_faces as book_two_faces
from w2v.book import weights as book_weights
from w2v.model import SkipGram
from w2v.runs import variant
from w2v.seeds import seed_runs
from w2v.train import train_or_load


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """The tiny corpus, its cache, and its run."""
    folder = write_tiny(tmp_path_factory.mktemp("tiny") / "corpus")
    cache = tmp_path_factory.mktemp("cache")
    return folder, cache, train_or_load(folder, cache)


def window_pairs(corpus, window):
    """Counter of (centre, context) word pairs, read off the sentences with a loop."""
    found = Counter()
    for sentence in corpus.sentences:
        for i, centre in enumerate(sentence):
            for j in range(max(0, i - window), min(len(sentence), i + window + 1)):
                if j != i:
                    found[centre, sentence[j]] += 1
    return found


def mean_pair_loss(run, found):
    """The mean loss −ln p(o | c) over the pairs, from torch's softmax of SkipGram's scores."""
    V, D = run.W.shape
    model = SkipGram(V, D)
    with torch.no_grad():
        model.W.copy_(torch.from_numpy(run.W))
        model.W_out.copy_(torch.from_numpy(run.W_out))
        log_p = torch.log_softmax(model.W @ model.W_out, dim=1).numpy()
    index = run.corpus.index
    total = sum(found.values())
    return -sum(n * log_p[index[c], index[o]] for (c, o), n in found.items()) / total


def floor_of(found):
    """H(o | c) = −Σ p(c, o) ln p(o | c), from the pair counts."""
    total = sum(found.values())
    centre = Counter()
    for (c, _), n in found.items():
        centre[c] += n
    return -sum(n / total * np.log(n / centre[c]) for (c, _), n in found.items())


def cosine(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(a @ b / np.sqrt((a @ a) * (b @ b)))


def purity_by_loop(X, groups, k=3):
    """Share of each word's k nearest words (cosine, ties by id) in its own group."""
    V = len(X)
    hits = 0
    for w in range(V):
        others = sorted((w2 for w2 in range(V) if w2 != w), key=lambda w2: (-cosine(X[w], X[w2]), w2))
        hits += sum(groups[w2] == groups[w] for w2 in others[:k])
    return 100 * hits / (V * k)


# ---------------------------------------------------------------- What the model is fitting

def test_counts_exercises(tiny):
    folder, cache, run = tiny
    corpus = run.corpus
    window = run.config.window
    low = variant(folder, cache, dim=2)
    ex = book_counts.counts_exercises(run, low)

    found = window_pairs(corpus, window)
    as_context = Counter()
    for (_, o), n in found.items():
        as_context[o] += n
    assert as_context[ex["ex_dark_word"]] == ex["ex_dark_pairs"] == max(as_context.values())
    N = sum(found.values())
    assert ex["ex_N"] == N and ex["ex_dark_share"] == pytest.approx(100 * ex["ex_dark_pairs"] / N)
    assert ex["ex_dark_count"] == sum(s.count(ex["ex_dark_word"]) for s in corpus.sentences)
    assert ex["ex_dark_pairs"] <= ex["ex_dark_most"] == 2 * window * ex["ex_dark_count"]

    # PMI by hand for the first analogy word and its most frequent context word
    word = corpus.analogies[0][0]
    row = {o: n for (c, o), n in found.items() if c == word}
    partner = max(row.values())
    assert ex["ex_word"] == word and row[ex["ex_partner"]] == partner == ex["ex_n_co"]
    n_c = sum(row.values())
    n_o = as_context[ex["ex_partner"]]
    assert (ex["ex_n_c"], ex["ex_n_o"]) == (n_c, n_o)
    assert ex["ex_pmi"] == pytest.approx(np.log((partner / N) / ((n_c / N) * (n_o / N))))
    assert ex["ex_log_cond"] == pytest.approx(np.log(partner / n_c))
    assert ex["ex_log_cond"] - ex["ex_pmi"] == pytest.approx(ex["ex_log_p_o"])

    # the floor and the loss on all pairs that the chapter's text reads, against plain counts and torch
    table = w2v_counts.cooccurrence(run.pairs, corpus.vocab_size)
    assert w2v_counts.conditional_entropy(table) == pytest.approx(floor_of(found))
    assert w2v_counts.pair_loss(run.W, run.W_out, table) == pytest.approx(mean_pair_loss(run, found), rel=1e-5)

    # the low-dimensional fit: correlation of the two p(o | c) over all cells, mass off the table
    def fit(r):
        V = corpus.vocab_size
        table = np.zeros((V, V))
        for (c, o), n in found.items():
            table[corpus.index[c], corpus.index[o]] = n
        cond = table / table.sum(axis=1, keepdims=True)
        learned = torch.softmax(torch.from_numpy(r.W @ r.W_out).double(), dim=1).numpy()
        return np.corrcoef(cond.ravel(), learned.ravel())[0, 1], 100 * (learned * (table == 0)).sum(1).mean()

    assert ex["ex_low_dim"] == 2
    assert (ex["ex_corr"], ex["ex_unseen"]) == pytest.approx(fit(run), rel=1e-5)
    assert (ex["ex_low_corr"], ex["ex_low_unseen"]) == pytest.approx(fit(low), rel=1e-5)


# ---------------------------------------------------------------- Negative sampling

def test_negative_sampling_exercises(tiny):
    folder, cache, run = tiny
    table = peers.comparison(folder, seeds=(0, 1), cache_dir=cache, negatives=(2, 5))
    sgns = {k: variant(folder, cache, negatives=k) for k in (2, 5)}
    ex = book_negative_sampling.negative_sampling_exercises(run, sgns, table)
    groups = run.corpus.word_group

    for k, name in ((2, "lo"), (5, "hi")):
        runs = seed_runs(folder, (0, 1), cache, negatives=k)
        assert ex[f"ex_purity_{name}"] == pytest.approx(np.median([purity_by_loop(r.W, groups) for r in runs]))
        # W′ starts at zero: every score is 0, σ(0) = 1/2, and the first loss is (k + 1) ln 2
        assert ex[f"ex_loss0_{name}"] == pytest.approx((k + 1) * np.log(2), abs=1e-6) == ex[f"ex_pred0_{name}"]
    assert ex["ex_purity_gain"] == pytest.approx(ex["ex_purity_hi"] - ex["ex_purity_lo"])
    assert ex["ex_loss0_softmax"] == pytest.approx(np.log(run.corpus.vocab_size), abs=1e-6)

    # the step's loss from its σ(u), and as torch recorded it
    big = sgns[5]
    t = ex["ex_step"]
    assert ex["ex_term_context"] + ex["ex_term_negatives"] == pytest.approx(ex["ex_step_loss"], rel=1e-5)
    assert ex["ex_step_loss"] == pytest.approx(float(big.losses[t]), rel=1e-5)
    W, W_out = big.state_before(t)
    u_o = W[big.centers[t]] @ W_out[:, big.contexts[t]]
    assert ex["ex_s_context"] == pytest.approx(1 / (1 + np.exp(-u_o)), rel=1e-5)

    # the mean learned score over the pairs seen in the corpus, by a loop
    seen = {(run.corpus.index[c], run.corpus.index[o]) for c, o in window_pairs(run.corpus, run.config.window)}
    for k, name in ((2, "lo"), (5, "hi")):
        r = sgns[k]
        want = np.mean([float(r.W[c] @ r.W_out[:, o]) for c, o in seen])
        assert ex[f"ex_score_{name}"] == pytest.approx(want, rel=1e-4)
    assert ex["ex_log_ratio"] == pytest.approx(np.log(5 / 2))
    assert ex["ex_positive_loss"] == pytest.approx(-np.log(1 / (1 + np.exp(-10.0))))


def test_negative_sampling_page_facts(tiny):
    from w2v import hs
    from w2v.book.figures.negative_sampling import figure_step
    from w2v.sgns import sgns_step

    folder, cache, run = tiny
    corpus, V, D = run.corpus, *run.W.shape
    ch = book_negative_sampling
    opening = ch.page_facts(run, 5, (0, 1))
    assert (opening["V"], opening["D"], opening["K1"], opening["n_seeds"], opening["seed_last"]) == (V, D, 6, 2, 1)

    # the shares, counted; the optimum's correlation, by a loop over the pairs that occur
    sgns_runs = seed_runs(folder, (0, 1), cache, negatives=5)
    noisy = ch.noise_facts(run, sgns_runs, 5)
    found = window_pairs(corpus, run.config.window)
    tokens = Counter(w for sentence in corpus.sentences for w in sentence)
    top = max(tokens, key=tokens.get)
    n_tokens = sum(tokens.values())
    assert noisy["top_word"] == top and noisy["top_unigram"] == pytest.approx(100 * tokens[top] / n_tokens)
    powered = {w: n ** 0.75 for w, n in tokens.items()}
    assert noisy["top_noise"] == pytest.approx(100 * powered[top] / sum(powered.values()))
    total, by_center = sum(found.values()), Counter()
    for (c, _), n in found.items():
        by_center[c] += n
    keys = sorted(found)
    target = [np.log(found[c, o] / total) - np.log(by_center[c] / total * powered[o] / sum(powered.values()))
              - np.log(5) for c, o in keys]
    index = corpus.index
    corr = [np.corrcoef([r.W[index[c]] @ r.W_out[:, index[o]] for c, o in keys], target)[0, 1] for r in sgns_runs]
    assert (noisy["optimum_corr_min"], noisy["optimum_corr_max"]) == pytest.approx((min(corr), max(corr)))

    # the SGNS step and the hierarchical-softmax step as the page names them
    ns_run = variant(folder, cache, negatives=5)
    t = figure_step(ns_run)
    W, W_out = ns_run.state_before(t)
    c, o = int(ns_run.centers[t]), int(ns_run.contexts[t])
    step = sgns_step(W, W_out, c, o, ns_run.negatives[t], run.config.lr_at(t))
    shown = ch.step_facts(corpus, t, c, o, step, np.flatnonzero((step.W_out_next != W_out).any(axis=0)))
    assert shown["n_moved"] == len(set(step.words))
    assert shown["step_loss"] == pytest.approx(float(ns_run.losses[t]), rel=1e-5)
    assert len(shown["negative_words"].split(", ")) == 5 and shown["context_word"] == corpus.vocab[o]

    tree = hs.huffman_tree(corpus.counts)
    huffman = ch.huffman_facts(run, tree)
    depths = [len(tree.path(w)[0]) for w in range(V)]
    assert (huffman["depth_min"], huffman["depth_max"], huffman["n_nodes"]) == (min(depths), max(depths), V - 1)
    assert huffman["params_hs"] + D == huffman["params_full"] and huffman["n_shallow"] == depths.count(min(depths))
    hs_run = peers.hs_run(folder, cache)
    assert ch.tree_probability_facts(hs_run, tree, c)["p_sum"] == pytest.approx(1.0)

    # the results table, gensim's rates, the offset table and the extras
    table = peers.comparison(folder, seeds=(0, 1), cache_dir=cache, negatives=(2, 5))
    results = ch.results_facts(table)
    two_face = table["softmax"]["spread"]["two_face"]["median"]
    assert results["softmax_two_face_median"] == f"{two_face:.2f}".replace("-", "\u2212")
    assert 0 <= results["n_overlap"] <= 4
    gensim = ch.gensim_facts(corpus, run.config, 0)
    assert gensim["n_pairs"] == total and gensim["gensim_updates"] == gensim["gensim_epochs"] * total
    assert gensim["gensim_rates"].split(", ")[-1] == f"{gensim['gensim_last_rate']:.2f}"
    vectors = ch.method_vectors(folder, (0, 1), cache)
    assert [len(Ws) for Ws in vectors.values()] == [2] * 5
    views = ch.offset_views(corpus, vectors)
    html_table = ch.offset_table(views, 5, 2)
    assert html_table.count("<tr>") == len(corpus.analogies) + 2
    by_offset = ch.by_offset_facts(views)
    assert all(f"<td>{by_offset[f'{name}_by_offset']}</td>" in html_table for name in vectors)
    tf = ch.similarity_facts(corpus, tree, vectors["hs"], vectors["softmax"])
    assert tf["tree_groups_counted"] == len(corpus.groups) and -1 <= tf["tree_rho_hs"] <= 1
    extras = ch.extras_facts(corpus, run.config, table)
    assert extras["threshold_count"] == pytest.approx(1e-3 * n_tokens)
    assert 0 < extras["top_kept"] <= 100 and extras["window_effect"]

    # the cost at Google's size, and the exercise on path lengths
    cost, hs_cost = ch.cost_facts(V, D, 5), ch.hs_cost_facts(corpus.counts, D)
    big = ch.magnitude_facts(cost, hs_cost)
    assert big["oom_softmax"] == "10⁹"
    assert big["big_madds_softmax_billions"] == pytest.approx(cost["big_madds_softmax"] / 1e9)
    paths = ch.path_exercises(corpus, tree)
    rare = min(tokens, key=tokens.get)
    assert paths["ex_depth_top"] == depths[index[top]] and paths["ex_count_top"] == tokens[top]
    assert paths["ex_bits_rare"] == pytest.approx(-np.log2(tokens[rare] / n_tokens))


# ---------------------------------------------------------------- Inside the weights

def test_group_share_is_the_between_group_share_of_the_spread():
    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(4), [3, 5, 2, 6])
    M = rng.normal(size=(16, 3))
    mean = M.mean(axis=0)
    between = sum((groups == g).sum() * np.sum((M[groups == g].mean(axis=0) - mean) ** 2) for g in range(4))
    assert book_weights.group_share(M, groups) == pytest.approx(between / np.sum((M - mean) ** 2))
    # for random rows its mean is close to (G − 1) / (V − 1), the hint of the exercise
    shares = [book_weights.group_share(rng.normal(size=(16, 8)), groups) for _ in range(4000)]
    assert np.mean(shares) == pytest.approx(3 / 15, abs=0.01)


def test_similarity_facts_by_loops(tiny):
    _, _, run = tiny
    corpus, V = run.corpus, run.corpus.vocab_size
    cos = np.array([[cosine(run.W[a], run.W[b]) for b in range(V)] for a in range(V)])
    facts = book_weights.similarity_facts(corpus, cos)
    pair = max(itertools.combinations(range(V), 2), key=lambda ab: cos[ab])
    assert {facts["pair_a"], facts["pair_b"]} == {corpus.vocab[pair[0]], corpus.vocab[pair[1]]}
    assert facts["pair_cos"] == pytest.approx(cos[pair])
    within = {}
    for g, name in enumerate(corpus.groups):
        members = [w for w in range(V) if corpus.word_group[w] == g]
        if len(members) > 1:
            within[name] = np.mean([cos[a, b] for a in members for b in members if a != b])
    assert facts["tightest"] == max(within, key=within.get) and facts["loosest"] == min(within, key=within.get)
    assert facts["n_sized"] == len(within) and 0 <= facts["n_wins"] <= facts["n_sized"]
    assert facts["tightest_cos"] == f"{within[facts['tightest']]:.2f}".replace("-", "\u2212")


def test_weights_exercises(tiny):
    folder, cache, run = tiny
    corpus = run.corpus
    runs = seed_runs(folder, (0, 1, 2), cache)
    ex = book_weights.weights_exercises(run, runs)

    V = corpus.vocab_size
    best = max(itertools.combinations(range(V), 2), key=lambda ab: cosine(run.W[ab[0]], run.W[ab[1]]))
    assert {ex["ex_pair_a"], ex["ex_pair_b"]} == {corpus.vocab[i] for i in best}
    assert ex["ex_pair_cos"] == pytest.approx(cosine(*run.W[list(best)]))
    assert ex["ex_dot"] / (ex["ex_norm_a"] * ex["ex_norm_b"]) == pytest.approx(ex["ex_pair_cos"])
    assert ex["ex_unit_distance"] == pytest.approx(np.sqrt(2 - 2 * ex["ex_pair_cos"]), abs=1e-6)
    # the distance of the raw vectors, by the law of cosines from the lengths and the dot product
    assert ex["ex_distance"] == pytest.approx(np.sqrt(ex["ex_norm_a"] ** 2 + ex["ex_norm_b"] ** 2 - 2 * ex["ex_dot"]),
                                              abs=1e-6)

    G = len(corpus.groups)
    assert ex["ex_random_share"] == pytest.approx(100 * (G - 1) / (V - 1))

    def tightest(W):
        means = {}
        for g, name in enumerate(corpus.groups):
            members = np.flatnonzero(corpus.word_group == g)
            means[name] = np.mean([cosine(W[a], W[b]) for a, b in itertools.permutations(members, 2)])
        return max(means, key=means.get)

    assert ex["ex_tightest"] == tightest(run.W)
    assert ex["ex_same_tightest"] == sum(tightest(r.W) == ex["ex_tightest"] for r in runs)
    assert ex["ex_n_seeds"] == 3


# ---------------------------------------------------------------- Two faces of every word

def test_two_faces_page_facts(tiny):
    _, _, run = tiny
    corpus, W, W_out = run.corpus, run.W, run.W_out
    V = corpus.vocab_size
    picked = book_two_faces.example_facts(run)
    ex = corpus.index[picked["example"]]
    assert picked["centre_steps"] == sum(int(c) == ex for c in run.centers)
    two_face = np.array([cosine(W[w], W_out[:, w]) for w in range(V)])
    cos = book_two_faces.cosine_facts(corpus, two_face)
    assert cos["n_negative"] == sum(two_face < 0) and cos["most_similar"] == corpus.vocab[int(np.argmax(two_face))]
    pull = book_two_faces.window_facts(run, ex)
    mates = sum(corpus.word_group[c] == corpus.word_group[o] for c, o in run.pairs[:, :2])
    assert pull["mate_fraction"] == pytest.approx(mates / len(run.pairs))
    assert pull["ex_pairs"] == sum(int(c) == ex for c in run.pairs[:, 0])
    gauge = book_two_faces.gauge_facts(W, W_out, two_face)
    assert gauge["n_self_negative"] == sum(float(W[w] @ W_out[:, w]) < 0 for w in range(V))
    assert gauge["imbalance_run"] >= 1 and gauge["imbalance_A"] >= 1
    near_W = np.argsort(-np.array([[cosine(W[a], W[b]) if a != b else -2 for b in range(V)] for a in range(V)]),
                        axis=1, kind="stable")[:, :3]
    predicted = np.argsort(-(W[ex] @ W_out))[:3]
    near = book_two_faces.neighbour_facts(run, ex, near_W, near_W, predicted, 3)
    assert near["k"] == 3 and near["near_W"] == ", ".join(corpus.vocab[j] for j in near_W[ex])
    assert near["purity_W"] == pytest.approx(100 * near["purity_W_share"]) and 1 <= near["self_rank_example"] <= V


def test_two_faces_exercises(tiny):
    folder, cache, run = tiny
    corpus = run.corpus
    wide = variant(folder, cache, window=run.config.window + 1)
    word = corpus.vocab[0]
    ex = book_two_faces.two_faces_exercises(run, wide, word)
    V = corpus.vocab_size
    two_face = [cosine(run.W[w], run.W_out[:, w]) for w in range(V)]
    assert ex["ex_positive"] == sum(c > 0 for c in two_face)
    assert ex["ex_top_word"] == corpus.vocab[int(np.argmax(two_face))]
    assert ex["ex_top_group"] == corpus.group_of(ex["ex_top_word"])

    # the first step with the word in the centre, replayed: how far two columns of W′ moved
    t = ex["ex_step"]
    assert run.centers[t] == corpus.index[word] and (run.centers[:t] != corpus.index[word]).all()
    before, after = run.state_before(t)[1], run.state_before(t + 1)[1]
    for name in ("context", "other"):
        j = corpus.index[ex[f"ex_{name}"]]
        moved = float(np.linalg.norm(after[:, j].astype(np.float64) - before[:, j]))
        key = "o" if name == "context" else "j"
        assert ex[f"ex_moved_{key}"] == pytest.approx(moved, rel=1e-6)
        assert ex[f"ex_move_{key}"] == pytest.approx(moved, rel=1e-4)   # η |e_j| ‖h‖, by hand

    # group-mate pairs and the median two-face cosine, at the recipe's window and one wider
    for r, suffix in ((run, ""), (wide, "wide_")):
        found = window_pairs(corpus, r.config.window)
        mates = sum(n for (c, o), n in found.items() if corpus.group_of(c) == corpus.group_of(o))
        assert ex[f"ex_{suffix}mates"] == pytest.approx(100 * mates / sum(found.values()))
        cosines = [cosine(r.W[w], r.W_out[:, w]) for w in range(V)]
        assert ex[f"ex_{suffix}median"] == pytest.approx(np.median(cosines), abs=1e-6)

    groups = corpus.word_group
    assert ex["ex_purity_W"] == pytest.approx(purity_by_loop(run.W, groups))
    assert ex["ex_purity_W_out"] == pytest.approx(purity_by_loop(run.W_out.T, groups))
    assert ex["ex_purity_sum"] == pytest.approx(purity_by_loop(run.W + run.W_out.T, groups))


# ---------------------------------------------------------------- "Explain the oddity"

def context_rows(run):
    """Each word's p(o | c) as a dict, counted from the sentences with a loop."""
    found = window_pairs(run.corpus, run.config.window)
    rows = {w: Counter() for w in run.corpus.vocab}
    for (c, o), n in found.items():
        rows[c][o] += n
    V = run.corpus.vocab
    return {w: [rows[w][o] / max(sum(rows[w].values()), 1) for o in V] for w in V}, found


def test_surprising_neighbour(tiny):
    _, _, run = tiny
    corpus = run.corpus
    odd = book_journey.surprising_neighbour(run)
    V = corpus.vocab
    group = {w: corpus.group_of(w) for w in V}

    def nearest(w):
        return max((x for x in V if x != w), key=lambda x: (cosine(run.W[corpus.index[w]], run.W[corpus.index[x]]),
                                                            -corpus.index[x]))

    cross = [(w, nearest(w)) for w in V if group[nearest(w)] != group[w]]
    assert odd["odd_n_cross"] == len(cross)
    if cross:
        w, n = max(cross, key=lambda p: cosine(run.W[corpus.index[p[0]]], run.W[corpus.index[p[1]]]))
        assert (odd["odd_word"], odd["odd_neighbour"], odd["odd_is_nearest"]) == (w, n, True)
    w, n = odd["odd_word"], odd["odd_neighbour"]
    assert group[w] != group[n] and odd["odd_word_group"] == group[w]
    rows, found = context_rows(run)
    assert odd["odd_together"] == found[w, n]
    assert odd["odd_ctx_cos"] == pytest.approx(cosine(rows[w], rows[n]))
    mates = [x for x in V if group[x] == group[w] and x != w]
    assert odd["odd_mate_ctx_cos"] == pytest.approx(max(cosine(rows[w], rows[x]) for x in mates))


def test_closest_pair_contexts(tiny):
    _, _, run = tiny
    corpus = run.corpus
    cp = book_weights.closest_pair_contexts(run)
    a, b = (corpus.index[cp[k]] for k in ("cp_a", "cp_b"))
    best = max(itertools.combinations(range(corpus.vocab_size), 2), key=lambda p: cosine(run.W[p[0]], run.W[p[1]]))
    assert {a, b} == set(best)
    _, found = context_rows(run)
    x, y = cp["cp_a"], cp["cp_b"]
    only_x = [o for o in corpus.vocab if found[x, o] and not found[y, o]]
    only_y = [o for o in corpus.vocab if found[y, o] and not found[x, o]]
    assert cp["cp_n_apart"] == len(only_x) + len(only_y)
    assert cp["cp_apart_pairs"] == sum(found[x, o] for o in only_x) + sum(found[y, o] for o in only_y)
    assert cp["cp_pairs"] == sum(n for (c, _), n in found.items() if c in (x, y))
    if only_x and only_y:
        cols = {o: run.W_out[:, corpus.index[o]] for o in only_x + only_y}
        assert cp["cp_apart_cos"] == pytest.approx(np.mean([cosine(cols[p], cols[q]) for p in only_x for q in only_y]))


def test_palest_square(tiny):
    _, _, run = tiny
    corpus = run.corpus
    ps = book_weights.palest_square(run)
    V = corpus.vocab
    members = {g: [w for w in V if corpus.group_of(w) == g] for g in corpus.groups}

    def mean_cos(g, h, vec):
        return np.mean([cosine(vec(p), vec(q)) for p in members[g] for q in members[h] if p != q])

    w_row = lambda w: run.W[corpus.index[w]]                       # noqa: E731
    margin = {g: mean_cos(g, g, w_row) - max(mean_cos(g, h, w_row) for h in corpus.groups if h != g)
              for g in corpus.groups}
    g = min(margin, key=margin.get)
    assert ps["ps_group"] == g and ps["ps_loses"] == (margin[g] < 0)
    assert ps["ps_own"] == pytest.approx(mean_cos(g, g, w_row))
    rows, _ = context_rows(run)
    ctx = {h: mean_cos(h, h, lambda w: rows[w]) for h in corpus.groups}
    assert ps["ps_ctx_own"] == pytest.approx(ctx[g])
    assert ps["ps_ctx_lowest"] == all(ctx[g] < ctx[h] for h in corpus.groups if h != g)
    elsewhere = 0
    for w in members[g]:
        by_group = {h: np.mean([cosine(w_row(w), w_row(x)) for x in members[h] if x != w]) for h in corpus.groups}
        elsewhere += max(by_group, key=by_group.get) != g
    assert ps["ps_n_elsewhere"] == elsewhere
