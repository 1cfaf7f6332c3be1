"""Figures of the chapter "Negative sampling".

The update of W′ in one step, full softmax above SGNS, drawn as the walkthrough draws ΔW′ (one
image, one column per word, |Δ| on a log colour scale, white = exactly zero), so that a reader
sees every column move in one and only k + 1 in the other.
"""

from __future__ import annotations

import numpy as np
from .walkthrough import LOG_DECADES, delta_heatmaps


def figure_step(run) -> int:
    """The SGNS step the chapter draws: the first from the middle of the run on whose negatives
    are k different words, none of them the centre or the context word, so that exactly k + 1
    columns of W′ move and none of the words is drawn twice."""
    k = run.config.negatives
    for t in range(run.config.steps // 2, run.config.steps):
        words = {int(run.centers[t]), int(run.contexts[t]), *map(int, run.negatives[t])}
        if len(words) == k + 2:
            return t
    raise ValueError("no step of the run has k different negatives apart from its centre and context words")


def update_comparison(corpus, dW_out_softmax: np.ndarray, dW_out_sgns: np.ndarray):
    """ΔW′ (D, V) of the same pair from the same state: the full softmax's, then SGNS's, on one
    colour scale and one word axis."""
    D, V = dW_out_softmax.shape
    top = float(max(np.abs(dW_out_softmax).max(), np.abs(dW_out_sgns).max()))
    vocab = list(corpus.vocab)
    moved = [int((d != 0).any(axis=0).sum()) for d in (dW_out_softmax, dW_out_sgns)]
    return delta_heatmaps([(f"ΔW′ softmax: {moved[0]} of {V} columns move", dW_out_softmax,
                            "ns-dW-out-softmax-source", "ns-dW-out-softmax"),
                           (f"ΔW′ SGNS: {moved[1]} of {V} columns move", dW_out_sgns,
                            "ns-dW-out-sgns-source", "ns-dW-out-sgns")], vocab, top)





# ------------------------------------------------------------ the hierarchical softmax's tree

_TREE_JS = r"""
const V = words.length, N = V - 1, D = W.length / V
const c = words.indexOf(center.value), o = words.indexOf(context.value)
if (c < 0 || o < 0) return
if (cb_obj === leaves.selected) {           // a tapped word becomes the context word
  const i = leaves.selected.indices
  if (i.length === 1 && i[0] !== o) { context.value = words[i[0]]; return }
}
const nodes = paths[o], codes = pathCodes[o]
const onPath = new Set(nodes.map(n => V + n)); onPath.add(o)
const width = [], color = []
for (let child = 0; child < parents.length; child++) {  // the edge into `child` lights if the path uses it
  const lit = onPath.has(child)
  width.push(lit ? 4 : 1); color.push(lit ? '#C0392B' : '#B8B8B8')
}
edges.data = Object.assign({}, edges.data, {width, color})
const text = new Array(N).fill(''), rows = []
let p = 1
nodes.forEach((n, j) => {
  let u = 0                                      // W[c] · W′[:, n], the node's score
  for (let d = 0; d < D; d++) u += W[c * D + d] * nodeVectors[n * D + d]
  const s = 1 / (1 + Math.exp(-u))
  const q = codes[j] === 0 ? s : 1 - s            // the branch the path takes
  p *= q
  text[n] = q.toFixed(2)
  rows.push(q.toFixed(3))
})
labels.data = Object.assign({}, labels.data, {text})
const size = leaves.data.size.map((_, i) => i === o ? 12 : 6)
leaves.data = Object.assign({}, leaves.data, {size})
out.text = `p(<b>${words[o]}</b> | <b>${words[c]}</b>) = ${rows.join(' × ')} = <b>${p.toFixed(4)}</b>` +
  ` &nbsp;(${nodes.length} nodes on the path)`
"""


def tree_layout(tree) -> dict:
    """Coordinates of the tree drawn root-left, words right: x = depth, each word on its own row
    (in the order the tree reads them, so a subtree's words are neighbours), each inner node at
    the mean height of its two children."""
    V = tree.vocab_size
    children = {n: [] for n in range(V - 1)}
    for child, parent in enumerate(tree.parent):
        if parent >= 0:
            children[int(parent) - V].append(child)
    x, y, row = np.zeros(2 * V - 1), np.zeros(2 * V - 1), [0]

    def place(child, depth):  # child: a word (< V) or an inner node (V + n)
        x[child] = depth
        if child < V:
            y[child] = row[0]
            row[0] += 1
        else:
            kids = sorted(children[child - V], key=lambda k: tree.branch[k])  # branch 0 above
            for k in kids:
                place(k, depth + 1)
            y[child] = np.mean([y[k] for k in kids])

    place(2 * V - 2, 0)  # the root, inner node V − 2
    return dict(x=x, y=y)


def tree_figure(corpus, tree, W: np.ndarray, W_nodes: np.ndarray, center: str, context: str):
    """The Huffman tree over the vocabulary, the root on the left and the words on the right
    (frequent words near the root). Picking a centre word and a context word (two selects, or a
    tap on a word) lights the context word's path and writes at each of its nodes the
    probability of the branch it takes for that centre word; their product is p(o | c).
    Shown in "Two ways around the softmax"."""
    from bokeh.layouts import column, row
    from bokeh.models import ColumnDataSource, CustomJS, Div, HoverTool, LabelSet, Select, TapTool
    from bokeh.plotting import figure

    from . import style_plot, word_colors

    V = corpus.vocab_size
    pos = tree_layout(tree)
    x, y = pos["x"], pos["y"]
    parents = [int(p) for p in tree.parent]
    kids = [k for k in range(2 * V - 1) if parents[k] >= 0]
    # an elbow per edge: down (or up) from the parent, then across to the child
    edges = ColumnDataSource(dict(
        xs=[[x[parents[k]], x[parents[k]], x[k]] if parents[k] >= 0 else [] for k in range(2 * V - 1)],
        ys=[[y[parents[k]], y[k], y[k]] if parents[k] >= 0 else [] for k in range(2 * V - 1)],
        width=[1] * (2 * V - 1), color=["#B8B8B8"] * (2 * V - 1)), name="hs-tree-edges")
    words = list(corpus.vocab)
    codes = ["".join(map(str, tree.path(w)[1])) for w in range(V)]
    leaves = ColumnDataSource(dict(x=x[:V], y=y[:V], word=words, count=[int(c) for c in corpus.counts],
                                   depth=[int(d) for d in tree.depth], code=codes, color=word_colors(corpus),
                                   size=[6] * V), name="hs-tree-leaves")
    labels = ColumnDataSource(dict(x=x[V:], y=y[V:], text=[""] * (V - 1)), name="hs-tree-labels")

    depth = int(tree.depth.max())
    p = figure(height=12 * V + 60, sizing_mode="stretch_width", min_width=300, max_width=760,
               toolbar_location=None, x_range=(-1.0, depth + 3.2), y_range=(V, -1.5), tools="", name="hs-tree")
    p.multi_line("xs", "ys", source=edges, line_width="width", line_color="color")
    dots = p.scatter("x", "y", source=leaves, size="size", color="color", line_color="#333333")
    p.text("x", "y", text="word", source=leaves, x_offset=8, text_font_size="11px", text_baseline="middle")
    p.add_layout(LabelSet(x="x", y="y", text="text", source=labels, x_offset=-2, y_offset=-3,
                          text_font_size="10px", text_align="right", text_baseline="bottom",
                          text_color="#8B1A10"))
    p.add_tools(HoverTool(renderers=[dots], tooltips=[("word", "@word"), ("count", "@count"),
                                                      ("path", "@depth nodes"), ("code", "@code")]),
                TapTool(renderers=[dots]))
    p.xaxis.axis_label = "depth (nodes from the root)"
    p.yaxis.visible = False
    p.ygrid.visible = False
    p.xaxis.ticker = list(range(depth + 1))
    style_plot(p)

    by_group = {g: corpus.words_in_group(g) for g in corpus.groups} if corpus.has_groups else {"": words}
    center_pick = Select(name="hs-center", title="Centre word c:", value=center, options=by_group, width=180)
    context_pick = Select(name="hs-context", title="Context word o (or tap a word):", value=context,
                          options=by_group, width=220)
    # the starting picture, drawn here as the callback draws every later one
    c, o = corpus.index[center], corpus.index[context]
    nodes, path_codes = tree.path(o)
    s = 1 / (1 + np.exp(-(W[c].astype(np.float64) @ W_nodes[:, nodes].astype(np.float64))))
    q = np.where(path_codes == 0, s, 1 - s)                 # the branch the path takes
    lit = {o, *(V + int(n) for n in nodes)}
    edges.data["width"] = [4 if k in lit else 1 for k in range(2 * V - 1)]
    edges.data["color"] = ["#C0392B" if k in lit else "#B8B8B8" for k in range(2 * V - 1)]
    text = [""] * (V - 1)
    for n, value in zip(nodes, q):
        text[int(n)] = f"{value:.2f}"
    labels.data["text"] = text
    leaves.data["size"] = [12 if k == o else 6 for k in range(V)]
    out = Div(name="hs-path-product", sizing_mode="stretch_width", styles={"font-size": "14px"},
              text=f"p(<b>{context}</b> | <b>{center}</b>) = {' × '.join(f'{v:.3f}' for v in q)} = "
                   f"<b>{np.prod(q):.4f}</b> &nbsp;({len(nodes)} nodes on the path)")
    update = CustomJS(args=dict(words=words, paths=[tree.path(w)[0].tolist() for w in range(V)],
                                pathCodes=[tree.path(w)[1].tolist() for w in range(V)], parents=parents,
                                # the vectors, not every score: V·D + (V − 1)·D numbers, not V·(V − 1)
                                W=W.round(5).ravel().tolist(), nodeVectors=W_nodes.T.round(5).ravel().tolist(),
                                center=center_pick, context=context_pick,
                                edges=edges, labels=labels, leaves=leaves, out=out), code=_TREE_JS)
    center_pick.js_on_change("value", update)
    context_pick.js_on_change("value", update)
    leaves.selected.js_on_change("indices", update)
    layout = column(row(center_pick, context_pick, styles={"flex-wrap": "wrap"}), out, p,
                    sizing_mode="stretch_width", spacing=6)
    return layout
__all__ = ["figure_step", "update_comparison", "tree_figure", "tree_layout", "LOG_DECADES"]
