"""Check a hand-written corpus folder against the book's rules; write nothing.

    python tools/check_corpus.py corpus            # the book's corpus: also the exact sizes the book is built around
    python tools/check_corpus.py DIR --any-size    # any other corpus: only the writing rules

The sentences in corpus/ are written by hand (see corpus/README.md); this script only counts and
checks them: the corpus loads (lowercase words, single spaces, every word in groups.tsv), no line
is repeated, at most 20% of lines are bare lists ("x and y"), every verb is followed by an object
or a place somewhere, and — for the book's corpus — exactly 545 sentences, 96 words and 1,751
tokens. It prints what it found and exits 1 on any violation, 2 on a folder it cannot read.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from w2v.corpus import CorpusError, load_corpus, writing_facts  # noqa: E402

SIZES = {"sentences": 545, "words": 96, "tokens": 1751}  # what the book is written around
MAX_LIST_SHARE = 20  # % of lines that may be bare lists


def check(folder: Path, exact_sizes: bool) -> list[str]:
    corpus = load_corpus(folder)
    problems = [f"sentences.txt: line {n}: not lowercase words: {' '.join(s)!r}"
                for n, s in enumerate(corpus.sentences, 1) if not all(re.fullmatch(r"[a-z]+", t) for t in s)]
    facts = writing_facts(corpus)
    repeats = collections.Counter(" ".join(s) for s in corpus.sentences)
    problems += [f"sentences.txt: {line!r} is repeated ×{count}" for line, count in repeats.items() if count > 1]
    if facts["list_share"] > MAX_LIST_SHARE:
        problems.append(f"sentences.txt: {facts['n_lists']} bare lists ({facts['list_share']:.0f}%), "
                        f"more than {MAX_LIST_SHARE}%")
    problems += [f"sentences.txt: the verb '{v}' never has an object or a place after it"
                 for v in facts["verbs_without_complement"]]
    found = {"sentences": len(corpus.sentences), "words": corpus.vocab_size, "tokens": corpus.n_tokens}
    if exact_sizes:
        problems += [f"{name}: {found[name]}, the book needs {SIZES[name]}" for name in SIZES if found[name] != SIZES[name]]
    rare = sorted(zip(corpus.counts, corpus.vocab))[:5]
    print(f"{folder}: {found['sentences']} sentences, {found['words']} words, {found['tokens']} tokens; "
          f"{facts['n_lists']} bare lists ({facts['list_share']:.0f}%); rarest: "
          + ", ".join(f"{w} {c}" for c, w in rare))
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="a corpus folder (with sentences.txt)")
    parser.add_argument("--any-size", action="store_true", help="skip the book's exact sizes")
    args = parser.parse_args(argv)
    try:
        problems = check(args.folder, exact_sizes=not args.any_size)
    except CorpusError as exc:
        print(f"check_corpus: {exc}", file=sys.stderr)
        return 2
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
