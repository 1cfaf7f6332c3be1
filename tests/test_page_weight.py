"""Page weight, in a real browser: what each chapter transfers from the local server (which
compresses text as a static host does), summed over every response, is printed and at most
2.5 MB; and each library is loaded only on pages that use it."""

from __future__ import annotations

import pytest

from conftest import CHAPTERS

MAX_TRANSFER = 2_500_000
PAGES = [f"book/{name}.html" for name in CHAPTERS]


def load_and_weigh(loaded_page, path: str):
    """The page, settled, and what it loaded: (page, log, {url: (transferred, decoded bytes)})."""
    sizes: dict[str, tuple[int, int]] = {}
    page, log = loaded_page(path, theme="light")
    for entry in page.evaluate("""() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
        .map(e => [e.name, e.transferSize, e.decodedBodySize, e.encodedBodySize])"""):
        url, transferred, decoded, encoded = entry
        sizes[url] = (max(transferred, encoded), decoded)
    return page, log, sizes


@pytest.mark.parametrize("path", PAGES)
def test_page_transfers_at_most_2_5_megabytes(loaded_page, server, path):
    page, log, sizes = load_and_weigh(loaded_page, path)
    transferred = sum(t for t, _ in sizes.values())
    decoded = sum(d for _, d in sizes.values())
    largest = sorted(sizes.items(), key=lambda kv: -kv[1][0])[:5]
    print(f"\nweight {path}: {transferred / 1e6:.2f} MB transferred ({decoded / 1e6:.2f} MB uncompressed) in "
          f"{len(sizes)} responses; largest: "
          + ", ".join(f"{u.replace(server, '').split('?')[0]} {t / 1e3:.0f} kB" for u, (t, _) in largest))
    assert transferred <= MAX_TRANSFER, f"{path}: {transferred:,} bytes"
    assert log.problems() == []


def _loaded(sizes) -> set[str]:
    return {url.split("?")[0].rsplit("/_static/", 1)[-1] for url in sizes if "/_static/" in url}


@pytest.mark.parametrize("path", PAGES)
def test_each_library_is_loaded_only_where_it_is_used(loaded_page, path):
    page, log, sizes = load_and_weigh(loaded_page, path)
    loaded = _loaded(sizes)
    # the theme draws its icons with its stylesheet's web font: Font Awesome's 1.5 MB script, never
    assert "scripts/fontawesome.js" not in loaded
    figures = page.locator("figure.w2v-bokeh")
    bundles = {b for f in figures.all() for b in (f.get_attribute("data-bokeh-bundles") or "").split()}
    assert ("bokeh/bokeh.min.js" in loaded) == (figures.count() > 0)
    assert ("bokeh/bokeh-widgets.min.js" in loaded) == ("widgets" in bundles)
    assert ("bokeh/bokeh-tables.min.js" in loaded) == ("tables" in bundles)
    if "widgets" in bundles:  # the figure that asks for widgets has one
        assert page.evaluate("""() => Bokeh.documents.some(d => [...d.all_models].some(m =>
            ['Select', 'Slider', 'Toggle', 'RadioButtonGroup', 'Div'].includes(m.type)))""")
    maths = page.locator(".math, mjx-container").count()
    mathjax = sorted(name for name in loaded if name.startswith("mathjax"))
    # the maths are typeset when the book is built: a page with maths loads their stylesheet and
    # fonts, and no MathJax script at all
    assert ("mathjax-chtml.css" in mathjax) == (maths > 0), f"{path}: {maths} formulas, MathJax files loaded: {mathjax}"
    assert not [name for name in mathjax if name.endswith(".js")], mathjax
    assert log.problems() == []


def test_no_chapter_uses_a_bokeh_table(book_html):
    """So bokeh-tables.min.js (302 kB) is loaded by no page at all."""
    for path in PAGES:
        assert "bokeh-tables" not in (book_html / path).read_text(encoding="utf-8"), path


def test_figure_documents_are_scripts_of_their_own_not_in_the_page(book_html):
    """Each figure's Bokeh document is out of its page (book/_ext/w2v_book.py), in a script that
    w2v-figures.js loads when the figure comes near, and that script holds that figure's document:
    the first screen waits for the text only."""
    import json
    import re

    figures = 0
    for path in PAGES:
        page = book_html / path
        text = page.read_text(encoding="utf-8")
        assert not re.search(r'class="w2v-bokeh-item">[^<]', text), f"{path}: a figure's document is still in the page"
        for figure_id, src in re.findall(r'<figure class="w2v-bokeh[^"]*" id="([^"]+)".*?class="w2v-bokeh-item" data-src="([^"]+)"',
                                         text, re.S):
            script = (page.parent / src.split("?")[0]).resolve().read_text(encoding="utf-8")
            prefix = f"(window.w2vFigureItems = window.w2vFigureItems || {{}})[{json.dumps(figure_id)}] = JSON.parse("
            assert script.startswith(prefix), (path, src, script[:120])
            item = json.loads(json.loads(script[len(prefix):].rstrip().removesuffix(");")))
            assert item["target_id"] == f"{figure_id}-plot", (path, figure_id, item["target_id"])
            figures += 1
        assert text.count('class="w2v-bokeh"') == text.count('class="w2v-bokeh-item" data-src="'), path
    assert figures >= 20, figures
