"""How training scales with the vocabulary: time and peak memory of `python -m w2v train`.

Run: python benchmarks/scale.py [--repo DIR] [--case NAME]. Each case is a generated corpus (the
default recipe: 15,000 steps, dim 8, window 2), trained by a fresh child process
`python -m w2v train` with an empty cache, as a user would. Reports per case the wall-clock time
of the child, the training time it prints, and its peak memory (ru_maxrss from os.wait4).

  one-sentence-5000   one sentence of 5,000 distinct words (V = 5,000)
  3000-words          20,000 sentences of 4 to 12 words over a vocabulary of 3,000
  fortunes-20000      real text: the first 27,000 lines of Debian's `fortunes` package (every file
                      of /usr/share/games/fortunes), through `python -m w2v prepare` (V ≈ 20,000)

The generated corpora have 5 analogy tests (words of the corpus), no groups; the fortunes corpus
is sentences only. Issue 27's goal at V = 20,000: at most 60 s and 1 GB. Measured on the shared
2-core machine (load 13): before the record worked by blocks, the fortunes case passed 6.9 GB and
was stopped after 14 min; after, 430 MB peak and 76 s CPU. Measured again on 2026-12-08 (load 1–2):
21.3–21.9 s wall, 35 s CPU (training loop 5.6–5.9 s), 430 MB peak.

The record keeps each word's nearest neighbours at every checkpoint (31 of them); that analysis,
not the SGD loop, is what grew with V² (now by blocks of rows: memory linear in V). --repo runs the w2v package of another checkout (for
example an older commit, to compare before and after a change).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def analogies(folder: Path, words: list[str], n: int = 5) -> None:
    """A few analogy tests, so that the run records answers as the book's does."""
    lines = [" ".join(words[4 * i: 4 * i + 4]) for i in range(n)]
    (folder / "analogies.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def one_sentence(folder: Path, n_words: int = 5_000) -> None:
    folder.mkdir(parents=True)
    words = [f"w{i:05d}" for i in range(n_words)]
    (folder / "sentences.txt").write_text(" ".join(words) + "\n", encoding="utf-8")
    analogies(folder, words)


def many_sentences(folder: Path, n_sentences: int = 20_000, n_words: int = 3_000, seed: int = 0) -> None:
    folder.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    words = [f"w{i:04d}" for i in range(n_words)]
    lines = [" ".join(words[j] for j in rng.integers(0, n_words, rng.integers(4, 13))) for _ in range(n_sentences)]
    lines[: n_words // 10] = [" ".join(words[i: i + 10]) for i in range(0, n_words, 10)]  # every word occurs
    (folder / "sentences.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    analogies(folder, words)


FORTUNES = Path("/usr/share/games/fortunes")


def fortunes(folder: Path, n_lines: int = 27_000) -> None:
    """The first `n_lines` lines of every fortune file, in name order, prepared as a user would."""
    files = sorted(p for p in FORTUNES.iterdir() if p.is_file() and p.suffix not in (".dat", ".u8"))
    if not files:
        raise SystemExit(f"{FORTUNES}: no fortune files (apt-get install fortunes)")
    lines = "".join(p.read_text(encoding="utf-8", errors="replace") for p in files).splitlines(True)[:n_lines]
    text = folder.parent / "fortunes.txt"
    text.write_text("".join(lines), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "w2v", "prepare", str(text), str(folder)], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)


CASES = {"one-sentence-5000": one_sentence, "3000-words": many_sentences, "fortunes-20000": fortunes}


def measure(repo: Path, corpus: Path, cache: Path) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (user + system: what a busy machine does not inflate), peak
    memory in MB and stdout of one `python -m w2v train` child."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "w2v", "train", "--corpus", str(corpus), "--cache-dir", str(cache)],
                             cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)  # the rusage of this child alone
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{corpus}: python -m w2v train failed ({child.returncode}):\n{output}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output  # ru_maxrss is in KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=ROOT, help="checkout whose w2v/ is run (default: this one)")
    parser.add_argument("--case", choices=list(CASES), action="append", help="run only this case (repeatable)")
    args = parser.parse_args()
    print(f"w2v from {args.repo.resolve()}")
    for name in args.case or list(CASES):
        with tempfile.TemporaryDirectory() as tmp:
            corpus = Path(tmp) / "corpus"
            CASES[name](corpus)
            seconds, cpu, peak_mb, output = measure(args.repo, corpus, Path(tmp) / "cache")
        corpus_line = next((line for line in output.splitlines() if line.startswith("corpus")), "")
        words = corpus_line.rsplit(", ", 1)[-1].strip()  # "21,044 words"
        trained = next((line.split("loop")[-1].strip(" )") for line in output.splitlines()
                        if line.startswith("seconds") and "loop" in line),
                       next((line.split()[1] for line in output.splitlines() if line.startswith("seconds")), "?"))
        print(f"{name:<20} {words:>12}  {seconds:7.1f} s wall, {cpu:7.1f} s CPU (training loop {trained} s)   "
              f"peak memory {peak_mb:8.1f} MB", flush=True)


if __name__ == "__main__":
    main()
