"""One way to write a count with its noun (w2v.wording.counted), used everywhere a count stands
before a noun: a reader's corpus with one rarest word or a window of 1 never reads "1 words"."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

from w2v.book.blueprint import recipe_facts
from w2v.prepare import Report
from w2v.wording import counted

PACKAGE = Path(__file__).resolve().parents[1] / "w2v"


def test_one_is_singular_every_other_count_plural():
    assert counted(1, "word") == "1 word"
    assert [counted(n, "word") for n in (0, 2, 1234)] == ["0 words", "2 words", "1,234 words"]
    assert counted(1, "analogy test") == "1 analogy test" and counted(3, "analogy test") == "3 analogy tests"
    assert counted(2, "child", plural="children") == "2 children" and counted(1, "child", plural="children") == "1 child"


def test_the_verb_agrees():
    assert counted(1, "word", verbs=("was", "were")) == "1 word was"
    assert counted(4, "word", verbs=("was", "were")) == "4 words were"


def test_the_book_layer_and_prepare_write_counts_through_it():
    config = SimpleNamespace(steps=10, window=1, lr=0.1, lr_final=0.01, optimizer="sgd", checkpoint_every=5)
    assert recipe_facts(SimpleNamespace(config=config, checkpoint_steps=[0, 5, 10]))["window_words"] == "1 word"
    config.window = 2
    assert recipe_facts(SimpleNamespace(config=config, checkpoint_steps=[0, 5, 10]))["window_words"] == "2 words"
    report = Report(lines=1, sentences=1, tokens=1, merged={"a": {"a", "A"}})
    assert report.lines_of_text()[0] == "read 1 line; wrote 1 sentence, 1 token, 1 word"
    assert report.lines_of_text()[-1].startswith("1 word was written more than one way and is now one")


def test_no_module_writes_a_plural_by_hand():
    """The hand-written forms this helper replaced: `+ ("s" if n != 1 else "")`, `{'s' if n > 1 else ''}`."""
    by_hand = re.compile(r"""["']s["']\s+if\b""")
    found = [f"{p.relative_to(PACKAGE)}:{i}" for p in sorted(PACKAGE.rglob("*.py"))
             for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if by_hand.search(line)]
    found += [f"book/{p.name}:{i}" for p in sorted((PACKAGE.parent / "book").glob("*.md"))
              for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if by_hand.search(line)]
    assert found == []
