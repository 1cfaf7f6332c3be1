"""Every page of the book in a third browser engine: WebKit (Debian's WebKitGTK: its MiniBrowser
driven by WebKitWebDriver, webkit2gtk-driver), through Selenium, on a virtual X display (Xvfb; the
MiniBrowser's own headless mode hangs). One browser for all pages: each loads with no page error
and no console error once loaded (WebDriver classic cannot listen before a page's scripts run; a
script that fails while the page loads shows as a figure not drawn or a control that does not
answer), draws every figure, and the walkthrough (next step) and the playground (a short training
run) answer the reader. A missing WebKit or Xvfb is a failure, as a missing Chromium is.

Not in `make test`: it takes 1–2 minutes more than CI's time allows (the 11 pages draw their figures
at WebKitGTK's speed, without a GPU); `make webkit` runs it (marker `webkit`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import CHAPTERS

pytestmark = pytest.mark.webkit

WEBDRIVER = Path("/usr/bin/WebKitWebDriver")
SHOTS = Path(os.environ.get("W2V_SHOTS", "/tmp/w2v-shots"))
MINIBROWSER = Path("/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser")

# Installed once a page has loaded: what the page's scripts report from then on.
LISTEN_JS = """window.__w2vErrors = []
window.addEventListener('error', e => window.__w2vErrors.push('page error: ' + e.message))
window.addEventListener('unhandledrejection', e => window.__w2vErrors.push('unhandled: ' + e.reason))
const error = console.error.bind(console)
console.error = (...args) => { window.__w2vErrors.push('console.error: ' + args.join(' ')); error(...args) }"""

# Every figure drawn (each <figure class="w2v-bokeh"> holds a canvas of non-zero size) → [drawn, figures].
DRAW_JS = """const done = arguments[arguments.length - 1]
const canvases = root => [...root.querySelectorAll('canvas'),
  ...[...root.querySelectorAll('*')].filter(e => e.shadowRoot).flatMap(e => canvases(e.shadowRoot))]
const figures = [...document.querySelectorAll('figure.w2v-bokeh')]
const count = () => [figures.filter(f => canvases(f).some(c => c.width > 0 && c.height > 0)).length, figures.length]
if (!figures.length) done(count())
else window.w2vFigures.drawAll().then(() => setTimeout(() => done(count()), 300), e => done(['failed: ' + e, figures.length]))"""


@pytest.fixture(scope="module")
def webkit(server):
    """A WebKit browser at 1280 × 900 on its own virtual display (closed after the module)."""
    for needed, package in ((WEBDRIVER, "webkit2gtk-driver"), (MINIBROWSER, "webkit2gtk-driver"),
                            (Path(shutil.which("Xvfb") or "/usr/bin/Xvfb"), "xvfb")):
        if not needed.exists():
            pytest.fail(f"{needed} not found: install Debian's {package} (apt-get install -y {package})")
    from selenium import webdriver
    from selenium.webdriver.webkitgtk.options import Options
    from selenium.webdriver.webkitgtk.service import Service

    read, write = os.pipe()  # Xvfb writes the display number it took to this pipe
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
                            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        display = pipe.readline().strip()
    assert display, "Xvfb did not start"
    options = Options()
    options.binary_location = str(MINIBROWSER)
    options.add_argument("--automation")
    service = Service(executable_path=str(WEBDRIVER), env={**os.environ, "DISPLAY": f":{display}"})
    driver = None
    try:
        driver = webdriver.WebKitGTK(options=options, service=service)
        driver.set_window_size(1280, 900)
        driver.set_script_timeout(60)
        yield driver
    finally:
        if driver is not None:
            driver.quit()
        xvfb.terminate()
        xvfb.wait(timeout=10)


@pytest.fixture(scope="module")
def webkit_report(webkit, server) -> dict:
    """Per page: figures drawn of figures, errors; the walkthrough's step before and after "next",
    the playground's status after a short run; and how long it all took."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    started = time.monotonic()
    pages = {}
    for chapter in CHAPTERS:
        path = f"book/{chapter}.html"
        webkit.get(f"{server}/{path}")
        webkit.execute_script(LISTEN_JS)
        entry = {"drawn": webkit.execute_async_script(DRAW_JS)}
        if chapter == "walkthrough":
            before = webkit.find_element(By.ID, "wt-step").text
            webkit.execute_script("document.getElementById('wt-next').scrollIntoView({block: 'center'})")
            webkit.find_element(By.ID, "wt-next").click()
            WebDriverWait(webkit, 10).until(lambda d: d.find_element(By.ID, "wt-step").text != before)
            entry["walkthrough"] = (before, webkit.find_element(By.ID, "wt-step").text)
            SHOTS.mkdir(parents=True, exist_ok=True)
            webkit.save_screenshot(str(SHOTS / "webkit-walkthrough.png"))  # to look at; not compared
        if chapter == "playground":
            webkit.execute_script("const s = document.getElementById('pg-steps'); s.value = '300';"
                                  "s.dispatchEvent(new Event('input', {bubbles: true}));"
                                  "document.getElementById('pg-train').scrollIntoView({block: 'center'})")
            webkit.find_element(By.ID, "pg-train").click()
            WebDriverWait(webkit, 60, poll_frequency=0.2).until(lambda d: d.execute_script(
                "return window.w2vPlayground && !window.w2vPlayground.running() && !!window.w2vPlayground.result()"))
            entry["playground"] = webkit.execute_script(
                "return [document.getElementById('pg-status').textContent.trim(), window.w2vPlayground.result().W.length]")
        entry["errors"] = webkit.execute_script("return window.__w2vErrors")
        pages[path] = entry
    return {"pages": pages, "seconds": time.monotonic() - started,
            "version": webkit.capabilities.get("browserVersion")}


# WebKit (as Chromium) fires an error event when a ResizeObserver's callback changes a size that
# it observes, and delivers the change a frame later: the walkthrough's figure fitting its width.
# Nothing is lost; it is a notice, not a fault (the resize-observer specification's own words).
RESIZE_LOOP = "ResizeObserver loop completed with undelivered notifications"


def test_every_page_loads_clean_and_draws_its_figures_in_webkit(webkit_report):
    pages = webkit_report["pages"]
    print(f"\nWebKitGTK {webkit_report['version']}: {len(pages)} pages in {webkit_report['seconds']:.0f} s")
    assert sorted(pages) == sorted(f"book/{c}.html" for c in CHAPTERS)
    errors = {path: [e for e in p["errors"] if RESIZE_LOOP not in e] for path, p in pages.items()}
    errors = {path: found for path, found in errors.items() if found}
    assert errors == {}, errors
    undrawn = {path: p["drawn"] for path, p in pages.items() if p["drawn"][0] != p["drawn"][1]}
    assert undrawn == {}, f"figures drawn of figures: {undrawn}"
    assert sum(p["drawn"][1] for p in pages.values()) >= 10, "the pages hold fewer figures than the book draws"


def test_the_walkthrough_and_the_playground_answer_in_webkit(webkit_report):
    before, after = webkit_report["pages"]["book/walkthrough.html"]["walkthrough"]
    assert int(after.replace(",", "")) == int(before.replace(",", "")) + 1, (before, after)
    status, weights = webkit_report["pages"]["book/playground.html"]["playground"]
    assert "Trained" in status and weights > 0, status
