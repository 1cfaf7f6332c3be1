"""Any plain text in, a corpus folder out: `python -m w2v prepare TEXT_FILE OUT_DIR`.

The text is normalised the way word2vec users prepare theirs, and every change is counted:
Unicode NFC, invisible characters (zero-width, direction marks, soft hyphens) removed, lower
case, punctuation and symbols removed except an apostrophe or hyphen inside a word (*don't*,
*well-known*), one sentence a line (a sentence ends at . ! ? or …, a paragraph at a blank line or
a line of punctuation only, such as the `%` between fortunes). README, "The command line".
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .corpus import CorpusError, read_file_bytes
from .wording import counted

SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’»)\]]*\s+")
INNER = "'’-"  # kept between two letters or digits: don't, well-known


def _is_word_char(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LMN"


def words_of(text: str) -> tuple[list[str], int]:
    """The words of a normalised, lower-cased sentence and how many punctuation or symbol
    characters were dropped."""
    kept, dropped = [], 0
    for i, ch in enumerate(text):
        if _is_word_char(ch) or ch.isspace():
            kept.append(ch)
        elif ch in INNER and 0 < i < len(text) - 1 and _is_word_char(text[i - 1]) and _is_word_char(text[i + 1]):
            kept.append("'" if ch == "’" else ch)
        else:
            kept.append(" ")
            dropped += 1
    return "".join(kept).split(), dropped


@dataclass
class Report:
    """What `prepare_text` changed, counted."""

    lines: int = 0
    nfc_changed_lines: int = 0
    invisible: int = 0          # zero-width and other format characters removed
    lowered: int = 0            # characters lower-cased
    punctuation: int = 0        # punctuation and symbol characters removed
    sentences: int = 0
    tokens: int = 0
    merged: dict[str, set[str]] = field(default_factory=dict)  # word -> its spellings in the text

    def lines_of_text(self, markdown: bool = False) -> list[str]:
        """The report, a line per fact; with `markdown`, each spelling in a code span (ABOUT.md is
        shown as Markdown by "The corpus", and a spelling such as `<program>` is not HTML)."""
        quote = code_span if markdown else str
        merged = sorted(((w, forms) for w, forms in self.merged.items() if len(forms) > 1),
                        key=lambda item: (-len(item[1]), item[0]))
        examples = "; ".join(f"{w} ← {', '.join(quote(f) for f in sorted(forms)[:4])}{', …' if len(forms) > 4 else ''}"
                             for w, forms in merged[:5])
        vocab = len(self.merged)
        return [
            f"read {counted(self.lines, 'line')}; wrote {counted(self.sentences, 'sentence')}, "
            f"{counted(self.tokens, 'token')}, {counted(vocab, 'word')}",
            f"Unicode NFC changed {self.nfc_changed_lines:,} lines",
            f"removed {self.invisible:,} invisible characters (zero-width, direction marks, soft hyphens)",
            f"lower-cased {self.lowered:,} characters; removed {self.punctuation:,} punctuation and symbol characters",
            f"{counted(len(merged), 'word', verbs=('was', 'were'))} written more than one way and "
            f"{'is' if len(merged) == 1 else 'are'} now one" + (f" ({examples})" if merged else ""),
        ]


def code_span(text: str) -> str:
    """`text` as a Markdown code span, shown as written whatever it holds (backticks included)."""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _clean_line(line: str, report: Report) -> str:
    nfc = unicodedata.normalize("NFC", line)
    report.nfc_changed_lines += nfc != line
    out = []
    for ch in nfc:
        category = unicodedata.category(ch)
        if ch == "\u200b":  # zero-width space: a word break without a space
            out.append(" ")
            report.invisible += 1
        elif category == "Cf" or (category == "Cc" and not ch.isspace()):
            report.invisible += 1
        else:
            out.append(" " if ch.isspace() else ch)
    return "".join(out)


def prepare_text(text: str) -> tuple[list[str], Report]:
    """One normalised sentence per item, and what was changed."""
    report = Report()
    paragraphs, current = [], []
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for line in lines:
        report.lines += 1
        clean = _clean_line(line, report).strip()
        if not any(_is_word_char(ch) for ch in clean):  # blank, or `%` between fortunes
            if current:
                paragraphs.append(" ".join(current))
            current = []
        else:
            current.append(clean)
    if current:
        paragraphs.append(" ".join(current))
    sentences = []
    for paragraph in paragraphs:
        for raw in SENTENCE_END.split(paragraph):
            lower = raw.lower()
            report.lowered += sum(a != b for a, b in zip(raw, lower))
            words, dropped = words_of(lower)
            report.punctuation += dropped
            if not words:
                continue
            for chunk in raw.split():  # which spellings became which word
                for word in words_of(chunk.lower())[0]:
                    report.merged.setdefault(word, set()).add(chunk)
            sentences.append(" ".join(words))
            report.tokens += len(words)
    report.sentences = len(sentences)
    return sentences, report


def about_markdown(source: Path, report: Report) -> str:
    body = "\n".join(f"- {line}" for line in report.lines_of_text(markdown=True))
    return (f"# About this corpus\n\nMade by `python -m w2v prepare` from `{source.name}`: Unicode NFC, invisible "
            f"characters removed, lower case, punctuation and symbols removed (an apostrophe or hyphen inside a "
            f"word is kept), one sentence a line (split after . ! ? …; an abbreviation such as *Mr.* ends a "
            f"sentence too).\n\n{body}\n")


def prepare(text_file: str | Path, out_dir: str | Path) -> Report:
    """Write OUT_DIR/sentences.txt and OUT_DIR/ABOUT.md from a plain UTF-8 text. OUT_DIR must not
    exist or be empty; the folder appears whole or not at all."""
    source, out = Path(text_file), Path(out_dir)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        what = "a folder that is not empty" if out.is_dir() else "a file"
        raise CorpusError(f"{out} is {what}; give a new or empty folder (nothing was written)")
    if not out.resolve().parent.is_dir():
        raise CorpusError(f"cannot write {out}: folder {out.parent} does not exist")
    data = read_file_bytes(source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise CorpusError(f"{source}:{line}: not valid UTF-8 (byte {data[exc.start]:#04x}); convert it first, "
                          f"e.g. iconv -f latin1 -t utf-8") from None
    sentences, report = prepare_text(text.replace("\r\n", "\n"))
    if len(report.merged) < 2:
        raise CorpusError(f"{source}: needs at least two distinct words, found {len(report.merged)}")
    tmp = Path(tempfile.mkdtemp(dir=out.resolve().parent, prefix=f".tmp-{os.getpid()}-"))
    try:
        (tmp / "sentences.txt").write_text("\n".join(sentences) + "\n", encoding="utf-8")
        (tmp / "ABOUT.md").write_text(about_markdown(source, report), encoding="utf-8")
        os.chmod(tmp, 0o777 & ~_umask())
        os.replace(tmp, out)  # onto an empty folder too; a non-empty one was refused above
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise CorpusError(f"cannot write {out} ({exc.strerror or exc}); nothing was written") from None
        raise
    return report


def _umask() -> int:
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def spelling_variants(vocab: list[str]) -> list[list[str]]:
    """Words of a vocabulary that differ only by case or punctuation (Hello, hello, hello.): the
    groups, most frequent first as `vocab` is ordered. `prepare` would make each group one word."""
    forms: dict[str, list[str]] = {}
    for word in vocab:
        key = " ".join(words_of(unicodedata.normalize("NFC", word).lower())[0])
        forms.setdefault(key, []).append(word)
    return [group for group in forms.values() if len(group) > 1]
