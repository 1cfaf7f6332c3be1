"""Figures of the chapter "Negative sampling".

The update of W′ in one step, full softmax above SGNS, drawn as the walkthrough draws ΔW′ (one
image, one column per word, |Δ| on a log colour scale, white = exactly zero), so that a reader
sees every column move in one and only k + 1 in the other. Then the hierarchical softmax's Huffman
tree: whole, a row per word, up to HEATMAP_WORDS words; on a larger vocabulary, the part around the
context word's path, which follows the word the reader picks.
"""

from __future__ import annotations

import numpy as np
from . import word_colors
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

# Both tree figures' scripts start with this: the branch probability at each node of the context
# word's path (the node's label, two decimals), and the line p(o | c) = … (as _path_product writes it).
_PATH_JS = r"""
function pathProbabilities(nodes, codes, c) {
  const labels = [], rows = []
  let p = 1
  nodes.forEach((n, j) => {
    let u = 0                                      // W[c] · W′[:, n], the node's score
    for (let d = 0; d < D; d++) u += W[c * D + d] * nodeVectors[n * D + d]
    const s = 1 / (1 + Math.exp(-u))
    const q = codes[j] === 0 ? s : 1 - s            // the branch the path takes
    p *= q
    labels.push(q.toFixed(2))
    rows.push(q.toFixed(3))
  })
  const product = p >= 1e-3 ? p.toFixed(4) : p.toExponential(2)
  const text = (o, c) => `p(<b>${o}</b> | <b>${c}</b>) = ${rows.join(' × ')} = <b>${product}</b>` +
    ` &nbsp;(${nodes.length} nodes on the path)`
  return {labels, text}
}
// The room the page reserved for the first picture (w2v.book.figures.Figure.space) would keep its
// height under a shorter one (a view of fewer rows, a shorter line p(o | c)): released once redrawn.
// A tap picks a word and the figure is redrawn (another view, a line p(o | c) of another length
// above the plot): the page then scrolls so that the picked word is where the finger was.
function viewOf(plot) {         // the plot's view on the page (null outside a page)
  return typeof Bokeh === 'undefined' || typeof plot === 'undefined' ? null : Bokeh.index.find_one(plot)
}
function screenY(plot, y) {    // a data height's place on the screen (null outside a page)
  const view = viewOf(plot)
  return view ? view.canvas_view.el.getBoundingClientRect().top + view.frame.y_scale.compute(y) : null
}
function keepUnderFinger(plot, finger, heightNow) {   // heightNow(): the picked word's y, redrawn
  if (finger === null) return
  requestAnimationFrame(() => requestAnimationFrame(() => {
    const now = screenY(plot, heightNow())
    if (now !== null) window.scrollBy({top: now - finger, behavior: 'instant'})
  }))
}
function releaseRoom(plot) {
  const view = viewOf(plot)
  for (let el = view && view.el; el; el = el.parentElement || el.getRootNode().host) {
    if (el.classList && el.classList.contains('w2v-bokeh-room')) { el.style.minHeight = ''; break }
  }
}
"""

_TREE_JS = r"""
const V = words.length, N = V - 1, D = W.length / V
const c = words.indexOf(center.value), o = words.indexOf(context.value)
if (c < 0 || o < 0) return
if (cb_obj === leaves.selected) {           // a tapped word becomes the context word
  const i = leaves.selected.indices
  if (i.length === 1 && i[0] !== o) {
    const tapped = i[0], finger = screenY(plot, leaves.data.y[tapped])
    context.value = words[tapped]             // this script again, for the new word
    keepUnderFinger(plot, finger, () => leaves.data.y[tapped])
    return
  }
}
const nodes = paths[o], codes = pathCodes[o]
const onPath = new Set(nodes.map(n => V + n)); onPath.add(o)
const width = [], color = []
for (let child = 0; child < parents.length; child++) {  // the edge into `child` lights if the path uses it
  const lit = onPath.has(child)
  width.push(lit ? 4 : 1); color.push(lit ? '#C0392B' : '#B8B8B8')
}
edges.data = Object.assign({}, edges.data, {width, color})
const path = pathProbabilities(nodes, codes, c), text = new Array(N).fill('')
nodes.forEach((n, j) => { text[n] = path.labels[j] })
labels.data = Object.assign({}, labels.data, {text})
const size = leaves.data.size.map((_, i) => i === o ? 12 : 6)
leaves.data = Object.assign({}, leaves.data, {size})
out.text = path.text(words[o], words[c])
releaseRoom(plot)
"""


