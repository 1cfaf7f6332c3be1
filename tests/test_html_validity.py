"""Every built page is valid HTML, as files: html-validate (pinned in tools/package-lock.json) finds
no error, no id is used twice, and every internal link lands on a page and an id that exist.

A browser test that reads an element back by id trusts that the id names one element; these checks
make that true of the pages as built (tests/test_browser_reader.py checks it again after the
pages' scripts have run)."""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import ROOT

HTML_VALIDATE = ROOT / "tools" / "node_modules" / ".bin" / "html-validate"
CONFIG = ROOT / "tools" / "htmlvalidate.cjs"


def built_pages(book_html: Path) -> list[Path]:
    """Every HTML page of the build (chapters, the redirecting index, search, general index)."""
    pages = sorted(p for p in book_html.rglob("*.html") if "_static" not in p.parts)
    assert pages, f"no pages in {book_html}"
    return pages


class _Anchors(HTMLParser):
    """The ids of a page and the links it makes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])


def _parse(page: Path) -> _Anchors:
    parser = _Anchors()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def test_html_validate_finds_no_error_on_any_page(book_html):
    if not HTML_VALIDATE.exists():
        pytest.fail(f"{HTML_VALIDATE} missing: run `make tools` (npm ci in tools/; make test does)")
    pages = built_pages(book_html)
    done = subprocess.run([str(HTML_VALIDATE), "--config", str(CONFIG), "--formatter", "json",
                           *map(str, pages)], capture_output=True, text=True, timeout=300)
    results = json.loads(done.stdout or "[]")
    errors = [f"{Path(r['filePath']).relative_to(book_html)}:{m['line']}:{m['column']} [{m['ruleId']}] {m['message']}"
              for r in results for m in r["messages"] if m["severity"] == 2]
    print(f"\nhtml-validate {HTML_VALIDATE.resolve().parent.parent.name}: {len(pages)} pages, {len(errors)} errors")
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert errors == [], "\n".join(errors[:40])
    assert done.returncode == 0


def test_no_page_uses_an_id_twice(book_html):
    """A label such as (wt-loss)= writes <span id="wt-loss">: a page element may not reuse it."""
    duplicates = {}
    for page in built_pages(book_html):
        counts = Counter(_parse(page).ids)
        twice = sorted(i for i, n in counts.items() if n > 1)
        if twice:
            duplicates[str(page.relative_to(book_html))] = twice
    assert duplicates == {}


def test_every_internal_link_lands_on_an_existing_page_and_id(book_html):
    pages = built_pages(book_html)
    ids = {page.resolve(): set(_parse(page).ids) for page in pages}
    broken, checked = [], 0
    for page in pages:
        for href in _parse(page).links:
            url = urlsplit(href)
            if url.scheme or url.netloc or href.startswith(("mailto:", "javascript:")):
                continue  # outside the book
            target = (page.parent / unquote(url.path)).resolve() if url.path else page.resolve()
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            if not target.is_file():
                broken.append(f"{page.relative_to(book_html)}: {href} (no such page)")
            elif url.fragment and target in ids and unquote(url.fragment) not in ids[target]:
                broken.append(f"{page.relative_to(book_html)}: {href} (no id {url.fragment!r} there)")
            elif url.fragment and target not in ids and target.suffix == ".html":
                if f'id="{unquote(url.fragment)}"' not in target.read_text(encoding="utf-8"):
                    broken.append(f"{page.relative_to(book_html)}: {href} (no id {url.fragment!r} there)")
    assert checked > 100, f"only {checked} internal links found: is the build complete?"
    assert broken == [], broken


def test_the_walkthrough_value_boxes_have_ids_of_their_own(book_html):
    """The two ids that the section labels (wt-loss)= and (wt-compare)= took, in the issue that
    found this: each names the section's anchor span and nothing else."""
    text = (book_html / "book" / "walkthrough.html").read_text(encoding="utf-8")
    for ident in ("wt-loss", "wt-compare"):
        tags = re.findall(rf'<[a-z]+\b[^>]*\bid="{ident}"[^>]*>', text)
        assert len(tags) == 1 and tags[0].startswith("<span"), tags
    assert text.count('id="wt-loss-value"') == 1 and text.count('id="wt-compare-table"') == 1
