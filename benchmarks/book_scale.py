"""The whole book on real text of growing size: the build's time and memory, each page's weight and
how long its figures take to draw.

Run: .venv/bin/python benchmarks/book_scale.py [--case NAME ...] [--keep DIR]. Each case is real text,
Debian's `fortunes` package (apt-get install fortunes), through `python -m w2v prepare` as a reader
would, sentences only (no groups, analogies or train.toml):

  fortunes-2000    the first 850 lines of every fortune file, in name order (V ≈ 2,000)
  fortunes-4400    the first 2,600 lines (V ≈ 4,400: checks the extension's memory estimate,
                   book/_ext/w2v_book.py BOOK_BYTES_PER_WORD_PAIR, between the two)
  fortunes-20000   the first 27,000 lines (V ≈ 20,000; the corpus of benchmarks/scale.py)

Per case:
- build: a cold `jupyter-book build . -W -n --keep-going` with W2V_CORPUS set, an empty run cache
  and an empty build folder; its wall time, the peak of the summed resident memory of every process
  of the build (sampled every 0.2 s) and the peak of its largest process (ru_maxrss);
- pages, in Debian's chromium at 1280 × 800 (no slowdown), each chapter loaded from a local server
  that compresses text as a static host does: what the page transfers (every response), its number
  of figures, and the slowest figure's draw: the first screen's counted from navigation, every other
  one from the moment it is scrolled into view (figures are drawn when they come near the screen).

Goals (issue 27): every page ≤ 2.5 MB transferred and its figures drawn ≤ 3 s, at V = 2,000 and at
V = 20,000; at V = 20,000 the build within 5 min and 2 GB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from conftest import CHAPTERS, CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402
from reader_speed import RECORDER_JS  # noqa: E402  (records when each figure is first drawn)
from scale import fortunes  # noqa: E402

JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")
CASES = {"fortunes-2000": 850, "fortunes-4400": 2_600, "fortunes-20000": 27_000}
MAX_TRANSFER, MAX_DRAW_S = 2_500_000, 3.0


def corpus_size(folder: Path) -> tuple[int, int, int]:
    """(sentences, tokens, distinct words) of a prepared corpus."""
    lines = (folder / "sentences.txt").read_text(encoding="utf-8").splitlines()
    tokens = [w for line in lines for w in line.split()]
    return len(lines), len(tokens), len(set(tokens))


def build(corpus: Path, out: Path, cache: Path) -> dict:
    """A cold build: seconds, exit status, peak summed RSS of the process tree, largest process."""
    env = dict(os.environ, W2V_CORPUS=str(corpus), W2V_CACHE_DIR=str(cache), PYTHONHASHSEED="0")
    log = (out.parent / "build.log").open("w")
    started = time.perf_counter()
    child = subprocess.Popen([str(JUPYTER_BOOK), "build", ".", "-W", "-n", "--keep-going", "--path-output", str(out)],
                             cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    peak = [0]

    def sample() -> None:
        parent = psutil.Process(child.pid)
        while child.poll() is None:
            try:
                tree = [parent, *parent.children(recursive=True)]
                total = 0
                for proc in tree:
                    try:
                        total += proc.memory_info().rss
                    except psutil.Error:
                        pass
                peak[0] = max(peak[0], total)
            except psutil.Error:
                pass
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    sampler.join()
    log.close()
    # ru_maxrss of the children: the largest single process among those waited for (kB on Linux)
    return {"seconds": seconds, "status": child.returncode, "tree_peak": peak[0],
            "largest": usage.ru_maxrss * 1024, "log": out.parent / "build.log"}


def pages(html: Path) -> list[dict]:
    """Per chapter: bytes transferred, figures, the slowest figure's draw in seconds."""
    from playwright.sync_api import sync_playwright

    base, httpd = serve(html)
    rows = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for name in CHAPTERS:
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                page = context.new_page()
                page.add_init_script(RECORDER_JS)
                page.goto(f"{base}/book/{name}.html", wait_until="load", timeout=300_000)
                figures = page.evaluate("""() => [...document.querySelectorAll('figure.w2v-bokeh')]
                    .map(f => [f.id, f.getBoundingClientRect().top < innerHeight])""")
                waits = {}
                for fig, first_screen in figures:
                    start = 0.0 if first_screen else page.evaluate(
                        f"() => {{ const t = performance.now(); document.getElementById({fig!r}).scrollIntoView(); return t }}")
                    page.wait_for_function(f"() => {fig!r} in window.__w2vDrawn", timeout=300_000)
                    waits[fig] = max(0.0, page.evaluate("() => window.__w2vDrawn")[fig] - start) / 1000
                sizes = page.evaluate("""() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
                    .map(e => Math.max(e.transferSize, e.encodedBodySize))""")
                slowest = max(waits, key=waits.get) if waits else None
                rows.append({"page": name, "bytes": sum(sizes), "figures": len(figures),
                             "slowest": slowest, "draw_s": waits.get(slowest, 0.0)})
                context.close()
            browser.close()
    finally:
        httpd.shutdown()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="append", choices=sorted(CASES), help="a case (default: every case)")
    parser.add_argument("--keep", type=Path, help="build into this folder and keep it (default: a temporary one)")
    args = parser.parse_args()
    failed = []
    for name in args.case or list(CASES):
        work = args.keep / name if args.keep else Path(tempfile.mkdtemp(prefix=f"w2v-{name}-"))
        if work.exists() and args.keep:
            shutil.rmtree(work)
        work.mkdir(parents=True)
        corpus = work / "corpus"
        fortunes(corpus, CASES[name])
        n_lines, n_tokens, n_words = corpus_size(corpus)
        print(f"{name}: {n_lines:,} sentences, {n_tokens:,} tokens, V = {n_words:,}; load "
              f"{os.getloadavg()[0]:.1f}", flush=True)
        result = build(corpus, work / "book", work / "cache")
        print(f"  build: {result['seconds']:.0f} s, exit {result['status']}, peak memory "
              f"{result['tree_peak'] / 2**30:.2f} GiB summed over the build's processes, "
              f"{result['largest'] / 2**30:.2f} GiB its largest process", flush=True)
        if result["status"] != 0:
            print("\n".join(result["log"].read_text(encoding="utf-8", errors="replace").splitlines()[-20:]))
            failed.append(f"{name}: the build failed (log: {result['log']})")
            continue
        print(f"  {'page':18} {'transferred':>11} {'figures':>7} {'slowest draw':>12}  figure", flush=True)
        for row in pages(work / "book" / "_build" / "html"):
            print(f"  {row['page']:18} {row['bytes'] / 1e6:>8.2f} MB {row['figures']:>7} {row['draw_s']:>10.2f} s  "
                  f"{row['slowest'] or '-'}", flush=True)
            if row["bytes"] > MAX_TRANSFER or row["draw_s"] > MAX_DRAW_S:
                failed.append(f"{name}: {row['page']} over its budget")
        if not args.keep:
            shutil.rmtree(work)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    for line in failed:
        print(f"goal not met: {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