def probability_text(p: float) -> str:
    """p(o | c) as the tree's figure prints it, in Python as its script does in JavaScript: four
    decimals, or three significant digits below 0.001 (a deep word of a large vocabulary would
    show 0.0000)."""
    return f"{p:.4f}" if p >= 1e-3 else f"{p:.2e}".replace("e-0", "e-")


def _style_and_pickers(p, depth: int, corpus, center: str, context: str):
    """The tree plot's axes (depth across, no y axis) and the two word pickers, for the whole tree
    and for the view."""
    from bokeh.models import Select

    from . import style_plot

    p.xaxis.axis_label = "depth (nodes from the root)"
    p.yaxis.visible = False
    p.ygrid.visible = False
    p.xaxis.ticker = list(range(depth + 1))
    style_plot(p)

    words = list(corpus.vocab)
    by_group = {g: corpus.words_in_group(g) for g in corpus.groups} if corpus.has_groups else {"": words}
    center_pick = Select(name="hs-center", title="Centre word c:", value=center, options=by_group, width=180)
    context_pick = Select(name="hs-context", title="Context word o (or tap a word):", value=context,
                          options=by_group, width=220)
    return center_pick, context_pick


def _words_and_branch_labels(p, leaves, labels) -> None:
    """Both tree figures: each word's text right of its dot, and the branch probabilities on the
    path (placed by `probability_placement`)."""
    from bokeh.models import LabelSet

    p.text("x", "y", text="word", source=leaves, x_offset=TREE_WORD_DX[0], text_font_size=f"{TREE_LABEL_FONT[1]}px",
           text_baseline="middle")
    p.add_layout(LabelSet(x="x", y="y", text="text", source=labels, x_offset="dx", y_offset="dy",
                          text_font_size=f"{TREE_LABEL_FONT[0]}px", text_align="align", text_baseline="baseline",
                          text_color="#8B1A10"))


