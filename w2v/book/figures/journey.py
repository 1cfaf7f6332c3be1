"""Figures of the chapter "Training journey" (book/journey.md).

`loss_curve`: every step's loss (one step in `every` drawn) and its running mean.
`neighbour_evolution`: a word picker and a checkpoint slider driving the picked word's nearest
neighbours, its neighbour purity over training, and the corpus evidence for a picked neighbour.
`analogy_scorecard`: the analogy tests × checkpoints as a right/wrong grid, and the score.
`word_convergence`: each word's convergence step against its frequency, and the cosine of a few
words' rows to their final rows over training.
`weight_animation`: W as a heatmap at the run's snapshots, with play/pause and a slider.

Data go to the page once per figure, as compact typed arrays (ids as int16, values rounded to
4 decimals as float32); every interaction is a CustomJS callback reading them.
"""

from __future__ import annotations

import json

import numpy as np
from bokeh.layouts import column, row
from bokeh.models import (ColumnDataSource, CustomJS, CustomJSHover, CustomJSTickFormatter, Div,
                          FixedTicker, HoverTool, Label, Legend, LegendItem, LinearColorMapper, ColorBar, NumeralTickFormatter,
                          RadioButtonGroup, Range1d, Select, Slider, Span, TapTool, Toggle)
from bokeh.document import Document
from bokeh.plotting import figure

from . import DIVERGING, GROUP_COLORS, HEATMAP_WORDS, WORD_OF, heatmap_words, in_group, sorted_by, style_plot, symmetric_range
from ... import analysis

NEUTRAL = "#555555"
PALE = "#E8E8E8"
# picked words' lines and their labels: dark enough when thin, and text at ≥ 4.5:1 on white (Okabe &
# Ito's vermillion and reddish purple, darkened: #D55E00 and #CC79A7 were 3.9:1 and 3.1:1)
INKS = ("#222222", "#B35000", "#0072B2", "#A64D80")


def _style(p) -> None:
    style_plot(p)
    p.axis.major_label_text_font_size = "11px"
    p.toolbar.logo = None


def _steps_axis(axis) -> None:
    """A training-step axis: few ticks (readable at phone width), thousands separated."""
    axis.ticker.desired_num_ticks = 5
    axis.formatter = NumeralTickFormatter(format="0,0")


def running_mean(values: np.ndarray, window: int) -> np.ndarray:
    """(n,) mean of the last `window` values up to and including each position (fewer at the start)."""
    cums = np.concatenate([[0.0], np.cumsum(np.asarray(values, dtype=np.float64))])
    ends = np.arange(1, len(values) + 1)
    starts = np.maximum(0, ends - window)
    return (cums[ends] - cums[starts]) / (ends - starts)


def step_formatter(steps) -> CustomJSTickFormatter:
    """Slider label: checkpoint number → 'step N'."""
    return CustomJSTickFormatter(args=dict(steps=[int(s) for s in steps]),
                                 code="return 'step ' + steps[Math.round(tick)].toLocaleString('en')")


# ------------------------------------------------------------------ loss

def loss_curve(losses: np.ndarray, vocab_size: int, window: int, every: int = 5, floor: float | None = None):
    """Per-step loss (every `every`-th step, light) and its trailing `window`-step mean (bold);
    `floor`, if given, is drawn as a line: H(o|c), the mean loss no model of the pairs goes
    below, and a softmax only approaches (w2v.counts.loss_floor)."""
    n = len(losses)
    steps = np.arange(0, n, every)
    mean = running_mean(losses, window)
    light = ColumnDataSource(dict(step=steps.astype(np.int32), loss=losses[steps].round(4).astype(np.float32)),
                             name="journey-loss-steps")
    bold = ColumnDataSource(dict(step=steps.astype(np.int32), loss=mean[steps].round(4).astype(np.float32)),
                            name="journey-loss-mean")
    top = float(max(np.log(vocab_size), losses.max())) * 1.05
    p = figure(name="journey-loss", height=360, sizing_mode="stretch_width", x_range=Range1d(0, n),
               y_range=Range1d(0, top), tools="xpan,xwheel_zoom,reset", active_scroll=None,
               x_axis_label="training step", y_axis_label="loss = −ln p[context]")
    dots = p.scatter("step", "loss", source=light, size=2.5, color="#7FA7C9", alpha=0.35)
    line = p.line("step", "loss", source=bold, line_width=3, color="#0B3C68")
    p.add_layout(Span(location=float(np.log(vocab_size)), dimension="width", line_color="#C0392B",
                      line_dash="dashed", line_width=1.5))
    p.add_layout(Label(x=n, y=float(np.log(vocab_size)), text=f"uniform guess: ln {vocab_size}",
                       text_align="right", text_baseline="bottom", text_font_size="12px",
                       text_color="#C0392B", x_offset=-4, y_offset=2))
    if floor is not None:
        p.add_layout(Span(location=float(floor), dimension="width", line_color="#006D4E", line_dash="dotdash",
                          line_width=2))
        p.add_layout(Label(x=n, y=float(floor), text=f"floor H(o|c) = {floor:.2f}", text_align="right",
                           text_baseline="top", text_font_size="12px", text_color="#006D4E", x_offset=-4,
                           y_offset=-3, background_fill_color="white", background_fill_alpha=0.8))
    p.add_tools(HoverTool(renderers=[line], mode="vline",
                          tooltips=[("step", "@step{0,0}"), ("mean loss", "@loss{0.000}")]))
    _steps_axis(p.xaxis)
    # the legend sits above the plot, off the data
    p.add_layout(Legend(items=[LegendItem(label=f"loss of one step (every {every}th step drawn)",
                                          renderers=[dots]),
                               LegendItem(label=f"mean of the last {window} steps", renderers=[line])],
                        location="top_left", label_text_font_size="12px", padding=2, margin=2,
                        spacing=0), "above")
    _style(p)
    return p


