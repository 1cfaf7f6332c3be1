"""Shared fixtures: the recorded book run, the built HTML, a local server and a real browser.

Browser tests use Debian's chromium through Playwright. A missing browser or a missing build is
a failure, never a skip: `make test` builds the book first and .ci/run installs chromium.
"""

from __future__ import annotations

import functools
import http.server
import os
import socketserver
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUILD = Path(os.environ.get("W2V_BOOK_HTML", ROOT / "_build" / "html"))  # another build folder, if set
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
CHAPTERS = ["index", "blueprint", "corpus", "walkthrough", "journey", "weights", "two-faces", "references"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "book_html" in getattr(item, "fixturenames", ()) or "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.book)


def pytest_configure(config):
    config.addinivalue_line("markers", "book: needs the built book (_build/html); run after `make book`")


@pytest.fixture(scope="session")
def book_run():
    """The one run the book shows (trained once, then loaded from the cache)."""
    import w2v

    return w2v.book_run()


@pytest.fixture(scope="session")
def book_html() -> Path:
    if not (BUILD / "book" / "index.html").exists():
        pytest.fail(f"{BUILD} has no built book: run `make book` (make test does) first")
    return BUILD


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def server(book_html):
    """http://127.0.0.1:<port>/ serving _build/html."""
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(book_html)))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class PageLog:
    """What a page did while it was open: console output, errors, requests."""

    base: str
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    failed_responses: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Everything that should never happen on a page of the book."""
        bokeh_trouble = [m for m in self.console if m.startswith("log:") and
                         any(w in m.lower() for w in ("error", "failed", "not loaded", "unable"))]
        return self.errors + [m for m in self.console if m.startswith(("error:", "warning:"))] + bokeh_trouble \
            + [f"outside request: {u}" for u in self.outside_requests] + self.failed_responses


@pytest.fixture
def open_page(browser, server):
    """open_page('book/weights.html', width=1280) → (page, log); the page is closed after the test."""
    opened = []

    def _open(path: str, width: int = 1280, height: int = 900):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        log = PageLog(server)
        page.on("console", lambda m: log.console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: log.errors.append(f"page error: {e}"))

        def on_request(request):
            if not request.url.startswith((server + "/", "data:", "blob:", "about:")):
                log.outside_requests.append(request.url)

        page.on("request", on_request)
        page.on("response", lambda r: log.failed_responses.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None)
        page.goto(f"{server}/{path}")
        page.wait_for_load_state("networkidle")
        opened.append(context)
        return page, log

    yield _open
    for context in opened:
        context.close()


def wait_for_bokeh(page, timeout: float = 10_000) -> None:
    """Wait until every embedded Bokeh document on the page has rendered its views."""
    page.wait_for_function(
        "() => window.Bokeh && Bokeh.documents.length === document.querySelectorAll('figure.w2v-bokeh').length"
        " && Bokeh.documents.length > 0", timeout=timeout)
    page.wait_for_timeout(300)


# Scroll a data point (x, y) of the named Bokeh plot into view; return its viewport coordinates,
# so a test can hover or click exactly there. Bokeh's own scales map data to pixels.
POINT_JS = """([name, x, y]) => {
  for (const doc of Bokeh.documents) {
    const model = doc.get_model_by_name(name)
    if (model == null) continue
    const view = Bokeh.index.find_one(model)
    let box = view.canvas_view.el.getBoundingClientRect()
    window.scrollTo(0, window.scrollY + box.top + view.frame.y_scale.compute(y) - 300)
    box = view.canvas_view.el.getBoundingClientRect()
    return [box.left + view.frame.x_scale.compute(x), box.top + view.frame.y_scale.compute(y)]
  }
  return null
}"""


def assert_figures_render(page, figure_ids, width: int) -> None:
    """Each named figure is on the page once, with alt text, a caption, drawn canvases of
    non-zero size, and no wider than the window."""
    for fig_id in figure_ids:
        figure = page.locator(f"figure.w2v-bokeh#{fig_id}")
        assert figure.count() == 1, f"#{fig_id} missing"
        assert figure.get_attribute("aria-label"), f"#{fig_id} has no alt text"
        assert figure.locator("figcaption").inner_text().strip(), f"#{fig_id} has no caption"
        sizes = figure.locator("canvas").evaluate_all(
            "cs => cs.map(c => [c.getBoundingClientRect().width, c.getBoundingClientRect().height])")
        assert sizes and all(w > 0 and h > 0 for w, h in sizes), f"#{fig_id}: empty canvas {sizes}"
        box = figure.bounding_box()
        assert box["width"] <= width, f"#{fig_id} is wider ({box['width']}) than the window ({width})"