def _path_product(center: str, context: str, q: np.ndarray):
    """The line under the pickers: p(o | c) as the product of the path's branch probabilities `q`
    (the page's script rewrites it as _TREE_JS and _TREE_VIEW_JS do)."""
    from bokeh.models import Div

    return Div(name="hs-path-product", sizing_mode="stretch_width", styles={"font-size": "14px"},
               text=f"p(<b>{context}</b> | <b>{center}</b>) = {' × '.join(f'{v:.3f}' for v in q)} = "
                    f"<b>{probability_text(np.prod(q))}</b> &nbsp;({len(q)} nodes on the path)")


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
    Above HEATMAP_WORDS words, a row per word is too tall for a page: `tree_view_figure` draws
    the part of the tree around the context word's path instead (`tree_rule` says so).
    Shown in "Two ways around the softmax"."""
    from . import HEATMAP_WORDS

    if corpus.vocab_size > HEATMAP_WORDS:
        return tree_view_figure(corpus, tree, W, W_nodes, center, context)
    from bokeh.layouts import column, row
    from bokeh.models import ColumnDataSource, CustomJS, HoverTool, TapTool
    from bokeh.plotting import figure

    from . import word_colors

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
    # each node's probability beside the line into it, on the side away from its parent
    place = [probability_placement(0 if parents[V + n] < 0 else 1 if y[parents[V + n]] < y[V + n] else -1)
             for n in range(V - 1)]
    labels = ColumnDataSource(dict(x=x[V:], y=y[V:], text=[""] * (V - 1),
                                   **{key: [spot[k] for spot in place] for k, key in enumerate(("align", "baseline", "dx", "dy"))}),
                              name="hs-tree-labels")

    depth = int(tree.depth.max())
    p = figure(height=12 * V + 60, sizing_mode="stretch_width", min_width=300, max_width=760,
               toolbar_location=None, x_range=tree_x_range(corpus, tree), y_range=(V, -1.5), tools="", name="hs-tree")
    p.multi_line("xs", "ys", source=edges, line_width="width", line_color="color")
    dots = p.scatter("x", "y", source=leaves, size="size", color="color", line_color="#333333")
    _words_and_branch_labels(p, leaves, labels)
    p.add_tools(HoverTool(renderers=[dots], tooltips=[("word", "@word"), ("count", "@count"),
                                                      ("path", "@depth nodes"), ("code", "@code")]),
                TapTool(renderers=[dots]))
    center_pick, context_pick = _style_and_pickers(p, depth, corpus, center, context)
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
    out = _path_product(center, context, q)
    update = CustomJS(args=dict(words=words, paths=[tree.path(w)[0].tolist() for w in range(V)],
                                pathCodes=[tree.path(w)[1].tolist() for w in range(V)], parents=parents,
                                # the vectors, not every score: V·D + (V − 1)·D numbers, not V·(V − 1)
                                W=W.round(5).ravel().tolist(), nodeVectors=W_nodes.T.round(5).ravel().tolist(),
                                center=center_pick, context=context_pick, plot=p,
                                edges=edges, labels=labels, leaves=leaves, out=out), code=_PATH_JS + _TREE_JS)
    center_pick.js_on_change("value", update)
    context_pick.js_on_change("value", update)
    leaves.selected.js_on_change("indices", update)
    layout = column(row(center_pick, context_pick, styles={"flex-wrap": "wrap"}), out, p,
                    sizing_mode="stretch_width", spacing=6)
    return layout


# ------------------------------------------------------------ the tree on a large vocabulary

TREE_FULL_WORDS = 16  # the subtree drawn whole around the context word: at most this many words (4 levels or more)
TREE_ROW_PX = 16      # a row of the view: a word or a folded branch (a finger's width on a phone)
TREE_MAX_PX = 1200    # the view's plot is never taller, whatever the tree's depth
TREE_LABEL_PX = (5, 4)  # a branch probability's gap from its node (left) and from the path's line (above or below)
TREE_LABEL_FONT = (10, 11)  # px: a branch probability; a word or a folded branch
TREE_WORD_DX = (8, 9)       # px: a word's text right of its dot; a folded branch's, of its square
TREE_NARROWEST_PX = 300  # the narrowest drawing the view's x range leaves room for: a 360 px phone's
TREE_CHAR_EM = 0.66      # the width of a character of the tree's labels, in ems (at most: DejaVu Sans's digits)


def tree_summary(tree, counts) -> dict:
    """What the view needs of the whole tree, O(V): each inner node's two children (branch 0
    first), and for every leaf and node (2V − 1) how many words it holds and its most frequent
    word (ties to the lower id). Inner nodes are numbered in merge order, so children come first."""
    V = tree.vocab_size
    counts = np.asarray(counts, dtype=np.int64)
    kids = np.zeros((V - 1, 2), dtype=np.int64)
    for child, parent in enumerate(tree.parent):
        if parent >= 0:
            kids[int(parent) - V, int(tree.branch[child])] = child
    size = np.ones(2 * V - 1, dtype=np.int64)
    top = np.arange(2 * V - 1)
    for n in range(V - 1):
        a, b = kids[n]
        size[V + n] = size[a] + size[b]
        ta, tb = top[a], top[b]
        top[V + n] = ta if (counts[ta], -ta) >= (counts[tb], -tb) else tb
    return dict(kids=kids, size=size, top=top)


def tree_view(tree, summary: dict, word: int, full: int = TREE_FULL_WORDS) -> dict:
    """The part of the tree the figure draws for one context word on a large vocabulary: the path
    from the root to `word`; the whole subtree of the highest node on that path that holds at
    most `full` words (`word` itself if none); every other branch off the path folded into one
    item. Laid out as `tree_layout` lays out the whole tree (x = depth, a row per word or folded
    branch in the tree's order, an inner node at the mean height of its children). Returns lists:
    id (a word < V, a node V + n), kind ("word", "node" drawn with its children, "branch" folded),
    x, y, parent (the parent's id, −1 at the root), and rows. _TREE_VIEW_JS does the same
    in JavaScript."""
    V = tree.vocab_size
    kids, size = summary["kids"], summary["size"]
    parent = tree.parent
    a = word
    while parent[a] >= 0 and size[parent[a]] <= full:
        a = int(parent[a])
    above, b = set(), a
    while parent[b] >= 0:
        b = int(parent[b])
        above.add(b)
    view = dict(id=[], kind=[], x=[], y=[], parent=[])
    row = [0]

    def place(node, depth, up, inside):
        i = len(view["id"])
        for key, value in (("id", node), ("x", depth), ("y", 0.0), ("parent", up)):
            view[key].append(value)
        if node < V or not (inside or node in above):
            view["kind"].append("word" if node < V else "branch")
            view["y"][i] = float(row[0])
            row[0] += 1
            return i
        view["kind"].append("node")
        ys = [view["y"][place(k, depth + 1, node, inside or int(k) == a)] for k in kids[node - V]]
        view["y"][i] = float(np.mean(ys))
        return i

    root = 2 * V - 2
    place(root, 0, -1, root == a)
    view["id"] = [int(i) for i in view["id"]]
    view["parent"] = [int(i) for i in view["parent"]]
    view["rows"] = row[0]
    return view


def tree_x_range(corpus, tree, summary: dict | None = None) -> tuple[float, float]:
    """The tree's depth axis: room left of the root for its branch probability, and right of every
    word (and, given the view's `summary`, every folded branch any view draws) for its text, on a
    plot TREE_NARROWEST_PX wide, its characters TREE_CHAR_EM wide at most. A text w px wide at
    depth x fits when x + w·span/width ≤ end, the root's probability when start ≤ −w·span/width
    (span = end − start)."""
    V, width = tree.vocab_size, TREE_NARROWEST_PX
    probability = TREE_LABEL_PX[0] + 4 * TREE_CHAR_EM * TREE_LABEL_FONT[0]   # "0.72"
    char = TREE_CHAR_EM * TREE_LABEL_FONT[1]
    node_depth = np.zeros(2 * V - 1)
    for n in range(2 * V - 3, -1, -1):             # the root is 2V − 2; a parent's id is above its children's
        node_depth[n] = node_depth[int(tree.parent[n])] + 1
    vocab = list(corpus.vocab)
    text_px = [TREE_WORD_DX[0] + char * len(vocab[w]) for w in range(V)] + [0] * (V - 1)
    if summary is not None:  # an inner node is folded in some view when its parent holds more than TREE_FULL_WORDS words
        top, size = summary["top"], summary["size"]
        for n in range(V, 2 * V - 2):
            if size[int(tree.parent[n])] > TREE_FULL_WORDS:
                text_px[n] = TREE_WORD_DX[1] + 5 + char * len(f"{int(size[n]):,} words: {vocab[int(top[n])]}, …")
    text_px = np.minimum(np.array(text_px), 0.8 * width)   # a word too long for any phone is cut, not the tree
    start = -1.0
    for _ in range(20):                                     # converges in a few rounds: each side needs little of the other
        span = max(float(np.max((node_depth - start) / (1 - text_px / width))), 1.0)
        start = min(-1.0, -probability * span / width)
    return start, start + span


def probability_placement(side: int) -> tuple:
    """Where a node's branch probability is written (LabelSet's text_align, text_baseline,
    x_offset, y_offset): left of the node, on the side of the line into it away from its parent,
    from which the path comes (side 1: the parent is above, −1: below, 0: the root, level with it).
    _TREE_JS and _TREE_VIEW_JS place it the same way."""
    return "right", ("middle", "top", "bottom")[side], -TREE_LABEL_PX[0], -side * TREE_LABEL_PX[1]


def tree_view_rows(tree, summary: dict, full: int = TREE_FULL_WORDS) -> int:
    """The most rows `tree_view` draws for any context word: the folded branches above the
    subtree drawn whole (one per node above it) and that subtree's words."""
    parent, size, most = tree.parent, summary["size"], 0
    for word in range(tree.vocab_size):
        a = word
        while parent[a] >= 0 and size[parent[a]] <= full:
            a = int(parent[a])
        depth, b = 0, a
        while parent[b] >= 0:
            b, depth = int(parent[b]), depth + 1
        most = max(most, depth + int(size[a]))
    return most


def tree_rule(corpus) -> str:
    """The caption's sentence that says what the tree figure leaves out ("" when it draws every word)."""
    from . import HEATMAP_WORDS

    if corpus.vocab_size <= HEATMAP_WORDS:
        return ""
    return (f" With {corpus.vocab_size:,} words, a row per word would be too tall for a page: the figure "
            f"draws the context word's path from the root, each branch off it folded into one grey square "
            f"labelled with how many words it holds and its most frequent word, and, whole, the subtree of "
            f"at most {TREE_FULL_WORDS} words around the context word. The drawing follows the context word; "
            f"tap a square to follow its most frequent word.")



def tree_alt(corpus, tree) -> str:
    """The tree figure's description for a screen reader: the whole tree, or the part around the
    context word's path that `tree_view_figure` draws."""
    from . import HEATMAP_WORDS

    V, depth = corpus.vocab_size, tree.depth
    if V <= HEATMAP_WORDS:
        return (f"A binary tree of {V - 1} inner nodes drawn from left to right, with the {V} words as leaves in a "
                f"column on the right; paths are {depth.min()} to {depth.max()} nodes long. One path, from the root "
                "to the chosen context word, is drawn thick and red, with a probability at each of its nodes.")
    return (f"Part of a binary tree of {V - 1:,} inner nodes drawn from left to right: the path from the root to "
            "the chosen context word, drawn thick and red with a probability at each of its nodes; each branch off "
            "the path as one grey square labelled with how many words it holds and its most frequent word; the "
            f"words of the subtree of at most {TREE_FULL_WORDS} words around the context word as leaves. Paths are "
            f"{depth.min()} to {depth.max()} nodes long.")


_TREE_VIEW_JS = r"""
const V = words.length, D = W.length / V
const c = words.indexOf(center.value), o = words.indexOf(context.value)
if (c < 0 || o < 0) return
// a tapped word becomes the context word; a tapped folded branch, its most frequent word
for (const [source, pick] of [[leaves, i => leaves.data.id[i]], [branches, i => top[branches.data.id[i]]]]) {
  if (cb_obj === source.selected) {
    const i = source.selected.indices
    if (i.length !== 1) return
    const tapped = pick(i[0])
    const finger = screenY(plot, source.data.y[i[0]])   // where the tap was, on the screen
    source.selected.indices = []                // the rows are redrawn: no row stays selected
    if (tapped === o) return
    context.value = words[tapped]               // this script again, for the new word: a new view
    keepUnderFinger(plot, finger, () => leaves.data.y[leaves.data.id.indexOf(tapped)])
    return
  }
}
// the view: tree_view in w2v/book/figures/negative_sampling.py, line for line
let a = o
while (parent[a] >= 0 && size[parent[a]] <= full) a = parent[a]
const above = new Set()
for (let b = a; parent[b] >= 0;) { b = parent[b]; above.add(b) }
const view = {id: [], kind: [], x: [], y: [], parent: []}
let row = 0
const place = (node, depth, up, inside) => {
  const i = view.id.length
  view.id.push(node); view.x.push(depth); view.y.push(0); view.parent.push(up)
  if (node < V || !(inside || above.has(node))) {
    view.kind.push(node < V ? 'word' : 'branch'); view.y[i] = row++; return i
  }
  view.kind.push('node')
  const ys = [0, 1].map(k => { const child = kids[2 * (node - V) + k]; return view.y[place(child, depth + 1, node, inside || child === a)] })
  view.y[i] = (ys[0] + ys[1]) / 2
  return i
}
place(2 * V - 2, 0, -1, 2 * V - 2 === a)
// the context word's path, root first, and the branch it takes at each node
const nodes = [], codes = []
for (let b = o; parent[b] >= 0; b = parent[b]) { nodes.unshift(parent[b] - V); codes.unshift(branch[b]) }
const onPath = new Set(nodes.map(n => V + n)); onPath.add(o)
const path = pathProbabilities(nodes, codes, c), text = new Map()
nodes.forEach((n, j) => text.set(V + n, path.labels[j]))
const at = new Map(view.id.map((id, i) => [id, i]))
const e = {xs: [], ys: [], width: [], color: []}
const w = {x: [], y: [], id: [], word: [], count: [], depth: [], code: [], color: [], size: []}
const f = {x: [], y: [], id: [], n: [], top: [], label: [], depth: []}
const l = {x: [], y: [], text: [], align: [], baseline: [], dx: [], dy: []}
view.id.forEach((id, i) => {
  const x = view.x[i], y = view.y[i], up = at.get(view.parent[i])
  e.xs.push(up === undefined ? [] : [view.x[up], view.x[up], x])
  e.ys.push(up === undefined ? [] : [view.y[up], y, y])
  e.width.push(onPath.has(id) ? 4 : 1); e.color.push(onPath.has(id) ? '#C0392B' : '#B8B8B8')
  if (view.kind[i] === 'word') {
    let code = ''
    for (let b = id; parent[b] >= 0; b = parent[b]) code = branch[b] + code
    w.x.push(x); w.y.push(y); w.id.push(id); w.word.push(words[id]); w.count.push(counts[id])
    w.depth.push(x); w.code.push(code); w.color.push(colors[id]); w.size.push(id === o ? 12 : 6)
  } else if (view.kind[i] === 'branch') {
    f.x.push(x); f.y.push(y); f.id.push(id); f.n.push(size[id]); f.top.push(words[top[id]]); f.depth.push(x)
    f.label.push(`${size[id].toLocaleString('en')} words: ${words[top[id]]}, …`)
  } else {  // left of the node, on the side of its incoming line away from the parent (the path comes from there)
    const side = up === undefined ? 0 : (view.y[up] < y ? 1 : -1)
    l.x.push(x); l.y.push(y); l.text.push(text.get(id) || '')
    l.align.push('right'); l.baseline.push(['middle', 'top', 'bottom'].at(side)); l.dx.push(-gap[0]); l.dy.push(-side * gap[1] || 0)
  }
})
edges.data = e; leaves.data = w; branches.data = f; labels.data = l
out.text = path.text(words[o], words[c])
// the plot as tall as this view's rows (a frequent word's view is short)
if (typeof plot === 'undefined') return
plot.height = Math.floor(pitch * row) + 60
plot.y_range.start = row
releaseRoom(plot)
"""


def tree_view_data(corpus, tree, summary: dict, o: int, q) -> dict:
    """The view's four sources for context word `o` whose path's branch probabilities are `q`
    (root first), as _TREE_VIEW_JS fills them: edges (one per drawn item, the root's empty),
    leaves (the words drawn), branches (the folded branches), labels (the drawn inner nodes, with
    the branch probability at those on the path)."""
    V, parent, size, top = corpus.vocab_size, tree.parent, summary["size"], summary["top"]
    view = tree_view(tree, summary, o)
    nodes, codes = tree.path(o)
    on_path = {o, *(V + int(n) for n in nodes)}
    text = {V + int(n): f"{value:.2f}" for n, value in zip(nodes, q)}
    at = {id_: i for i, id_ in enumerate(view["id"])}
    colors, vocab, counts = word_colors(corpus), list(corpus.vocab), corpus.counts
    e = dict(xs=[], ys=[], width=[], color=[])
    w = dict(x=[], y=[], id=[], word=[], count=[], depth=[], code=[], color=[], size=[])
    f = dict(x=[], y=[], id=[], n=[], top=[], label=[], depth=[])
    lab = dict(x=[], y=[], text=[], align=[], baseline=[], dx=[], dy=[])
    for i, id_ in enumerate(view["id"]):
        x, y, up = view["x"][i], view["y"][i], at.get(view["parent"][i])
        e["xs"].append([] if up is None else [view["x"][up], view["x"][up], x])
        e["ys"].append([] if up is None else [view["y"][up], y, y])
        e["width"].append(4 if id_ in on_path else 1)
        e["color"].append("#C0392B" if id_ in on_path else "#B8B8B8")
        if view["kind"][i] == "word":
            code = "".join(map(str, tree.path(id_)[1]))
            for key, value in zip(w, (x, y, id_, vocab[id_], int(counts[id_]), x, code, colors[id_],
                                      12 if id_ == o else 6)):
                w[key].append(value)
        elif view["kind"][i] == "branch":
            n, most = int(size[id_]), vocab[int(top[id_])]
            for key, value in zip(f, (x, y, id_, n, most, f"{n:,} words: {most}, …", x)):
                f[key].append(value)
        else:  # left of the node, on the side of its incoming line away from the parent (the path comes from there)
            side = 0 if up is None else (1 if view["y"][up] < y else -1)   # 1: the parent is above, the label below
            for key, value in zip(lab, (x, y, text.get(id_, ""), *probability_placement(side))):
                lab[key].append(value)
    return dict(edges=e, leaves=w, branches=f, labels=lab)


def tree_view_figure(corpus, tree, W: np.ndarray, W_nodes: np.ndarray, center: str, context: str):
    """`tree_figure` on a vocabulary too large for a row per word: the same picks, path and
    probabilities, drawn on the part of the tree around the context word's path (`tree_view`),
    which follows the context word. Its height is the most rows any word's view needs, at most
    TREE_MAX_PX; the page carries the tree (O(V) numbers) and the vectors, not every view."""
    from bokeh.layouts import column, row
    from bokeh.models import ColumnDataSource, CustomJS, HoverTool, TapTool
    from bokeh.plotting import figure

    V = corpus.vocab_size
    summary = tree_summary(tree, corpus.counts)
    words = list(corpus.vocab)
    c, o = corpus.index[center], corpus.index[context]
    nodes, path_codes = tree.path(o)
    s = 1 / (1 + np.exp(-(W[c].astype(np.float64) @ W_nodes[:, nodes].astype(np.float64))))
    q = np.where(path_codes == 0, s, 1 - s)                 # the branch the path takes
    data = tree_view_data(corpus, tree, summary, o, q)      # the starting picture, as the callback draws it
    edges = ColumnDataSource(data["edges"], name="hs-tree-edges")
    leaves = ColumnDataSource(data["leaves"], name="hs-tree-leaves")
    branches = ColumnDataSource(data["branches"], name="hs-tree-branches")
    labels = ColumnDataSource(data["labels"], name="hs-tree-labels")

    rows = tree_view_rows(tree, summary)
    pitch = min(TREE_ROW_PX, (TREE_MAX_PX - 60) / rows)   # a row's height, the same in every view
    depth = int(tree.depth.max())
    shown = tree_view(tree, summary, o)["rows"]            # the plot is as tall as the view drawn
    p = figure(height=int(pitch * shown) + 60, sizing_mode="stretch_width", min_width=300, max_width=760,
               toolbar_location=None, x_range=tree_x_range(corpus, tree, summary), y_range=(shown, -1.5),
               tools="", name="hs-tree")
    p.multi_line("xs", "ys", source=edges, line_width="width", line_color="color")
    dots = p.scatter("x", "y", source=leaves, size="size", color="color", line_color="#333333",
                     nonselection_alpha=1.0)
    folded = p.scatter("x", "y", source=branches, marker="square", size=10, fill_color="#D9D9D9",
                       line_color="#333333", nonselection_alpha=1.0)
    _words_and_branch_labels(p, leaves, labels)
    p.text("x", "y", text="label", source=branches, x_offset=TREE_WORD_DX[1], text_font_size=f"{TREE_LABEL_FONT[1]}px",
           text_baseline="middle")
    p.add_tools(HoverTool(renderers=[dots], tooltips=[("word", "@word"), ("count", "@count"),
                                                      ("path", "@depth nodes"), ("code", "@code")]),
                HoverTool(renderers=[folded], tooltips=[("folded branch", "@n words"), ("most frequent", "@top"),
                                                        ("at depth", "@depth")]),
                TapTool(renderers=[dots, folded]))
    center_pick, context_pick = _style_and_pickers(p, depth, corpus, center, context)
    out = _path_product(center, context, q)
    update = CustomJS(args=dict(words=words, counts=[int(n) for n in corpus.counts], colors=word_colors(corpus),
                                # the tree, O(V): no word's path or view is stored, the callback reads them off it
                                parent=[int(n) for n in tree.parent], branch=[int(b) for b in tree.branch],
                                kids=summary["kids"].ravel().tolist(), size=summary["size"].tolist(),
                                top=summary["top"].tolist(), full=TREE_FULL_WORDS,
                                plot=p, pitch=pitch, gap=list(TREE_LABEL_PX),
                                # rounded as float64, so that each is written in at most 8 characters
                                W=W.astype(np.float64).round(5).ravel().tolist(),
                                nodeVectors=W_nodes.T.astype(np.float64).round(5).ravel().tolist(),
                                center=center_pick, context=context_pick,
                                edges=edges, labels=labels, leaves=leaves, branches=branches, out=out),
                      code=_PATH_JS + _TREE_VIEW_JS)
    center_pick.js_on_change("value", update)
    context_pick.js_on_change("value", update)
    leaves.selected.js_on_change("indices", update)
    branches.selected.js_on_change("indices", update)
    return column(row(center_pick, context_pick, styles={"flex-wrap": "wrap"}), out, p,
                  sizing_mode="stretch_width", spacing=6)


__all__ = ["figure_step", "update_comparison", "tree_figure", "tree_layout", "tree_summary", "tree_view",
           "tree_view_figure", "tree_x_range", "probability_placement", "tree_rule", "tree_alt", "LOG_DECADES"]