# ------------------------------------------------------------------ neighbours

_EVIDENCE_JS = r"""
function esc(s) { return s.replace(/&/g, '&amp;').replace(/</g, '&lt;') }
function marked(s, hot) {
  return '“' + sentences[s].split(' ').map(t => {
    const i = hot.indexOf(t)
    return i < 0 ? esc(t) : `<mark class="w2v-ev${i}">${esc(t)}</mark>`
  }).join(' ') + '”'
}
function listOf(ws) { return ws.map(w => '<b>' + esc(w) + '</b>').join(', ') }
function evidenceHtml(a, b, cos, step) {
  const key = a < b ? a + ',' + b : b + ',' + a
  const e = evidence instanceof Map ? evidence.get(key) : evidence[key]
  const A = words[a], B = words[b]
  let h = `<p class="w2v-ev-head"><b>${esc(A)}</b> and <b>${esc(B)}</b>: cosine ${cos.toFixed(2)} at step ${step.toLocaleString('en')}.</p>`
  if (e == null) return h + '<p>No corpus evidence recorded for this pair.</p>'
  const [together, nTogether, shared, nShared, ex] = e
  const sharedWords = shared.map(c => words[c])
  if (nTogether > 0) {
    h += `<p>They appear within ${window} word${window > 1 ? 's' : ''} of each other in ${nTogether} sentence${nTogether > 1 ? 's' : ''}:</p><ul>`
    for (const s of together) h += '<li>' + marked(s, [A, B]) + '</li>'
    h += '</ul>'
    if (nShared > 0)
      h += `<p>They also share ${nShared} context word${nShared > 1 ? 's' : ''}, most of all ${listOf(sharedWords)}.</p>`
  } else if (nShared > 0) {
    h += `<p>They never appear within ${window} word${window > 1 ? 's' : ''} of each other. The similarity comes through shared third words: ` +
         `the two share ${nShared} context word${nShared > 1 ? 's' : ''}, most of all ${listOf(sharedWords)}.</p><ul>`
    for (let i = 0; i < ex.length; i += 3) {
      const c = words[ex[i]]
      h += `<li>${marked(ex[i + 1], [A, B, c])} and ${marked(ex[i + 2], [A, B, c])}</li>`
    }
    h += '</ul>'
  } else {
    h += `<p>They never appear within ${window} word${window > 1 ? 's' : ''} of each other and share no context word: ` +
         'nothing in the corpus pulls them together directly. Their closeness here is indirect, or left over from the random start.</p>'
  }
  return h
}
"""

def _evidence_blocks(corpus, evidence: dict, a: int, b: int) -> list[int]:
    """About how many characters each paragraph and list item of evidenceHtml(a, b) has: the head,
    then the sentences (or pairs of sentences) shown, and the sentences around them."""
    e = evidence.get(f"{min(a, b)},{max(a, b)}")
    head = len(corpus.vocab[a]) + len(corpus.vocab[b]) + 36
    if e is None:
        return [head, 45]
    together, n_together, shared, n_shared, examples = e
    sentence = lambda i: len(" ".join(corpus.sentences[i])) + 2
    named = sum(len(corpus.vocab[c]) + 2 for c in shared) + 60
    if n_together:
        return [head, 60] + [sentence(i) for i in together] + ([named] if n_shared else [])
    if n_shared:
        return [head, named + 100] + [sentence(examples[i + 1]) + sentence(examples[i + 2]) + 5
                                      for i in range(0, len(examples), 3)]
    return [head, 190]


