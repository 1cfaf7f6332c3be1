"""Check a hand-written corpus folder against the book's constraints; write nothing.

    python tools/check_corpus.py corpus            # the book's corpus: the exact sizes the book is built around
    python tools/check_corpus.py DIR --any-size    # any other corpus: only the shape rules

The sentences in corpus/ are written by hand (see corpus/README.md); this script only counts and
checks them: no line repeated, lowercase words with single spaces, at most 20% bare lists
("x and y"), every word in groups.tsv and every grouped word used, and — for the book's corpus —
exactly 545 sentences, 96 words and 1,751 tokens. It prints what it found and exits 1 on any
violation.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
from pathlib import Path

SIZES = {"sentences": 545, "words": 96, "tokens": 1751}  # what the book is written around
MAX_LIST_SHARE = 0.20
LIST_WORDS = {"and", "the", "a", "an"}  # a bare list is content words joined by these alone


def is_bare_list(tokens: list[str]) -> bool:
    """"bread and butter", "the dog and the cat": words joined by *and*, with no verb or preposition."""
    return "and" in tokens and sum(t not in LIST_WORDS for t in tokens) == tokens.count("and") + 1


def check(folder: Path, exact_sizes: bool) -> list[str]:
    lines = [line for line in (folder / "sentences.txt").read_text(encoding="utf-8").split("\n") if line]
    problems = []
    for n, line in enumerate(lines, 1):
        if not re.fullmatch(r"[a-z]+( [a-z]+)*", line):
            problems.append(f"sentences.txt:{n}: not lowercase words separated by single spaces: {line!r}")
    repeats = [s for s, c in collections.Counter(lines).items() if c > 1]
    problems += [f"sentences.txt: repeated line {s!r}" for s in repeats]
    tokens = [t for line in lines for t in line.split(" ")]
    words = set(tokens)
    lists = [line for line in lines if is_bare_list(line.split(" "))]
    share = len(lists) / max(len(lines), 1)
    if share > MAX_LIST_SHARE:
        problems.append(f"sentences.txt: {len(lists)} bare lists ({share:.0%}), more than {MAX_LIST_SHARE:.0%}")
    groups_path = folder / "groups.tsv"
    if groups_path.exists():
        grouped = {}
        for raw in groups_path.read_text(encoding="utf-8").split("\n"):
            if raw and not raw.startswith("#"):
                word, group = raw.split("\t")
                grouped[word] = group
        problems += [f"groups.tsv: '{w}' is not in sentences.txt" for w in sorted(set(grouped) - words)]
        problems += [f"sentences.txt: '{w}' has no group" for w in sorted(words - set(grouped))]
    found = {"sentences": len(lines), "words": len(words), "tokens": len(tokens)}
    if exact_sizes:
        problems += [f"{name}: {found[name]}, the book needs {SIZES[name]}" for name in SIZES if found[name] != SIZES[name]]
    counts = collections.Counter(tokens)
    print(f"{folder}: {found['sentences']} sentences, {found['words']} words, {found['tokens']} tokens; "
          f"{len(lists)} bare lists ({share:.0%}); rarest: "
          + ", ".join(f"{w} {c}" for w, c in sorted(counts.items(), key=lambda wc: (wc[1], wc[0]))[:5]))
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="a corpus folder (with sentences.txt)")
    parser.add_argument("--any-size", action="store_true", help="skip the book's exact sizes")
    args = parser.parse_args(argv)
    if not (args.folder / "sentences.txt").is_file():
        print(f"check_corpus: {args.folder / 'sentences.txt'}: file not found", file=sys.stderr)
        return 2
    problems = check(args.folder, exact_sizes=not args.any_size)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
