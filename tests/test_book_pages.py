"""Every page of the built book, as a reader's browser sees it: clean, offline, figures drawn."""

from __future__ import annotations

import re

import bokeh
import pytest

from conftest import CHAPTERS, wait_for_bokeh

PAGES = [f"book/{name}.html" for name in CHAPTERS]


@pytest.mark.parametrize("path", PAGES)
def test_page_is_clean_and_offline(loaded_page, path):
    """Zero page errors, zero console errors or warnings, no request leaves the local server."""
    page, log = loaded_page(path, theme="light")  # settled: deferred scripts (MathJax, BokehJS) done
    assert page.title(), f"{path} has no title"
    assert log.problems() == [], f"{path}: {log.problems()}"


@pytest.mark.parametrize("path", PAGES)
def test_every_bokeh_figure_renders(loaded_page, path):
    page, log = loaded_page(path, theme="light")
    figures = page.locator("figure.w2v-bokeh").count()
    if figures == 0:
        assert page.evaluate("() => typeof window.Bokeh") == "undefined", "BokehJS loaded on a page without figures"
        return
    wait_for_bokeh(page)
    assert page.evaluate("() => Bokeh.version") == bokeh.__version__
    sizes = page.evaluate("""() => {
        // Bokeh 3 draws inside nested shadow roots: walk them all to find the canvases.
        const canvases = (node, found = []) => {
            for (const el of node.querySelectorAll('*')) {
                if (el.tagName === 'CANVAS') found.push(el.getBoundingClientRect());
                if (el.shadowRoot) canvases(el.shadowRoot, found);
            }
            return found;
        };
        return [...document.querySelectorAll('figure.w2v-bokeh')].map(f =>
            ({id: f.id, canvases: canvases(f).map(r => [r.width, r.height])}));
    }""")
    assert len(sizes) == figures
    for figure in sizes:
        assert figure["canvases"], f"{path} {figure['id']}: no canvas drawn"
        assert all(w > 0 and h > 0 for w, h in figure["canvases"]), f"{path} {figure['id']}: {figure['canvases']}"
        assert figure["id"].startswith("fig-"), "every figure has a stable anchor"
    for figure_id in (s["id"] for s in sizes):
        caption = page.locator(f"#{figure_id} figcaption").inner_text().strip()
        alt = page.get_attribute(f"#{figure_id}", "aria-label") or ""
        assert caption and alt, f"{figure_id}: caption and alt text are required"
    assert log.problems() == [], f"{path}: {log.problems()}"


def test_bokehjs_is_off_the_critical_path(book_html):
    """No page loads BokehJS with a script tag of its own: w2v-figures.js loads it once, when the
    first figure comes near the screen (tests/test_browser_lazy_figures.py), on the pages that have
    a figure and only there."""
    for path in PAGES:
        html = (book_html / path).read_text(encoding="utf-8")
        assert not re.search(r'<script[^>]*src="[^"]*bokeh[^"]*\.js', html), f"{path} loads BokehJS in its head"
        assert ("_static/w2v-figures.js" in html) == ('class="w2v-bokeh"' in html), path


# A glued value the corpus cannot give (NaN: block contrast with no groups.tsv, say) shows as "—"
# (book/_ext/w2v_book.py); on the book's own corpus a NaN fails the build.
NAN_SHOWN = re.compile(r'class="pasted-text">\s*-?nan\b|\bnan%|\(nan\b|\bnan\)|\bnan →|→ nan\b|\bnan (?:at|to|and|against)\b')


@pytest.mark.parametrize("path", PAGES)
def test_no_number_on_the_page_reads_nan(book_html, path):
    text = (book_html / path).read_text(encoding="utf-8")
    body = text[text.index("<main"):text.index("</main>")]
    body = re.sub(r"<script\b.*?</script>", "", body, flags=re.S)  # figures' data may hold NaN gaps
    body = re.sub(r"<pre\b.*?</pre>", "", body, flags=re.S)  # a visible cell prints what Python prints
    assert NAN_SHOWN.findall(body) == [], [body[max(0, m.start() - 80): m.end() + 40] for m in NAN_SHOWN.finditer(body)][:5]



@pytest.mark.parametrize("path", PAGES)
def test_a_text_without_groups_is_never_said_to_be_sorted_or_coloured_by_group(book_html, path):
    """On a corpus with no groups.tsv (the real text's build) the figures' captions, alt texts and
    the prose say how the words are ordered and coloured there (most frequent first, one colour), not
    how the book's corpus is."""
    import w2v
    from w2v.corpus import load_corpus

    if load_corpus(w2v.BOOK_CORPUS).has_groups:
        assert "sorted by group" in "".join((book_html / f"book/{c}.html").read_text(encoding="utf-8") for c in ("weights", "counts"))
        return
    text = (book_html / path).read_text(encoding="utf-8")
    body = re.sub(r"<script\b.*?</script>", "", text[text.index("<main"):text.index("</main>")], flags=re.S)
    body = re.sub(r"<pre\b.*?</pre>", "", body, flags=re.S)  # the code says what it does on any corpus
    said = re.findall(r"[^.<>]{0,60}(?:sorted|coloured) by (?:word )?group[^.<>]{0,30}", body)
    assert said == [], said