_NEIGHBOUR_JS = _EVIDENCE_JS + r"""
// the data holds a row per offered word: rows[r] is row r's word id (every word in order, on a
// vocabulary the page can carry whole)
const V = rows.length, C = steps.length
const w = words.indexOf(picker.value), row = rows.indexOf(w)
if (w < 0 || row < 0) return
const c = Math.round(slider.value)
if (cb_obj === picker && radio.active !== 0) { radio.active = 0; return }   // its own change redraws
if (cb_obj === bars.selected) {
  const i = bars.selected.indices
  if (i.length === 1 && i[0] !== radio.active) { radio.active = i[0]; return }
}
const ids = data.data.ids, cos = data.data.cos
const base = (c * V + row) * k
const nb = Array.from(ids.slice(base, base + k)), nc = Array.from(cos.slice(base, base + k))
bars.data = {
  rank: bars.data.rank, cos: nc, word: nb.map(i => words[i]), group: nb.map(i => groupNames[groups[i]]),
  color: nb.map(i => colors[groups[i]]), label: nb.map((i, r) => words[i] + '  ' + nc[r].toFixed(2)),
}
const pick = Math.min(radio.active ?? 0, k - 1)
if (bars.selected.indices.length !== 1 || bars.selected.indices[0] !== pick) bars.selected.indices = [pick]
radio.labels = nb.map(i => words[i])
barPlot.title.text = `“${words[w]}”${inGroup[groups[w]]}, step ${steps[c].toLocaleString('en')}`
// this word's share of top-3 neighbours in its own group, at every checkpoint
const share = []
for (let cc = 0; cc < C; cc++) {
  let same = 0
  for (let r = 0; r < top; r++) same += groups[ids[(cc * V + row) * k + r]] === groups[w] ? 1 : 0
  share.push(same / top)
}
purity.data = {step: purity.data.step, share}
purityLine.glyph.line_color = colors[groups[w]]
purityItem.label = {value: `“${words[w]}”`}
now.location = steps[c]
out.text = evidenceHtml(w, nb[pick], nc[pick], steps[c])
"""


NEIGHBOUR_BYTES = 400_000  # the neighbour figure's data (neighbours, cosines, evidence) stays about this small


def neighbour_words(corpus, start_word: str, neighbors: np.ndarray, evidence: dict,
                    budget: int = HEATMAP_WORDS) -> np.ndarray | None:
    """Word ids the neighbour figure offers, in group order: None (every word) when V ≤ `budget`;
    otherwise the most frequent words (ties in vocabulary order), at most `budget` and only as many
    as keep the data the page gets for them (their neighbours and cosines at every checkpoint, the
    evidence of their pairs, and the corpus's words and sentences) within NEIGHBOUR_BYTES; the word
    the figure opens on is always offered. Their neighbours may be any word."""
    if corpus.vocab_size <= budget:
        return None
    C, V, k = neighbors.shape
    size = len(json.dumps(list(corpus.vocab))) + sum(len(" ".join(s)) + 3 for s in corpus.sentences)
    start, seen, keep = corpus.index[start_word], set(), []
    for w in [corpus.index[start_word]] + [int(i) for i in np.argsort(-np.asarray(corpus.counts), kind="stable")]:
        if w in keep or (w != start and len(keep) >= budget):
            continue
        pairs = {f"{min(w, b)},{max(w, b)}" for b in neighbors[:, w].ravel().tolist()} - seen
        cost = C * k * 8 + sum(len(key) + len(json.dumps(evidence.get(key))) + 4 for key in pairs)
        if w != start and size + cost > NEIGHBOUR_BYTES:
            break
        size += cost
        seen |= pairs
        keep.append(w)
    chosen = set(keep)
    return np.array([i for i in np.argsort(corpus.word_group, kind="stable") if i in chosen])


def neighbour_rule(corpus, shown, start_word: str) -> str:
    """The caption's sentence that says which words the neighbour figure offers ("" if every word)."""
    if shown is None:
        return ""
    frequent = set(heatmap_words(corpus, len(shown)).tolist())
    extra = "" if set(shown.tolist()) == frequent else f" and “{start_word}”, the word it opens on"
    n = len(shown) - (1 if extra else 0)
    return (f" The picker offers the {n} most frequent of the {corpus.vocab_size:,} words{extra}, as many as keep "
            f"the figure's data under {NEIGHBOUR_BYTES / 1e3:.0f} kB (their neighbours can be any word): every "
            "word's neighbours at every checkpoint would be too large for a page.")


