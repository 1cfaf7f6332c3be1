// "Your turn" (book/playground.md): the reader trains the whole model in the page.
//
// The controls are read and checked here (a bad value gets a message beside its control, and the
// previous results stay); the text becomes a vocabulary and (centre, context) pairs as
// w2v.corpus does it; training runs in a Web Worker (_static/playground-worker.js) with the step
// of _static/w2v-step.js. A page opened from disk (file://) may not start a worker: it then
// trains on the page itself, in slices between frames, with the same step code.
//
// With the book's text and recipe (window, dim, seed; any lr; at most the book's steps) the run
// starts from the book run's own initial W and takes its pair order, both in the page's data
// (w2v.book.playground.playground_data). Otherwise a small PRNG of the page's own (mulberry32, not
// torch's) draws W and the order.
//
// Sections: 1. data · 2. reading the controls · 3. the corpus · 4. training · 5. scores
// (= w2v.analysis) · 6. showing results · 7. start.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const GREY = "#808080";  // a word in no group: w2v.book.figures.playground.GREY
  let DATA = null;

  // ------------------------------------------------------------------ 1. data

  function base64Bytes(text) {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function readData() {
    const element = $("w2v-playground-data");
    if (!element) return null;
    const data = JSON.parse(element.textContent);
    data.W0 = new Float32Array(base64Bytes(data.W0));
    data.order = new (data.order_dtype === "uint16" ? Uint16Array : Int32Array)(base64Bytes(data.order));
    return data;
  }

  // ------------------------------------------------------------------ 2. reading the controls

  // Each number control: its id, what it must be, and the check. A failed check returns the message.
  const NUMBERS = {
    window: { whole: true, min: 1, max: 10, what: "a whole number from 1 to 10" },
    dim: { whole: true, min: 2, max: 16, what: "a whole number from 2 to 16" },
    lr: { whole: false, min: 0, max: 100, what: "a number greater than 0 (at most 100)" },
    lr_final: { whole: false, min: 0, max: 100, what: "a number greater than 0 (at most 100)" },
    steps: { whole: true, min: 1, max: 50000, what: "a whole number from 1 to 50,000" },
    seed: { whole: true, min: 0, max: 4294967295, what: "a whole number from 0 to 4,294,967,295" },
  };

  function readNumber(name) {
    const rule = NUMBERS[name];
    const text = $(`pg-${name}`).value.trim().replace(/,/g, "").replace("\u2212", "-");
    if (text === "" || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) {
      return { error: `Not a number: ${name} must be ${rule.what}.` };
    }
    const value = Number(text);
    const low = rule.whole ? value < rule.min : value <= rule.min;
    if (!Number.isFinite(value) || (rule.whole && !Number.isInteger(value)) || low || value > rule.max) {
      return { error: `${name} must be ${rule.what}.` };
    }
    return { value };
  }

  function setMessage(name, text) {
    const box = $(`pg-msg-${name}`);
    if (box && box.textContent !== text) box.textContent = text;
    const input = $(`pg-${name}`);
    if (input) {
      if (text) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
  }

  // Every control, checked; {settings} or {errors: {name: message}}.
  function readControls() {
    const errors = {}, settings = {};
    for (const name of Object.keys(NUMBERS)) {
      const read = readNumber(name);
      if (read.error) errors[name] = read.error;
      else settings[name] = read.value;
    }
    const sentences = readSentences($("pg-text").value);
    const corpusError = checkSentences(sentences, settings.window);
    if (corpusError) errors.text = corpusError;
    settings.sentences = sentences;
    const groups = readGroups($("pg-groups").value);
    if (groups.error) errors.groups = groups.error;
    settings.groups = groups;
    const tests = readAnalogies($("pg-analogies").value);
    if (tests.error) errors.analogies = tests.error;
    settings.tests = tests;
    for (const name of [...Object.keys(NUMBERS), "text", "groups", "analogies"]) setMessage(name, errors[name] || "");
    return Object.keys(errors).length ? { errors } : { settings };
  }

  // ------------------------------------------------------------------ 3. the corpus (w2v.corpus)

  // One sentence per line, words separated by spaces; blank lines are skipped.
  function readSentences(text) {
    return text.split("\n").map((line) => line.trim()).filter((line) => line).map((line) => line.split(/\s+/));
  }

  function checkSentences(sentences, window) {
    if (!sentences.length) return "The text is empty: write at least one sentence of two or more words.";
    const words = new Set(sentences.flat());
    if (words.size < 2) return `The text has only one word ("${[...words][0]}"): it needs at least two different words.`;
    if (!sentences.some((s) => s.length >= 2)) return "No sentence has two words, so there is nothing to predict.";
    return "";
  }

  // "group: word word …" per line; lines starting with # and blank lines are skipped.
  function readGroups(text) {
    const names = [], groupOf = new Map();
    const lines = text.split("\n");
    for (let n = 0; n < lines.length; n++) {
      const line = lines[n].trim();
      if (!line || line.startsWith("#")) continue;
      const colon = line.indexOf(":");
      if (colon <= 0) return { error: `Groups, line ${n + 1}: write "group: word word …".` };
      const name = line.slice(0, colon).trim();
      if (!names.includes(name)) names.push(name);
      // one colour per group, none shared (w2v.book.figures.group_colors refuses more too)
      if (names.length > DATA.colors.length) return { error: `Groups, line ${n + 1}: at most ${DATA.colors.length} groups, one colour each.` };
      for (const w of line.slice(colon + 1).trim().split(/\s+/)) if (w && !groupOf.has(w)) groupOf.set(w, names.indexOf(name));
    }
    return { names, groupOf };
  }

  // "a b c d" per line (a : b :: c : d).
  function readAnalogies(text) {
    const tests = [];
    const lines = text.split("\n");
    for (let n = 0; n < lines.length; n++) {
      const line = lines[n].trim();
      if (!line || line.startsWith("#")) continue;
      const words = line.split(/\s+/);
      if (words.length !== 4) return { error: `Analogies, line ${n + 1}: write four words "a b c d" (a : b :: c : d).` };
      tests.push(words);
    }
    return { tests };
  }

  // The vocabulary as w2v.load_corpus orders it: by group (in the order of the groups box; words
  // in no group last), then by frequency, then alphabetically.
  function vocabulary(sentences, groups) {
    const freq = new Map();
    for (const s of sentences) for (const w of s) freq.set(w, (freq.get(w) || 0) + 1);
    const G = groups.names.length;
    const g = (w) => (groups.groupOf.has(w) ? groups.groupOf.get(w) : G);
    return [...freq.keys()].sort((a, b) => g(a) - g(b) || freq.get(b) - freq.get(a) || (a < b ? -1 : a > b ? 1 : 0));
  }

  // w2v.corpus.pairs: every (centre, context) pair within the window, sentence by sentence.
  function pairTable(sentences, index, window) {
    const rows = [];
    for (const s of sentences) {
      const ids = s.map((w) => index.get(w));
      for (let i = 0; i < ids.length; i++) {
        for (let j = Math.max(0, i - window); j < Math.min(ids.length, i + window + 1); j++) {
          if (j !== i) rows.push(ids[i], ids[j]);
        }
      }
    }
    return Int32Array.from(rows);
  }

  function sameText(sentences, text) {
    return sentences.map((s) => s.join(" ")).join("\n") === text;
  }

  // ------------------------------------------------------------------ 4. training

  // mulberry32: a small, fast 32-bit PRNG. Not torch's generator: with a seed other than the
  // book's, the page's run is its own, not the Python engine's.
  function mulberry32(seed) {
    let a = seed >>> 0;
    return function () {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  // The job for the worker: vocabulary, pairs, initial W (W′ starts at zero), the order of pairs.
  function makeJob(s) {
    const r = DATA.recipe;
    const faithful = sameText(s.sentences, DATA.text) && s.window === r.window && s.dim === r.dim
      && s.seed === r.seed && s.steps <= r.steps;
    const vocab = faithful ? DATA.vocab.slice() : vocabulary(s.sentences, s.groups);
    const index = new Map(vocab.map((w, i) => [w, i]));
    const pairs = pairTable(s.sentences, index, s.window);
    const V = vocab.length, D = s.dim, n = pairs.length / 2;
    let W, order;
    if (faithful) {
      W = DATA.W0.slice();
      order = Int32Array.from(DATA.order.subarray(0, s.steps));
    } else {
      const random = mulberry32(s.seed);
      W = new Float32Array(V * D);
      for (let k = 0; k < V * D; k++) W[k] = Math.fround(-0.5 / D + (1 / D) * random());  // uniform(−0.5/D, 0.5/D)
      order = new Int32Array(s.steps);
      const pass = new Int32Array(n);
      for (let t = 0; t < s.steps; t += n) {  // shuffled passes over all pairs (Fisher–Yates), cut at steps
        for (let i = 0; i < n; i++) pass[i] = i;
        for (let i = n - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          const x = pass[i]; pass[i] = pass[j]; pass[j] = x;
        }
        order.set(pass.subarray(0, Math.min(n, s.steps - t)), t);
      }
    }
    return { vocab, faithful, job: { V, D, W, W_out: new Float32Array(D * V), pairs, order,
                                     lr: s.lr, lrFinal: s.lr_final, steps: s.steps } };
  }

  let worker = null, running = null, lastResult = null;

  function setStatus(text) {
    const box = $("pg-status");
    if (box.textContent !== text) box.textContent = text;
  }

  function setProgress(done, steps) {
    const bar = $("pg-progress");
    bar.max = steps;
    bar.value = done;
  }

  function setRunning(on) {
    // A disabled button loses the keyboard focus to the page: hand it to the other button instead
    // (Train → Stop while training, back to Train after), so Enter or Space can stop or train again.
    const from = $(on ? "pg-train" : "pg-stop");
    const focusMoves = document.activeElement === from || (!on && document.activeElement === document.body);
    $("pg-train").disabled = on;
    $("pg-stop").disabled = !on;
    $("pg-progress").hidden = !on;
    if (focusMoves) $(on ? "pg-stop" : "pg-train").focus({ preventScroll: true });
  }

  function train() {
    if (running) return;
    const read = readControls();
    if (read.errors) {
      const n = Object.keys(read.errors).length;
      setStatus(`Not trained: ${n === 1 ? "one setting needs a fix (see the message beside it)" : n + " settings need a fix (see the messages beside them)"}. `
        + (lastResult ? "The results below are from your previous run." : ""));
      return;
    }
    const s = read.settings;
    const made = makeJob(s);
    running = { settings: s, vocab: made.vocab, faithful: made.faithful, started: performance.now(), steps: s.steps };
    setRunning(true);
    setProgress(0, s.steps);
    setStatus(`Training ${s.steps.toLocaleString("en-US")} steps…`);
    const job = made.job;
    if (!worker && DATA.worker_url) {
      try {
        worker = new Worker(DATA.worker_url);
        worker.onmessage = onMessage;
        worker.onerror = (event) => { event.preventDefault(); fallback(job); };
      } catch (error) {  // a page opened from disk: Chromium refuses a worker there
        worker = null;
        DATA.worker_url = null;
      }
    }
    if (worker) {
      running.job = job;
      worker.postMessage(job);  // copied, so the job is still here if the worker cannot start
    } else {
      trainOnPage(job);
    }
  }

  // When no worker can start (a page opened from disk): the same steps on the page, in slices of
  // SLICE steps between frames, so the page still answers while it trains.
  const SLICE = 1000;
  function fallback(job) {
    if (worker) worker.terminate();
    worker = null;
    DATA.worker_url = null;
    if (running) trainOnPage(running.job || job);
  }

  function trainOnPage(job) {
    const run = Object.assign({ stride: 2, losses: new Float32Array(job.steps) }, job);
    run.W = job.W.slice();
    run.W_out = job.W_out.slice();
    let done = 0, ms = 0;
    const token = running;
    function slice() {
      if (running !== token) return;  // stopped
      const t0 = performance.now();
      const to = Math.min(job.steps, done + SLICE);
      const bad = self.w2vStep.trainSteps(run, done, to);
      ms += performance.now() - t0;
      done = to;
      if (bad >= 0) return onMessage({ data: { type: "diverged", step: bad } });
      if (done < job.steps) {
        onMessage({ data: { type: "progress", done } });
        setTimeout(slice, 0);
      } else {
        onMessage({ data: { type: "done", W: run.W, W_out: run.W_out, losses: run.losses, ms } });
      }
    }
    setTimeout(slice, 0);
  }

  function onMessage(event) {
    const m = event.data;
    if (!running) return;
    if (m.type === "progress") {
      setProgress(m.done, running.steps);
      setStatus(`Training: step ${m.done.toLocaleString("en-US")} of ${running.steps.toLocaleString("en-US")}…`);
      return;
    }
    const r = running;
    running = null;
    setRunning(false);
    if (m.type === "diverged") {
      setStatus(`Training diverged at step ${m.step.toLocaleString("en-US")} (the loss is not finite): lower lr or `
        + "lr_final. " + (lastResult ? "The results below are from your previous run." : ""));
      return;
    }
    const wall = performance.now() - r.started;
    lastResult = { settings: r.settings, vocab: r.vocab, faithful: r.faithful, W: m.W, W_out: m.W_out,
                   losses: m.losses, ms: m.ms, wallMs: wall };
    const scores = score(lastResult);
    lastResult.scores = scores;
    showResults(lastResult);
    setStatus(`Trained ${r.steps.toLocaleString("en-US")} steps in ${Math.round(m.ms)} ms `
      + `(${Math.round(wall)} ms from the click to the results).`);
  }

  function stop() {
    if (!running) return;
    const steps = $("pg-progress").value;
    if (worker) worker.terminate();
    worker = null;
    running = null;
    setRunning(false);
    setStatus(`Stopped at step ${Number(steps).toLocaleString("en-US")}. `
      + (lastResult ? "The results below are from your previous run." : "Nothing was trained."));
  }

  // ------------------------------------------------------------------ 5. scores (w2v.analysis)

  // normalize_rows: each row divided by its length (a zero row stays zero), in float64.
  function unitRows(W, V, D) {
    const unit = new Float64Array(V * D);
    for (let i = 0; i < V; i++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += W[i * D + d] * W[i * D + d];
      const n = Math.sqrt(s) || 1;
      for (let d = 0; d < D; d++) unit[i * D + d] = W[i * D + d] / n;
    }
    return unit;
  }

  function dot(unit, D, i, v) {
    let s = 0;
    for (let d = 0; d < D; d++) s += unit[i * D + d] * v[d];
    return s;
  }

  // nearest_neighbors: each word's k most cosine-similar other words, ties by word id.
  function nearestNeighbors(unit, V, D, k) {
    const out = [];
    for (let i = 0; i < V; i++) {
      const row = unit.subarray(i * D, i * D + D);
      const cos = new Float64Array(V);
      for (let j = 0; j < V; j++) cos[j] = dot(unit, D, j, row);
      const ids = [];
      for (let j = 0; j < V; j++) if (j !== i) ids.push(j);
      ids.sort((a, b) => cos[b] - cos[a] || a - b);
      out.push(ids.slice(0, k));
    }
    return out;
  }

  // analogy_answer (3CosAdd): the word nearest to b − a + c on unit rows, a, b and c excluded.
  function analogyAnswer(unit, V, D, a, b, c) {
    const target = new Float64Array(D);
    for (let d = 0; d < D; d++) target[d] = unit[b * D + d] - unit[a * D + d] + unit[c * D + d];
    let n = 0;
    for (let d = 0; d < D; d++) n += target[d] * target[d];
    n = Math.sqrt(n);
    for (let d = 0; d < D; d++) target[d] /= n;
    let best = -1, bestScore = -Infinity;
    for (let j = 0; j < V; j++) {
      if (j === a || j === b || j === c) continue;
      const s = dot(unit, D, j, target);
      if (s > bestScore) { best = j; bestScore = s; }
    }
    return best;
  }

  // neighbor_purity: the mean share of each grouped word's top-k neighbours in its own group.
  function purity(neighbors, group, k) {
    let same = 0, count = 0;
    for (let i = 0; i < neighbors.length; i++) {
      if (group[i] < 0) continue;
      for (let n = 0; n < k; n++) same += group[neighbors[i][n]] === group[i] ? 1 : 0;
      count += k;
    }
    return count ? same / count : null;
  }

  // The eigenvectors of a symmetric D×D matrix (Jacobi rotations), largest eigenvalue first.
  function symmetricEigen(A, D) {
    const a = Float64Array.from(A), v = new Float64Array(D * D);
    for (let i = 0; i < D; i++) v[i * D + i] = 1;
    for (let sweep = 0; sweep < 100; sweep++) {
      let off = 0;
      for (let p = 0; p < D; p++) for (let q = p + 1; q < D; q++) off += a[p * D + q] * a[p * D + q];
      if (off < 1e-30) break;
      for (let p = 0; p < D; p++) {
        for (let q = p + 1; q < D; q++) {
          const apq = a[p * D + q];
          if (Math.abs(apq) < 1e-300) continue;
          const theta = (a[q * D + q] - a[p * D + p]) / (2 * apq);
          const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          const c = 1 / Math.sqrt(t * t + 1), s = t * c;
          for (let k = 0; k < D; k++) {  // A ← JᵀAJ: columns p and q, then rows p and q
            const akp = a[k * D + p], akq = a[k * D + q];
            a[k * D + p] = c * akp - s * akq;
            a[k * D + q] = s * akp + c * akq;
          }
          for (let k = 0; k < D; k++) {
            const apk = a[p * D + k], aqk = a[q * D + k];
            a[p * D + k] = c * apk - s * aqk;
            a[q * D + k] = s * apk + c * aqk;
          }
          for (let k = 0; k < D; k++) {
            const vkp = v[k * D + p], vkq = v[k * D + q];
            v[k * D + p] = c * vkp - s * vkq;
            v[k * D + q] = s * vkp + c * vkq;
          }
        }
      }
    }
    const order = Array.from({ length: D }, (_, i) => i).sort((i, j) => a[j * D + j] - a[i * D + i]);
    return order.map((i) => Array.from({ length: D }, (_, k) => v[k * D + i]));
  }

  // The map (embedding_map, map_axes): the unit rows minus their mean, on the first two principal
  // axes; each axis signed so that the row reaching furthest along it lands on its positive side.
  function wordMap(unit, V, D) {
    const mean = new Float64Array(D);
    for (let i = 0; i < V; i++) for (let d = 0; d < D; d++) mean[d] += unit[i * D + d] / V;
    const X = new Float64Array(V * D);
    for (let i = 0; i < V; i++) for (let d = 0; d < D; d++) X[i * D + d] = unit[i * D + d] - mean[d];
    const C = new Float64Array(D * D);
    for (let i = 0; i < V; i++) for (let p = 0; p < D; p++) for (let q = 0; q < D; q++) C[p * D + q] += X[i * D + p] * X[i * D + q];
    const axes = symmetricEigen(C, D).slice(0, 2);
    const coords = axes.map((axis) => {
      const xs = Array.from({ length: V }, (_, i) => dot(X, D, i, axis));
      let far = 0;
      for (let i = 1; i < V; i++) if (Math.abs(xs[i]) > Math.abs(xs[far])) far = i;
      return xs[far] < 0 ? xs.map((x) => -x) : xs;
    });
    return { x: coords[0], y: coords[1], axes };
  }

  // mean loss of equal blocks of steps (w2v.book.playground.loss_curve).
  function curve(losses, points) {
    const n = losses.length, size = Math.ceil(n / points);
    const steps = [], loss = [];
    for (let a = 0; a < n; a += size) {
      const b = Math.min(n, a + size);
      let s = 0;
      for (let t = a; t < b; t++) s += losses[t];
      steps.push(b);
      loss.push(s / (b - a));
    }
    return { steps, loss };
  }

  // the final loss, as the book reads it: the mean loss of the last loss_window steps
  // (w2v.book.playground.final_loss)
  function finalLoss(losses, window) {
    const n = losses.length, a = Math.max(0, n - window);
    let s = 0;
    for (let t = a; t < n; t++) s += losses[t];
    return s / (n - a);
  }

  function score(result) {
    const { vocab, W, settings } = result;
    const V = vocab.length, D = settings.dim;
    const index = new Map(vocab.map((w, i) => [w, i]));
    const unit = unitRows(W, V, D);
    const k = Math.min(DATA.neighbors_k, V - 1);
    const neighbors = nearestNeighbors(unit, V, D, k);
    const group = vocab.map((w) => (settings.groups.groupOf.has(w) ? settings.groups.groupOf.get(w) : -1));
    const tests = settings.tests.tests.filter((t) => t.every((w) => index.has(w)));
    const answers = tests.map(([a, b, c]) => analogyAnswer(unit, V, D, index.get(a), index.get(b), index.get(c)));
    const right = tests.filter((t, i) => vocab[answers[i]] === t[3]).length;
    return { neighbors, group, tests, answers, right, skipped: settings.tests.tests.length - tests.length,
             purity: purity(neighbors, group, Math.min(DATA.purity_k, k)), map: wordMap(unit, V, D),
             curve: curve(result.losses, DATA.curve_points), loss: finalLoss(result.losses, DATA.loss_window) };
  }

  // ------------------------------------------------------------------ 6. showing results

  function bokehModel(name) {
    if (!window.Bokeh || !Bokeh.documents) return null;
    for (const doc of Bokeh.documents) {
      const model = doc.get_model_by_name(name);
      if (model) return model;
    }
    return null;
  }

  function colorOf(group) {
    return group < 0 ? GREY : DATA.colors[group];
  }

  // The groups the page colours by, everywhere at once (both maps, both neighbour lists, the key):
  // those of the reader's last run, or the book's before the reader trains.
  function shownGroups() {
    return lastResult ? lastResult.settings.groups : DATA.book_groups;
  }

  function groupOf(w) {
    const groups = shownGroups();
    return groups.groupOf.has(w) ? groups.groupOf.get(w) : -1;
  }

  // The key's markup: w2v.book.figures.playground.colour_key, the same.
  function keyHTML(entries) {
    const escape = (text) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    const items = entries.map(([colour, name]) =>
      '<span class="pg-key-item" style="white-space:nowrap;margin-right:0.9em"><span class="pg-key-swatch" '
      + `style="display:inline-block;width:0.8em;height:0.8em;border-radius:50%;background:${colour};`
      + `border:1px solid #333;vertical-align:-0.05em;margin-right:0.3em"></span>${escape(name)}</span> `).join("");
    return `<div style="font-size:12px;line-height:1.6;color:#222">${items}</div>`;
  }

  // A source's data with a new column of colours (light values), themed for the page's mode by
  // w2v-figures.js, which keeps a source's light colours to put back when the reader switches to light.
  function setData(model, data) {
    model.data = data;
    if (window.w2vFigures) window.w2vFigures.newColours(model);
  }

  // The book's map coloured by the groups shown, and the key naming exactly the colours shown: a
  // group with a word on either map, and grey when a word there is in no group.
  function showKey() {
    const words = new Set(DATA.vocab);
    if (lastResult) for (const w of lastResult.vocab) words.add(w);
    const used = new Set();
    for (const w of words) used.add(groupOf(w));
    const entries = shownGroups().names.map((name, g) => [colorOf(g), name]).filter((_, g) => used.has(g));
    if (used.has(-1)) entries.push([GREY, "in no group"]);
    const key = bokehModel("pg-map-key");
    if (key) {
      const text = keyHTML(entries);
      if (key.text !== text) key.text = text;
    }
    const bookMap = bokehModel("pg-map-book");
    if (bookMap) {
      const color = DATA.vocab.map((w) => colorOf(groupOf(w)));
      if (keyed.get(bookMap.data) !== color.join()) {
        const data = { x: bookMap.data.x, y: bookMap.data.y, word: bookMap.data.word, color };
        setData(bookMap, data);
        keyed.set(bookMap.data, color.join());
      }
    }
  }
  const keyed = new WeakMap();  // the book map's data → the colours it was given (as one string)

  function fmt(x, digits) {
    return x === null || x === undefined ? "–" : x.toFixed(digits);
  }

  function percent(x) {
    return `${Math.round(100 * x)}%`;
  }

  function setText(id, text) {
    const node = $(id);
    if (node && node.textContent !== text) node.textContent = text;
  }

  function showResults(result) {
    const sc = result.scores;
    setText("pg-you-loss", fmt(sc.loss, 3));
    setText("pg-you-analogies", sc.tests.length ? `${sc.right} / ${sc.tests.length}` : "no test");
    setText("pg-you-purity", sc.purity === null ? "no groups" : percent(sc.purity));
    setText("pg-you-time", `${Math.round(result.ms)} ms`);
    setText("pg-you-start", result.faithful ? "the book run's own" : `drawn in the page (seed ${result.settings.seed})`);
    setText("pg-analogy-skipped", sc.skipped ? `${sc.skipped} test${sc.skipped > 1 ? "s" : ""} left out: a word is not in the text.` : "");
    const lossYours = bokehModel("pg-loss-yours");
    if (lossYours) lossYours.data = { step: sc.curve.steps, loss: sc.curve.loss };
    const mapYours = bokehModel("pg-map-yours");
    if (mapYours) {
      const order = result.vocab.map((_, i) => i);
      const count = new Map();
      for (const s of result.settings.sentences) for (const w of s) count.set(w, (count.get(w) || 0) + 1);
      order.sort((a, b) => count.get(result.vocab[b]) - count.get(result.vocab[a]) || a - b);  // frequent words labelled first
      const labelOrder = bokehModel("pg-map-yours-order");
      if (labelOrder) labelOrder.tags = [order];
      const view = bokehModel("pg-map-yours-plot-view");  // the invisible corners that fix the map's square ranges
      if (view) {
        let limit = 0;
        for (let i = 0; i < sc.map.x.length; i++) limit = Math.max(limit, Math.abs(sc.map.x[i]), Math.abs(sc.map.y[i]));
        limit = 1.08 * (limit || 1);
        view.data_source.data = { x: [-limit, limit, -limit, limit], y: [-limit, -limit, limit, limit] };
      }
      setData(mapYours, { x: sc.map.x, y: sc.map.y, word: result.vocab.slice(), color: sc.group.map(colorOf) });
    }
    showKey();
    fillWordPicker(result);
    showNeighbors();
    showAnalogies(result);
    $("pg-results").dataset.trained = "true";
  }

  function fillWordPicker(result) {
    const pick = $("pg-word");
    const keep = pick.value;
    const words = result.vocab.slice().sort();
    pick.replaceChildren(...words.map((w) => new Option(w, w)));
    pick.value = words.includes(keep) ? keep : (words.includes(DATA.default_word) ? DATA.default_word : words[0]);
  }

  function wordList(list, words, groupOf) {
    list.replaceChildren(...words.map((w) => {
      const item = document.createElement("li");
      const swatch = document.createElement("span");
      swatch.className = "w2v-swatch";
      swatch.style.background = colorOf(groupOf(w));
      item.append(swatch, w);
      return item;
    }));
  }

  function showNeighbors() {
    const word = $("pg-word").value;
    const book = DATA.book, bookIndex = DATA.vocab.indexOf(word);
    setText("pg-nb-word", word);
    if (lastResult) {
      const i = lastResult.vocab.indexOf(word);
      wordList($("pg-nb-yours"), i < 0 ? [] : lastResult.scores.neighbors[i].map((j) => lastResult.vocab[j]), groupOf);
    }
    wordList($("pg-nb-book"), bookIndex < 0 ? [] : book.neighbors[bookIndex].map((j) => DATA.vocab[j]), groupOf);
    setText("pg-nb-book-none", bookIndex < 0 ? "Not a word of the book's text." : "");
  }

  function showAnalogies(result) {
    const sc = result.scores;
    const bookAnswer = new Map(DATA.book_tests.map((t, i) => [t.join(" "), DATA.vocab[DATA.book.analogy_answers[i]]]));
    const body = $("pg-analogy-rows");
    body.replaceChildren(...sc.tests.map((t, i) => {
      const row = document.createElement("tr");
      const mine = result.vocab[sc.answers[i]], theirs = bookAnswer.get(t.join(" "));
      const cells = [`${t[0]} : ${t[1]} :: ${t[2]} : ?`, t[3], mark(mine, t[3]), theirs ? mark(theirs, t[3]) : "–"];
      for (const text of cells) {
        const cell = document.createElement("td");
        cell.textContent = text;
        row.appendChild(cell);
      }
      return row;
    }));
  }

  function mark(answer, expected) {
    return `${answer} ${answer === expected ? "✓" : "✗"}`;
  }

  // ------------------------------------------------------------------ 7. start

  function fillControls() {
    const r = DATA.recipe;
    for (const name of Object.keys(NUMBERS)) $(`pg-${name}`).value = String(r[name]);
    $("pg-text").value = DATA.text;
    $("pg-groups").value = DATA.groups;
    $("pg-analogies").value = DATA.analogies;
  }

  function init() {
    DATA = readData();
    if (!DATA) return;
    DATA.worker_url = new URL("playground-worker.js", document.querySelector('script[src$="playground.js"]').src).href;
    DATA.book_tests = DATA.analogies.split("\n").filter((l) => l.trim()).map((l) => l.trim().split(/\s+/));
    DATA.book_groups = readGroups(DATA.groups);
    fillControls();
    const book = DATA.book;
    setText("pg-book-loss", fmt(book.final_loss, 3));
    setText("pg-book-analogies", DATA.book_tests.length ? `${book.analogies_right} / ${DATA.book_tests.length}` : "no test");
    setText("pg-book-purity", book.purity === null ? "no groups" : percent(book.purity));
    $("pg-train").addEventListener("click", train);
    $("pg-stop").addEventListener("click", stop);
    $("pg-reset").addEventListener("click", () => { if (!running) { fillControls(); readControls(); } });
    $("pg-word").addEventListener("change", showNeighbors);
    $("pg-form").addEventListener("submit", (event) => { event.preventDefault(); train(); });
    const pick = $("pg-word");
    const words = DATA.vocab.slice().sort();
    pick.replaceChildren(...words.map((w) => new Option(w, w)));
    pick.value = DATA.default_word;
    showNeighbors();
    // a figure drawn after the reader trained (figures are drawn as the reader comes near them)
    // shows the reader's run too
    document.addEventListener("w2v:figure-drawn", () => { if (lastResult) showResults(lastResult); else showKey(); });
    $("pg-controls").hidden = false;
    document.documentElement.classList.add("pg-ready");
  }

  // For tests and the curious (in the browser console).
  // scoreWeights(W): the page's scores of any final W of the book's vocabulary (a flat V·D array),
  // with the book's groups and tests, to hold them to w2v.analysis on the same W.
  function scoreWeights(W) {
    return score({ vocab: DATA.vocab, W: Float32Array.from(W), losses: new Float32Array(1),
                   settings: { dim: W.length / DATA.vocab.length, groups: readGroups(DATA.groups),
                               tests: readAnalogies(DATA.analogies) } });
  }
  window.w2vPlayground = { train, stop, result: () => lastResult, data: () => DATA, running: () => Boolean(running),
                           scoreWeights };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
