"""Count the words a reader reads in each chapter of the built book; write nothing.

    python tools/word_count.py                  # _build/html, after `make book`
    python tools/word_count.py DIR              # another build's html folder
    python tools/word_count.py DIR --json       # the same numbers as JSON, for a before/after

Counted from the built HTML, as the page shows it (glued numbers filled in), in the chapter's
article only. "prose" is the running text: paragraphs, lists and headings, without code (cells,
listings, printed outputs), maths, figures, tables, exercises and solutions, each of which is
counted in a column of its own (a figure's caption under "captions"). A word is a run of letters
or digits, so "W′[:, o]" inside prose counts as two and "15,000" as one.
It exits 2, with one line, on a folder that holds no built chapter.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
TOC = ROOT / "_toc.yml"
WORD = re.compile(r"[^\W_]+(?:[,.'’][^\W_]+)*")
COLUMNS = ("prose", "captions", "exercises", "solutions", "tables")

# What is not prose, in the order it is taken out of the article (an exercise's figure is the
# exercise's; a figure's table is the figure's).
PARTS = {
    "solutions": "div.solution",
    "exercises": "div.exercise",
    "captions": "figure figcaption, div.caption, .code-block-caption",
    "code": "div.cell, div.highlight, div.literal-block-wrapper, pre",
    "figures": "figure, div.w2v-bokeh, script, style",
    "tables": "table",
    "maths": "span.math, div.math, mjx-container",
    "chrome": "a.headerlink, .admonition-title button, nav, .toggle-button",
}


def chapters() -> list[str]:
    """The chapters in the table of contents' order: the root page, then each `file:` entry."""
    names = []
    for line in TOC.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\s*(?:-\s*)?(?:root|file):\s*(\S+)", line)
        if m:
            names.append(m.group(1))
    return names


def words(text: str) -> int:
    return len(WORD.findall(text))


def count_page(html: str) -> dict[str, int]:
    soup = BeautifulSoup(html, "html.parser")
    article = soup.select_one("article.bd-article") or soup.body
    counts = dict.fromkeys(COLUMNS, 0)
    for part, selector in PARTS.items():
        for node in article.select(selector):
            if part in counts:
                counts[part] += words(node.get_text(" "))
            node.decompose()
    counts["prose"] = words(article.get_text(" "))
    return counts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", nargs="?", default=str(ROOT / "_build" / "html"),
                        help="the built book's html folder (default: _build/html)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    folder = Path(args.html)
    pages = {name: folder / f"{name}.html" for name in chapters()}
    if not any(p.is_file() for p in pages.values()):
        print(f"word_count: {folder} holds no built chapter (run `make book` first)", file=sys.stderr)
        return 2
    table = {Path(name).name: count_page(path.read_text(encoding="utf-8"))
             for name, path in pages.items() if path.is_file()}
    table["total"] = {c: sum(row[c] for row in table.values()) for c in COLUMNS}
    if args.json:
        print(json.dumps(table, indent=1))
        return 0
    print(f"{'chapter':<20}" + "".join(f"{c:>11}" for c in COLUMNS))
    for name, row in table.items():
        print(f"{name:<20}" + "".join(f"{row[c]:>11,}" for c in COLUMNS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