def neighbour_evolution(corpus, checkpoint_steps, neighbors: np.ndarray, cosines: np.ndarray,
                        evidence: dict, window: int, start_word: str, top: int = 3, shown=None):
    """Word picker + checkpoint slider → top-k neighbours (bars), own-group share over training
    (lines) and the corpus evidence for the picked neighbour (text).

    `neighbors`, `cosines` are the run's (C, V, k) arrays; they go to the page once, flattened.
    `evidence` is `w2v.evidence.evidence_table` for every pair that is ever a neighbour.
    `shown` (word ids, `neighbour_words`), if given, are the only words the picker offers: only their
    rows of `neighbors` and `cosines`, and the evidence of their pairs, go to the page.
    """
    C, V, k = neighbors.shape
    words, groups = list(corpus.vocab), [int(g) for g in corpus.word_group]
    colors = list(GROUP_COLORS[:len(corpus.groups)])
    all_neighbors = neighbors
    rows = list(range(V)) if shown is None else [int(i) for i in shown]   # row r of the page's data is word rows[r]
    if shown is not None:
        pairs = {f"{min(a, b)},{max(a, b)}" for a, b in zip(np.repeat(shown, k).tolist() * C,
                                                            neighbors[:, shown].ravel().tolist())}
        evidence = {key: value for key, value in evidence.items() if key in pairs}
        neighbors, cosines = neighbors[:, shown], cosines[:, shown]
    data = ColumnDataSource(dict(ids=neighbors.ravel().astype(np.int16),
                                 cos=cosines.ravel().round(4).astype(np.float32)), name="journey-neighbour-data")
    steps = [int(s) for s in checkpoint_steps]
    c0, w0 = C - 1, corpus.index[start_word]
    r0 = rows.index(w0)                                  # its row of the data
    nb, nc = neighbors[c0, r0].tolist(), cosines[c0, r0].round(4).tolist()
    bars = ColumnDataSource(dict(rank=list(range(k)), cos=nc, word=[words[i] for i in nb],
                                 group=[corpus.groups[groups[i]] for i in nb], color=[colors[groups[i]] for i in nb],
                                 label=[f"{words[i]}  {x:.2f}" for i, x in zip(nb, nc)]), name="journey-neighbours")
    bars.selected.indices = [0]
    low = min(0.0, float(cosines.min()))
    bar_plot = figure(name="journey-neighbour-bars", height=250, sizing_mode="stretch_width",
                      x_range=Range1d(low, 1.35), y_range=Range1d(k - 0.5, -0.5), tools="tap",
                      toolbar_location=None, x_axis_label="cosine similarity to the picked word",
                      y_axis_label="rank", min_border_top=8,
                      title=f"“{start_word}”{in_group(corpus.groups[groups[w0]])}, step {steps[c0]:,}")
    r = bar_plot.hbar(y="rank", left=0, right="cos", height=0.72, source=bars, fill_color="color",
                      line_color="#333333", line_width=0.5, nonselection_fill_alpha=0.45,
                      nonselection_line_alpha=0.45, selection_line_width=2.5)
    bar_plot.text(x="cos", y="rank", text="label", source=bars, x_offset=5, text_baseline="middle",
                  text_font_size="13px", nonselection_text_alpha=1.0)
    bar_plot.add_tools(HoverTool(renderers=[r], tooltips=[("neighbour", "@word (@group)"),
                                                          ("cosine", "@cos{0.000}")]))
    bar_plot.select_one(TapTool).renderers = [r]
    bar_plot.yaxis.ticker = FixedTicker(ticks=list(range(k)))
    bar_plot.yaxis.major_label_overrides = {i: str(i + 1) for i in range(k)}
    bar_plot.ygrid.grid_line_color = None
    bar_plot.xaxis.ticker = FixedTicker(ticks=[x / 5 for x in range(int(np.floor(low * 5)), 6)])
    _style(bar_plot)

    share0 = analysis.purity_per_word(all_neighbors, corpus.word_group, top)[:, w0]
    avg = [analysis.neighbor_purity(all_neighbors[c], corpus.word_group, top) for c in range(C)]
    purity = ColumnDataSource(dict(step=steps, share=share0.round(4).tolist()), name="journey-purity-word")
    average = ColumnDataSource(dict(step=steps, share=np.round(avg, 4).tolist()), name="journey-purity-average")
    pur = figure(name="journey-purity", height=230, sizing_mode="stretch_width",
                 x_range=Range1d(0, steps[-1]), y_range=Range1d(-0.04, 1.04), tools="", toolbar_location=None,
                 x_axis_label="training step", y_axis_label=f"share of top-{top} in own group")
    la = pur.line("step", "share", source=average, line_width=3, color=NEUTRAL)
    lw = pur.step("step", "share", source=purity, mode="after", line_width=2, color=colors[groups[w0]])
    pur.scatter("step", "share", source=purity, size=4, color=NEUTRAL, alpha=0.6)
    item = LegendItem(label=f"“{start_word}”", renderers=[lw])
    pur.add_layout(Legend(items=[LegendItem(label="average over all words", renderers=[la]), item],
                          orientation="horizontal", location="top_left", label_text_font_size="12px",
                          padding=2, margin=2), "above")
    now = Span(location=steps[c0], dimension="height", line_color="#C0392B", line_width=1.5)
    pur.add_layout(now)
    pur.yaxis.ticker = FixedTicker(ticks=[i / top for i in range(top + 1)])
    _steps_axis(pur.xaxis)
    pur.add_tools(HoverTool(renderers=[la], mode="vline", tooltips=[("step", "@step{0,0}"), ("average share", "@share{0.00}")]))
    _style(pur)

    offered = set(words) if shown is None else {words[i] for i in shown}
    picker = Select(name="journey-picker", title="Word:", value=start_word, width=240,
                    options={g: ws for g in corpus.groups
                             if (ws := [w for w in corpus.words_in_group(g) if w in offered]) or shown is None})
    slider = Slider(name="journey-slider", title="Checkpoint", start=0, end=C - 1, step=1, value=c0,
                    format=step_formatter(steps), sizing_mode="stretch_width", min_width=180)
    radio = RadioButtonGroup(name="journey-neighbour-pick", labels=[words[i] for i in nb], active=0)
    # the evidence is written by the page's script (evidenceHtml) once the figure is drawn; its
    # blocks' lengths in the first view keep its room (w2v.book.figures.room_height)
    out = Div(name="journey-evidence", sizing_mode="stretch_width", styles={"font-size": "14px"},
              tags=[{"text_blocks": _evidence_blocks(corpus, evidence, w0, nb[0]), "margins": 24}],  # p and ul, below
              stylesheets=[":host mark.w2v-ev0, :host mark.w2v-ev1 {background: #FFE08A; padding: 0 2px}"
                           ":host mark.w2v-ev2 {background: #CDE7F7; padding: 0 2px}"
                           ":host ul {margin: 0.2em 0 0.6em 1.2em; padding: 0} :host p {margin: 0.3em 0}"])
    args = dict(words=words, groups=groups, groupNames=list(corpus.groups), inGroup=[in_group(g) for g in corpus.groups], colors=colors, steps=steps, k=k, top=top,
                data=data, bars=bars, barPlot=bar_plot, purity=purity, purityLine=lw, purityItem=item, now=now,
                picker=picker, slider=slider, radio=radio, out=out, evidence=evidence, window=window,
                sentences=[" ".join(s) for s in corpus.sentences], rows=rows)
    update = CustomJS(args=args, code=_NEIGHBOUR_JS)
    picker.js_on_change("value", update)
    slider.js_on_change("value", update)
    radio.js_on_change("active", update)
    bars.selected.js_on_change("indices", update)

    controls = column(picker, slider, sizing_mode="stretch_width")
    pick_label = Div(text="Corpus evidence for the neighbour (click a bar or pick one):",
                     styles={"font-size": "14px", "font-weight": "600"})
    layout = column(controls, bar_plot, pick_label, radio, out, pur, sizing_mode="stretch_width", spacing=8)
    # The first view is drawn by the same JS as every later one (the evidence text exists only there):
    # the layout gets its own document, whose "document_ready" runs `update`; embed() keeps that document.
    doc = Document()
    doc.add_root(layout)
    doc.js_on_event("document_ready", update)
    return layout


