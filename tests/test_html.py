"""The built HTML, read as files: every chapter is there, nothing points at a CDN, pages stay small,
and the blueprint page shows w2v/model.py exactly as it is, with a note for every code line."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from conftest import CHAPTERS, ROOT

CDN = re.compile(r"unpkg\.com|jsdelivr|cdnjs|cdn\.bokeh\.org|googleapis|cdn\.mathjax|polyfill\.io", re.I)
# Third-party libraries copied into the build by book/_ext/w2v_book.py. Their minified code holds
# CDN addresses as string literals for features the book never uses (BokehJS: TeX labels, Google
# maps, Tabler icons; MathJax's speech engine: an Internet Explorer fallback). No page may *load*
# anything from outside: tests/test_book_pages.py watches every request in a real browser.
VENDORED = ("_static/bokeh/", "_static/mathjax/")
MAX_PAGE_BYTES = 1_000_000
READER_PAGE_BYTES = 2_500_000


def _pages(book_html: Path) -> list[Path]:
    return [book_html / "book" / f"{name}.html" for name in CHAPTERS]


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_chapter_page_exists(book_html, name):
    page = book_html / "book" / f"{name}.html"
    assert page.is_file(), f"{page} missing"
    assert "<title>" in page.read_text(encoding="utf-8")


def test_no_cdn_address_in_any_page_script_or_stylesheet(book_html):
    files = [p for ext in ("*.html", "*.js", "*.css") for p in book_html.rglob(ext)]
    assert any(p.suffix == ".html" for p in files)
    offenders = []
    for path in files:
        rel = path.relative_to(book_html).as_posix()
        if rel.startswith(VENDORED):
            continue
        for match in CDN.finditer(path.read_text(encoding="utf-8", errors="replace")):
            offenders.append(f"{rel}: {match.group(0)}")
    assert offenders == [], offenders


def test_every_script_and_stylesheet_a_page_loads_is_local(book_html):
    for page in _pages(book_html):
        text = page.read_text(encoding="utf-8")
        for tag, attr in (("script", "src"), ("link", "href")):
            for url in re.findall(rf'<{tag}\b[^>]*\b{attr}="([^"]+)"', text):
                assert not re.match(r"(https?:)?//", url), f"{page.name} loads {url} from outside the build"


def test_the_maths_are_typeset_when_the_book_is_built(book_html):
    """Every formula arrives typeset (MathJax's CommonHTML, run at build time by
    book/_ext/mathjax_prerender.cjs) with its MathML for screen readers; no page loads a MathJax
    script (which re-laid out the text around the maths a second after it was drawn), and the
    maths' stylesheet and fonts come from the build, never a CDN."""
    for page in sorted((book_html / "book").glob("*.html")):
        text = page.read_text(encoding="utf-8")
        formulas = re.findall(r'<(?:span|div) class="math notranslate nohighlight"[^>]*>(.*?)</(?:span|div)>', text, re.S)
        assert not re.findall(r'<script\b[^>]*mathjax', text, re.I), f"{page.name} loads a MathJax script"
        assert all(f.startswith("<mjx-container") and "<mjx-assistive-mml" in f for f in formulas), \
            f"{page.name}: a formula left as TeX: {[f[:60] for f in formulas if not f.startswith('<mjx')][:3]}"
        assert ("_static/mathjax-chtml.css" in text) == bool(formulas), page.name
    blueprint = (book_html / "book" / "blueprint.html").read_text(encoding="utf-8")
    assert blueprint.count("<mjx-container") >= 5, "the blueprint has maths"
    css = (book_html / "_static" / "mathjax-chtml.css").read_text(encoding="utf-8")
    fonts = re.findall(r'url\("?([^")]+)"?\)', css)
    assert fonts and all((book_html / "_static" / f).is_file() for f in fonts), fonts[:3]


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_html_is_at_most_one_megabyte(book_html, name):
    """The page itself, with its inline figure data; BokehJS and other static files are not counted.
    The book's own pages keep to 1 MB; on a reader's corpus (W2V_CORPUS) a page holds more words and
    keeps to 2.5 MB, what test_page_weight allows a page to transfer."""
    import w2v

    limit = MAX_PAGE_BYTES if w2v.ON_BOOK_CORPUS else READER_PAGE_BYTES
    size = (book_html / "book" / f"{name}.html").stat().st_size
    assert size <= limit, f"{name}.html is {size:,} bytes"


