"""How the book's recipe was chosen: a small grid of recipes, each judged over training seeds.

    .venv/bin/python benchmarks/recipe_sweep.py [CORPUS_DIR]

Every recipe in the grid (window × starting lr × final lr; steps and dim stay the book's) is
trained with seeds 0–19 on the same corpus, and summarised by the median and minimum of the final
analogy score (3CosAdd), the median of the nearest-of-c baseline, and the minimum neighbour purity
and block contrast over the seeds. The recipe the corpus's train.toml names is then trained with
20 held-out seeds (20–39) that played no part in choosing it. All runs are cached (w2v.seeds).
"""

from __future__ import annotations

import itertools
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from w2v import seeds  # noqa: E402
from w2v.train import load_config  # noqa: E402

WINDOWS = (1, 2)
LRS = (0.1, 0.2, 0.3, 0.5)
LR_FINALS = (0.002, 0.02)
HELD_OUT = tuple(range(20, 40))


def summary_row(runs) -> dict[str, float]:
    s = seeds.spread_summary(seeds.spread_table(runs))
    return dict(median=s["analogies"]["median"], min=s["analogies"]["min"], near_c=s["nearest_of_c"]["median"],
                purity_min=s["purity"]["min"], purity_median=s["purity"]["median"],
                contrast_min=s["block_contrast"]["min"])


def line(label: str, row: dict[str, float]) -> str:
    return (f"{label:<26} {row['median']:>6.3g} {row['min']:>4.0f} {row['near_c']:>7.3g}"
            f" {row['purity_min']:>8.3f} {row['purity_median']:>8.3f} {row['contrast_min']:>9.3f}")


def main(argv: list[str]) -> int:
    corpus_dir = Path(argv[0]) if argv else ROOT / "corpus"
    book = load_config(corpus_dir)
    started = time.perf_counter()
    print(f"{corpus_dir}: recipes over seeds {seeds.SEEDS[0]}–{seeds.SEEDS[-1]}, "
          f"{book.steps:,} steps, dim {book.dim}")
    print(f"{'recipe':<26} {'3CA med':>6} {'min':>4} {'near c':>7} {'pur min':>8} {'pur med':>8} {'contr min':>9}")
    for window, lr, lr_final in itertools.product(WINDOWS, LRS, LR_FINALS):
        mark = " *" if (window, lr, lr_final) == (book.window, book.lr, book.lr_final) else ""
        runs = seeds.seed_runs(corpus_dir, window=window, lr=lr, lr_final=lr_final)
        print(line(f"window {window} lr {lr}→{lr_final}{mark}", summary_row(runs)), flush=True)
    held = seeds.seed_runs(corpus_dir, seeds=HELD_OUT)
    print(f"\n* the book's recipe (train.toml), held-out seeds {HELD_OUT[0]}–{HELD_OUT[-1]}:")
    print(line(f"window {book.window} lr {book.lr}→{book.lr_final}", summary_row(held)))
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