# ------------------------------------------------------------------ analogies

def analogy_scorecard(corpus, checkpoint_steps, answers: np.ndarray, ranks: np.ndarray):
    """(A, C) grid of right/wrong answers, hover with the answer and the rank of the right word;
    below it the score k/A at every checkpoint."""
    C, A = ranks.shape
    steps = np.asarray(checkpoint_steps, dtype=np.int64)
    width = float(np.median(np.diff(steps))) if C > 1 else 1.0
    labels = [f"{a} : {b} :: {c} : {d}" for a, b, c, d in corpus.analogies]
    cc, aa = np.meshgrid(np.arange(C), np.arange(A), indexing="ij")
    correct = (ranks == 1).ravel()
    grid = ColumnDataSource(dict(
        step=steps[cc.ravel()].astype(np.int32), test=aa.ravel().astype(np.int32),
        analogy=[labels[a] for a in aa.ravel()], answer=[corpus.vocab[i] for i in answers.ravel()],
        expected=[corpus.analogies[a][3] for a in aa.ravel()], rank=ranks.ravel().astype(np.int32),
        result=["right" if x else "wrong" for x in correct],
        color=["#009E73" if x else PALE for x in correct]), name="journey-analogy-grid")
    x_range = Range1d(-width / 2, steps[-1] + width / 2)
    # each test's label sits just above its row, inside the plot, so the grid keeps the full width on phones
    p = figure(name="journey-analogies", height=50 + 52 * A, sizing_mode="stretch_width", x_range=x_range,
               y_range=Range1d(A - 0.45, -0.95), tools="", toolbar_location=None, x_axis_location="above",
               x_axis_label="checkpoint (training step)")
    cells = p.rect("step", "test", width * 0.92, 0.5, source=grid, fill_color="color", line_color="#BBBBBB",
                   line_width=0.5)
    p.text(x=float(-width / 2), y=[a - 0.3 for a in range(A)], text=labels, text_baseline="bottom",
           text_font_size="12px", text_color="#222222", x_offset=2)
    p.add_tools(HoverTool(renderers=[cells], tooltips=[
        ("analogy", "@analogy"), ("step", "@step{0,0}"), ("model answers", "@answer (@result)"),
        ("expected answer", "@expected, ranked @rank")]))
    p.yaxis.visible = False
    p.grid.grid_line_color = None
    _steps_axis(p.xaxis)
    _style(p)

    score = (ranks == 1).sum(axis=1)
    scores = ColumnDataSource(dict(step=steps.astype(np.int32), score=score.astype(np.int32)),
                              name="journey-analogy-score")
    s = figure(name="journey-analogy-score-plot", height=200, sizing_mode="stretch_width", x_range=x_range,
               y_range=Range1d(-0.3, A + 0.3), tools="", toolbar_location=None,
               x_axis_label="training step", y_axis_label=f"analogies right (of {A})")
    line = s.step("step", "score", source=scores, mode="center", line_width=2.5, color="#0072B2")
    s.scatter("step", "score", source=scores, size=6, color="#0072B2")
    s.add_tools(HoverTool(renderers=[line], mode="vline", tooltips=[("step", "@step{0,0}"), ("right", f"@score of {A}")]))
    s.yaxis.ticker = FixedTicker(ticks=list(range(A + 1)))
    _steps_axis(s.xaxis)
    _style(s)
    return column(p, s, sizing_mode="stretch_width", spacing=4)


# ------------------------------------------------------------------ convergence

