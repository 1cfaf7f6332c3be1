"""Analogy questions in the standard `questions-words.txt` format, scored as gensim scores them.

The file has `: section` header lines and `a b c d` lines (a : b :: c : d). A question with a word
outside the vocabulary is skipped and counted; words match case-insensitively (the first of two
spellings in vocabulary order stands for both), and the answer is the best 3CosAdd word other
than a, b and c. Used by ``python -m w2v evaluate`` (README, "The command line").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .analysis import normalize_rows
from .corpus import CorpusError


@dataclass
class Section:
    """One `: name` section of a questions file and how the vectors did on it."""

    name: str
    questions: list[tuple[str, str, str, str]] = field(default_factory=list)
    correct: int = 0
    answered: int = 0
    skipped: int = 0  # a word outside the vocabulary


def read_questions(path: str | Path) -> list[Section]:
    """The sections of a questions file; lines before the first header form a section ''."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise CorpusError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise CorpusError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not valid UTF-8 (byte {exc.start})") from None
    sections: list[Section] = []
    for n, line in enumerate(text.split("\n"), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(":"):
            sections.append(Section(line[1:].strip()))
            continue
        words = line.split()
        if len(words) != 4:
            raise CorpusError(f"{path}:{n}: expected ': section' or four words 'a b c d', got {len(words)} words")
        if not sections:
            sections.append(Section(""))
        sections[-1].questions.append(tuple(words))
    if not any(s.questions for s in sections):
        raise CorpusError(f"{path}: no questions")
    return sections


def evaluate_questions(W: np.ndarray, vocab: list[str], sections: list[Section]) -> list[Section]:
    """Answer every question whose four words are in `vocab` (case-insensitively); fill in each
    section's correct, answered and skipped counts, and return the sections."""
    upper = [w.upper() for w in vocab]
    spellings: dict[str, list[int]] = {}
    for i, w in enumerate(upper):
        spellings.setdefault(w, []).append(i)
    first = {w: ids[0] for w, ids in spellings.items()}
    unit = normalize_rows(W)
    for section in sections:
        for question in section.questions:
            a, b, c, d = (w.upper() for w in question)
            if not all(w in first for w in (a, b, c, d)):
                section.skipped += 1
                continue
            target = unit[first[b]] - unit[first[a]] + unit[first[c]]
            scores = unit @ (target / max(np.linalg.norm(target), 1e-300))
            scores[spellings[a] + spellings[b] + spellings[c]] = -np.inf  # every spelling of a, b, c
            section.answered += 1
            section.correct += upper[int(np.argmax(scores))] == d
    return sections
