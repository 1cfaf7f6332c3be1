"""`python -m w2v train | neighbors | analogy | export`: the run from a terminal.

Every command takes --corpus DIR and --cache-dir DIR. Bad input is one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

from .corpus import CorpusError
from .train import default_cache_dir, text_progress, train_or_load


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not argparse's usage block
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--corpus", default="corpus", metavar="DIR", help="corpus folder (default: corpus)")
    common.add_argument("--cache-dir", default=None, metavar="DIR",
                        help=f"where runs are cached (default: {default_cache_dir()})")
    parser = _Parser(prog="python -m w2v", description="Train and query the tiny skip-gram of the book.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    commands.add_parser("train", parents=[common], help="train (or load the cached run) and print a summary")
    neighbors = commands.add_parser("neighbors", parents=[common], help="a word's nearest cosine neighbours")
    neighbors.add_argument("word")
    neighbors.add_argument("-k", type=int, default=5, help="how many neighbours (default: 5)")
    analogy = commands.add_parser("analogy", parents=[common], help="a : b :: c : ? by 3CosAdd")
    analogy.add_argument("a")
    analogy.add_argument("b")
    analogy.add_argument("c")
    export = commands.add_parser("export", parents=[common], help="write vectors in word2vec text format")
    export.add_argument("path")
    export.add_argument("--matrix", choices=["W", "W_out"], default="W",
                        help="W: centre vectors (default); W_out: context vectors, one column per word")
    return parser


def _summary_lines(run) -> list[str]:
    from .analysis import summary

    s = summary(run)
    purity = "n/a (no groups.tsv)" if np.isnan(s["purity"]) else f"{s['purity']:.3f} (step 0: {s['purity_at_0']:.3f})"
    contrast = "n/a (no groups.tsv)" if np.isnan(s["block_contrast"]) else f"{s['block_contrast']:.3f}"
    analogies = (f"{s['analogies_correct']}/{s['analogies']} correct (step 0: {s['analogies_correct_at_0']}/{s['analogies']})"
                 if s["analogies"] else "n/a (no analogies.txt)")
    c = run.corpus
    return [
        f"corpus          {c.folder}: {len(c.sentences)} sentences, {c.n_tokens} tokens, {c.vocab_size} words",
        f"steps           {s['steps']}",
        f"seconds         {s['seconds']:.2f} (training time of the cached run)",
        f"final loss      {s['final_loss']:.4f} (mean of the last {min(run.config.checkpoint_every, s['steps'])} steps)",
        f"analogies       {analogies}",
        f"purity          {purity}",
        f"block contrast  {contrast}",
    ]


def _write_word2vec(path: Path, words: list[str], vectors: np.ndarray) -> None:
    lines = [f"{len(words)} {vectors.shape[1]}"]
    lines += [w + " " + " ".join(repr(float(x)) for x in row) for w, row in zip(words, vectors)]
    target = path.resolve()
    if not target.parent.is_dir():
        raise CorpusError(f"export: folder {path.parent} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    except OSError as exc:
        raise CorpusError(f"export: cannot write in {path.parent} ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run_command(args: argparse.Namespace) -> None:
    from .analysis import analogy_scores, nearest_neighbors

    progress = text_progress if sys.stderr.isatty() else None  # no bar frames in logs
    if args.command != "train":  # check the words before a possibly long first training
        from .corpus import load_corpus

        corpus = load_corpus(args.corpus)
        words = [args.word] if args.command == "neighbors" else [args.a, args.b, args.c] if args.command == "analogy" else []
        corpus.ids(words)
        if args.command == "neighbors" and not 1 <= args.k < corpus.vocab_size:
            raise CorpusError(f"-k must be between 1 and {corpus.vocab_size - 1}, got {args.k}")
    run = train_or_load(args.corpus, args.cache_dir, progress=progress)
    corpus = run.corpus
    if args.command == "train":
        print("\n".join(_summary_lines(run)))
    elif args.command == "neighbors":
        (w,) = corpus.ids([args.word])
        ids, cos = nearest_neighbors(run.W, args.k)
        for j, c in zip(ids[w], cos[w]):
            print(f"{corpus.vocab[j]:<12} {c:+.4f}")
    elif args.command == "analogy":
        a, b, c = corpus.ids([args.a, args.b, args.c])
        scores = analogy_scores(run.W, a, b, c)
        best = np.argsort(-scores, kind="stable")[:3]
        print(f"{args.a} : {args.b} :: {args.c} : {corpus.vocab[best[0]]}")
        for j in best:
            print(f"  {corpus.vocab[j]:<12} {scores[j]:+.4f}")
    elif args.command == "export":
        vectors = run.W if args.matrix == "W" else run.W_out.T
        _write_word2vec(Path(args.path), corpus.vocab, vectors)
        print(f"wrote {corpus.vocab_size} × {vectors.shape[1]} {args.matrix} vectors to {args.path}")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        run_command(args)
    except CorpusError as exc:
        print(f"w2v {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"w2v {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`… | head -1`): stop quietly, as the Python docs advise
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0
