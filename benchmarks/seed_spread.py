"""How much of the book depends on the training seed: the book's recipe trained with seeds 0–19.

    .venv/bin/python benchmarks/seed_spread.py [CORPUS_DIR]

Prints, per seed, the final analogy score (3CosAdd) beside its two baselines (nearest neighbour
of c; b + c ignoring a; Linzen 2016), top-3 neighbour purity and block contrast, then the median
and range of each, and issue 9's goals as met or missed. Runs are cached like the book's own
(w2v.seeds) and trained in parallel, so a second call is instant.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from w2v import seeds  # noqa: E402
from w2v.corpus import CorpusError  # noqa: E402


def goals(summary: dict, table: list[dict]) -> list[tuple[str, str, bool]]:
    """Issue 9's goals for the spread over seeds: (goal, measured, met)."""
    a, c, p, b = summary["analogies"], summary["nearest_of_c"], summary["purity"], summary["block_contrast"]
    return [
        ("3CosAdd median ≥ 4", f"{a['median']:.3g}", a["median"] >= 4),
        ("3CosAdd minimum ≥ 3", f"{a['min']:.3g}", a["min"] >= 3),
        ("purity ≥ 0.80 for every seed", f"min {p['min']:.3f}", p["min"] >= 0.80),
        ("block contrast ≥ 0.30 for every seed", f"min {b['min']:.3f}", b["min"] >= 0.30),
        ("3CosAdd median beats nearest-of-c median by ≥ 2", f"{a['median']:.3g} vs {c['median']:.3g}",
         a["median"] - c["median"] >= 2),
    ]


def main(argv: list[str]) -> int:
    corpus_dir = Path(argv[0]) if argv else ROOT / "corpus"
    started = time.perf_counter()
    try:
        runs = seeds.seed_runs(corpus_dir, seeds.SEEDS)
    except CorpusError as exc:
        print(f"seed_spread: {exc}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - started
    table = seeds.spread_table(runs)
    tests = len(runs[0].corpus.analogies)
    print(f"{corpus_dir}: {len(runs)} seeds, {runs[0].config.steps:,} steps each, {tests} analogy tests "
          f"({seconds:.1f} s to train or load)")
    print(f"{'seed':>4}  {'3CosAdd':>7}  {'nearest c':>9}  {'b + c':>5}  {'purity':>6}  {'contrast':>8}")
    for row in table:
        print(f"{row['seed']:>4}  {row['analogies']:>5}/{tests}  {row['nearest_of_c']:>7}/{tests}  "
              f"{row['b_plus_c']:>3}/{tests}  {row['purity']:>6.3f}  {row['block_contrast']:>8.3f}")
    summary = seeds.spread_summary(table)
    print("median (min–max):")
    for key, s in summary.items():
        print(f"  {key:<15} {s['median']:.3g} ({s['min']:.3g}–{s['max']:.3g})")
    print("per test, runs right:")
    for test, n in zip(runs[0].corpus.analogies, seeds.right_per_test(runs)):
        print(f"  {' '.join(test):<30} {n:>2}/{len(runs)}")
    if tests == 5 and runs[0].corpus.has_groups:
        print("issue 9 goals:")
        for goal, measured, met in goals(summary, table):
            print(f"  {'met   ' if met else 'MISSED'} {goal:<50} {measured}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
