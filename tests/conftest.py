"""Shared fixtures: the recorded book run, the built HTML, a local server and a real browser.

Browser tests use Debian's chromium through Playwright. A missing browser or a missing build is
a failure, never a skip: `make test` builds the book first and .ci/run installs chromium.
"""

from __future__ import annotations

import functools
import gzip
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
CHAPTERS = ["index", "blueprint", "corpus", "walkthrough", "journey", "counts", "negative-sampling", "weights", "two-faces", "playground", "references"]


# tryfirst: xdist's worker turns the xdist_group marks into groups in its own hook of this name, so
# the marks must be on the items before it runs (without it, each check of a page ran on any worker
# and opened the page again: 233 page loads in the main stage, where 65 pages are needed).
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    for item in items:
        if "book_html" in getattr(item, "fixturenames", ()) or "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.book)
    # The read-only checks of one page (the `loaded_page` fixture) run together, on one worker
    # (`--dist loadgroup`, Makefile), so each page is opened once per theme, not once per check.
    shared = [item for item in items if "loaded_page" in getattr(item, "fixturenames", ())]
    for item in shared:
        item.add_marker(pytest.mark.xdist_group(_page_of(item)))
    order = {id(item): n for n, item in enumerate(sorted(shared, key=_page_of))}
    slots = [n for n, item in enumerate(items) if id(item) in order]
    for slot, item in zip(slots, sorted(shared, key=lambda i: order[id(i)])):
        items[slot] = item


def pytest_collection_finish(session):
    """On a worker of `--dist loadgroup`, every grouped check carries its group in its node id, or
    xdist spreads a page's checks over all workers, each opening the page again (with pytest 9.2
    it silently did: pytest-xdist#1386)."""
    if getattr(session.config.option, "loadgroup", False):
        lost = [item.nodeid for item in session.items
                if item.get_closest_marker("xdist_group") and "@" not in item.nodeid.rsplit("]", 1)[-1]]
        if lost:
            raise pytest.UsageError(f"pytest-xdist did not group {len(lost)} page checks by page (e.g. {lost[0]}); "
                                    "use the pytest of constraints.txt")


# The two themes of a page check. The dark theme's colours and spacing come from the CSS and the
# figures' theme script, never from the corpus, so the dark checks run on the book's build only
# (corpus_free); on every corpus the words, numbers and tables are checked in the light theme, and
# the group colours in the dark (test_data_colours_stand_out_in_the_dark).
THEMES = ["light", pytest.param("dark", marks=pytest.mark.corpus_free)]


def _page_of(item) -> str:
    """The page a `loaded_page` test reads: its `page` mark, its `path` parameter, else its module's PAGE."""
    mark = item.get_closest_marker("page")
    params = getattr(getattr(item, "callspec", None), "params", {})
    page = mark.args[0] if mark else params.get("path") or getattr(item.module, "PAGE", item.module.__name__)
    return f"page:{page}"


def pytest_configure(config):
    config.addinivalue_line("markers", "page(path): the page a `loaded_page` test reads, when no `path` "
                                       "parameter or module PAGE names it")
    config.addinivalue_line("markers", "corpus_free: a browser test of a mechanism whose outcome no corpus can change (the "
                                       "theme switch, the keyboard, taps, folding, bad input): run on the book's build only, "
                                       "not again on the foreign corpus's (make test-foreign)")
    config.addinivalue_line("markers", "book: needs the built book (_build/html); run after `make book`")
    config.addinivalue_line("markers", "webkit: the book in WebKitGTK (tests/test_webkit.py); `make webkit` runs it, "
                                       "`make test` does not (it takes longer than CI's time allows)")
    config.addinivalue_line("markers", "timing: measures speed; `make test` runs these alone, after the "
                                       "other tests (which run on two workers), so no other test slows them")


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


COMPRESSIBLE = (".html", ".js", ".css", ".json", ".svg", ".txt", ".map")


class BookHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the build as a static host does: text files gzip-compressed for a browser that asks
    (every static host the book is published on compresses; Lighthouse expects it), fonts and
    images as they are, each cacheable for 10 minutes (GitHub Pages' Cache-Control), so that a file
    a page fetched ahead (a prefetch) is not fetched again. What a page transfers is then what a
    reader downloads."""

    _gzipped: dict = {}

    def log_message(self, *args):
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (path.suffix in COMPRESSIBLE and path.is_file()
                and "gzip" in self.headers.get("Accept-Encoding", "")):
            key = (str(path), path.stat().st_mtime_ns)
            body = self._gzipped.get(key)
            if body is None:
                body = self._gzipped[key] = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Vary", "Accept-Encoding")
            self.send_header("Last-Modified", self.date_time_string(int(path.stat().st_mtime)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()


def serve(directory: Path):
    """Start a local static server for `directory` → (base URL, server); server.shutdown() stops it."""
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), functools.partial(BookHandler, directory=str(directory)))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_address[1]}", httpd


@pytest.fixture(scope="session")
def server(book_html):
    """http://127.0.0.1:<port>/ serving _build/html (gzip for text, as a static host does)."""
    base, httpd = serve(book_html)
    yield base
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


def console_log(page, server) -> PageLog:
    """A PageLog recording the page's console messages and uncaught errors from now on."""
    log = PageLog(server)
    page.on("console", lambda m: log.console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: log.errors.append(f"page error: {e}"))
    return log


def _open(browser, server, path: str, width: int, height: int, theme: str | None):
    """A new browser context at `width` × `height` with `path` loaded and its log recording."""
    context = browser.new_context(viewport={"width": width, "height": height})
    if theme is not None:  # the theme's own switch stores the reader's choice here
        context.add_init_script(f"localStorage.setItem('mode', '{theme}'); localStorage.setItem('theme', '{theme}')")
    page = context.new_page()
    log = console_log(page, server)

    def on_request(request):
        if not request.url.startswith((server + "/", "data:", "blob:", "about:")):
            log.outside_requests.append(request.url)

    page.on("request", on_request)
    page.on("response", lambda r: log.failed_responses.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None)
    page.goto(f"{server}/{path}")
    page.wait_for_load_state("networkidle")
    return page, log


@pytest.fixture
def open_page(browser, server):
    """open_page('book/weights.html', width=1280, theme='dark') → (page, log); the page is closed
    after the test. `theme` is the mode the reader picked with the theme's switch (light, dark)."""
    opened = []

    def _open_page(path: str, width: int = 1280, height: int = 900, theme: str | None = None):
        page, log = _open(browser, server, path, width, height, theme)
        opened.append(page.context)
        return page, log

    yield _open_page
    for context in opened:
        context.close()


class _OpenPages:
    """The pages `loaded_page` has open, by (path, theme, width, height): the few used last, as the
    tests of one page run one after the other on one worker (pytest_collection_modifyitems). Five:
    a page in light and dark, at laptop and at phone width, and one other page a check compares
    it with."""

    KEEP = 5

    def __init__(self, browser, server):
        self.browser, self.server = browser, server
        self.pages: dict[tuple, tuple] = {}

    def __call__(self, path: str, theme: str | None = None, width: int = 1280, height: int | None = None):
        theme = theme or "light"  # the theme's default mode in a browser that prefers none
        height = height or (844 if width < 500 else 900)
        key = (path, theme, width, height)
        if key in self.pages:
            self.pages[key] = self.pages.pop(key)  # now the one used last
        else:
            while len(self.pages) >= self.KEEP:   # close the one used longest ago
                page, _ = self.pages.pop(next(iter(self.pages)))
                page.context.close()
            self.pages[key] = _open_settled(self.browser, self.server, path, width, height, theme)
        return self.pages[key]

    def close(self):
        for page, _ in self.pages.values():
            page.context.close()


def _open_settled(browser, server, path, width, height, theme):
    page, log = _open(browser, server, path, width, height, theme)
    if page.locator("figure.w2v-bokeh").count():
        wait_for_bokeh(page)
    page.evaluate("() => window.MathJax?.startup?.promise")
    page.wait_for_timeout(800)  # deferred scripts (MathJax, BokehJS) finish; late console errors arrive
    return page, log


@pytest.fixture(scope="session")
def loaded_page(browser, server):
    """loaded_page('book/weights.html', theme='dark', width=390) → (page, log), the page opened once
    per test session in that theme and width (height 844 on a phone, else 900) and settled (figures
    drawn, MathJax typeset), shared by every read-only check of that page: a test must not click,
    type, hover or scroll in it (use `open_page` for that); a screenshot is fine."""
    pages = _OpenPages(browser, server)
    yield pages
    pages.close()


def wait_for_walkthrough(page) -> None:
    """Wait until the walkthrough's script has drawn its first step and pushed it into every
    Bokeh figure (it marks #wt-controls data-bokeh="ready")."""
    page.wait_for_function("document.getElementById('wt-controls')?.dataset.bokeh === 'ready'", timeout=20_000)


def wait_for_bokeh(page, timeout: float = 30_000) -> None:
    """Draw every figure on the page now (w2v-figures.js draws a figure only when the reader comes
    near it) and wait until every embedded Bokeh document has rendered its views."""
    page.wait_for_function("() => window.w2vFigures !== undefined", timeout=timeout)
    page.evaluate("() => { w2vFigures.drawAll() }")
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


# The page box {x, y, width, height} of each named Bokeh plot, as the reader sees it.
PLOT_BOXES_JS = """(names) => names.map(name => {
  for (const doc of Bokeh.documents) {
    const model = doc.get_model_by_name(name)
    if (model == null) continue
    const r = Bokeh.index.find_one(model).canvas_view.el.getBoundingClientRect()
    return {x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height}
  }
  return null
})"""


def assert_side_by_side_or_stacked(page, names, width: int, min_width: float = 280) -> None:
    """Two named plots stand side by side where the window is wide and one under the other on a
    phone; never overlapping, each at least `min_width` px wide, so the reader can see them."""
    first, second = page.evaluate(PLOT_BOXES_JS, list(names))
    assert first and second, f"plots {names} not on the page"
    assert first["width"] >= min_width and second["width"] >= min_width, (first, second)
    if width >= 1000:
        assert abs(first["y"] - second["y"]) < 2 and second["x"] >= first["x"] + first["width"] - 1, (first, second)
    else:
        assert second["y"] >= first["y"] + first["height"] - 1, (first, second)


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


# Every text size the page's Bokeh models draw with (axes' labels, titles, legends, colour bars,
# text glyphs): [where, size in px (null in another unit), as written], of every model shown.
FIGURE_TEXT_JS = """() => {
  const px = v => { const m = /^([\\d.]+)(px|pt)$/.exec(String(v).trim()); return m ? parseFloat(m[1]) * (m[2] == 'pt' ? 4 / 3 : 1) : null }
  const sizes = []
  for (const doc of Bokeh.documents) for (const m of doc.all_models) {
    if (m.visible === false) continue
    for (const prop of m) {
      if (!/font_size$/.test(prop.attr)) continue
      let v = prop.get_value()
      if (v && typeof v === 'object') v = v.value
      if (v == null) continue
      sizes.push([`${m.type}${m.name ? ' ' + m.name : ''}.${prop.attr}`, px(v), String(v)])
    }
  }
  return sizes
}"""


def assert_figure_text_at_least(page, width: int, least: float = 11) -> None:
    """Every text the page's drawn figures show is at least `least` px (Bokeh's text does not grow
    with the plot, so it is this size on a phone too)."""
    sizes = page.evaluate(FIGURE_TEXT_JS)
    assert sizes, "no text found in the page's figures"
    small = [(where, text) for where, size, text in sizes if size is None or size < least]
    assert small == [], f"{width} px: figure text below {least} px (or in a unit other than px/pt): {small}"


AXE = ROOT / "tools" / "node_modules" / "axe-core" / "axe.min.js"  # pinned in tools/package-lock.json
AXE_JS = """async (rules) => {
  const result = await axe.run(document, rules ? {runOnly: rules, resultTypes: ['violations']} : {resultTypes: ['violations']})
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : t).join(' '),
                              html: n.html.slice(0, 160), summary: n.failureSummary}))}))
}"""


# axe's rules whose outcome depends on the colours, so on the theme: the rest read the page's structure.
AXE_COLOUR_RULES = ["color-contrast", "link-in-text-block"]


def run_axe(page, rules: list[str] | None = None) -> list[dict]:
    """axe-core's violations on the page as it is now (light DOM and Bokeh's open shadow roots):
    of every rule, or only of `rules` (axe rule ids)."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} missing: run `make tools` (npm ci in tools/; make test does)")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(AXE_JS, rules)
