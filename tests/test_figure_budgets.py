"""Pages that scale (issue 27): a figure with a row or a cell per word draws at most
w2v.book.figures.HEATMAP_WORDS words, the most frequent, and says so in its caption. Book-layer figures on a
synthetic 400-word corpus, without building the book."""

from __future__ import annotations

import json

import numpy as np
import pytest

from w2v.corpus import load_corpus
from w2v.book.figures import HEATMAP_WORDS, embed, heatmap_rule, heatmap_words
from w2v.book.figures.counts import count_heatmap, fit_heatmaps, fit_scatter, score_scatters
from w2v.book.figures.weights import similarity_heatmap, weight_explorer

V_BIG = 400


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """400 words; word k occurs about 400 / (k + 1) times (a Zipf-like text), two groups."""
    folder = tmp_path_factory.mktemp("big")
    words = [f"w{k:03d}" for k in range(V_BIG)]
    tokens = [w for k, w in enumerate(words) for _ in range(max(1, V_BIG // (k + 1)))]
    rng = np.random.default_rng(0)
    rng.shuffle(tokens)
    (folder / "sentences.txt").write_text("\n".join(" ".join(tokens[i:i + 8]) for i in range(0, len(tokens), 8)) + "\n")
    (folder / "groups.tsv").write_text("".join(f"{w}\t{'odd' if k % 2 else 'even'}\n" for k, w in enumerate(words)))
    return load_corpus(folder)


def cells(figure) -> int:
    """The largest number of glyphs a ColumnDataSource of the figure holds."""
    from bokeh.models import ColumnDataSource

    return max(len(next(iter(s.data.values()))) for s in figure.references() if isinstance(s, ColumnDataSource)
               and s.data)


def test_the_most_frequent_words_in_group_order(big):
    shown = heatmap_words(big)
    assert len(shown) == HEATMAP_WORDS
    counts = np.asarray(big.counts)
    assert counts[shown].min() >= np.sort(counts)[-HEATMAP_WORDS]          # the most frequent
    assert np.all(np.diff(big.word_group[shown]) >= 0)                     # sorted by group
    assert "150 most frequent of the 400 words" in heatmap_rule(big, shown)


def test_a_small_vocabulary_is_drawn_whole(tmp_path):
    (tmp_path / "sentences.txt").write_text("the cat sat\nthe dog ran\n")
    corpus = load_corpus(tmp_path)
    assert sorted(heatmap_words(corpus)) == list(range(corpus.vocab_size)) and heatmap_rule(corpus, heatmap_words(corpus)) == ""


def test_counts_figures_keep_to_the_budget(big):
    V, shown = big.vocab_size, heatmap_words(big)
    rng = np.random.default_rng(1)
    table = rng.integers(0, 3, size=(V, V))
    p = table / np.maximum(table.sum(axis=1, keepdims=True), 1)
    learned = rng.dirichlet(np.ones(V), size=V)
    budget = HEATMAP_WORDS ** 2
    assert cells(count_heatmap(big, table, shown)) <= budget
    assert cells(fit_heatmaps(big, p, learned, shown)) <= budget
    assert cells(fit_scatter(big, p, learned, shown)) == budget
    scores = rng.normal(size=(V, V))
    assert cells(score_scatters(big, scores, scores, scores, table > 0, (0.1, 0.9), shown)) <= budget
    # unchanged when nothing is left out: every cell
    assert cells(fit_scatter(big, p, learned)) == V * V


def test_weights_figures_keep_to_the_budget(big):
    V, D, shown = big.vocab_size, 4, heatmap_words(big)
    rng = np.random.default_rng(2)
    W, W_out = rng.normal(size=(V, D)), rng.normal(size=(D, V))
    start = big.vocab[shown[0]]
    explorer = weight_explorer(big, W, W_out, shown, start)
    assert cells(explorer) == HEATMAP_WORDS * 2 * D
    picker = next(m for m in explorer.references() if type(m).__name__ == "Select")
    offered = [w for ws in picker.options.values() for w in ws]
    assert sorted(offered) == sorted(big.vocab[i] for i in shown)     # only words the heatmap has
    unit = W / np.linalg.norm(W, axis=1, keepdims=True)
    heat = similarity_heatmap(big, (unit @ unit.T)[np.ix_(shown, shown)], shown)
    assert cells(heat) == HEATMAP_WORDS ** 2
    assert len(embed(heat, "c", "a", "n").html()) < 400_000           # the figure's page weight


# ------------------------------------------------------------------ the walkthrough's page data

V_LARGE, D_LARGE = 2_000, 8


@pytest.fixture(scope="module")
def large_run(big):
    """A recorded run as the walkthrough reads it, with no training: 2,000 words, 8 dimensions,
    15,000 steps, a checkpoint every 500, 80,000 pairs (more than the steps take). The weights are
    random; only their sizes matter here."""
    from types import SimpleNamespace

    from w2v.train import TrainConfig

    rng = np.random.default_rng(3)
    config = TrainConfig(steps=15_000, dim=D_LARGE, checkpoint_every=500)
    steps = np.arange(0, config.steps + 1, config.checkpoint_every)
    vocab = [f"w{i:04d}" for i in range(V_LARGE)]
    corpus = SimpleNamespace(vocab_size=V_LARGE, vocab=vocab, index={w: i for i, w in enumerate(vocab)},
                             sentences=[vocab[i:i + 10] for i in range(0, V_LARGE, 10)])
    n_pairs = 80_000
    pairs = np.stack([rng.integers(0, V_LARGE, n_pairs), rng.integers(0, V_LARGE, n_pairs),
                      rng.integers(0, len(corpus.sentences), n_pairs), rng.integers(0, 10, n_pairs)], 1).astype(np.int32)
    step_pair = rng.permutation(n_pairs)[:config.steps].astype(np.int32)
    W = (rng.normal(size=(len(steps), V_LARGE, D_LARGE)) * 0.1).astype(np.float32)
    W_out = (rng.normal(size=(len(steps), D_LARGE, V_LARGE)) * 0.1).astype(np.float32)
    return SimpleNamespace(config=config, corpus=corpus, checkpoint_steps=steps, W_checkpoints=W, W_out_checkpoints=W_out,
                           pairs=pairs, step_pair=step_pair, centers=pairs[step_pair, 0], contexts=pairs[step_pair, 1])


def test_walkthrough_page_data_keeps_to_its_budget(large_run):
    """At V = 2,000 the page carried 30 checkpoints (6.1 MB of JSON); now every k-th, within
    CHECKPOINT_BYTES, with step 0 and the checkpoints of the two opening steps, and only the pairs
    the steps train; the steps' pairs are the run's, and a replay is at most k·500 − 1 steps."""
    import base64
    import json

    from w2v.book import walkthrough as chapter
    from w2v.book.figures import walkthrough as wt

    run = large_run
    early, late = 7, 14_321
    data = json.loads(json.dumps(chapter.page_data(run, early, late)))
    C = len(data["checkpoint_steps"])
    assert 2 <= C and C * 2 * V_LARGE * D_LARGE * 4 <= chapter.CHECKPOINT_BYTES
    assert data["checkpoint_steps"][0] == 0 and 14_000 in data["checkpoint_steps"]   # late's checkpoint
    steps = np.array(data["checkpoint_steps"])
    kept = chapter.page_checkpoints(run, (early, late))
    assert np.array_equal(steps, run.checkpoint_steps[kept])
    W = np.frombuffer(base64.b64decode(data["W"]), "<f4").reshape(C, V_LARGE, D_LARGE)
    assert np.array_equal(W, run.W_checkpoints[kept])
    pairs = np.frombuffer(base64.b64decode(data["pairs"]), data["pairs_dtype"]).reshape(-1, 4)
    order = np.frombuffer(base64.b64decode(data["step_pair"]), data["step_pair_dtype"])
    assert len(pairs) == data["n_pairs"] == len(np.unique(run.step_pair))
    assert np.array_equal(pairs[order], run.pairs[run.step_pair])                  # every step trains its pair
    assert np.diff(np.append(steps, run.config.steps)).max() <= 6 * run.config.checkpoint_every
    assert data["replay_every"] == run.config.checkpoint_every and data["update_words"] == wt.UPDATE_WORDS
    script = chapter.data_script(run, early, late)._repr_html_()
    assert len(script) < 1_700_000, len(script)
    assert "page carries" in script and f"{len(kept)} of the run's 30 checkpoints" in script


def test_walkthrough_data_script_chooses_the_checkpoints_once(large_run, monkeypatch):
    """data_script chose the page's checkpoints twice, once for the data and once for the rule that
    names them; once now, and the two agree."""
    from w2v.book import walkthrough as chapter

    calls, choose = [], chapter.page_checkpoints
    monkeypatch.setattr(chapter, "page_checkpoints", lambda *a, **k: calls.append(a) or choose(*a, **k))
    script = chapter.data_script(large_run, 7, 14_321)._repr_html_()
    assert len(calls) == 1
    kept = choose(large_run, (7, 14_321))
    assert chapter.checkpoint_rule(large_run, kept) in script
    assert f'"checkpoint_steps":{json.dumps([int(s) for s in large_run.checkpoint_steps[kept]], separators=(",", ":"))}' in script


def test_walkthrough_update_heatmaps_keep_to_their_budget(large_run):
    """The update heatmaps drew D × V cells (404 kB at V = 1,936); now the UPDATE_WORDS columns the
    step changes most, the centre and the context word among them, and the caption says so."""
    from w2v.book.figures import walkthrough as wt
    from w2v.step import training_step

    run, W, W_out = large_run, large_run.W_checkpoints[3].copy(), large_run.W_out_checkpoints[3].copy()
    center, context = 17, 1_234
    record = training_step(W, W_out, center, context, 0.1)
    dW, dW_out = wt.update_deltas(W, W_out, record)
    shown = wt.update_words(dW, dW_out)
    assert len(shown) == wt.UPDATE_WORDS and center in shown and context in shown
    assert np.all(np.diff(shown) > 0)                                              # vocabulary order
    change = np.abs(dW).sum(axis=1) + np.abs(dW_out).sum(axis=0)
    assert change[shown].min() >= np.delete(change, shown).max()                   # the largest changes
    figure = wt.update_figure(run, W, W_out, record)
    assert cells(figure.layout) == 1                                               # one image per panel …
    image = next(s for s in figure.layout.references() if getattr(s, "name", None) == wt.NAMES["dW_out_source"])
    assert np.asarray(image.data["image"][0]).shape == (D_LARGE, wt.UPDATE_WORDS)  # … of D × 150 pixels
    assert image.data["word"][0][:3] == [run.corpus.vocab[i] for i in shown[:3]]
    assert f"Only the {wt.UPDATE_WORDS} of the 2,000 words whose columns the step changes most" in figure.caption
    assert len(figure.html()) < 60_000


def test_walkthrough_replay_from_the_pages_checkpoints(book_run):
    """With every checkpoint kept (the book's corpus) the page's state is Run.state_before; from a
    thinned set it is the same replay started earlier."""
    from w2v.book import walkthrough as chapter

    every = chapter.page_checkpoints(book_run)
    assert len(every) == int((book_run.checkpoint_steps < book_run.config.steps).sum())
    step = 2 * book_run.config.checkpoint_every + 5
    for a, b in zip(chapter.page_state_before(book_run, step, every), book_run.state_before(step)):
        assert np.array_equal(a, b)
    W, W_out = chapter.page_state_before(book_run, step, every[:1])                 # from step 0
    assert np.allclose(W, book_run.state_before(step)[0], atol=1e-4)


def test_the_books_corpus_is_under_every_budget(book_run):
    """Nothing is left out on the book's corpus: every checkpoint, every word of the heatmaps."""
    from w2v.book import walkthrough as chapter
    from w2v.book.figures import walkthrough as wt
    from w2v.book.walkthrough import default_steps

    assert book_run.corpus.vocab_size <= wt.UPDATE_WORDS
    data = chapter.page_data(book_run, *default_steps(book_run))
    assert "replay_every" not in data and "update_words" not in data
    assert chapter.checkpoint_rule(book_run, chapter.page_checkpoints(book_run)) == ""


# ------------------------------------------------------------------ the journey's neighbour figure

def test_journey_neighbour_figure_keeps_to_its_budget(big):
    """The figure carried every word's neighbours and cosines at every checkpoint and the evidence of
    every pair (2.9 MB at V = 1,936); now the most frequent words, as many as fit NEIGHBOUR_BYTES, and
    the word it opens on, with the rule in the caption."""
    from w2v.evidence import neighbor_pairs
    from w2v.book.figures import journey

    rng = np.random.default_rng(4)
    C, V, k = 11, big.vocab_size, 5
    neighbors = np.stack([np.stack([rng.choice(np.delete(np.arange(V), w), k, replace=False) for w in range(V)])
                          for _ in range(C)])
    cosines = np.sort(rng.uniform(-1, 1, size=(C, V, k)), axis=-1)[..., ::-1]
    # evidence_table's shape (two sentences, one shared word), without its search of the corpus
    n = len(big.sentences)
    evidence = {f"{a},{b}": [[a % n, b % n], 2, [b], 1, []] for a, b in neighbor_pairs(neighbors)}
    start = big.vocab[V - 1]                                                       # the rarest word
    shown = journey.neighbour_words(big, start, neighbors, evidence)
    assert 1 < len(shown) <= HEATMAP_WORDS and big.index[start] in shown
    frequent = np.argsort(-np.asarray(big.counts), kind="stable")[:len(shown) - 1]
    assert set(frequent.tolist()) <= set(shown.tolist())
    layout = journey.neighbour_evolution(big, np.arange(C) * 500, neighbors, cosines, evidence, 2, start, 3, shown)
    data = next(s for s in layout.references() if getattr(s, "name", None) == "journey-neighbour-data")
    assert len(data.data["ids"]) == C * len(shown) * k
    picker = next(m for m in layout.references() if getattr(m, "name", None) == "journey-picker")
    assert sorted(w for ws in picker.options.values() for w in ws) == sorted(big.vocab[i] for i in shown)
    html = embed(layout, "c", "a", "n").html()
    assert len(html) < journey.NEIGHBOUR_BYTES + 150_000, len(html)
    import json

    assert len(json.dumps(evidence)) + C * V * k * 8 > 2 * len(html)               # what the budget saves
    rule = journey.neighbour_rule(big, shown, start)
    assert f"most frequent of the {V} words and “{start}”" in rule
    # the page's script, as it is on every corpus (no edited copy), reads a word's row through the
    # row map: run in Node.js on the figure's own arguments, it draws the neighbours of the word picked
    import shutil
    import subprocess

    from bokeh.models import CustomJS

    update = next(m for m in layout.references() if isinstance(m, CustomJS) and "rows" in m.args)
    assert update.args["rows"] == shown.tolist() and update.code.count("rows.indexOf(w)") == 1  # one map, read once
    args = {key: value for key, value in update.args.items() if isinstance(value, (list, int, dict))}
    args["data"] = {"data": data.data | {"ids": list(data.data["ids"]), "cos": list(data.data["cos"])}}
    picks = [big.vocab[i] for i in (shown[0], shown[-1], big.index[start])]
    script = f"""
const args = {json.dumps(args, default=float)}, got = []
for (const word of {json.dumps(picks)}) {{
  const bars = {{data: {{rank: [0, 1, 2, 3, 4]}}, selected: {{indices: [0]}}}}
  const env = Object.assign({{}}, args, {{picker: {{value: word}}, slider: {{value: {C - 1}}}, radio: {{active: 0}},
    bars, barPlot: {{title: {{}}}}, purity: {{data: {{}}}}, purityLine: {{glyph: {{}}}}, purityItem: {{}}, now: {{}},
    out: {{}}, cb_obj: {{}}}})
  new Function(...Object.keys(env), {json.dumps(update.code)})(...Object.values(env))
  got.push(bars.data.word)
}}
console.log(JSON.stringify(got))"""
    done = subprocess.run([shutil.which("node") or "node"], input=script, capture_output=True, text=True, check=True)
    for word, drawn in zip(picks, json.loads(done.stdout)):
        assert drawn == [big.vocab[i] for i in neighbors[C - 1, big.index[word]]], word


# ------------------------------------------------------------------ the hierarchical softmax's tree

def zipf_corpus(folder, V: int):
    """V words; word k occurs about V / (k + 1) times (a Zipf-like text), without groups."""
    words = [f"w{k:04d}" for k in range(V)]
    tokens = [w for k, w in enumerate(words) for _ in range(max(1, V // (k + 1)))]
    np.random.default_rng(V).shuffle(tokens)
    (folder / "sentences.txt").write_text("\n".join(" ".join(tokens[i:i + 8]) for i in range(0, len(tokens), 8)) + "\n")
    return load_corpus(folder)


def tree_sources(layout) -> dict:
    from bokeh.models import ColumnDataSource

    return {s.name: s.data for s in layout.references() if isinstance(s, ColumnDataSource)}


@pytest.mark.parametrize("V", [400, 1_000, 2_000])
def test_tree_figure_keeps_to_its_budget(tmp_path, V):
    """The tree drew a row per word, 12 px each (23,000 px at V = 1,936, 1.1 MB of page at V = 1,846);
    above HEATMAP_WORDS it draws the context word's path with every branch off it folded, and the
    small subtree around the word whole: at most TREE_MAX_PX tall, its glyphs as many as the view's
    rows, the page's data O(V·D) (the tree and the vectors, no word's path or view stored), and the
    caption says so."""
    from bokeh.models import CustomJS

    from w2v import hs
    from w2v.book.figures import negative_sampling as ns

    corpus, D = zipf_corpus(tmp_path, V), 8
    assert corpus.vocab_size == V
    tree = hs.huffman_tree(corpus.counts)
    rng = np.random.default_rng(5)
    W, W_nodes = rng.normal(size=(V, D)).astype(np.float32), rng.normal(size=(D, V - 1)).astype(np.float32)
    c, o = 0, int(np.argmax(tree.depth))                                    # the deepest word: the longest path
    layout = ns.tree_figure(corpus, tree, W, W_nodes, corpus.vocab[c], corpus.vocab[o])
    plot = next(m for m in layout.references() if getattr(m, "name", None) == "hs-tree")
    summary = ns.tree_summary(tree, corpus.counts)
    rows = ns.tree_view_rows(tree, summary)
    assert rows == max(ns.tree_view(tree, summary, w)["rows"] for w in range(V))
    data = tree_sources(layout)
    view = ns.tree_view(tree, summary, o)
    # as tall as the view's rows (no blank under a short one), a row as tall in every view
    pitch = min(ns.TREE_ROW_PX, (ns.TREE_MAX_PX - 60) / rows)
    assert plot.height == int(pitch * view["rows"]) + 60 <= ns.TREE_MAX_PX
    drawn = len(view["id"])
    assert len(data["hs-tree-leaves"]["word"]) + len(data["hs-tree-branches"]["n"]) == view["rows"] <= rows
    assert len(data["hs-tree-edges"]["xs"]) == drawn < 2 * rows
    # every word is in the drawing, once: in a leaf or in a folded branch
    assert len(data["hs-tree-leaves"]["word"]) + sum(data["hs-tree-branches"]["n"]) == V
    # the context word's path, lit, with its branch probabilities, whose product is p(o | c)
    L = int(tree.depth[o])
    assert sum(w > 1 for w in data["hs-tree-edges"]["width"]) == L + 1        # the root's (empty) edge, L − 1 nodes', the word's
    shown = [float(t) for t in data["hs-tree-labels"]["text"] if t]
    assert len(shown) == L
    p = hs.word_probabilities(W, W_nodes, tree, c)[o]
    assert abs(np.prod(shown) - p) <= 0.01 * L * max(shown) ** (L - 1)
    leaves = data["hs-tree-leaves"]
    assert leaves["size"][leaves["word"].index(corpus.vocab[o])] == 12
    assert ns.probability_text(p) in next(m.text for m in layout.references() if getattr(m, "name", None) == "hs-path-product")
    # the page's data: O(V·D) numbers, not V per word
    update = next(m for m in layout.references() if isinstance(m, CustomJS))
    assert max(len(v) for v in update.args.values() if isinstance(v, list)) <= V * D
    html = embed(layout, ns.tree_rule(corpus), ns.tree_alt(corpus, tree), "hs-tree").html()
    assert len(html) < 25_000 + 25 * V * (D + 1), len(html)                # 475 kB at V = 2,000, D = 8
    assert f"With {V:,} words" in ns.tree_rule(corpus) and f"at most {ns.TREE_FULL_WORDS} words" in ns.tree_rule(corpus)


def test_tree_view_around_a_word(tmp_path):
    """The view of one word: its path's nodes drawn with both children, every other inner node
    folded, the subtree of at most TREE_FULL_WORDS words around it whole and the highest such."""
    from w2v import hs
    from w2v.book.figures import negative_sampling as ns

    corpus = zipf_corpus(tmp_path, 400)
    tree = hs.huffman_tree(corpus.counts)
    summary = ns.tree_summary(tree, corpus.counts)
    V, size = corpus.vocab_size, summary["size"]
    assert size[2 * V - 2] == V and corpus.vocab[summary["top"][2 * V - 2]] == "w0000"
    for o in (0, 57, int(np.argmax(tree.depth))):
        view = ns.tree_view(tree, summary, o)
        kind = dict(zip(view["id"], view["kind"]))
        nodes = [V + int(n) for n in tree.path(o)[0]]
        assert all(kind[n] == "node" for n in nodes) and kind[o] == "word"
        whole = [n for n in nodes if size[n] <= ns.TREE_FULL_WORDS]
        top = whole[0] if whole else o
        assert top == o or size[tree.parent[top]] > ns.TREE_FULL_WORDS
        below = [i for i in kind if i < V and top in {V + int(n) for n in tree.path(i)[0]} | {i}]
        assert len(below) == size[top] and all(kind[i] == "word" for i in below)   # the subtree, whole
        assert view["rows"] == nodes.index(top) + size[top] if top in nodes else view["rows"] == len(nodes) + 1
        ys = [y for i, y in zip(view["id"], view["y"]) if kind[i] != "node"]
        assert sorted(ys) == list(range(view["rows"]))                       # a row each


def test_tree_view_in_the_browser_is_the_python_view(tmp_path):
    """The page redraws the view when the reader picks a word (_TREE_VIEW_JS); run in Node.js with
    the figure's own arguments, it draws what tree_view_data draws, for words near and far from
    the root."""
    import json
    import shutil
    import subprocess

    from bokeh.models import CustomJS

    from w2v import hs
    from w2v.book.figures import negative_sampling as ns

    corpus, D = zipf_corpus(tmp_path, 400), 4
    tree = hs.huffman_tree(corpus.counts)
    V = corpus.vocab_size
    rng = np.random.default_rng(6)
    W, W_nodes = rng.normal(size=(V, D)).astype(np.float32), rng.normal(size=(D, V - 1)).astype(np.float32)
    layout = ns.tree_figure(corpus, tree, W, W_nodes, corpus.vocab[1], corpus.vocab[2])
    update = next(m for m in layout.references() if isinstance(m, CustomJS))
    args = {k: v for k, v in update.args.items() if isinstance(v, (list, int))}
    picks = [0, 9, 150, V - 1, int(np.argmax(tree.depth))]
    script = f"""
const args = {json.dumps(args)}, got = []
for (const word of {json.dumps([corpus.vocab[o] for o in picks])}) {{
  const source = () => ({{data: {{}}, selected: {{indices: []}}}})
  const env = Object.assign({{}}, args, {{center: {{value: {json.dumps(corpus.vocab[1])}}}, context: {{value: word}},
    edges: source(), labels: source(), leaves: source(), branches: source(), out: {{}}, cb_obj: {{}}}})
  new Function(...Object.keys(env), {json.dumps(update.code)})(...Object.values(env))
  got.push({{edges: env.edges.data, leaves: env.leaves.data, branches: env.branches.data, labels: env.labels.data,
            out: env.out.text}})
}}
console.log(JSON.stringify(got))"""
    done = subprocess.run([shutil.which("node") or "node"], input=script, capture_output=True, text=True, check=True)
    summary = ns.tree_summary(tree, corpus.counts)
    probabilities = hs.word_probabilities(W, W_nodes, tree, 1)
    assert probabilities[picks].min() < 1e-3   # a deep word: printed with significant digits, not as 0.0000
    for o, got in zip(picks, json.loads(done.stdout)):
        nodes, codes = tree.path(o)
        s = 1 / (1 + np.exp(-(W[1].astype(np.float64) @ W_nodes[:, nodes].astype(np.float64))))
        expected = json.loads(json.dumps(ns.tree_view_data(corpus, tree, summary, o, np.where(codes == 0, s, 1 - s))))
        for name, columns in expected.items():
            assert got[name] == columns, (corpus.vocab[o], name)
        p = probabilities[o]
        assert f"= <b>{ns.probability_text(p)}</b>" in got["out"] and f"{len(nodes)} nodes on the path" in got["out"]


@pytest.mark.parametrize("sign", [1, -1])
def test_two_faces_mean_has_a_row_of_its_own(tmp_path, sign):
    """The bars' "mean" label sat in the last bar's row: on a text whose mean cosine is negative the
    most negative bars, drawn from 0 leftwards past the mean, ran under it ("mean −0.29"). Now it
    is written under the last bar, at either sign of the mean."""
    from bokeh.models import Label

    from w2v.book.figures import two_faces

    corpus = zipf_corpus(tmp_path, 40)
    V = corpus.vocab_size
    cosines = sign * np.linspace(0.9, -0.1, V)                            # mean 0.4 or −0.4
    p = two_faces.two_face_bars(corpus, cosines)
    label = next(m for m in p.references() if isinstance(m, Label) and "mean" in m.text)
    bar_bottom = V - 1 + 0.4                                              # the last bar (height 0.8) ends here
    text_rows = 1.2 * float(label.text_font_size.removesuffix("px")) / two_faces.ROW_PX   # its height in rows
    assert label.text_baseline == "bottom" and label.y - text_rows >= bar_bottom, (label.y, text_rows)
    assert p.y_range.start >= label.y                                     # inside the plot
    assert label.text.strip() == f"mean {np.mean(cosines):.2f}".replace("-", "\u2212")
