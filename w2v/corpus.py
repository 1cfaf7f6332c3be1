"""Read a corpus folder: sentences, semantic groups, analogy tests.

A corpus is any folder with a ``sentences.txt``; ``groups.tsv``, ``analogies.txt`` and
``train.toml`` are optional. Shown in the chapter "The corpus".
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

CORPUS_FILES = ("sentences.txt", "groups.tsv", "analogies.txt", "train.toml")
DATA_FILES = CORPUS_FILES[:-1]  # the text and its annotations; train.toml is the recipe
NO_GROUP = "(no group)"


class CorpusError(ValueError):
    """Bad input: the message names the file and line, or the option, and is shown as is."""


@dataclass(frozen=True)
class Corpus:
    """Sentences as word indices, the vocabulary, its groups and the analogy tests."""

    folder: Path
    sentences: list[list[str]]          # one list of tokens per line of sentences.txt
    vocab: list[str]                    # index -> word, sorted by group, then frequency
    counts: np.ndarray                  # (V,) how often each word occurs
    groups: list[str]                   # group names in the order of groups.tsv
    word_group: np.ndarray              # (V,) index into `groups` for each word
    analogies: list[tuple[str, str, str, str]]  # a : b :: c : d
    index: dict[str, int] = field(repr=False)

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    @property
    def n_tokens(self) -> int:
        return sum(len(s) for s in self.sentences)

    @property
    def has_groups(self) -> bool:
        return self.groups != [NO_GROUP]

    def ids(self, words) -> list[int]:
        """Indices of `words`; a word outside the vocabulary is a CorpusError."""
        missing = [w for w in words if w not in self.index]
        if missing:
            raise CorpusError(f"'{missing[0]}' is not in the vocabulary of {self.folder}")
        return [self.index[w] for w in words]

    def ids_of_analogies(self) -> np.ndarray:
        """(A, 4) word ids of the analogy tests a : b :: c : d."""
        return np.array([self.ids(test) for test in self.analogies], dtype=np.int64).reshape(-1, 4)

    def group_of(self, word: str) -> str:
        return self.groups[self.word_group[self.index[word]]]

    def words_in_group(self, group: str) -> list[str]:
        g = self.groups.index(group)
        return [w for w, wg in zip(self.vocab, self.word_group) if wg == g]


def pairs(corpus: Corpus, window: int) -> np.ndarray:
    """Every (center, context) pair the window produces, with where it came from.

    Returns an int32 array (n_pairs, 4): center id, context id, sentence number, center
    position. Shown in "The corpus"; training samples its steps from these rows.
    """
    rows = []
    for s, sentence in enumerate(corpus.sentences):
        ids = [corpus.index[w] for w in sentence]
        for i, center in enumerate(ids):
            for j in range(max(0, i - window), min(len(ids), i + window + 1)):
                if j != i:
                    rows.append((center, ids[j], s, i))
    return np.array(rows, dtype=np.int32).reshape(-1, 4)


def corpus_fingerprint(folder: Path, names=CORPUS_FILES) -> str:
    """sha256 over the corpus files of `names` that exist, so an edit to any of them is a new run
    (a run's cache key takes DATA_FILES: the recipe enters the key as values, see w2v.train.run_key)."""
    digest = hashlib.sha256()
    for name in names:
        path = Path(folder) / name
        if path.is_file():
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def read_file_bytes(path: Path) -> bytes:
    """A file's bytes, or one CorpusError line naming the file (used by the CLI's readers too)."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CorpusError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise CorpusError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror})") from None


def _read_lines(path: Path) -> list[str]:
    data = read_file_bytes(path)
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark some editors put first is not part of the first word
    except UnicodeDecodeError as exc:
        start = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        line = data[:start].count(b"\n") + 1
        raise CorpusError(f"{path}:{line}: not valid UTF-8 (byte {data[start]:#04x})") from None
    # Lines end at \n (or \r\n) only: splitlines() would also split at U+2028, U+0085, \f, ...
    # and every later line number in an error message would be off.
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def _odd_space(line: str) -> str | None:
    """The first whitespace character in `line` other than a plain space, as U+XXXX."""
    odd = next((ch for ch in line if ch.isspace() and ch != " "), None)
    return None if odd is None else f"U+{ord(odd):04X}"


def _read_sentences(path: Path) -> list[list[str]]:
    sentences = []
    for n, line in enumerate(_read_lines(path), 1):
        if not line.strip():
            continue  # blank lines separate nothing; they are allowed and skipped
        odd = _odd_space(line)
        if line != line.strip() or "  " in line or odd:
            found = f" (found {odd})" if odd else ""
            raise CorpusError(f"{path}:{n}: tokens must be separated by single spaces{found}")
        sentences.append(line.split(" "))
    if not sentences:
        raise CorpusError(f"{path}: no sentences (the file is empty)")
    return sentences


def _read_groups(path: Path, words: set[str]) -> tuple[list[str], dict[str, str]]:
    groups: list[str] = []
    group_of: dict[str, str] = {}
    first_line: dict[str, int] = {}
    for n, line in enumerate(_read_lines(path), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0] or not parts[1]:
            raise CorpusError(f"{path}:{n}: expected 'word<TAB>group'")
        word, group = parts[0].strip(), parts[1].strip()
        if word in first_line:
            raise CorpusError(f"{path}:{n}: '{word}' is listed twice (first at line {first_line[word]})")
        if word not in words:
            raise CorpusError(f"{path}:{n}: '{word}' does not occur in sentences.txt")
        first_line[word] = n
        group_of[word] = group
        if group not in groups:
            groups.append(group)
    missing = sorted(words - group_of.keys())
    if missing:
        more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        raise CorpusError(f"{path}: '{missing[0]}'{more} from sentences.txt has no group")
    return groups, group_of


def _read_analogies(path: Path, words: set[str]) -> list[tuple[str, str, str, str]]:
    tests = []
    for n, line in enumerate(_read_lines(path), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 4:
            raise CorpusError(f"{path}:{n}: expected four words 'a b c d' (a : b :: c : d)")
        for word in parts:
            if word not in words:
                raise CorpusError(f"{path}:{n}: '{word}' is not in the vocabulary")
        tests.append(tuple(parts))
    return tests


def load_corpus(folder: str | Path = "corpus") -> Corpus:
    """Read and check a corpus folder. Every problem is a one-line CorpusError."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(f"{folder}: corpus folder not found")
    sentences = _read_sentences(folder / "sentences.txt")
    freq: dict[str, int] = {}
    for sentence in sentences:
        for word in sentence:
            freq[word] = freq.get(word, 0) + 1
    if len(freq) < 2:
        raise CorpusError(f"{folder / 'sentences.txt'}: needs at least two distinct words, found {len(freq)}")

    if (folder / "groups.tsv").exists():
        groups, group_of = _read_groups(folder / "groups.tsv", set(freq))
    else:
        groups, group_of = [NO_GROUP], {w: NO_GROUP for w in freq}
    analogies = _read_analogies(folder / "analogies.txt", set(freq)) if (folder / "analogies.txt").exists() else []

    # Group order first (so every figure sorted by index is sorted by group), then frequency.
    vocab = sorted(freq, key=lambda w: (groups.index(group_of[w]), -freq[w], w))
    return Corpus(
        folder=folder,
        sentences=sentences,
        vocab=vocab,
        counts=np.array([freq[w] for w in vocab], dtype=np.int64),
        groups=groups,
        word_group=np.array([groups.index(group_of[w]) for w in vocab], dtype=np.int64),
        analogies=analogies,
        index={w: i for i, w in enumerate(vocab)},
    )


LIST_WORDS = frozenset({"and", "the", "a", "an"})  # what joins the items of a bare list


def is_bare_list(sentence: list[str]) -> bool:
    """A bare list: content words joined by *and*, with no verb or preposition
    ("bread and cheese", "the cat and the dog"). Not "he eats and drinks"."""
    content = [t for t in sentence if t not in LIST_WORDS]
    return "and" in sentence and len(content) == sentence.count("and") + 1


_CODE = re.compile(r"(`+).+?\1", re.S)  # a code span or a fenced block: closed by as many backticks


def about_text(folder: str | Path) -> str:
    """The corpus author's own account of how the text was made (ABOUT.md in the corpus folder,
    without HTML comments), shown by "The corpus"; a folder without one says so. Markdown, but no
    HTML: a "<" outside code is escaped, so a tag in the text (a licence's "<program>") is shown as
    written instead of opening an element the page never closes."""
    path = Path(folder) / "ABOUT.md"
    if not path.is_file():
        return f"This corpus folder ({Path(folder).name}) has no `ABOUT.md`."
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not valid UTF-8 (byte {exc.start})") from None
    text = re.sub(r"<!--.*?-->\s*", "", text, flags=re.S).strip()
    parts, last = [], 0
    for code in _CODE.finditer(text):
        parts += [text[last:code.start()].replace("<", "&lt;"), code.group(0)]
        last = code.end()
    return "".join(parts + [text[last:].replace("<", "&lt;")])


def writing_facts(corpus: Corpus, verbs_group: str = "verbs") -> dict:
    """How the text is written, for "The corpus" and `tools/check_corpus.py`: distinct and repeated
    lines, bare lists and their share (%), and the verbs never followed by an object or a place
    (a verb seen only as "he eats" would mean no more than "comes after a pronoun")."""
    lines = [" ".join(s) for s in corpus.sentences]
    n_lists = sum(is_bare_list(s) for s in corpus.sentences)
    facts = dict(n_lines=len(lines), n_distinct=len(set(lines)), n_repeated=len(lines) - len(set(lines)),
                 n_lists=n_lists, list_share=100 * n_lists / len(lines), verbs_without_complement=[])
    if verbs_group in corpus.groups:
        verbs = set(corpus.words_in_group(verbs_group))
        completed = {s[i] for s in corpus.sentences for i in range(len(s) - 1)
                     if s[i] in verbs and s[i + 1] != "and"}
        facts["verbs_without_complement"] = sorted(verbs - completed)
    return facts
