"""`python -m w2v train | neighbors | analogy | export | evaluate | prepare`: the run from a terminal.

Every command but prepare takes --corpus DIR, --cache-dir DIR and the recipe options (--steps,
--dim, …) that override the corpus's train.toml. Bad input is one line on stderr and exit 2;
Ctrl-C exits 130 and SIGTERM 143, each with one line and no file half-written.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from pathlib import Path

import numpy as np

from .corpus import CorpusError
from .train import default_cache_dir, option_name, run_path, train_or_load
from .vectors_io import STDOUT, check_output_path, word2vec_binary, word2vec_text, write_output
from .wording import counted

VERSION = "1.0.0"  # pyproject.toml's version


class Terminated(BaseException):
    """SIGTERM (what `timeout`, CI and `kill` send), raised where the program is, so that every
    `finally` and every temp-file cleanup runs, as for Ctrl-C."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not argparse's usage block
        self.exit(2, f"{self.prog}: error: {message}\n")


RECIPE_OPTIONS = [  # (train.toml key, type, help)
    ("steps", int, "optimisation steps, one (centre, context) pair each"),
    ("dim", int, "embedding dimension D"),
    ("window", int, "context words on each side of the centre word"),
    ("negatives", int, "0: the full softmax; k ≥ 1: negative sampling with k negatives"),
    ("lr", float, "learning rate at the first step"),
    ("lr_final", float, "learning rate at the last step (linear decay in between)"),
    ("seed", int, "seeds the initial weights and the order of the pairs"),
    ("min_count", int, "drop the words seen fewer times before training (word2vec's min_count)"),
]


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--corpus", default="corpus", metavar="DIR", help="corpus folder (default: corpus)")
    common.add_argument("--cache-dir", default=None, metavar="DIR",
                        help=f"where runs are cached (default: {default_cache_dir()})")
    recipe = common.add_argument_group("recipe (each overrides the corpus's train.toml)")
    length = recipe.add_mutually_exclusive_group()
    for key, kind, text in RECIPE_OPTIONS:
        group = length if key == "steps" else recipe
        group.add_argument(option_name(key), type=kind, default=None, dest=key, metavar="N" if kind is int else "X",
                           help=text)
        if key == "steps":
            length.add_argument("--epochs", type=int, default=None, metavar="N",
                                help="passes over every pair, instead of --steps (steps = N × pairs)")
    parser = _Parser(prog="python -m w2v", description="Train and query the tiny skip-gram of the book.")
    parser.add_argument("--version", action="version", version=f"w2v {VERSION}")
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
    export = commands.add_parser("export", parents=[common], help="write vectors in word2vec text or binary format")
    export.add_argument("path", help="the file to write (replaced if it exists; a device or pipe is written to), "
                                     "or - for standard output")
    export.add_argument("--matrix", choices=["W", "W_out"], default="W",
                        help="W: centre vectors (default); W_out: context vectors, one column per word")
    export.add_argument("--binary", action="store_true", help="word2vec's binary format (default: text)")
    evaluate = commands.add_parser("evaluate", parents=[common], help="score analogy questions (questions-words.txt)",
                                   description="Score a file of analogy questions in the questions-words.txt "
                                               "format, section by section, as gensim's evaluate_word_analogies")
    evaluate.add_argument("questions", help="the questions file: ': section' lines and 'a b c d' lines")
    prepare = commands.add_parser("prepare", help="turn a plain text into a corpus folder",
                                  description="Turn a plain UTF-8 text into a corpus folder: one sentence a "
                                              "line, NFC, lower case, no punctuation or invisible characters")
    prepare.add_argument("text", help="a plain text file (UTF-8)")
    prepare.add_argument("out", help="the corpus folder to make (new or empty)")
    return parser