def spread_ties(x: np.ndarray, y: np.ndarray, gap: float) -> np.ndarray:
    """(n,) sideways offsets in log10(x) so that no two points drawn at the same y sit closer
    than `gap` (a 1-D beeswarm on a log x axis). A run of crowded points is spaced `gap` apart
    and centred on the mean of their true log10(x); a point with room keeps offset 0. The y
    values, the measured ones, are never moved."""
    logx = np.log10(np.asarray(x, dtype=float))
    y = np.asarray(y)
    offsets = np.zeros(len(logx))
    for level in np.unique(y):
        idx = np.flatnonzero(y == level)
        idx = idx[np.lexsort((idx, logx[idx]))]              # left to right, ties by index
        blocks: list[list[int]] = []                          # runs of points spaced `gap` apart

        def centre(block):
            return float(logx[block].mean())

        for i in idx.tolist():
            blocks.append([i])
            while len(blocks) > 1:                            # merge while the last run overlaps
                a, b = blocks[-2], blocks[-1]
                a_end = centre(a) + (len(a) - 1) / 2 * gap
                b_start = centre(b) - (len(b) - 1) / 2 * gap
                if b_start - a_end >= gap - 1e-9:
                    break
                blocks[-2:] = [a + b]
        for block in blocks:
            c = centre(block)
            for n, i in enumerate(block):
                offsets[i] = c + (n - (len(block) - 1) / 2) * gap - logx[i]
    return offsets


def word_convergence(corpus, checkpoint_steps, conv_steps: np.ndarray, cosines: np.ndarray, picked: list[int],
                     spread: np.ndarray, threshold: float = analysis.CONVERGED_COSINE):
    """Convergence step against frequency (one dot per word, group colours) and, below, the
    cosine of the `picked` word ids' rows to their final rows at every checkpoint, with the
    convergence threshold dashed. `spread` (V,) moves dots sideways, in log10 of the count
    (see `spread_ties`); the hover shows the true count and step."""
    steps = [int(s) for s in checkpoint_steps]
    groups = corpus.word_group
    counts = corpus.counts
    shown = counts * 10.0 ** np.asarray(spread)
    dots = ColumnDataSource(dict(count=counts.astype(np.int32), x=shown.round(4).astype(np.float32),
                                 conv=conv_steps.astype(np.int32), word=list(corpus.vocab),
                                 group=[corpus.groups[g] for g in groups],
                                 color=[GROUP_COLORS[g] for g in groups]), name="journey-convergence-words")
    p = figure(name="journey-convergence", height=400, sizing_mode="stretch_width", x_axis_type="log",
               x_range=Range1d(float(shown.min()) / 1.25, float(shown.max()) * 2.5),
               y_range=Range1d(-steps[-1] * 0.04, steps[-1] * 1.06), tools="", toolbar_location=None,
               x_axis_label="occurrences in the corpus (log scale)",
               y_axis_label="convergence step")
    r = p.scatter("x", "conv", source=dots, size=9, fill_color="color", line_color="#333333", line_width=0.6,
                  alpha=0.85)
    for n, i in enumerate(picked):
        p.add_layout(Label(x=float(shown[i]), y=int(conv_steps[i]), text=corpus.vocab[i],
                           x_offset=7, y_offset=-2, text_font_size="12px", text_font_style="bold",
                           text_color=INKS[n % len(INKS)],
                           background_fill_color="white", background_fill_alpha=0.7))
    p.add_tools(HoverTool(renderers=[r], tooltips=[("word", "@word (@group)"), ("occurs", "@count times"),
                                                   ("converged at step", "@conv{0,0}")]))
    _steps_axis(p.yaxis)
    _style(p)

    lowest = min(float(cosines[:, picked].min()), threshold)
    curves = figure(name="journey-cosine", height=340, sizing_mode="stretch_width", x_range=Range1d(0, steps[-1]),
                    y_range=Range1d(min(0.0, lowest - 0.05), 1.04), tools="", toolbar_location=None,
                    x_axis_label="training step", y_axis_label="cosine to its final row")
    # the threshold is a line glyph (not a Span) so that the legend, off the data, can name it
    bar = curves.line([0, steps[-1]], [threshold, threshold], line_color="#777777", line_dash="dashed",
                      line_width=1.5, name="journey-cosine-threshold")
    items = [LegendItem(label=f"threshold: cosine {threshold}", renderers=[bar])]
    dashes = ["solid", "dashed", "dotdash", "dotted"]
    for n, i in enumerate(picked):
        src = ColumnDataSource(dict(step=steps, cos=cosines[:, i].round(4).tolist(),
                                    word=[corpus.vocab[i]] * len(steps)), name=f"journey-cosine-{corpus.vocab[i]}")
        line = curves.line("step", "cos", source=src, line_width=2.5, color=INKS[n % len(INKS)],
                           line_dash=dashes[n % len(dashes)])
        curves.add_layout(Span(location=int(conv_steps[i]), dimension="height", line_color=INKS[n % len(INKS)],
                               line_dash=dashes[n % len(dashes)], line_width=1, line_alpha=0.8))
        items.append(LegendItem(label=f"{corpus.vocab[i]} ({int(counts[i])}×, converged at {int(conv_steps[i]):,})",
                                renderers=[line]))
        curves.add_tools(HoverTool(renderers=[line], tooltips=[("word", "@word"), ("step", "@step{0,0}"),
                                                               ("cosine to final", "@cos{0.000}")]))
    curves.add_layout(Legend(items=items, location="top_left", label_text_font_size="12px", padding=2, margin=2,
                             spacing=0), "above")
    _steps_axis(curves.xaxis)
    _style(curves)
    return column(p, curves, sizing_mode="stretch_width", spacing=8)