def _blueprint_block(book_html: Path) -> str:
    text = (book_html / "book" / "blueprint.html").read_text(encoding="utf-8")
    blocks = re.findall(r'class="[^"]*\bw2v-blueprint\b[^"]*"[^>]*>.*?<pre[^>]*>(.*?)</pre>', text, re.S)
    assert len(blocks) == 1, f"expected one .w2v-blueprint code block, found {len(blocks)}"
    return _text(blocks[0])


def test_blueprint_shows_exactly_the_lines_of_model_py(book_html):
    shown = _blueprint_block(book_html)
    source = (ROOT / "w2v" / "model.py").read_text(encoding="utf-8")
    assert shown.rstrip("\n").splitlines() == source.rstrip("\n").splitlines()


def test_blueprint_page_carries_a_note_for_every_code_line(book_html):
    from w2v.book.blueprint import NOTES, code_lines

    text = (book_html / "book" / "blueprint.html").read_text(encoding="utf-8")
    found = re.findall(r'<script type="application/json" id="w2v-blueprint-notes">(.*?)</script>', text, re.S)
    assert len(found) == 1, "the notes' JSON is missing (or there twice)"
    notes = json.loads(found[0])
    assert [(n["line"], n["code"]) for n in notes] == code_lines()
    assert all(n["note"] == NOTES[n["code"]] for n in notes)
    assert len(notes) == 13


def test_glued_numbers_reach_the_pages(book_html, book_run):
    """A few numbers the chapters compute at build time, as the reader sees them."""
    corpus, config = book_run.corpus, book_run.config
    n_params = 2 * corpus.vocab_size * config.dim
    pages = {name: _text((book_html / "book" / f"{name}.html").read_text(encoding="utf-8"))
             for name in ("index", "blueprint", "corpus")}
    assert f"{n_params:,} trainable numbers" in pages["blueprint"]
    assert f"{n_params:,} trainable numbers" in pages["index"]
    assert f"{len(corpus.sentences):,} sentences and {corpus.n_tokens:,} tokens" in pages["corpus"]
    assert f"{len(book_run.pairs):,} pairs" in pages["corpus"]
    assert f"{config.steps:,} steps" in pages["corpus"]


def test_anchors_syllabi_link_to(book_html):
    anchors = {"index": ["tiny-model", "chapter-map", "how-to-build", "how-to-cite"],
               "blueprint": ["model-code", "parameter-census", "training-config"],
               "corpus": ["corpus-size", "word-groups", "word-frequency", "sample-sentences", "analogy-tests",
                          "training-pairs", "fig-word-frequency"],
               "references": ["bibliography"]}
    for name, ids in anchors.items():
        text = (book_html / "book" / f"{name}.html").read_text(encoding="utf-8")
        for ident in ids:
            assert f'id="{ident}"' in text, f"{name}.html has no #{ident}"


def test_references_list_the_four_papers_and_google(book_html):
    text = _text((book_html / "book" / "references.html").read_text(encoding="utf-8"))
    for title in ("Efficient estimation of word representations", "Distributed representations of words",
                  "parameter learning explained", "negative-sampling word-embedding method",
                  "continuous distributed representations of words"):
        assert title.lower() in text.lower(), f"references.html lacks {title!r}"


def test_exercises_are_titled_and_numbered_per_chapter(book_html):
    """A syllabus cites "Journey, Exercise 3": every chapter's exercises run 1, 2, 3, … in page
    order, each with a title, and each solution names its own exercise's number."""
    from bs4 import BeautifulSoup

    chapters_with_exercises = 0
    for page in _pages(book_html):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        titles = [" ".join(box.select_one(".admonition-title").get_text(" ").split())
                  for box in soup.select("div.exercise.admonition")]
        if not titles:
            continue
        chapters_with_exercises += 1
        for n, title in enumerate(titles, start=1):
            assert re.fullmatch(rf"Exercise {n} \(\S.*\)", title), (page.name, n, title)
        solutions = [" ".join(box.select_one(".admonition-title").get_text(" ").split())
                     for box in soup.select("div.solution")]
        assert [re.search(r"Exercise (\d+)", s).group(1) for s in solutions] == \
            [str(n) for n in range(1, len(titles) + 1)], (page.name, solutions)
    assert chapters_with_exercises >= 9


def test_no_raw_bibtex_in_the_references(book_html):
    text = _text((book_html / "book" / "references.html").read_text(encoding="utf-8"))
    assert "Řehůřek" in text
    assert not re.search(r"\\[a-z]\{|\{\\", text), re.search(r".{40}\\[a-z]\{.{40}", text)
