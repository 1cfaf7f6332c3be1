"""Every chapter downloads as a notebook (.ipynb) and as its MyST source (.md) from the theme's
download menu, and a downloaded notebook runs as it is, offline, in the project's venv (issue 14)."""

from __future__ import annotations

import re
import urllib.request
from urllib.parse import urljoin

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import CHAPTERS

NOTEBOOKS = [name for name in CHAPTERS if name != "references"]  # the references page has no code


def _download_links(page) -> dict[str, str]:
    """Open the download menu as a reader does and return {'.ipynb': url, '.md': url}."""
    page.locator("button[aria-label='Download this page']").click()
    links = {}
    for item in page.locator(".dropdown-download-buttons a.btn").all():
        assert item.is_visible(), "a download entry is hidden after the menu was opened"
        text = item.inner_text().strip()
        links[text] = urljoin(page.url, item.get_attribute("href"))
    return links


# The download menu's entries as the page's HTML has them: (its text, its link).
MENU_ENTRIES = re.compile(r'<a href="([^"]+)"[^>]*class="[^"]*dropdown-item[^"]*"[^>]*>.*?<span class="btn__text-container">([^<]+)</span>', re.S)


@pytest.mark.corpus_free
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_menu_offers_the_notebook_and_the_source(book_html, name):
    """Every chapter's download menu links its notebook and its MyST source: the notebook valid, its
    code the source's, with no outputs. (The menu is read from the page's HTML; that it opens with
    its entries visible, the theme's script, is test_the_download_menu_opens_and_shows_its_entries.)"""
    page = book_html / "book" / f"{name}.html"
    html = page.read_text(encoding="utf-8")
    menu = html[html.index("dropdown-download-buttons"):]
    menu = menu[:menu.index("</ul>")]
    links = {text.strip(): (page.parent / href).resolve() for href, text in MENU_ENTRIES.findall(menu)}
    assert {".ipynb", ".md"} <= set(links), f"download menu of {name}: {sorted(links)}"
    notebook = nbformat.reads(links[".ipynb"].read_text(encoding="utf-8"), as_version=4)
    nbformat.validate(notebook)
    source = links[".md"].read_text(encoding="utf-8")
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    assert code, f"{name}.ipynb has no code cells"
    assert all(c in source for c in code), f"{name}.ipynb's code differs from its .md"
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), \
        "the notebook is for running: it carries no outputs"


@pytest.mark.corpus_free
@pytest.mark.parametrize("name", ["index", "journey"])
def test_the_download_menu_opens_and_shows_its_entries(open_page, name):
    """The menu opens as a reader clicks it, on a page with no figure and on the one with the most,
    its entries visible and the files they link served."""
    page, log = open_page(f"book/{name}.html")
    links = _download_links(page)
    assert {".ipynb", ".md"} <= set(links), f"download menu of {name}: {sorted(links)}"
    for link in links.values():
        with urllib.request.urlopen(link) as response:
            assert response.status == 200 and response.read(), link
    assert not log.problems(), log.problems()


@pytest.mark.corpus_free
def test_the_references_page_offers_no_notebook(open_page):
    page, _ = open_page("book/references.html")
    assert ".ipynb" not in _download_links(page)


@pytest.mark.parametrize("name", ["corpus", "walkthrough"])
def test_a_downloaded_notebook_runs(server, tmp_path, name):
    """Downloaded from the built site into an empty folder and executed there by nbclient with
    the venv's kernel: it needs nothing but the installed w2v package (runs come from its cache)."""
    with urllib.request.urlopen(f"{server}/_sources/book/{name}.ipynb") as response:
        notebook = nbformat.reads(response.read().decode("utf-8"), as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for cell in notebook.cells for o in cell.get("outputs", []) if o.output_type == "error"]
    assert not errors, errors
    shown = [o for cell in notebook.cells for o in cell.get("outputs", [])]
    assert len(shown) >= 3, f"{name}.ipynb ran but showed {len(shown)} outputs"
    assert list(tmp_path.iterdir()) == [] or all(p.name.startswith(".") for p in tmp_path.iterdir()), \
        f"running {name}.ipynb wrote into the reader's folder: {list(tmp_path.iterdir())}"
