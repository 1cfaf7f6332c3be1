"""Compare what two builds of the book show: every glued value, the text, and every figure's data.

    python tools/built_values.py BEFORE/_build/html AFTER/_build/html

For each page of book/*.html it reads (1) every value myst-nb's glue pasted (span.pasted-text and
the other pasted-* elements), in page order; (2) the article's visible text; (3) each Bokeh
figure's embedded document, with the ids Bokeh draws at random (UUIDs) and its sequential model
ids replaced by placeholders. It prints one line per page and every difference, and exits non-zero
when anything differs, so a refactoring that must change no number can be checked by it.
"""

from __future__ import annotations

import difflib
import re
import sys
from pathlib import Path

from bs4 import BeautifulSoup

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MODEL_ID = re.compile(r"(?<![\w-])p\d{4,}(?![\w-])")  # Bokeh's own model ids: p1001, p1002, …


def page_values(path: Path) -> dict[str, list[str]]:
    """The glued values, the article's text (one line per block) and the figures' data of a page."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    article = soup.find("article") or soup.body
    glued = [" ".join(el.get_text(" ", strip=True).split())
             for el in article.find_all(class_=re.compile(r"^pasted-"))]
    figures = []
    for figure in article.select("figure.w2v-bokeh"):
        data = "\n".join(s.get_text() for s in figure.find_all("script"))
        figures.append(f"{figure.get('id')}: " + MODEL_ID.sub("ID", UUID.sub("UUID", data)))
    for script in article.find_all(["script", "style"]):
        script.decompose()
    text = [" ".join(block.split()) for block in article.get_text("\n").split("\n") if block.strip()]
    return {"glued": glued, "text": text, "figures": figures}


def compare(before: Path, after: Path) -> int:
    pages = sorted({p.name for p in (before / "book").glob("*.html")} | {p.name for p in (after / "book").glob("*.html")})
    differences = 0
    for name in pages:
        a, b = before / "book" / name, after / "book" / name
        if not (a.is_file() and b.is_file()):
            print(f"{name}: only in {'before' if a.is_file() else 'after'}")
            differences += 1
            continue
        va, vb = page_values(a), page_values(b)
        changed = [kind for kind in va if va[kind] != vb[kind]]
        print(f"{name}: {len(va['glued'])} glued values, {len(va['figures'])} figures, {len(va['text'])} lines of "
              f"text: {'identical' if not changed else 'DIFFERENT (' + ', '.join(changed) + ')'}")
        for kind in changed:
            differences += 1
            lines = difflib.unified_diff(va[kind], vb[kind], f"before/{name} {kind}", f"after/{name} {kind}", lineterm="", n=0)
            for line in list(lines)[:40]:
                print("    " + line[:300])
    return 1 if differences else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python tools/built_values.py BEFORE_HTML_DIR AFTER_HTML_DIR")
    sys.exit(compare(Path(sys.argv[1]), Path(sys.argv[2])))