class ProgressBar:
    """`training [####......]  3000/15000  41,000 pairs/s  0:02 left` on one line of stderr,
    redrawn in place; then the same for the analysis of the checkpoints.

    `end` finishes the line however the phase stopped (done, an error, Ctrl-C), so that the next
    message starts on a line of its own."""

    WIDTH = 30

    def __init__(self) -> None:
        self.drawn = False
        self.label, self.first = "", None

    def __call__(self, done: int, total: int) -> None:
        self.draw("training", "pairs", done, total)

    def analysis(self, done: int, total: int) -> None:
        self.draw("analysis", "checkpoints", done, total)

    def draw(self, label: str, unit: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if label != self.label:
            self.end()
            self.label, self.first = label, (now, done)  # the rate is measured from the first frame on
        self.drawn = True  # first: a Ctrl-C can arrive while the frame is being written
        filled = self.WIDTH * done // total
        rate = (done - self.first[1]) / (now - self.first[0]) if now > self.first[0] else 0.0
        speed = f"  {rate:,.0f} {unit}/s  {int((total - done) / rate) // 60}:" \
                f"{int((total - done) / rate) % 60:02d} left" if rate > 0 else ""
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {done:>6}/{total}{speed} ")
        sys.stderr.flush()

    def end(self) -> None:
        if self.drawn:
            sys.stderr.write("\n")
            sys.stderr.flush()
            self.drawn = False


def _analogies_line(s: dict, folder: Path) -> str:
    if s["analogies"]:
        n = s["analogies"]
        return f"{s['analogies_correct']}/{n} correct (step 0: {s['analogies_correct_at_0']}/{n})"
    return "n/a (analogies.txt has no tests)" if (folder / "analogies.txt").exists() else "n/a (no analogies.txt)"


def _summary_lines(run, cache_file: Path, seconds: float, dropped) -> list[str]:
    from .analysis import summary

    s = summary(run)
    purity = "n/a (no groups.tsv)" if np.isnan(s["purity"]) else f"{s['purity']:.3f} (step 0: {s['purity_at_0']:.3f})"
    contrast = "n/a (no groups.tsv)" if np.isnan(s["block_contrast"]) else f"{s['block_contrast']:.3f}"
    c = run.corpus
    origin = f"loaded from the cache, {cache_file}" if run.from_cache else f"trained now, saved to {cache_file}"
    loop = (f"the cached run's training loop took {s['seconds']:.2f}" if run.from_cache
            else f"training loop {s['seconds']:.2f}")
    lines = [
        f"corpus          {c.folder}: {counted(len(c.sentences), 'sentence')}, {counted(c.n_tokens, 'token')}, "
        f"{counted(c.vocab_size, 'word')}",
        f"run             {origin}",
        f"steps           {s['steps']}",
        f"seconds         {seconds:.2f} for the whole command ({loop})",
        f"final loss      {s['final_loss']:.4f} (mean of the last {min(run.config.checkpoint_every, s['steps'])} steps)",
        f"analogies       {_analogies_line(s, c.folder)}",
        f"purity          {purity}",
        f"block contrast  {contrast}",
    ]
    if run.config.min_count > 1:
        lines.insert(1, f"min count       {run.config.min_count}: dropped {counted(dropped.words, 'rarer word')} "
                        f"({counted(dropped.tokens, 'token')}, {counted(dropped.analogies, 'analogy test')})")
    return lines


def _corpus_folder(value: str) -> Path:
    folder = Path(value)
    if not folder.is_dir():
        hint = "" if folder.is_absolute() else f" (--corpus is relative to the current folder, {Path.cwd()})"
        raise CorpusError(f"{folder}: corpus folder not found{hint}")
    return folder


def _overrides(args: argparse.Namespace) -> dict:
    return {key: getattr(args, key) for key, _, _ in RECIPE_OPTIONS if getattr(args, key) is not None}


def _check_before_training(args: argparse.Namespace, folder: Path):
    """The words, -k, the questions and the export path are checked before a possibly long first
    training; a text read as written gets a warning when it has words differing only by case or
    punctuation. Returns what min_count drops."""
    from .corpus import load_corpus
    from .prepare import spelling_variants
    from .prune import drop_rare
    from .questions import read_questions
    from .train import config_line, load_config

    if args.command == "export":
        check_output_path(args.path)
    if args.command == "evaluate":
        args.sections = read_questions(args.questions)
    if args.epochs is not None and args.epochs < 1:
        raise CorpusError(f"--epochs must be a whole number ≥ 1, got {args.epochs}")
    full = load_corpus(folder)
    config = load_config(folder, _overrides(args))
    if args.command == "export" and args.matrix == "W_out" and config.softmax == "hierarchical":
        # its W′ holds one vector per node of the Huffman tree, V − 1 of them, none of them a word's
        raise CorpusError(f"--matrix W_out: {config_line(folder, 'softmax')} trains a hierarchical softmax, whose W′ "
                          f"holds tree nodes, not words; export --matrix W (the word vectors)")
    corpus, dropped = drop_rare(full, config.min_count)
    variants = spelling_variants(full.vocab)
    if variants:
        shown = "; ".join("/".join(group) for group in variants[:5])
        more = f" and {len(variants) - 5} more" if len(variants) > 5 else ""
        print(f"w2v {args.command}: warning: {folder / 'sentences.txt'} has {counted(len(variants), 'word')} written "
              f"more than one way, trained as different words: {shown}{more} (python -m w2v prepare normalises a "
              f"text)", file=sys.stderr)
    if args.command == "neighbors":
        corpus.ids([args.word])
        if not 1 <= args.k < corpus.vocab_size:
            raise CorpusError(f"-k must be between 1 and {corpus.vocab_size - 1}, got {args.k}")
    elif args.command == "analogy":
        corpus.ids([args.a, args.b, args.c])
        if len({args.a, args.b, args.c}) < 3:  # 3CosAdd leaves a, b, c out of the answers
            raise CorpusError(f"a, b and c must be three different words, got {args.a} {args.b} {args.c}")
    return dropped


def _write_stdout(text: str) -> None:
    """Print to standard output now, so that a full disk behind it (`> file` on a full disk) is an
    error here, not an 'Exception ignored' at exit."""
    sys.stdout.write(text)
    sys.stdout.flush()


def _prepare(args: argparse.Namespace) -> None:
    from .prepare import prepare

    report = prepare(args.text, args.out)
    _write_stdout("\n".join(report.lines_of_text() + [f"corpus folder {args.out} (sentences.txt, ABOUT.md)"]) + "\n")


def run_command(args: argparse.Namespace, progress: ProgressBar | None = None, started: float | None = None) -> None:
    from .analysis import analogy_scores, normalize_rows

    started = time.perf_counter() if started is None else started
    if args.command == "prepare":
        return _prepare(args)
    folder = _corpus_folder(args.corpus)
    dropped = _check_before_training(args, folder)
    try:
        run = train_or_load(folder, args.cache_dir, progress=progress, overrides=_overrides(args), epochs=args.epochs,
                            analysis_progress=progress.analysis if progress is not None else None)
    finally:
        if progress is not None:
            progress.end()
    corpus = run.corpus
    if args.command == "train":
        cache = Path(args.cache_dir) if args.cache_dir is not None else default_cache_dir()
        lines = _summary_lines(run, run_path(cache, run.key), time.perf_counter() - started, dropped)
        _write_stdout("\n".join(lines) + "\n")
    elif args.command == "neighbors":
        (w,) = corpus.ids([args.word])
        unit = normalize_rows(run.W)
        cos = unit @ unit[w]  # one row of the cosine matrix: V, not V × V
        cos[w] = -np.inf
        best = np.argsort(-cos, kind="stable")[: args.k]  # equal cosines in id order, as nearest_neighbors
        _write_stdout("".join(f"{corpus.vocab[j]:<12} {cos[j]:+.4f}\n" for j in best))
    elif args.command == "analogy":
        a, b, c = corpus.ids([args.a, args.b, args.c])
        scores = analogy_scores(run.W, a, b, c)
        best = np.argsort(-scores, kind="stable")[:3]
        _write_stdout(f"{args.a} : {args.b} :: {args.c} : {corpus.vocab[best[0]]}\n"
                      + "".join(f"  {corpus.vocab[j]:<12} {scores[j]:+.4f}\n" for j in best))
    elif args.command == "export":
        vectors = run.W if args.matrix == "W" else run.W_out.T
        encode = word2vec_binary if args.binary else word2vec_text
        write_output(args.path, encode(corpus.vocab, vectors))
        if args.path != STDOUT:  # on standard output the vectors are the whole output
            kind = "binary" if args.binary else "text"
            _write_stdout(f"wrote {corpus.vocab_size} × {vectors.shape[1]} {args.matrix} vectors to {args.path} "
                          f"(word2vec {kind} format)\n")
    elif args.command == "evaluate":
        _write_stdout("\n".join(_evaluation_lines(run, args.sections)) + "\n")


def _evaluation_lines(run, sections) -> list[str]:
    from .questions import evaluate_questions

    evaluate_questions(run.W, run.corpus.vocab, sections)
    width = max(len(s.name) for s in sections)
    lines = []
    for s in sections:
        share = f"{100 * s.correct / s.answered:5.1f}%" if s.answered else "    –"
        lines.append(f"{s.name or '(no section)':<{width}}  {s.correct:>6}/{s.answered:<6} {share}"
                     f"  ({s.skipped} skipped)")
    correct, answered = sum(s.correct for s in sections), sum(s.answered for s in sections)
    skipped = sum(s.skipped for s in sections)
    share = f"{100 * correct / answered:.1f}%" if answered else "n/a"
    lines.append(f"total: {correct}/{answered} correct ({share}); skipped {skipped} of {answered + skipped} "
                 f"questions with a word outside the vocabulary")
    return lines


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so that what is still buffered is not written again
    (and failing again) when Python exits."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (a test's captured stdout)
        pass


def _raise_terminated(signum, frame) -> None:
    raise Terminated()


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    parser = _parser()
    argv = sys.argv[1:] if argv is None else argv
    if not argv:  # a bare `python -m w2v`: show the commands, not just "a command is required"
        parser.print_help(sys.stderr)
        return 2
    args = parser.parse_args(argv)
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _raise_terminated) if in_main_thread else None
    try:
        run_command(args, ProgressBar() if sys.stderr.isatty() else None, started)  # no bar frames in logs
    except CorpusError as exc:
        print(f"w2v {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"w2v {args.command}: interrupted", file=sys.stderr)
        return 130
    except Terminated:
        print(f"w2v {args.command}: terminated", file=sys.stderr)
        return 143
    except BrokenPipeError:  # the reader went away (`… | head -1`): stop quietly, as the Python docs advise
        _silence_stdout()
        return 1
    except OSError as exc:  # standard output failed (a full disk behind `> file`); everything else is checked
        _silence_stdout()
        print(f"w2v {args.command}: error: cannot write to standard output ({exc.strerror or exc})", file=sys.stderr)
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return 0
