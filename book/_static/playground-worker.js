// The Web Worker of "Your turn" (book/playground.md): trains the whole model off the page's main
// thread, so the page never freezes. The step is _static/w2v-step.js, the same script "One
// training step" replays the book's run with.
//
// In: { V, D, W, W_out, pairs, order, lr, lrFinal, steps } (typed arrays, transferred).
// Out: { type: "progress", done } every PROGRESS_EVERY steps; then { type: "done", W, W_out,
// losses, ms } or { type: "diverged", step }. Stop is worker.terminate() on the page.
"use strict";

importScripts("w2v-step.js");

const PROGRESS_EVERY = 2500;

self.onmessage = (event) => {
  const run = Object.assign({ stride: 2 }, event.data);
  run.losses = new Float32Array(run.steps);
  const started = performance.now();
  for (let from = 0; from < run.steps; from += PROGRESS_EVERY) {
    const to = Math.min(run.steps, from + PROGRESS_EVERY);
    const bad = self.w2vStep.trainSteps(run, from, to);
    if (bad >= 0) {
      self.postMessage({ type: "diverged", step: bad });
      return;
    }
    if (to < run.steps) self.postMessage({ type: "progress", done: to });
  }
  const ms = performance.now() - started;
  self.postMessage({ type: "done", W: run.W, W_out: run.W_out, losses: run.losses, ms },
                   [run.W.buffer, run.W_out.buffer, run.losses.buffer]);
};