# ------------------------------------------------------------------ weights

_ANIMATION_JS = r"""
const n = V * D, s = Math.round(slider.value)
cells.data = {x: cells.data.x, y: cells.data.y, v: all.data.v.slice(s * n, (s + 1) * n)}
plot.title.text = `W at step ${steps[s].toLocaleString('en')} (snapshot ${s + 1} of ${steps.length})`
"""

PLAY_JS = r"""
// A change of label re-renders the button: a reader who pressed it with the keyboard keeps focus
// on it (so that Space pauses again), rather than being dropped to the top of the page.
const viewOf = () => Bokeh.index.find_one(toggle)
const before = viewOf()
const hadFocus = before != null && before.shadow_el != null && before.shadow_el.activeElement != null
if (toggle.active) {
  toggle.label = '❚❚ Pause'
  if (slider.value >= slider.end) slider.value = 0
  toggle.tags = [setInterval(() => {
    if (slider.value >= slider.end) { toggle.active = false; return }
    slider.value = slider.value + 1
  }, ms)]
} else {
  toggle.label = '▶ Play'
  for (const id of toggle.tags) clearInterval(id)
  toggle.tags = []
}
if (hadFocus) {  // BokehJS redraws the button after this callback: focus the new one then
  const refocus = (tries) => {
    const view = viewOf()
    const button = view && view.shadow_el && view.shadow_el.querySelector('button')
    const lost = document.activeElement == null || document.activeElement === document.body
    if (button && lost) button.focus()
    if (tries > 0) setTimeout(() => refocus(tries - 1), 50)
  }
  requestAnimationFrame(() => setTimeout(() => refocus(4), 0))
}
"""

# Word labels under the weight heatmap: every `stride`-th word, so that no two 8 px labels overlap
# at the plot's width (all 96 on a laptop, every third on a phone). Runs whenever the width changes.
_WORD_TICKS_JS = r"""
const width = cb_obj.inner_width
if (!(width > 0)) return
const stride = Math.max(1, Math.ceil(px * V / width))
const ticks = []
for (let i = 0; i < V; i += stride) ticks.push(i)
if (ticks.length !== ticker.ticks.length) ticker.ticks = ticks
"""
# The Play button: Bokeh's "primary" blue gives white text 3.6:1; this darker blue gives 7.3:1.
PLAY_CSS = (":host .bk-btn-primary { background-color: #0B5A8F; border-color: #084A76; color: #fff }"
             ":host .bk-btn-primary:hover, :host .bk-btn-primary.bk-active { background-color: #084A76; }")


def weight_animation(corpus, snapshot_steps, W_snapshots: np.ndarray, order: np.ndarray, ms: int = 800):
    """W (the words of `order` along x, in that order; dimensions down y) at every snapshot, one
    fixed diverging colour scale over all snapshots; a slider and a play/pause toggle."""
    S, D, V = len(W_snapshots), W_snapshots.shape[2], len(order)   # the words of `order` only
    words = [corpus.vocab[i] for i in order]
    row_groups = corpus.word_group[order]
    values = W_snapshots[:, order, :]                                   # (S, V, D) display order
    half = symmetric_range(values)
    xs, ys = np.divmod(np.arange(V * D), D)                             # cell i = word xs[i], dimension ys[i]
    steps = [int(s) for s in snapshot_steps]
    all_v = ColumnDataSource(dict(v=values.reshape(S, -1).ravel().round(4).astype(np.float32)),
                             name="journey-weight-snapshots")
    cells = ColumnDataSource(dict(x=xs.astype(np.int16), y=ys.astype(np.int16),
                                  v=values[0].ravel().round(4).astype(np.float32)), name="journey-weight-cells")
    mapper = LinearColorMapper(palette=list(DIVERGING), low=-half, high=half)
    p = figure(name="journey-weights", height=340, sizing_mode="stretch_width",
               x_range=Range1d(-0.5, V - 0.5), y_range=Range1d(D - 0.5, -1.9), tools="", toolbar_location=None,
               x_axis_label=f"word ({sorted_by(corpus)})", y_axis_label="dimension",
               title=f"W at step {steps[0]:,} (snapshot 1 of {S})")
    r = p.rect("x", "y", 1, 1, source=cells, line_color=None, fill_color={"field": "v", "transform": mapper})
    strip = p.rect(x=list(range(V)), y=-1.1, width=1, height=0.8, line_color=None,
                   fill_color=[GROUP_COLORS[g] for g in row_groups])
    word_of = CustomJSHover(args=dict(words=words, groups=[corpus.groups[g] for g in row_groups]),
                            code=WORD_OF)
    p.add_tools(HoverTool(renderers=[r], formatters={"@x": word_of},
                          tooltips=[("word", "@x{word}@x{in_group}"), ("dimension", "@y"), ("value", "@v{0.0000}")]))
    p.add_tools(HoverTool(renderers=[strip], formatters={"$index": word_of},
                          tooltips=[("group", "$index{group}"), ("word", "$index{word}")]))
    word_ticker = FixedTicker(ticks=list(range(V)))
    p.xaxis.ticker = word_ticker
    # every word's label, or every few words', at least 14 px apart (11 px labels, upright)
    p.js_on_change("inner_width", CustomJS(args=dict(ticker=word_ticker, V=V, px=14), code=_WORD_TICKS_JS))
    p.xaxis.major_label_overrides = dict(enumerate(words))
    p.xaxis.major_label_orientation = np.pi / 2
    p.yaxis.ticker = FixedTicker(ticks=list(range(D)))
    p.grid.grid_line_color = None
    p.add_layout(ColorBar(color_mapper=mapper, title="weight value (same scale for every step)",
                          orientation="horizontal", height=10, padding=4, title_text_font_size="12px",
                          title_text_font_style="normal"), "below")
    _style(p)
    p.xaxis.major_label_text_font_size = "11px"

    slider = Slider(name="journey-weight-slider", title="Snapshot", start=0, end=S - 1, step=1, value=0,
                    format=step_formatter(steps), sizing_mode="stretch_width", min_width=160)
    toggle = Toggle(name="journey-play", label="▶ Play", active=False, width=100, button_type="primary",
                    stylesheets=[PLAY_CSS])
    slider.js_on_change("value", CustomJS(args=dict(V=V, D=D, slider=slider, cells=cells, all=all_v, plot=p,
                                                    steps=steps), code=_ANIMATION_JS))
    toggle.js_on_change("active", CustomJS(args=dict(toggle=toggle, slider=slider, ms=ms), code=PLAY_JS))
    return column(row(toggle, slider, sizing_mode="stretch_width"), p, sizing_mode="stretch_width", spacing=6)


