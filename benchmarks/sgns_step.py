"""The time of one training step, full softmax against negative sampling, at the book's size.

    .venv/bin/python benchmarks/sgns_step.py [VOCAB_SIZE DIM NEGATIVES]

Shown (as a pointer, not a number) in "Negative sampling": at V = 96 a step's time is mostly
PyTorch's fixed cost per operation, so the multiply-adds SGNS saves hardly show.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from w2v import peers  # noqa: E402


def main(argv: list[str]) -> int:
    V, D, K = (int(a) for a in argv) if len(argv) == 3 else (96, 8, 5)
    seconds = peers.step_seconds(V, D, K)
    print(f"V = {V}, D = {D}, k = {K}: full softmax {1e6 * seconds['softmax']:.0f} µs per step, "
          f"SGNS {1e6 * seconds['sgns']:.0f} µs per step (fastest of several passes, one thread)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
