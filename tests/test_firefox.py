"""Every page of the book in a second browser engine: Firefox ESR (Debian's firefox-esr), driven
over WebDriver BiDi by puppeteer-core (pinned in tools/package-lock.json; tools/firefox_smoke.cjs).
One browser launch for all pages: each loads with no console error or warning and no page error,
draws every figure, and the walkthrough (next step) and the playground (a short training run)
answer the reader. A missing Firefox is a failure, as a missing Chromium is."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import BUILD, CHAPTERS, ROOT
from test_browser_lazy_figures import ROOM_LONG_PX, ROOM_SHORT_PX

FIREFOX = Path("/usr/bin/firefox-esr")
SMOKE = ROOT / "tools" / "firefox_smoke.cjs"


@pytest.fixture(scope="module")
def firefox_report(server) -> dict:
    if not FIREFOX.exists():
        pytest.fail(f"{FIREFOX} not found: install Debian's firefox-esr (apt-get install -y firefox-esr)")
    if not (ROOT / "tools" / "node_modules" / "puppeteer-core").is_dir():
        pytest.fail("tools/node_modules/puppeteer-core missing: run `make tools` (npm ci in tools/; make test does)")
    done = subprocess.run([shutil.which("node") or "node", str(SMOKE), server, *(f"book/{c}.html" for c in CHAPTERS)],
                          capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


# Firefox lays out the maths' MathML (typeset at build time, for screen readers) while the HTML
# parser is still inside it on a long page under load, and then warns that an <munderover> has too
# few children. Allowed only where every <munderover> of the page as served has its three children.
_MUNDEROVER = "Invalid markup: Incorrect number of children for <munderover/> tag."


def _partial_mathml(message: str, path: str) -> bool:
    from html.parser import HTMLParser

    if _MUNDEROVER not in message:
        return False

    class Children(HTMLParser):
        def __init__(self):
            super().__init__()
            self.stack, self.counts = [], []

        def handle_starttag(self, tag, attrs):
            if self.stack:
                self.stack[-1][1] += 1
            self.stack.append([tag, 0])

        def handle_endtag(self, tag):
            while self.stack:
                name, kids = self.stack.pop()
                if name == "munderover":
                    self.counts.append(kids)
                if name == tag:
                    break

    parser = Children()
    parser.feed((BUILD / path).read_text(encoding="utf-8"))
    return bool(parser.counts) and all(n == 3 for n in parser.counts)


@pytest.mark.corpus_free  # the browser's engine, not the corpus
def test_every_page_loads_clean_and_draws_its_figures_in_firefox(firefox_report):
    print(f"\n{firefox_report['version']}")
    pages = firefox_report["pages"]
    assert sorted(pages) == sorted(f"book/{c}.html" for c in CHAPTERS)
    problems = {path: p["errors"] + [m for m in p["console"] if not _partial_mathml(m, path)]
                for path, p in pages.items()}
    problems = {path: found for path, found in problems.items() if found}
    assert problems == {}, json.dumps(problems, indent=1)[:3000]
    undrawn = {path: f"{p['drawn']} of {p['figures']}" for path, p in pages.items() if p["drawn"] != p["figures"]}
    assert undrawn == {}, undrawn
    assert sum(p["figures"] for p in pages.values()) >= 10, "the pages hold fewer figures than the book draws"
    # the rooms kept for the figures (CSS container units, w2v.book.figures.room_height) hold in Firefox too
    rooms = [(path, *r) for path, p in pages.items() for r in p["rooms"]]
    assert len(rooms) >= 5, rooms
    misfit = [r for r in rooms if not r[2] - ROOM_LONG_PX <= r[3] <= r[2] + ROOM_SHORT_PX]
    assert misfit == [], f"(page, figure, room, drawn) in Firefox: {misfit}"


@pytest.mark.corpus_free  # the browser's engine, not the corpus
def test_the_walkthrough_and_the_playground_answer_in_firefox(firefox_report):
    walk = firefox_report["pages"]["book/walkthrough.html"]["walkthrough"]
    assert int(walk["after"].replace(",", "")) == int(walk["before"].replace(",", "")) + 1, walk
    play = firefox_report["pages"]["book/playground.html"]["playground"]
    assert "Trained" in play["status"] and play["weights"] > 0, play
