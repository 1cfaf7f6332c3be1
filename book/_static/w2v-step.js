// One training step of the skip-gram, in the browser: the arithmetic of w2v/step.py in float32,
// shared by the two pages that train in JavaScript. "One training step" (walkthrough.js) loads it
// with a <script> tag to replay and show any step of the book's run; "Your turn" loads it in its
// Web Worker (playground-worker.js, with importScripts) to train a whole model.
//
// A classic script, not an ES module, so that both a page and a worker can load it from disk or
// any static server: it defines one object, self.w2vStep (self is the window on a page, the
// worker's global scope in a worker).
//
// Float32 like NumPy float32 and torch: every result is rounded with Math.fround and stored in
// Float32Array, so the page's numbers are the Python step's, bit for bit.
"use strict";

(function (global) {
  const f32 = Math.fround;

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
    if (n > 128) {  // NumPy splits longer arrays in halves (its pairwise summation)
      const half = (n >> 1) - ((n >> 1) % 8);
      return f32(numpySum(a.subarray(0, half)) + numpySum(a.subarray(half)));
    }
    let r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7];
    let i = 8;
    for (const end = n - (n % 8); i < end; i += 8) {
      r0 = f32(r0 + a[i]); r1 = f32(r1 + a[i + 1]); r2 = f32(r2 + a[i + 2]); r3 = f32(r3 + a[i + 3]);
      r4 = f32(r4 + a[i + 4]); r5 = f32(r5 + a[i + 5]); r6 = f32(r6 + a[i + 6]); r7 = f32(r7 + a[i + 7]);
    }
    let s = f32(f32(f32(r0 + r1) + f32(r2 + r3)) + f32(f32(r4 + r5) + f32(r6 + r7)));
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

  // trainingStep in place: the same float32 operations in the same order (so the same numbers,
  // bit for bit), but it overwrites (W, W′) with the weights after the step, keeps no
  // intermediates and returns only the loss; `s` holds scratch vectors reused from step to step.
  // Making and copying V·D arrays at every step (∂L/∂W′, W′_next, a copy of W) was most of the
  // time of a replay, and would be most of the time of a training run.
  function replayStep(W, W_out, V, D, center, context, lr, s) {
    const lr32 = f32(lr);
    const { h, u, shifted, expShifted, e } = s;
    for (let d = 0; d < D; d++) h[d] = W[center * D + d];            // h = W[center]
    let max = -Infinity;
    for (let j = 0; j < V; j++) {                                    // u = h·W′
      let sum = 0;
      for (let d = 0; d < D; d++) sum = fma32(h[d], W_out[d * V + j], sum);
      u[j] = sum;
      if (sum > max) max = sum;
    }
    for (let j = 0; j < V; j++) {                                    // as logSoftmax
      shifted[j] = f32(u[j] - max);
      expShifted[j] = f32(Math.exp(shifted[j]));
    }
    const logSum = f32(Math.log(numpySum(expShifted)));
    for (let j = 0; j < V; j++) {                                    // e = p − y, p = exp(log p)
      const p = f32(Math.exp(f32(shifted[j] - logSum)));
      e[j] = f32(p - (j === context ? 1 : 0));
    }
    for (let d = 0; d < D; d++) {
      const row = d * V, hd = h[d];
      let sum = 0;                                                   // ∂L/∂h = W′e (row d of W′ before the step)
      for (let j = 0; j < V; j++) sum = fma32(W_out[row + j], e[j], sum);
      W[center * D + d] = f32(hd - f32(lr32 * sum));                 // W[center] ← h − lr·∂L/∂h
      for (let j = 0; j < V; j++) {                                  // then row d of W′ ← W′ − lr·(h ⊗ e)
        W_out[row + j] = f32(W_out[row + j] - f32(lr32 * f32(hd * e[j])));
      }
    }
    return -f32(shifted[context] - logSum);                          // loss = −log p[context]
  }

  function replayScratch(V, D) {
    return { h: new Float32Array(D), u: new Float32Array(V), shifted: new Float32Array(V),
             expShifted: new Float32Array(V), e: new Float32Array(V) };
  }

  // TrainConfig.lr_at, in float64 with Python's order of operations (a * b / c, then a + that).
  function lrAt(lr, lrFinal, steps, step) {
    return lr + ((lrFinal - lr) * step) / Math.max(steps - 1, 1);
  }

  // Steps from..to−1 of a training run, in place: run.W (V·D) and run.W_out (D·V) are updated,
  // run.losses[t] gets the loss of step t. run.pairs is the (n_pairs, 2·k) table of (centre,
  // context) ids read with stride run.stride, run.order[t] the row step t trains, and run.lr,
  // run.lrFinal, run.steps the schedule. Returns the first step whose loss is not finite, or −1.
  function trainSteps(run, from, to) {
    const { W, W_out, V, D, pairs, stride, order, losses } = run;
    const s = run.scratch || (run.scratch = replayScratch(V, D));
    for (let t = from; t < to; t++) {
      const row = order[t] * stride;
      const loss = replayStep(W, W_out, V, D, pairs[row], pairs[row + 1], lrAt(run.lr, run.lrFinal, run.steps, t), s);
      losses[t] = loss;
      if (!(loss < Infinity)) return t;  // NaN or ∞: the run diverged
    }
    return -1;
  }

  global.w2vStep = { f32, fma32, oneHot, numpySum, logSoftmax, softmax, forward, backward, sgdUpdate,
                     trainingStep, replayStep, replayScratch, lrAt, trainSteps };
})(self);