# ------------------------------------------------------------------ seeds

def seed_bands(steps, purity: np.ndarray, analogies: np.ndarray, own: int, n_tests: int):
    """Purity and analogy score over training for every seed run (S, C): the min–max band, the
    median, and the book's own run (row `own`) on top."""
    steps = np.asarray(steps, dtype=np.int64)
    plots = []
    for name, values, label, scale in (("purity", 100 * purity, "top-3 purity (%)", (0, 100)),
                                       ("analogies", analogies, f"analogies right (of {n_tests})", (-0.3, n_tests + 0.3))):
        source = ColumnDataSource(dict(step=steps.astype(np.int32), low=values.min(0), high=values.max(0),
                                       median=np.median(values, 0), own=values[own]),
                                  name=f"journey-seed-{name}")
        p = figure(name=f"journey-seed-{name}-plot", height=220, sizing_mode="stretch_width", tools="",
                   toolbar_location=None, y_range=Range1d(*scale), x_axis_label="training step", y_axis_label=label)
        band = p.varea("step", "low", "high", source=source, fill_color="#0072B2", fill_alpha=0.2)
        median = p.line("step", "median", source=source, line_width=2, color="#0072B2", line_dash="dashed")
        mine = p.line("step", "own", source=source, line_width=2.5, color="#222222")
        if not plots:  # one legend, above the first chart: inside either chart it covers the curves at 390 px
            p.add_layout(Legend(items=[LegendItem(label="range over seeds", renderers=[band]),
                                       LegendItem(label="median", renderers=[median]),
                                       LegendItem(label="this book's run", renderers=[mine])],
                                orientation="horizontal", label_text_font_size="11px", spacing=10,
                                padding=4, margin=0), "above")
        fmt = "0.0" if name == "purity" else "0"
        p.add_tools(HoverTool(renderers=[mine], mode="vline", tooltips=[
            ("step", "@step{0,0}"), ("this run", f"@own{{{fmt}}}"), ("median", f"@median{{{fmt}}}"),
            ("range", f"@low{{{fmt}}} – @high{{{fmt}}}")]))
        _steps_axis(p.xaxis)
        _style(p)
        plots.append(p)
    return column(*plots, sizing_mode="stretch_width", spacing=8)


def bigger_model_table(name: str, recipes: list[tuple[str, dict, int]], t: int) -> str:
    """One row per recipe (label, `analogy_diagnostics` over its runs, number of runs) for test `t`:
    the columns of the "What answers each test" table, so the two read side by side."""
    from ..kit import html_table

    rows = [[label, f"{int(found['right_count'][t])} of {n}", int(found["nearest_of_c_count"][t]),
             int(found["nearest_of_b_count"][t]), f"{found['offset_cos_median'][t]:.2f}",
             f"{found['cos_ac_median'][t]:.2f}", "the offset" if found["by_offset"][t] else "neither"]
            for label, found, n in recipes]
    return html_table(["recipe", "3CosAdd", "near c", "near b", "offset", "a, c", "answered by"], rows,
                      caption=f"{name} under the book's recipe and a bigger one, over the same seeds: the columns "
                              "of the table above (runs where 3CosAdd is right, where the nearest word to c or to b "
                              "is already d; median cosines of the offsets and of a and c).",
                      numeric=(1, 2, 3, 4, 5), table_id="what-it-takes-table")
