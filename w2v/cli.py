"""`python -m w2v train | neighbors | analogy | export`: the run from a terminal.

Every command takes --corpus DIR and --cache-dir DIR. Bad input is one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

from .corpus import CorpusError
from .train import default_cache_dir, replace_atomically, run_path, train_or_load


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
    neighbors.add_argument("word", help="a word of the corpus")
    neighbors.add_argument("-k", type=int, default=5, help="how many neighbours (default: 5)")
    analogy = commands.add_parser("analogy", parents=[common], help="a : b :: c : ? by 3CosAdd",
                                   description="a : b :: c : ? by 3CosAdd; a, b and c are three different words")
    analogy.add_argument("a", help="first word of the known pair (a : b)")
    analogy.add_argument("b", help="second word of the known pair")
    analogy.add_argument("c", help="the word whose partner is asked for (c : ?)")
    export = commands.add_parser("export", parents=[common], help="write vectors in word2vec text format")
    export.add_argument("path", help="the file to write (replaced if it exists), or - for standard output")
    export.add_argument("--matrix", choices=["W", "W_out"], default="W",
                        help="W: centre vectors (default); W_out: context vectors, one column per word")
    return parser


class ProgressBar:
    """`training [####......]  3000/15000` on one line of stderr, redrawn in place.

    `end` finishes the line however training stopped (done, an error, Ctrl-C), so that the next
    message starts on a line of its own."""

    WIDTH = 30

    def __init__(self) -> None:
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        self.drawn = True  # first: a Ctrl-C can arrive while the frame is being written
        filled = self.WIDTH * done // total
        sys.stderr.write(f"\rtraining [{'#' * filled}{'.' * (self.WIDTH - filled)}] {done:>6}/{total}")
        sys.stderr.flush()

    def end(self) -> None:
        if self.drawn:
            sys.stderr.write("\n")
            sys.stderr.flush()
            self.drawn = False


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _analogies_line(s: dict, folder: Path) -> str:
    if s["analogies"]:
        n = s["analogies"]
        return f"{s['analogies_correct']}/{n} correct (step 0: {s['analogies_correct_at_0']}/{n})"
    return "n/a (analogies.txt has no tests)" if (folder / "analogies.txt").exists() else "n/a (no analogies.txt)"


def _summary_lines(run, cache_file: Path) -> list[str]:
    from .analysis import summary

    s = summary(run)
    purity = "n/a (no groups.tsv)" if np.isnan(s["purity"]) else f"{s['purity']:.3f} (step 0: {s['purity_at_0']:.3f})"
    contrast = "n/a (no groups.tsv)" if np.isnan(s["block_contrast"]) else f"{s['block_contrast']:.3f}"
    c = run.corpus
    origin = f"loaded from the cache, {cache_file}" if run.from_cache else f"trained now, saved to {cache_file}"
    trained = " when the cached run was trained" if run.from_cache else ""
    return [
        f"corpus          {c.folder}: {_count(len(c.sentences), 'sentence')}, {_count(c.n_tokens, 'token')}, "
        f"{_count(c.vocab_size, 'word')}",
        f"run             {origin}",
        f"steps           {s['steps']}",
        f"seconds         {s['seconds']:.2f} (training time{trained})",
        f"final loss      {s['final_loss']:.4f} (mean of the last {min(run.config.checkpoint_every, s['steps'])} steps)",
        f"analogies       {_analogies_line(s, c.folder)}",
        f"purity          {purity}",
        f"block contrast  {contrast}",
    ]


STDOUT = "-"


def _check_export_path(path: str) -> None:
    """Refuse a path that cannot become the file, before any training and before any temp file."""
    if path == STDOUT:
        return
    target = Path(path)
    if target.is_dir():
        raise CorpusError(f"{path} is a folder; give a file name (such as {target / 'vectors.txt'}) or - for "
                          f"standard output")
    if not target.resolve().parent.is_dir():
        raise CorpusError(f"cannot write {path}: folder {target.parent} does not exist")


def _write_word2vec(path: str, words: list[str], vectors: np.ndarray) -> None:
    lines = [f"{len(words)} {vectors.shape[1]}"]
    lines += [w + " " + " ".join(repr(float(x)) for x in row) for w, row in zip(words, vectors)]
    text = "\n".join(lines) + "\n"
    if path == STDOUT:
        sys.stdout.write(text)
        return
    try:
        with replace_atomically(Path(path).resolve()) as f:
            f.write(text.encode("utf-8"))
    except OSError as exc:
        raise CorpusError(f"cannot write {path} ({exc.strerror})") from None


def _corpus_folder(value: str) -> Path:
    folder = Path(value)
    if not folder.is_dir():
        hint = "" if folder.is_absolute() else f" (--corpus is relative to the current folder, {Path.cwd()})"
        raise CorpusError(f"{folder}: corpus folder not found{hint}")
    return folder


def _check_before_training(args: argparse.Namespace, folder: Path) -> None:
    """The words, -k and the export path are checked before a possibly long first training."""
    from .corpus import load_corpus

    if args.command == "export":
        _check_export_path(args.path)
    if args.command not in ("neighbors", "analogy"):
        return
    corpus = load_corpus(folder)
    if args.command == "neighbors":
        corpus.ids([args.word])
        if not 1 <= args.k < corpus.vocab_size:
            raise CorpusError(f"-k must be between 1 and {corpus.vocab_size - 1}, got {args.k}")
    else:
        corpus.ids([args.a, args.b, args.c])
        if len({args.a, args.b, args.c}) < 3:  # 3CosAdd leaves a, b, c out of the answers
            raise CorpusError(f"a, b and c must be three different words, got {args.a} {args.b} {args.c}")


def run_command(args: argparse.Namespace, progress: ProgressBar | None = None) -> None:
    from .analysis import analogy_scores, nearest_neighbors

    folder = _corpus_folder(args.corpus)
    _check_before_training(args, folder)
    try:
        run = train_or_load(folder, args.cache_dir, progress=progress)
    finally:
        if progress is not None:
            progress.end()
    corpus = run.corpus
    if args.command == "train":
        cache = Path(args.cache_dir) if args.cache_dir is not None else default_cache_dir()
        print("\n".join(_summary_lines(run, run_path(cache, run.key))))
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
        _write_word2vec(args.path, corpus.vocab, vectors)
        if args.path != STDOUT:  # on standard output the vectors are the whole output
            print(f"wrote {corpus.vocab_size} × {vectors.shape[1]} {args.matrix} vectors to {args.path}")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    argv = sys.argv[1:] if argv is None else argv
    if not argv:  # a bare `python -m w2v`: show the commands, not just "a command is required"
        parser.print_help(sys.stderr)
        return 2
    args = parser.parse_args(argv)
    try:
        run_command(args, ProgressBar() if sys.stderr.isatty() else None)  # no bar frames in logs
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
