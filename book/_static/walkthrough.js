// "One training step, forward and backward" (book/walkthrough.md): any training step of the
// book's run, computed in the page, with no server.
//
// The page carries the run's checkpoints (W and W′ before every 500th step; on a large vocabulary only
// every k-th of them, by a budget: w2v.book.walkthrough.page_checkpoints) and the order in which
// training took its (centre, context) pairs. To show step t, we take the nearest checkpoint at or
// before t, replay the recorded steps up to t, then run step t itself and display every
// intermediate. The step's arithmetic is _static/w2v-step.js (loaded first, and shared with the
// worker of "Your turn"): it mirrors w2v/step.py line by line, in float32 like NumPy and torch.
//
// Sections: 1. reading the data · 2. the step (= w2v/step.py) · 3. the state before a step
// (= Run.state_before) · 4. showing a step · 5. controls.
"use strict";

(function () {
  const f32 = Math.fround;

  // ------------------------------------------------------------------ 1. reading the data

  // Bytes of a base64 string, in a fresh (hence aligned) ArrayBuffer.
  function base64Bytes(text) {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  const INT_ARRAYS = { uint8: Uint8Array, uint16: Uint16Array, int32: Int32Array };

  // The JSON written by w2v.book.walkthrough.page_data, decoded into typed arrays. In the
  // built book it is a script of its own, which the page names in data-src (book/_ext/w2v_book.py:
  // 246 kB compressed, which a phone's first paint no longer waits for), loaded as the page starts.
  function loadData() {
    const element = document.getElementById("w2v-walkthrough-data");
    if (!element) return Promise.resolve(null);
    if (!element.dataset.src) return Promise.resolve(readData(JSON.parse(element.textContent)));
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = new URL(element.dataset.src, document.baseURI).href;
      script.onload = () => resolve(readData(window.w2vPageData[element.id]));
      script.onerror = () => reject(new Error(`walkthrough.js: could not load ${script.src}`));
      document.head.appendChild(script);
    });
  }

  function readData(data) {
    data.Wc = new Float32Array(base64Bytes(data.W));          // (C, V, D) little-endian float32
    data.W_outc = new Float32Array(base64Bytes(data.W_out));  // (C, D, V)
    data.pairTable = new INT_ARRAYS[data.pairs_dtype](base64Bytes(data.pairs));  // (n_pairs, 4)
    data.order = new INT_ARRAYS[data.step_pair_dtype](base64Bytes(data.step_pair));  // (steps,)
    data.sentenceWords = data.sentences.map((s) => s.split(" "));
    return data;
  }

  // Run.pairs[step_pair[t]]: centre, context, sentence, position of the pair trained at step t.
  function pairOfStep(data, t) {
    const row = data.order[t] * 4;
    const P = data.pairTable;
    return { center: P[row], context: P[row + 1], sentence: P[row + 2], position: P[row + 3] };
  }

  // TrainConfig.lr_at of the book's recipe.
  function lrAt(data, step) {
    return w2vStep.lrAt(data.lr, data.lr_final, data.steps, step);
  }

  // ------------------------------------------------------------------ 2. the step (w2v/step.py)

  // The step itself is _static/w2v-step.js, loaded before this script and shared with the Web
  // Worker of "Your turn": trainingStep keeps every intermediate, replayStep is the same step in
  // place.
  const { trainingStep, replayStep, replayScratch } = self.w2vStep;

  // ------------------------------------------------------------------ 3. the state before a step

  // The nearest checkpoint at or before `step`.
  function checkpointOf(data, step) {
    let c = 0;
    while (c + 1 < data.checkpoint_steps.length && data.checkpoint_steps[c + 1] <= step) c++;
    return c;
  }

  // States the page has replayed to, kept for later (step → { W, W_out }): on a corpus where the page
  // carries only every k-th checkpoint (data.replay_every is then the run's checkpoint spacing,
  // w2v.book.walkthrough.page_checkpoints), a replay keeps the state at every multiple of
  // replay_every it passes, so a later step in that stretch replays at most replay_every − 1 steps.
  // At most about 32 MB of them are kept, the oldest dropped first.
  const PASSED = new Map();

  function keepPassed(data, t, W, W_out) {
    if (!data.replay_every || t % data.replay_every !== 0 || PASSED.has(t)) return;
    const most = Math.max(1, Math.floor(32e6 / (8 * data.V * data.D)));
    while (PASSED.size >= most) PASSED.delete(PASSED.keys().next().value);
    PASSED.set(t, { W: W.slice(), W_out: W_out.slice() });
  }

  // Run.state_before: (W, W′) before `step`, replayed from the nearest earlier checkpoint, or from
  // `known` = { step, W, W_out }, a state the page already has (e.g. after the step it shows), when
  // that lies after the checkpoint and not after `step`: replaying the same steps from there gives the
  // same numbers, and moving one step forward then replays one step, not hundreds.
  function stateBefore(data, step, known) {
    const { V, D } = data;
    const c = checkpointOf(data, step);
    let from = data.checkpoint_steps[c];
    let W, W_out;
    let passed = -1;  // the latest kept state in (checkpoint, step]
    for (const t of PASSED.keys()) if (t > from && t <= step && t > passed) passed = t;
    if (known && known.step > Math.max(from, passed) && known.step <= step) {
      from = known.step;
      W = known.W.slice();
      W_out = known.W_out.slice();
    } else if (passed >= 0) {
      from = passed;
      W = PASSED.get(passed).W.slice();
      W_out = PASSED.get(passed).W_out.slice();
    } else {
      W = data.Wc.slice(c * V * D, (c + 1) * V * D);
      W_out = data.W_outc.slice(c * D * V, (c + 1) * D * V);
    }
    const scratch = replayScratch(V, D);
    for (let t = from; t < step; t++) {
      if (t > from) keepPassed(data, t, W, W_out);
      const pair = pairOfStep(data, t);
      replayStep(W, W_out, V, D, pair.center, pair.context, lrAt(data, t), scratch);
    }
    if (step > from) keepPassed(data, step, W, W_out);
    return { W, W_out };
  }

  // w2v.step.step_of_run, plus what the page shows about it (where the pair came from, the update).
  function stepOfRun(data, step, known) {
    const { V, D } = data;
    const { W, W_out } = stateBefore(data, step, known);
    const pair = pairOfStep(data, step);
    const record = trainingStep(W, W_out, V, D, pair.center, pair.context, lrAt(data, step));
    record.step = step;
    record.sentence = pair.sentence;
    record.position = pair.position;
    record.W = W;
    record.W_out = W_out;
    return record;
  }

  // ------------------------------------------------------------------ 4. showing a step

  // A number as the page prints it: 4 significant digits, a true minus sign. Mirrors
  // w2v.book.walkthrough.fmt, which formats the glued numbers of the text.
  function fmt(value) {
    if (value === 0) return "0";
    const a = Math.abs(value);
    let text;
    if (a < 1e-4 || a >= 9999.5) {  // 4 significant digits need an exponent there
      const [mantissa, exponent] = value.toExponential(3).split("e");
      text = mantissa + "e" + parseInt(exponent, 10);
    } else {
      const digits = 3 - Math.floor(Math.log10(a));
      text = value.toFixed(Math.max(digits, 0));
      const rounded = Math.abs(parseFloat(text));
      if (rounded !== 0 && Math.floor(Math.log10(rounded)) !== Math.floor(Math.log10(a))) {
        text = value.toFixed(Math.max(digits - 1, 0));
      }
    }
    return text.replace(/-/g, "\u2212");
  }

  function norm(v) {
    let s = 0;
    for (let k = 0; k < v.length; k++) s += v[k] * v[k];
    return Math.sqrt(s);
  }

  // Indices of the k largest entries of v, largest first.
  function topK(v, k) {
    const idx = Array.from(v.keys());
    idx.sort((a, b) => v[b] - v[a] || a - b);
    return idx.slice(0, k);
  }

  // Rank of entry i in v (1 = largest) as text: "k", or "k–m" when other entries hold exactly the
  // same value (early in training most scores are still equal, and an index order would mislead).
  function rankOf(v, i) {
    let higher = 0, tied = 0;
    for (let j = 0; j < v.length; j++) {
      if (v[j] > v[i]) higher++;
      else if (v[j] === v[i] && j !== i) tied++;
    }
    return { text: tied ? `${higher + 1}–${higher + 1 + tied}` : String(higher + 1), tied };
  }

  const $ = (id) => document.getElementById(id);

  // Set the text of an element. When it holds just one text node, that node's data is changed
  // rather than the node replaced: the page's other scripts (Font Awesome) watch the document for
  // added nodes and search each changed subtree, which hundreds of replaced text nodes made slow.
  function setNodeText(node, text) {
    const first = node.firstChild;
    if (first && first === node.lastChild && first.nodeType === Node.TEXT_NODE) {
      if (first.data !== text) first.data = text;
    } else if (node.textContent !== text) {
      node.textContent = text;
    }
  }

  function setText(id, text) {
    const el = $(id);
    if (el) setNodeText(el, text);
  }

  function setClass(node, cls) {
    if (node && node.className !== cls) node.className = cls;
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // A D-vector shown as labelled chips (they wrap on narrow screens): <span id="prefix-d">.
  function buildChips(container, prefix, label, D) {
    if (!container) return;
    container.textContent = "";
    for (let d = 0; d < D; d++) {
      const chip = el("span", { class: "wt-chip" });
      chip.appendChild(el("span", { class: "wt-chip-label" }, label(d)));
      chip.appendChild(el("span", { class: "wt-num", id: `${prefix}-${d}` }, ""));
      container.appendChild(chip);
    }
  }

  function subscript(n) {
    return String(n).replace(/\d/g, (c) => "₀₁₂₃₄₅₆₇₈₉"[c]);
  }

  function fillChips(prefix, v) {
    for (let d = 0; d < v.length; d++) setText(`${prefix}-${d}`, fmt(v[d]));
  }

  // A V-vector as a strip of small coloured cells (one per word, hover for the value). A cell's
  // tooltip (its title) is written when the pointer reaches it, not at every change of step.
  function buildStrip(container, V) {
    if (!container) return { cells: [] };
    container.textContent = "";
    const strip = { cells: [], colors: [], classes: [], v: null };
    container.style.gridTemplateColumns = `repeat(${V}, 1fr)`;
    const fragment = document.createDocumentFragment();
    for (let j = 0; j < V; j++) {
      const cell = el("span", { class: "wt-cell", "data-j": String(j) });
      fragment.appendChild(cell);
      strip.cells.push(cell);
    }
    container.appendChild(fragment);
    container.addEventListener("pointerover", (event) => {
      const cell = event.target.closest(".wt-cell");
      if (cell && strip.v) cell.title = cellTitle(strip.v, Number(cell.dataset.j));
    });
    return strip;
  }

  function cellTitle(v, j) {
    return `${DATA.vocab[j]}: ${fmt(v[j])}`;
  }

  // Colour the cells for v (and mark entry `mark`), touching only the cells that change.
  function fillStrip(strip, v, scale, mark, markClass = "wt-cell-mark") {
    const { cells, colors, classes } = strip;
    if (!cells.length) return;
    strip.v = v;
    let top = scale;
    if (top === undefined) {
      top = 0;
      for (let j = 0; j < v.length; j++) top = Math.max(top, Math.abs(v[j]));
    }
    for (let j = 0; j < v.length; j++) {
      const color = linearColor(v[j], top || 1);
      if (colors[j] !== color) cells[j].style.background = colors[j] = color;
      const cls = j === mark ? "wt-cell " + markClass : "wt-cell";
      if (classes[j] !== cls) cells[j].className = classes[j] = cls;
      if (cells[j].title) cells[j].title = cellTitle(v, j);  // a cell hovered before
    }
  }

  // Colour of a value on the book's diverging palette (blue < 0 < red), linear in [−top, top].
  function linearColor(v, top) {
    const pal = DATA.palette;
    const t = Math.max(-1, Math.min(1, v / top));
    return pal[Math.round(((t + 1) / 2) * (pal.length - 1))];
  }

  // Colour of an update Δ, as an index into the palette (−1 = white): like linearColor but |Δ| on
  // a log scale over `log_decades` decades below `top`, so that the small changes of W′ stay
  // visible; exactly zero is white. Mirrors w2v.book.figures.walkthrough.signed_log_colors.
  function deltaIndex(v, top) {
    if (v === 0 || top === 0) return -1;
    const n = DATA.palette.length;
    let t = Math.min(Math.max(Math.log10(Math.abs(v) / top) / DATA.log_decades + 1, 0), 1);
    if (v < 0) t = -t;
    return Math.min(n - 1, Math.max(0, Math.round(((t + 1) / 2) * (n - 1))));
  }

  // "#RRGGBB" as a pixel of Bokeh's image_rgba: bytes R, G, B, A in memory, i.e. the uint32
  // A·2²⁴ + B·2¹⁶ + G·2⁸ + R on a little-endian machine (every browser's). Mirrors
  // w2v.book.figures.walkthrough.rgba_ints.
  function rgbaOf(hex) {
    const n = parseInt(hex.slice(1), 16);
    return ((255 << 24) | ((n & 0xff) << 16) | (n & 0xff00) | (n >> 16)) >>> 0;
  }
  const WHITE_RGBA = rgbaOf("#FFFFFF");
  let PALETTE_RGBA = null;  // DATA.palette as pixels (made on first use)

  // Bokeh models of this page's figures, by the names w2v/book/figures/walkthrough.py gave them.
  function bokehModel(name) {
    if (!window.Bokeh || !Bokeh.documents) return null;
    for (const doc of Bokeh.documents) {
      const model = doc.get_model_by_name(name);
      if (model) return model;
    }
    return null;
  }

  let DATA = null;
  let STRIPS = {};
  let current = null;   // the record shown
  let compared = null;  // the record of the compared step

  // Where the pair came from: the sentence, its window, the centre and the context word.
  function showSentence(r) {
    const box = $("wt-sentence");
    if (!box) return;
    const words = DATA.sentenceWords[r.sentence];
    const ctxPos = findContextPosition(words, r);
    const nodes = [];
    words.forEach((w, i) => {
      const inWindow = Math.abs(i - r.position) <= DATA.window;
      let cls = "wt-token" + (inWindow ? " wt-in-window" : "");
      if (i === r.position) cls += " wt-token-center";
      if (i === ctxPos) cls += " wt-token-context";
      nodes.push(el("span", { class: cls }, w), document.createTextNode(" "));
    });
    box.replaceChildren(...nodes);  // one change of the document, not two per word
    setText("wt-sentence-number", String(r.sentence + 1));
    setText("wt-position", String(r.position + 1));
  }

  // The pair records the centre's position but not the context's: it is the nearest word in the
  // window that is the context word (the same word may occur twice; any such position gives the
  // same pair).
  function findContextPosition(words, r) {
    const target = DATA.vocab[r.context];
    for (let dist = 1; dist <= DATA.window; dist++) {
      for (const i of [r.position - dist, r.position + dist]) {
        if (i >= 0 && i < words.length && words[i] === target) return i;
      }
    }
    return -1;
  }

  function showTopList(id, v, k, extra) {
    const list = $(id);
    if (!list) return;
    list.replaceChildren(...topK(v, k).map((j, n) => {
      const item = el("li", { "data-word": DATA.vocab[j] });
      const cls = j === current.context ? "wt-word wt-word-context" : j === current.center ? "wt-word wt-word-center" : "wt-word";
      item.appendChild(el("span", { class: cls }, DATA.vocab[j]));
      item.appendChild(document.createTextNode(" "));
      item.appendChild(el("span", { class: "wt-num", id: `${id}-${n}` }, fmt(v[j])));
      if (extra) extra(item, j);
      return item;
    }));
  }

  // Every number and picture of the stages, for record r.
  function show(r) {
    const { V, D, vocab } = DATA;
    const c = r.center, o = r.context;
    // controls and summary
    setText("wt-step", r.step.toLocaleString("en-US"));
    document.querySelectorAll(".wt-step-ref").forEach((n) => setNodeText(n, r.step.toLocaleString("en-US")));
    document.querySelectorAll(".wt-center-ref").forEach((n) => setNodeText(n, vocab[c]));
    document.querySelectorAll(".wt-context-ref").forEach((n) => setNodeText(n, vocab[o]));
    setText("wt-lr", fmt(r.lr));
    setText("wt-loss-top", fmt(r.loss));
    // 1–2. sentence, window, pair
    showSentence(r);
    setText("wt-center-word", vocab[c]);
    setText("wt-context-word", vocab[o]);
    setText("wt-center-id", String(c));
    setText("wt-context-id", String(o));
    // 3. one-hot x
    fillStrip(STRIPS.x, r.x, 1, c, "wt-cell-mark-center");
    // 4. h = W[center]
    fillChips("wt-h", r.h);
    // 5. u = h·W′
    fillStrip(STRIPS.u, r.u, undefined, o);
    setText("wt-u-context", fmt(r.u[o]));
    showTopList("wt-u-top", r.u, 5);
    // 6. p = softmax(u)
    fillStrip(STRIPS.p, r.p, undefined, o);
    setText("wt-p-context", fmt(r.p[o]));
    const rank = rankOf(r.p, o);
    setText("wt-p-rank", rank.text);
    setText("wt-p-tie", rank.tied ? `, tied with ${rank.tied} other word${rank.tied > 1 ? "s" : ""}` : "");
    setText("wt-p-uniform", fmt(1 / V));
    showTopList("wt-p-top", r.p, 5);
    // 7. loss
    setText("wt-loss-value", fmt(r.loss));
    // 8. e = p − y
    fillStrip(STRIPS.e, r.e, undefined, o);
    setText("wt-e-context", fmt(r.e[o]));
    const eOther = topK(r.e, 1)[0];
    setText("wt-e-max-word", vocab[eOther]);
    setText("wt-e-max", fmt(r.e[eOther]));
    // 9. ∂L/∂W′ = h ⊗ e: its column for the context word, and its size
    const gradCol = new Float32Array(D);
    for (let d = 0; d < D; d++) gradCol[d] = r.grad_W_out[d * V + o];
    fillChips("wt-gWo", gradCol);
    setText("wt-gWo-norm", fmt(norm(r.grad_W_out)));
    // 10. ∂L/∂h = W′e
    fillChips("wt-gh", r.grad_h);
    setText("wt-gh-norm", fmt(norm(r.grad_h)));
    // 11. the update
    setText("wt-lr2", fmt(r.lr));
    fillChips("wt-Wrow", r.W_row_next);
    const colBefore = new Float32Array(D), colAfter = new Float32Array(D);
    for (let d = 0; d < D; d++) {
      colBefore[d] = r.W_out[d * V + o];
      colAfter[d] = r.W_out_next[d * V + o];
    }
    fillChips("wt-Wo-before", colBefore);
    fillChips("wt-Wo-after", colAfter);
    showUpdateCounts(r);
    // every word's u, p, e (in a collapsed table)
    for (let j = 0; j < V; j++) {
      setText(`wt-all-u-${j}`, fmt(r.u[j]));
      setText(`wt-all-p-${j}`, fmt(r.p[j]));
      setText(`wt-all-e-${j}`, fmt(r.e[j]));
      setClass($(`wt-all-row-${j}`), j === o ? "wt-row-context" : j === c ? "wt-row-center" : "");
    }
    showCompare();
    pushToBokeh();
  }

  // ΔW = W_next − W and ΔW′ = W′_next − W′ (computed once per record), and how many rows /
  // columns moved.
  function deltas(r) {
    if (r.deltas) return r.deltas;
    const dW = new Float32Array(r.W.length), dWo = new Float32Array(r.W_out.length);
    for (let k = 0; k < dW.length; k++) dW[k] = f32(r.W_next[k] - r.W[k]);
    for (let k = 0; k < dWo.length; k++) dWo[k] = f32(r.W_out_next[k] - r.W_out[k]);
    r.deltas = { dW, dWo };
    return r.deltas;
  }

  function showUpdateCounts(r) {
    const { V, D } = DATA;
    const { dW, dWo } = deltas(r);
    let rows = 0, cols = 0;
    for (let i = 0; i < V; i++) {
      let moved = false;
      for (let d = 0; d < D; d++) if (dW[i * D + d] !== 0) moved = true;
      if (moved) rows++;
    }
    for (let j = 0; j < V; j++) {
      let moved = false;
      for (let d = 0; d < D; d++) if (dWo[d * V + j] !== 0) moved = true;
      if (moved) cols++;
    }
    setText("wt-rows-moved", String(rows));
    setText("wt-cols-moved", String(cols));
  }

  // The side-by-side comparison of the shown step and the compared step.
  function showCompare() {
    if (!compared || !$("wt-compare-table")) return;
    [["a", current], ["b", compared]].forEach(([side, r]) => {
      setText(`wt-cmp-${side}-step`, r.step.toLocaleString("en-US"));
      setText(`wt-cmp-${side}-pair`, `${DATA.vocab[r.center]} → ${DATA.vocab[r.context]}`);
      setText(`wt-cmp-${side}-lr`, fmt(r.lr));
      setText(`wt-cmp-${side}-p`, fmt(r.p[r.context]));
      setText(`wt-cmp-${side}-loss`, fmt(r.loss));
      setText(`wt-cmp-${side}-gh`, fmt(norm(r.grad_h)));
      setText(`wt-cmp-${side}-gWo`, fmt(norm(r.grad_W_out)));
      $(`wt-cmp-${side}-top`).replaceChildren(...topK(r.p, 5).map((j) => {
        const cls = j === r.context ? "wt-word wt-word-context" : "wt-word";
        const item = el("li");
        item.appendChild(el("span", { class: cls }, DATA.vocab[j]));
        item.appendChild(document.createTextNode(" " + fmt(r.p[j])));
        return item;
      }));
    });
  }

  // Redraw the Bokeh figures (loss marker, p bars, update heatmaps) for the shown step. Before
  // BokehJS has rendered them they are skipped; whenReady() pushes again once it has.
  //
  // This is most of the cost of a change of step, so it does as little as it can. BokehJS redraws
  // a figure on the next animation frame after any of its models changes; each source is changed
  // once per step, and only in the columns that change (the bars' positions and words, the
  // heatmaps' words and dimensions stay): the new numbers and colours are written into the arrays
  // the sources already hold, then `change.emit()` tells BokehJS, as its docs advise after an
  // in-place change. The heatmaps are images (one pixel per entry), far cheaper to redraw than
  // V·D rectangles; the loss curve's marker and span sit on the figure's overlay layer, so moving
  // them does not redraw the curve's thousands of dots (see w2v/book/figures/walkthrough.py).
  function pushToBokeh() {
    if (!current) return;
    const r = current, { V, D, names, colors } = DATA;
    const marker = bokehModel(names.loss_marker);
    if (!marker) return;
    marker.data = { x: [r.step], y: [r.loss] };
    const span = bokehModel(names.loss_span);
    if (span) span.location = r.step;
    const cmp = bokehModel(names.loss_compare);
    if (cmp && compared && cmp.data.x[0] !== compared.step) cmp.data = { x: [compared.step], y: [compared.loss] };

    const pSource = bokehModel(names.p_source);
    if (pSource) {
      const { p, u, e, color } = pSource.data;
      for (let j = 0; j < V; j++) {
        p[j] = r.p[j];
        u[j] = r.u[j];
        e[j] = r.e[j];
        color[j] = j === r.context ? colors.context : j === r.center ? colors.center : colors.other;
      }
      pSource.change.emit();
    }
    const pMax = Math.max(...r.p);
    const pCtx = bokehModel(names.p_context);
    if (pCtx) pCtx.data = { x: [r.context], top: [pMax] };
    const pRange = bokehModel(names.p_y_range);
    if (pRange) pRange.end = pMax * DATA.p_headroom;

    const { dW, dWo } = deltas(r);
    let top = 0;
    for (const v of dW) top = Math.max(top, Math.abs(v));
    for (const v of dWo) top = Math.max(top, Math.abs(v));
    if (!PALETTE_RGBA) PALETTE_RGBA = Uint32Array.from(DATA.palette, rgbaOf);
    // Each heatmap is a D × N image, flat in row-major order: pixel k = d·N + n is (dimension d,
    // word cols[n]); N = V and cols[n] = n unless the page draws only some words (updateWords).
    // ΔW is drawn on its side like ΔW′: its pixel (d, n) is ΔW[cols[n], d].
    const cols = updateWords(dW, dWo);
    const N = cols ? cols.length : V;
    for (const [name, value] of [[names.dW_source, (i, d) => dW[i * D + d]], [names.dW_out_source, (i, d) => dWo[d * V + i]]]) {
      const source = bokehModel(name);
      if (!source) continue;
      const pixels = source.data.image[0], values = source.data.value[0];  // shown, and read by the hover
      const words = source.data.word[0];
      for (let d = 0; d < D; d++) {
        for (let n = 0; n < N; n++) {
          const i = cols ? cols[n] : n, k = d * N + n, v = value(i, d), c = deltaIndex(v, top);
          values[k] = v;
          pixels[k] = c < 0 ? WHITE_RGBA : PALETTE_RGBA[c];
          if (cols) words[k] = DATA.vocab[i];
        }
      }
      source.change.emit();
    }
  }

  // w2v.book.figures.walkthrough.update_words: null (every word) unless the page says how many words the
  // heatmaps draw (data.update_words, when V is larger); then the words whose columns the step
  // changes most (Σ|Δ| over the dimensions of ΔW, plus that of ΔW′; ties by index), in vocabulary order.
  function updateWords(dW, dWo) {
    const { V, D } = DATA, budget = DATA.update_words;
    if (!budget || V <= budget) return null;
    const change = new Float64Array(V);
    for (let i = 0; i < V; i++) {
      let a = 0, b = 0;
      for (let d = 0; d < D; d++) a += Math.abs(dW[i * D + d]);
      for (let d = 0; d < D; d++) b += Math.abs(dWo[d * V + i]);
      change[i] = a + b;
    }
    const idx = Array.from(change.keys());
    idx.sort((x, y) => change[y] - change[x] || x - y);
    return idx.slice(0, budget).sort((x, y) => x - y);
  }

  // ------------------------------------------------------------------ 5. controls

  // A typed step: a whole number in 0 … steps − 1, or null (and a message saying why not).
  function parseStep(text) {
    const t = text.trim().replace(/[,_\s]/g, "");
    const last = DATA.steps - 1;
    if (!/^[+-]?\d+$/.test(t)) {
      return { error: `“${text.trim()}” is not a whole number: type a step from 0 to ${last.toLocaleString("en-US")}.` };
    }
    const n = Number(t);
    if (n < 0 || n > last) {
      return { error: `Step ${t} does not exist: steps run from 0 to ${last.toLocaleString("en-US")}.` };
    }
    return { step: n };
  }

  // A refusal is shown beside the box that was typed in (on a phone the controls' message box is
  // thousands of pixels above the comparison).
  function message(text, id = "wt-message") {
    const box = $(id);
    if (!box) return;
    box.textContent = text || "";
    box.hidden = !text;
    if (text) {  // on a phone the keyboard and the box's own position may leave it just off screen
      const rect = box.getBoundingClientRect();
      if (rect.top < 0 || rect.bottom > window.innerHeight) box.scrollIntoView({ block: "nearest" });
    }
  }

  // Show `step`: compute it (replaying from its checkpoint) and redraw everything, in place.
  // The time it took is kept in data-render-ms on the controls (tests read it).
  function setStep(step) {
    const started = performance.now();
    // after step s the page knows the state before step s + 1: moving forward replays from there
    const known = current && { step: current.step + 1, W: current.W_next, W_out: current.W_out_next };
    current = stepOfRun(DATA, step, known);
    $("wt-slider").value = String(step);
    $("wt-step-input").value = String(step);
    $("wt-prev").disabled = step <= 0;
    $("wt-next").disabled = step >= DATA.steps - 1;
    show(current);
    const ms = performance.now() - started;
    const controls = $("wt-controls");
    controls.dataset.step = String(step);
    controls.dataset.renderMs = ms.toFixed(2);
    return ms;
  }

  function setCompare(step) {
    compared = stepOfRun(DATA, step);
    $("wt-compare-input").value = String(step);
    showCompare();
    pushToBokeh();
  }

  // Wire a text box: Enter (or its button) applies a valid step; anything else is refused with a
  // message and the page keeps what it shows.
  function wireBox(input, button, apply, messageId) {
    const submit = () => {
      const parsed = parseStep(input.value);
      if (parsed.error) {
        message(parsed.error, messageId);
        input.setAttribute("aria-invalid", "true");
        return;
      }
      message("", messageId);
      input.removeAttribute("aria-invalid");
      apply(parsed.step);
    };
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        submit();
      }
    });
    if (button) button.addEventListener("click", submit);
  }

  function buildAllTable() {
    const body = $("wt-all-body");
    if (!body) return;
    body.textContent = "";
    DATA.vocab.forEach((w, j) => {
      const row = el("tr", { id: `wt-all-row-${j}` });
      row.appendChild(el("td", {}, String(j)));
      row.appendChild(el("td", {}, w));
      for (const name of ["u", "p", "e"]) row.appendChild(el("td", { class: "wt-num", id: `wt-all-${name}-${j}` }, ""));
      body.appendChild(row);
    });
  }

  // The loss curve's legend entries for the two moving marks are stand-ins (see loss_figure in
  // w2v/book/figures/walkthrough.py): a click that hides or shows a stand-in does the same to its mark.
  function linkLegend() {
    const { names } = DATA;
    for (const [legend, glyph] of [[names.marker_legend, names.marker_glyph], [names.compare_legend, names.compare_glyph]]) {
      const standIn = bokehModel(legend), mark = bokehModel(glyph);
      if (standIn && mark) standIn.properties.visible.change.connect(() => (mark.visible = standIn.visible));
    }
  }

  // Push the current state into the Bokeh figures once the one with the loss curve is drawn
  // (w2v-figures.js draws each figure as the reader comes near it, and says so with an event).
  function whenBokehReady() {
    const ready = () => {
      if (!bokehModel(DATA.names.loss_marker)) return false;
      linkLegend();
      pushToBokeh();
      document.getElementById("wt-controls").dataset.bokeh = "ready";
      // When the browser is idle, run the engine once over a longest replay: its code is then
      // compiled, and the reader's first change of step is as fast as the later ones.
      const warmUp = () => stepOfRun(DATA, Math.min(DATA.steps, DATA.checkpoint_steps[1] || DATA.steps) - 1);
      if (window.requestIdleCallback) requestIdleCallback(warmUp, { timeout: 2000 });
      else setTimeout(warmUp, 200);
      return true;
    };
    if (ready()) return;
    const onDrawn = () => { if (ready()) document.removeEventListener("w2v:figure-drawn", onDrawn); };
    document.addEventListener("w2v:figure-drawn", onDrawn);
  }

  // On wide screens the controls stick below the header: a section reached by an anchor link
  // (#the-loss) must land below them, not under them. walkthrough.css pads the page's scroll
  // snapport by the controls' height, which is measured here (it wraps with the window).
  function keepAnchorsClearOfControls() {
    const controls = $("wt-controls");
    const root = document.documentElement;
    const measure = () => root.style.setProperty("--wt-controls-height", `${Math.ceil(controls.offsetHeight)}px`);
    measure();
    if (window.ResizeObserver) new ResizeObserver(measure).observe(controls);
    const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target) target.scrollIntoView();  // the browser scrolled before the padding was known
  }

  // The controls stick over the stages only (1–11, which they drive): the section after them
  // pushes them up and off the screen as it arrives, as the end of a sticky box's container would
  // (they covered 90 px of every screen down to the exercises).
  function releaseControlsAfterTheStages() {
    const controls = $("wt-controls"), after = document.getElementById("wt-early-late");
    if (!controls || !after) return;
    let pending = false;
    const place = () => {
      pending = false;
      controls.style.top = "";                        // the stylesheet's top: below the header
      if (getComputedStyle(controls).position !== "sticky") return;
      const stuck = parseFloat(getComputedStyle(controls).top) || 0;
      const room = after.getBoundingClientRect().top - controls.offsetHeight - 8;
      if (room < stuck) controls.style.top = `${Math.floor(room)}px`;
    };
    const later = () => { if (!pending) { pending = true; requestAnimationFrame(place); } };
    window.addEventListener("scroll", later, { passive: true });
    window.addEventListener("resize", later);
    place();
  }

  async function init() {
    DATA = await loadData();
    if (!DATA || !$("wt-controls")) return;
    const last = DATA.steps - 1;
    const slider = $("wt-slider");
    slider.min = "0";
    slider.max = String(last);
    setText("wt-last-step", last.toLocaleString("en-US"));
    document.querySelectorAll(".wt-V-ref").forEach((n) => (n.textContent = String(DATA.V)));
    // D-vectors as chips; "W′₃,ₒ" is entry 3 of the context word's column of W′
    const D = DATA.D, sub = subscript;
    buildChips($("wt-h-chips"), "wt-h", (d) => `h${sub(d)}`, D);
    buildChips($("wt-gh-chips"), "wt-gh", (d) => `∂L/∂h${sub(d)}`, D);
    buildChips($("wt-gWo-chips"), "wt-gWo", (d) => `∂L/∂W′${sub(d)},ₒ`, D);
    buildChips($("wt-Wrow-chips"), "wt-Wrow", (d) => `W${sub(d)}`, D);
    buildChips($("wt-Wo-before-chips"), "wt-Wo-before", (d) => `W′${sub(d)},ₒ`, D);
    buildChips($("wt-Wo-after-chips"), "wt-Wo-after", (d) => `W′${sub(d)},ₒ`, D);
    STRIPS = { x: buildStrip($("wt-x-strip"), DATA.V), u: buildStrip($("wt-u-strip"), DATA.V),
               p: buildStrip($("wt-p-strip"), DATA.V), e: buildStrip($("wt-e-strip"), DATA.V) };
    buildAllTable();

    // While the slider is dragged, draw at most once per frame, always the latest position.
    let pending = false;
    slider.addEventListener("input", () => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        if (Number(slider.value) !== current.step) setStep(Number(slider.value));
      });
    });
    $("wt-prev").addEventListener("click", () => current.step > 0 && setStep(current.step - 1));
    $("wt-next").addEventListener("click", () => current.step < last && setStep(current.step + 1));
    wireBox($("wt-step-input"), $("wt-go"), setStep, "wt-message");
    wireBox($("wt-compare-input"), $("wt-compare-go"), setCompare, "wt-compare-message");
    compared = stepOfRun(DATA, DATA.compare_step);
    $("wt-compare-input").value = String(DATA.compare_step);
    setStep(DATA.default_step);
    document.documentElement.classList.add("wt-running");  // not "wt-live": that styles the stage boxes
    keepAnchorsClearOfControls();
    releaseControlsAfterTheStages();
    whenBokehReady();
  }

  // For tests and the curious (in the browser console): the engine and the controls.
  window.w2vWalkthrough = { stepOfRun: (step) => stepOfRun(DATA, step), setStep, fmt, parseStep,
                            lrAt: (step) => lrAt(DATA, step), data: () => DATA };

  const start = () => init().catch((error) => console.error(error));
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
