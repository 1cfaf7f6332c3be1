"""How much the recording costs: bare torch loop vs recorded training vs cache load vs NumPy floor.

Run: python benchmarks/train_speed.py [--repeat N]. One process, one thread. Each timing is the
best of N interleaved repeats (default 5), as wall-clock and as process CPU time, so that a
busy (shared) machine disturbs it less; on an idle machine the two agree.

  (a) bare   the 13-line SkipGram over the run's 15,000 recorded pairs, plain SGD, nothing recorded
  (b) full   w2v.train.train + record_analysis: what train_or_load does on a cache miss
  (c) load   train_or_load on a cache hit
  (d) numpy  the same SGD step loop in pure NumPy (a floor for this tiny model)
  (e) optim  a naive loop with torch.optim.SGD, for reference

Goals: b/a ≤ 1.25, a ≤ 1.5 s, c ≤ 0.2 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import w2v  # noqa: E402
from w2v.corpus import load_corpus  # noqa: E402
from w2v.model import SkipGram  # noqa: E402
from w2v.train import load_config, record_analysis, train, train_or_load  # noqa: E402


def measure(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def best_of(repeat: int, *fns):
    """Run the functions in turn `repeat` times (interleaved, so a busy spell hits all of them);
    for each: (best wall seconds, best CPU seconds, last result)."""
    best = [[float("inf"), float("inf"), None] for _ in fns]
    for _ in range(repeat):
        for slot, fn in zip(best, fns):
            wall, cpu, slot[2] = measure(fn)
            slot[0], slot[1] = min(slot[0], wall), min(slot[1], cpu)
    return best


def bare_loop(V, D, seed, centers, contexts, lrs):
    """(a) the model and plain SGD, nothing else."""
    torch.manual_seed(seed)
    model = SkipGram(V, D)
    W, W_out = model.W, model.W_out
    cs = torch.from_numpy(centers).split(1)
    xs = torch.from_numpy(contexts).split(1)
    for t in range(len(lrs)):
        loss = model(cs[t], xs[t])
        loss.backward()
        with torch.no_grad():
            W.add_(W.grad, alpha=-lrs[t])
            W_out.add_(W_out.grad, alpha=-lrs[t])
        W.grad = None
        W_out.grad = None
    return W.detach().numpy().copy()


def optim_loop(V, D, seed, centers, contexts, lrs):
    """(e) the textbook way: torch.optim.SGD, a fresh tensor per step, lr set per step."""
    torch.manual_seed(seed)
    model = SkipGram(V, D)
    opt = torch.optim.SGD(model.parameters(), lr=lrs[0])
    for t in range(len(lrs)):
        for group in opt.param_groups:
            group["lr"] = lrs[t]
        opt.zero_grad()
        loss = model(torch.tensor([int(centers[t])]), torch.tensor([int(contexts[t])]))
        loss.backward()
        opt.step()
    return model.W.detach().numpy().copy()


def numpy_loop(W, W_out, centers, contexts, lrs):
    """(d) the same step in NumPy, in place, float32."""
    W, W_out = W.copy(), W_out.copy()
    for t in range(len(lrs)):
        c, o, lr = centers[t], contexts[t], np.float32(lrs[t])
        h = W[c].copy()
        u = h @ W_out
        e = np.exp(u - u.max())
        e /= e.sum()
        e[o] -= 1
        W[c] -= lr * (W_out @ e)
        W_out -= lr * np.outer(h, e)
    return W


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--corpus", default=str(w2v.BOOK_CORPUS))
    args = parser.parse_args()

    torch.set_num_threads(1)
    folder = Path(args.corpus)
    corpus, config = load_corpus(folder), load_config(folder)
    with tempfile.TemporaryDirectory() as tmp:
        run = train_or_load(folder, tmp)  # also warms up torch
        centers = run.centers.astype(np.int64)
        contexts = run.contexts.astype(np.int64)
        lrs = [config.lr_at(t) for t in range(config.steps)]
        V, D = corpus.vocab_size, config.dim

        def full():
            raw = train(corpus, config)
            raw.update(record_analysis(corpus, config, raw))
            return raw

        (a, a_cpu, W_bare), (b, b_cpu, raw) = best_of(
            args.repeat, lambda: bare_loop(V, D, config.seed, centers, contexts, lrs), full)
        ((c, c_cpu, loaded),) = best_of(max(args.repeat, 5), lambda: train_or_load(folder, tmp))
        (d, d_cpu, W_np), (e, e_cpu, W_opt) = best_of(
            args.repeat, lambda: numpy_loop(run.W_checkpoints[0], run.W_out_checkpoints[0], centers, contexts, lrs),
            lambda: optim_loop(V, D, config.seed, centers, contexts, lrs))

    print(f"corpus {folder}: V={V}, D={D}, {config.steps} steps, torch {torch.__version__}, "
          f"{torch.get_num_threads()} thread, best of {args.repeat}")
    print("                                          wall s    CPU s")
    print(f"(a) bare SkipGram loop, plain SGD       {a:7.3f}  {a_cpu:7.3f}   (goal ≤ 1.5 s)")
    print(f"(b) recorded train + record_analysis    {b:7.3f}  {b_cpu:7.3f}")
    print(f"(c) train_or_load, cache hit            {c:7.3f}  {c_cpu:7.3f}   (goal ≤ 0.2 s)")
    print(f"(d) pure NumPy step loop (floor)        {d:7.3f}  {d_cpu:7.3f}")
    print(f"(e) naive loop with torch.optim.SGD     {e:7.3f}  {e_cpu:7.3f}")
    print(f"b/a = {b / a:.3f} wall, {b_cpu / a_cpu:.3f} CPU   (goal ≤ 1.25)")
    print(f"same final W:  bare == recorded {np.array_equal(W_bare, raw['W_checkpoints'][-1])}, "
          f"optim == recorded {np.array_equal(W_opt, raw['W_checkpoints'][-1])}, "
          f"numpy vs recorded max |Δ| {np.abs(W_np - raw['W_checkpoints'][-1]).max():.1e}, "
          f"loaded == recorded {np.array_equal(loaded.W, raw['W_checkpoints'][-1])}")


if __name__ == "__main__":
    main()
