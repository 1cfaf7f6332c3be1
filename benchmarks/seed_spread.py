"""How much of the book depends on the training seed, and what answers each analogy test.

    .venv/bin/python benchmarks/seed_spread.py [SEEDS] [CORPUS_DIR]      # SEEDS like 0-19 (the default) or 20-39

Trains (or loads from the cache, like the book's own run: w2v.seeds) the book's recipe once per
seed, then prints per analogy test: how many runs 3CosAdd answers right, how many runs the nearest
word to c, and to b, is already d (closeness alone; a, b, c excluded), the median offset cosine
cos(b − a, d − c) on unit rows, the median cos(a, c) and cos(b, d), and whether the test is
answered by the offset (w2v.analysis.analogy_diagnostics, the function the book's scorecard uses).
Then the score's median and range, top-3 neighbour purity and block contrast, and issue 23's goals.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from w2v import analysis, seeds  # noqa: E402
from w2v.corpus import CorpusError  # noqa: E402


def parse_seeds(text: str) -> list[int]:
    match = re.fullmatch(r"(\d+)-(\d+)", text)
    if not match or int(match[1]) > int(match[2]):
        raise ValueError(f"seeds must be FIRST-LAST (e.g. 20-39), got {text!r}")
    return list(range(int(match[1]), int(match[2]) + 1))


def main(argv: list[str]) -> int:
    try:
        chosen = parse_seeds(argv[0]) if argv else list(seeds.SEEDS)
    except ValueError as exc:
        print(f"seed_spread: {exc}", file=sys.stderr)
        return 2
    corpus_dir = Path(argv[1]) if len(argv) > 1 else ROOT / "corpus"
    started = time.perf_counter()
    try:
        runs = seeds.seed_runs(corpus_dir, chosen)
    except CorpusError as exc:
        print(f"seed_spread: {exc}", file=sys.stderr)
        return 2
    corpus, n = runs[0].corpus, len(runs)
    print(f"{corpus_dir}: seeds {chosen[0]}–{chosen[-1]} ({n} runs), {runs[0].config.steps:,} steps, "
          f"dim {runs[0].config.dim}, window {runs[0].config.window} ({time.perf_counter() - started:.1f} s to train or load)")
    found = analysis.analogy_diagnostics(np.stack([run.W for run in runs]), corpus.ids_of_analogies())
    print(f"{'test':<30} {'3CosAdd':>7} {'near c':>6} {'near b':>6} {'offset':>6} {'cos ac':>6} {'cos bd':>6}  answered by")
    for t, test in enumerate(corpus.analogies):
        print(f"{' '.join(test):<30} {found['right_count'][t]:>4}/{n} {found['nearest_of_c_count'][t]:>3}/{n} "
              f"{found['nearest_of_b_count'][t]:>3}/{n} {found['offset_cos_median'][t]:>6.2f} "
              f"{found['cos_ac_median'][t]:>6.2f} {found['cos_bd_median'][t]:>6.2f}  "
              f"{'the offset' if found['by_offset'][t] else '—'}")
    score = found["right"].sum(axis=1)
    table = seeds.spread_table(runs)
    purity = np.array([row["purity"] for row in table])
    contrast = np.array([row["block_contrast"] for row in table])
    print(f"score (3CosAdd right of {len(corpus.analogies)}): median {np.median(score):g}, range {score.min()}–{score.max()}")
    print(f"purity (top 3, own group): median {np.median(purity):.3f}, range {purity.min():.3f}–{purity.max():.3f}")
    print(f"block contrast: median {np.median(contrast):.3f}, range {contrast.min():.3f}–{contrast.max():.3f}")
    if len(corpus.analogies) == 5 and corpus.has_groups:
        goals = [("≥ 3 of 5 tests answered by the offset", f"{int(found['by_offset'].sum())}", found["by_offset"].sum() >= 3),
                 ("score median ≥ 4", f"{np.median(score):g}", np.median(score) >= 4),
                 ("score minimum ≥ 3", f"{score.min()}", score.min() >= 3),
                 ("purity median ≥ 0.70", f"{np.median(purity):.3f}", np.median(purity) >= 0.70),
                 ("block contrast ≥ 0.30 for every seed", f"min {contrast.min():.3f}", contrast.min() >= 0.30)]
        print("issue 23 goals:")
        for goal, measured, met in goals:
            print(f"  {'met   ' if met else 'MISSED'} {goal:<40} {measured}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
