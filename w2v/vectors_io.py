"""Vectors out of the run: word2vec's text and binary formats, written without losing anything.

`python -m w2v export` uses it (README, "The command line"); gensim's
`KeyedVectors.load_word2vec_format` reads both formats.
"""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import numpy as np

from .corpus import CorpusError
from .train import replace_atomically

STDOUT = "-"


def word2vec_text(words: list[str], vectors: np.ndarray) -> bytes:
    """`V D` then one `word x1 … xD` line per word; repr() of each float32 reads back exactly."""
    lines = [f"{len(words)} {vectors.shape[1]}"]
    lines += [w + " " + " ".join(repr(float(x)) for x in row) for w, row in zip(words, vectors)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def word2vec_binary(words: list[str], vectors: np.ndarray) -> bytes:
    """word2vec's binary format: the `V D` header line, then per word its UTF-8 bytes, a space,
    D little-endian float32s and a newline (as the original C tool writes it)."""
    rows = np.asarray(vectors, dtype="<f4")
    parts = [f"{len(words)} {rows.shape[1]}\n".encode()]
    parts += [w.encode("utf-8") + b" " + row.tobytes() + b"\n" for w, row in zip(words, rows)]
    return b"".join(parts)


def check_output_path(path: str) -> None:
    """Refuse a path that cannot become the file, before any training and before any temp file."""
    if path == STDOUT:
        return
    target = Path(path)
    if target.is_dir():
        raise CorpusError(f"{path} is a folder; give a file name (such as {target / 'vectors.txt'}) or - for "
                          f"standard output")
    if not target.resolve().parent.is_dir():
        raise CorpusError(f"cannot write {path}: folder {target.parent} does not exist")


def write_output(path: str, data: bytes) -> None:
    """Write `data` to `path`: standard output for '-'; a device or a named pipe directly (it is
    not ours to replace); a regular file through a temp file renamed onto it, so that a reader
    never sees half a file. A failed write is one CorpusError naming the path."""
    if path == STDOUT:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    check_output_path(path)
    target = Path(path).resolve()  # a symlink's target is the file replaced, the link stays
    try:
        existing = target.stat().st_mode
    except FileNotFoundError:
        existing = None
    try:
        if existing is not None and not stat.S_ISREG(existing):  # /dev/null, a FIFO, a terminal
            with open(target, "wb", buffering=0) as f:
                view = memoryview(data)
                while view:
                    view = view[f.write(view):]
        else:
            with replace_atomically(target) as f:
                f.write(data)
    except OSError as exc:
        raise CorpusError(f"cannot write {path} ({exc.strerror or exc})") from None
