"""How fast the walkthrough page redraws a step: from the control's event until the browser has painted.

Run: python benchmarks/walkthrough_render.py [--repeat N]. Needs the built book (_build/html, or
$W2V_BOOK_HTML; `make book`) and Debian's chromium at /usr/bin/chromium. Opens
book/walkthrough.html in headless chromium and changes the step 20 times, every other change a
worst case (the step just before a checkpoint, which replays the most recorded steps); prints the
median and maximum of

  event → painted            until the next frame with every Bokeh figure redrawn is on screen
  event → double rAF         the same by a double requestAnimationFrame (up to a frame later)
  update function            the page's event handler alone (compute the step, write DOM and sources)

Goal: a median of ≤ 50 ms for "event → painted" and for the update function. A timing is a figure
to watch, not a test: on a shared machine another process can stall any change (CI once measured
a median of 52.1 ms). tests/test_browser_walkthrough.py checks that a change repaints every figure.
The measuring code (CHANGE_JS, the 20 target steps) is the test's, imported from it.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import socketserver
import statistics
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from conftest import BUILD, CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from test_browser_walkthrough import CHANGE_JS, PAGE, render_targets  # noqa: E402

GOAL_MS = 50.0
SETTLE_JS = """() => (window.MathJax?.startup?.promise ?? Promise.resolve())
    .then(() => new Promise(done => requestIdleCallback(done, {timeout: 2000})))"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(folder: Path) -> tuple[socketserver.ThreadingTCPServer, str]:
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def summary(label: str, times: list[float], targets: list[int]) -> str:
    worst = max(times)
    return (f"{label:<22} median {statistics.median(times):6.2f} ms, max {worst:6.2f} ms at step "
            f"{targets[times.index(worst)]}")


def measure(browser, base: str, targets: list[int]) -> list[list[float]]:
    """One fresh page, settled, then each change of step: CHANGE_JS's [update, painted, double rAF, plots, redrawn]."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{base}/{PAGE}")
        page.wait_for_load_state("networkidle")
        page.wait_for_function("document.getElementById('wt-controls')?.dataset.bokeh === 'ready'", timeout=20_000)
        page.evaluate(SETTLE_JS)
        return [page.evaluate(CHANGE_JS, step) for step in targets]
    finally:
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="pages opened, 20 changes each (default: 1)")
    args = parser.parse_args()
    if not (BUILD / PAGE).exists():
        print(f"walkthrough_render: {BUILD / PAGE} not found: build the book first (make book)", file=sys.stderr)
        return 2
    if not Path(CHROMIUM).exists():
        print(f"walkthrough_render: {CHROMIUM} not found: apt-get install -y chromium", file=sys.stderr)
        return 2
    import w2v
    from playwright.sync_api import sync_playwright

    targets = render_targets(w2v.book_run())
    httpd, base = serve(BUILD)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            results = [r for _ in range(args.repeat) for r in measure(browser, base, targets)]
            browser.close()
    finally:
        httpd.shutdown()
    steps = targets * args.repeat
    painted, double_raf, update = ([r[i] for r in results] for i in (1, 2, 0))
    redrawn = sum(r[3] == r[4] for r in results)
    print(f"{BUILD / PAGE}: {len(results)} changes of step; every figure redrawn in {redrawn} of them")
    print(summary("event → painted", painted, steps))
    print(summary("event → double rAF", double_raf, steps))
    print(summary("update function", update, steps))
    met = statistics.median(painted) <= GOAL_MS and statistics.median(update) <= GOAL_MS
    print(f"goal (medians ≤ {GOAL_MS:.0f} ms): {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
