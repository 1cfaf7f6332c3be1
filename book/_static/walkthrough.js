// "One training step, forward and backward" (book/walkthrough.md): any training step of the
// book's run, computed in the page, with no server.
//
// The page embeds the run's checkpoints (W and W′ before every 500th step) and the order in which
// training took its (centre, context) pairs. To show step t, we take the nearest checkpoint at or
// before t, replay the recorded steps up to t, then run step t itself and display every
// intermediate. The arithmetic mirrors w2v/step.py line by line, in float32 like the Python
// (NumPy float32) and torch: every result is rounded with Math.fround and stored in Float32Array.
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

  // The JSON written by w2v.plots.walkthrough.page_data, decoded into typed arrays.
  function readData() {
    const element = document.getElementById("w2v-walkthrough-data");
    if (!element) return null;
    const data = JSON.parse(element.textContent);
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

  // TrainConfig.lr_at, in float64 with Python's order of operations (a * b / c, then a + that).
  function lrAt(data, step) {
    return data.lr + ((data.lr_final - data.lr) * step) / Math.max(data.steps - 1, 1);
  }

  // ------------------------------------------------------------------ 2. the step (w2v/step.py)

  // a·b + s rounded once to float32, like the fused multiply-adds of the BLAS behind NumPy's `@`
  // (the product of two float32 numbers is exact in float64, so only the sum is rounded).
  function fma32(a, b, s) {
    return f32(s + a * b);
  }

  // x = one-hot of word i.
  function oneHot(V, i) {
    const x = new Float32Array(V);
    x[i] = 1;
    return x;
  }

  // np.sum of a float32 vector, in NumPy's order: for up to 128 numbers NumPy keeps eight running
  // sums (elements i, i+8, i+16, … go to sum i mod 8), adds them pairwise, then adds the rest.
  function numpySum(a) {
    const n = a.length;
    if (n < 8) {
      let s = 0;
      for (let i = 0; i < n; i++) s = f32(s + a[i]);
      return s;
    }
    if (n > 128) {  // NumPy splits longer arrays in halves; not needed for V ≤ 128, kept for safety
      const half = (n >> 1) - ((n >> 1) % 8);
      return f32(numpySum(a.subarray(0, half)) + numpySum(a.subarray(half)));
    }
    const r = Float32Array.from(a.subarray(0, 8));
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let k = 0; k < 8; k++) r[k] = f32(r[k] + a[i + k]);
    let s = f32(f32(f32(r[0] + r[1]) + f32(r[2] + r[3])) + f32(f32(r[4] + r[5]) + f32(r[6] + r[7])));
    for (; i < n; i++) s = f32(s + a[i]);
    return s;
  }

  // log p = log softmax(u). As in step.py: shift by max(u) first (softmax is unchanged by a shift,
  // and exp can no longer overflow), then log p = shifted − log Σ exp(shifted).
  function logSoftmax(u) {
    let max = -Infinity;
    for (let j = 0; j < u.length; j++) if (u[j] > max) max = u[j];
    const shifted = new Float32Array(u.length);
    const expShifted = new Float32Array(u.length);
    for (let j = 0; j < u.length; j++) {
      shifted[j] = f32(u[j] - max);
      expShifted[j] = f32(Math.exp(shifted[j]));
    }
    const logSum = f32(Math.log(numpySum(expShifted)));
    const logP = new Float32Array(u.length);
    for (let j = 0; j < u.length; j++) logP[j] = f32(shifted[j] - logSum);
    return logP;
  }

  // p = softmax(u) = exp(log p); log p is kept too, since the loss is −log p[context].
  function softmax(u) {
    const logP = logSoftmax(u);
    const p = logP.map((v) => f32(Math.exp(v)));
    return { logP, p };
  }

  // Forward pass: h = xᵀW = W[center] (no V·D multiplications needed), u = h·W′, p = softmax(u),
  // loss = −log p[context].
  function forward(W, W_out, V, D, center, context) {
    const x = oneHot(V, center);
    const h = W.slice(center * D, center * D + D);  // (D,)
    const u = new Float32Array(V);                  // (V,) u_j = Σ_d h_d W′[d, j]
    for (let j = 0; j < V; j++) {
      let s = 0;
      for (let d = 0; d < D; d++) s = fma32(h[d], W_out[d * V + j], s);
      u[j] = s;
    }
    const { logP, p } = softmax(u);
    const loss = -logP[context];
    return { x, h, u, p, loss };
  }

  // Backward pass: for softmax + cross-entropy ∂L/∂u = e = p − y; then ∂L/∂W′ = h ⊗ e (D×V) and
  // ∂L/∂h = W′e (D), which is also ∂L/∂W[center] since h is that row.
  function backward(W_out, V, D, context, h, p) {
    const y = oneHot(V, context);
    const e = new Float32Array(V);
    for (let j = 0; j < V; j++) e[j] = f32(p[j] - y[j]);
    const grad_W_out = new Float32Array(D * V);
    for (let d = 0; d < D; d++) for (let j = 0; j < V; j++) grad_W_out[d * V + j] = f32(h[d] * e[j]);
    const grad_h = new Float32Array(D);
    for (let d = 0; d < D; d++) {
      let s = 0;
      for (let j = 0; j < V; j++) s = fma32(W_out[d * V + j], e[j], s);
      grad_h[d] = s;
    }
    return { y, e, grad_W_out, grad_h };
  }

  // Plain SGD, p ← p − lr·∂L/∂p. Only row `center` of W has a gradient; every entry of W′ has one.
  function sgdUpdate(W, W_out, V, D, center, h, grad_h, grad_W_out, lr32) {
    const W_row_next = new Float32Array(D);
    for (let d = 0; d < D; d++) W_row_next[d] = f32(h[d] - f32(lr32 * grad_h[d]));
    const W_next = W.slice();
    W_next.set(W_row_next, center * D);
    const W_out_next = new Float32Array(D * V);
    for (let k = 0; k < D * V; k++) W_out_next[k] = f32(W_out[k] - f32(lr32 * grad_W_out[k]));
    return { W_row_next, W_next, W_out_next };
  }

  // w2v.step.training_step: one SGD step on one (center, context) pair; returns every intermediate
  // under the names of StepRecord.
  function trainingStep(W, W_out, V, D, center, context, lr) {
    const lr32 = f32(lr);  // np.float32(lr): the rate is computed in float64, used in float32
    const fw = forward(W, W_out, V, D, center, context);
    const bw = backward(W_out, V, D, context, fw.h, fw.p);
    const up = sgdUpdate(W, W_out, V, D, center, fw.h, bw.grad_h, bw.grad_W_out, lr32);
    return Object.assign({ center, context, lr }, fw, bw, up);
  }

  // ------------------------------------------------------------------ 3. the state before a step

  // Run.state_before: (W, W′) before `step`, replayed from the nearest earlier checkpoint.
  function stateBefore(data, step) {
    const { V, D } = data;
    let c = 0;
    while (c + 1 < data.checkpoint_steps.length && data.checkpoint_steps[c + 1] <= step) c++;
    let W = data.Wc.slice(c * V * D, (c + 1) * V * D);
    let W_out = data.W_outc.slice(c * D * V, (c + 1) * D * V);
    for (let t = data.checkpoint_steps[c]; t < step; t++) {
      const pair = pairOfStep(data, t);
      const record = trainingStep(W, W_out, V, D, pair.center, pair.context, lrAt(data, t));
      W = record.W_next;
      W_out = record.W_out_next;
    }
    return { W, W_out };
  }

  // w2v.step.step_of_run, plus what the page shows about it (where the pair came from, the update).
  function stepOfRun(data, step) {
    const { V, D } = data;
    const { W, W_out } = stateBefore(data, step);
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
  // w2v.plots.walkthrough.fmt, which formats the glued numbers of the text.
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

  // Rank of entry i in v (1 = largest; equal values ranked by index, as in topK).
  function rankOf(v, i) {
    let r = 1;
    for (let j = 0; j < v.length; j++) if (v[j] > v[i] || (v[j] === v[i] && j < i)) r++;
    return r;
  }

  const $ = (id) => document.getElementById(id);

  function setText(id, text) {
    const el = $(id);
    if (el && el.textContent !== text) el.textContent = text;
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

  // A V-vector as a strip of small coloured cells (one per word, hover for the value).
  function buildStrip(container, V) {
    if (!container) return [];
    container.textContent = "";
    const cells = [];
    container.style.gridTemplateColumns = `repeat(${V}, 1fr)`;
    for (let j = 0; j < V; j++) {
      const cell = el("span", { class: "wt-cell" });
      container.appendChild(cell);
      cells.push(cell);
    }
    return cells;
  }

  function fillStrip(cells, v, words, scale, mark, markClass = "wt-cell-mark") {
    if (!cells.length) return;
    let top = scale;
    if (top === undefined) {
      top = 0;
      for (let j = 0; j < v.length; j++) top = Math.max(top, Math.abs(v[j]));
    }
    for (let j = 0; j < v.length; j++) {
      cells[j].style.background = linearColor(v[j], top || 1);
      cells[j].title = `${words[j]}: ${fmt(v[j])}`;
      cells[j].classList.toggle(markClass, j === mark);
    }
  }

  // Colour of a value on the book's diverging palette (blue < 0 < red), linear in [−top, top].
  function linearColor(v, top) {
    const pal = DATA.palette;
    const t = Math.max(-1, Math.min(1, v / top));
    return pal[Math.round(((t + 1) / 2) * (pal.length - 1))];
  }

  // Colour of an update Δ: like linearColor but |Δ| on a log scale over `log_decades` decades below
  // `top`, so that the small changes of W′ stay visible; exactly zero is white. Mirrors
  // w2v.plots.walkthrough.signed_log_colors.
  function deltaColor(v, top) {
    if (v === 0 || top === 0) return "#FFFFFF";
    const pal = DATA.palette;
    let t = Math.min(Math.max(Math.log10(Math.abs(v) / top) / DATA.log_decades + 1, 0), 1);
    if (v < 0) t = -t;
    return pal[Math.min(pal.length - 1, Math.max(0, Math.round(((t + 1) / 2) * (pal.length - 1))))];
  }

  // Bokeh models of this page's figures, by the names w2v/plots/walkthrough.py gave them.
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
    box.textContent = "";
    words.forEach((w, i) => {
      const inWindow = Math.abs(i - r.position) <= DATA.window;
      let cls = "wt-token" + (inWindow ? " wt-in-window" : "");
      if (i === r.position) cls += " wt-token-center";
      if (i === ctxPos) cls += " wt-token-context";
      box.appendChild(el("span", { class: cls }, w));
      box.appendChild(document.createTextNode(" "));
    });
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
    list.textContent = "";
    topK(v, k).forEach((j, n) => {
      const item = el("li", { "data-word": DATA.vocab[j] });
      const cls = j === current.context ? "wt-word wt-word-context" : j === current.center ? "wt-word wt-word-center" : "wt-word";
      item.appendChild(el("span", { class: cls }, DATA.vocab[j]));
      item.appendChild(document.createTextNode(" "));
      item.appendChild(el("span", { class: "wt-num", id: `${id}-${n}` }, fmt(v[j])));
      if (extra) extra(item, j);
      list.appendChild(item);
    });
  }

  // Every number and picture of the stages, for record r.
  function show(r) {
    const { V, D, vocab } = DATA;
    const c = r.center, o = r.context;
    // controls and summary
    setText("wt-step", r.step.toLocaleString("en-US"));
    document.querySelectorAll(".wt-step-ref").forEach((n) => (n.textContent = r.step.toLocaleString("en-US")));
    document.querySelectorAll(".wt-center-ref").forEach((n) => (n.textContent = vocab[c]));
    document.querySelectorAll(".wt-context-ref").forEach((n) => (n.textContent = vocab[o]));
    setText("wt-lr", fmt(r.lr));
    setText("wt-loss-top", fmt(r.loss));
    // 1–2. sentence, window, pair
    showSentence(r);
    setText("wt-center-word", vocab[c]);
    setText("wt-context-word", vocab[o]);
    setText("wt-center-id", String(c));
    setText("wt-context-id", String(o));
    // 3. one-hot x
    fillStrip(STRIPS.x, r.x, vocab, 1, c, "wt-cell-mark-center");
    // 4. h = W[center]
    fillChips("wt-h", r.h);
    // 5. u = h·W′
    fillStrip(STRIPS.u, r.u, vocab, undefined, o);
    setText("wt-u-context", fmt(r.u[o]));
    showTopList("wt-u-top", r.u, 5);
    // 6. p = softmax(u)
    fillStrip(STRIPS.p, r.p, vocab, undefined, o);
    setText("wt-p-context", fmt(r.p[o]));
    setText("wt-p-rank", String(rankOf(r.p, o)));
    setText("wt-p-uniform", fmt(1 / V));
    showTopList("wt-p-top", r.p, 5);
    // 7. loss
    setText("wt-loss", fmt(r.loss));
    // 8. e = p − y
    fillStrip(STRIPS.e, r.e, vocab, undefined, o);
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
      const row = $(`wt-all-row-${j}`);
      if (row) row.className = j === o ? "wt-row-context" : j === c ? "wt-row-center" : "";
    }
    showCompare();
    pushToBokeh();
  }

  // ΔW = W_next − W and ΔW′ = W′_next − W′: how many rows / columns moved.
  function deltas(r) {
    const dW = new Float32Array(r.W.length), dWo = new Float32Array(r.W_out.length);
    for (let k = 0; k < dW.length; k++) dW[k] = f32(r.W_next[k] - r.W[k]);
    for (let k = 0; k < dWo.length; k++) dWo[k] = f32(r.W_out_next[k] - r.W_out[k]);
    return { dW, dWo };
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
    if (!compared || !$("wt-compare")) return;
    [["a", current], ["b", compared]].forEach(([side, r]) => {
      setText(`wt-cmp-${side}-step`, r.step.toLocaleString("en-US"));
      setText(`wt-cmp-${side}-pair`, `${DATA.vocab[r.center]} → ${DATA.vocab[r.context]}`);
      setText(`wt-cmp-${side}-lr`, fmt(r.lr));
      setText(`wt-cmp-${side}-p`, fmt(r.p[r.context]));
      setText(`wt-cmp-${side}-loss`, fmt(r.loss));
      setText(`wt-cmp-${side}-gh`, fmt(norm(r.grad_h)));
      setText(`wt-cmp-${side}-gWo`, fmt(norm(r.grad_W_out)));
      const list = $(`wt-cmp-${side}-top`);
      list.textContent = "";
      topK(r.p, 5).forEach((j) => {
        const cls = j === r.context ? "wt-word wt-word-context" : "wt-word";
        const item = el("li");
        item.appendChild(el("span", { class: cls }, DATA.vocab[j]));
        item.appendChild(document.createTextNode(" " + fmt(r.p[j])));
        list.appendChild(item);
      });
    });
  }

  // Redraw the Bokeh figures (loss marker, p bars, update heatmaps) for the shown step. Before
  // BokehJS has rendered them they are skipped; whenReady() pushes again once it has.
  function pushToBokeh() {
    if (!current) return;
    const r = current, { V, D, vocab, names, colors } = DATA;
    const marker = bokehModel(names.loss_marker);
    if (!marker) return;
    marker.data = { x: [r.step], y: [r.loss] };
    const span = bokehModel(names.loss_span);
    if (span) span.location = r.step;
    const cmp = bokehModel(names.loss_compare);
    if (cmp && compared) cmp.data = { x: [compared.step], y: [compared.loss] };

    const pSource = bokehModel(names.p_source);
    if (pSource) {
      const color = new Array(V).fill(colors.other);
      color[r.center] = colors.center;
      color[r.context] = colors.context;
      pSource.data = { x: Array.from(vocab.keys()), word: vocab, p: Array.from(r.p), u: Array.from(r.u),
                       e: Array.from(r.e), color };
    }
    const pCtx = bokehModel(names.p_context);
    if (pCtx) pCtx.data = { x: [r.context], top: [Math.max(...r.p)] };

    const { dW, dWo } = deltas(r);
    let top = 0;
    for (const v of dW) top = Math.max(top, Math.abs(v));
    for (const v of dWo) top = Math.max(top, Math.abs(v));
    // ΔW is drawn on its side like ΔW′: entry (x = word i, y = dim d) is ΔW[i, d].
    const dWSource = bokehModel(names.dW_source);
    const dWoSource = bokehModel(names.dW_out_source);
    for (const [source, value] of [[dWSource, (i, d) => dW[i * D + d]], [dWoSource, (i, d) => dWo[d * V + i]]]) {
      if (!source) continue;
      const x = [], y = [], word = [], v = [], color = [];
      for (let d = 0; d < D; d++) {
        for (let i = 0; i < V; i++) {
          const val = value(i, d);
          x.push(i); y.push(d); word.push(vocab[i]); v.push(val); color.push(deltaColor(val, top));
        }
      }
      source.data = { x, y, word, value: v, color };
    }
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

  function message(text) {
    const box = $("wt-message");
    if (!box) return;
    box.textContent = text || "";
    box.hidden = !text;
  }

  // Show `step`: compute it (replaying from its checkpoint) and redraw everything, in place.
  // The time it took is kept in data-render-ms on the controls (tests read it).
  function setStep(step) {
    const started = performance.now();
    current = stepOfRun(DATA, step);
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
  function wireBox(input, button, apply) {
    const submit = () => {
      const parsed = parseStep(input.value);
      if (parsed.error) {
        message(parsed.error);
        input.setAttribute("aria-invalid", "true");
        return;
      }
      message("");
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

  // Push the current state into the Bokeh figures once BokehJS has rendered all of them.
  function whenBokehReady(tries) {
    const figures = document.querySelectorAll("figure.w2v-bokeh").length;
    if (window.Bokeh && Bokeh.documents && Bokeh.documents.length >= figures && bokehModel(DATA.names.loss_marker)) {
      pushToBokeh();
      document.getElementById("wt-controls").dataset.bokeh = "ready";
      return;
    }
    if (tries > 0) setTimeout(() => whenBokehReady(tries - 1), 50);
  }

  function init() {
    DATA = readData();
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
    wireBox($("wt-step-input"), $("wt-go"), setStep);
    wireBox($("wt-compare-input"), $("wt-compare-go"), setCompare);
    compared = stepOfRun(DATA, DATA.compare_step);
    $("wt-compare-input").value = String(DATA.compare_step);
    setStep(DATA.default_step);
    document.documentElement.classList.add("wt-live");
    whenBokehReady(200);
  }

  // For tests and the curious (in the browser console): the engine and the controls.
  window.w2vWalkthrough = { stepOfRun: (step) => stepOfRun(DATA, step), setStep, fmt, parseStep,
                            lrAt: (step) => lrAt(DATA, step), data: () => DATA };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
