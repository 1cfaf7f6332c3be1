"""Lighthouse 12 (pinned in tools/package-lock.json) on every chapter of the built book, with
Debian's chromium, from a local server that compresses text as a static host does.

Not a test: it prints performance and accessibility per page, for the desktop and the mobile
preset, and writes the reports to benchmarks/lighthouse/ (not tracked). Goals (issue 28): mobile
performance ≥ 90, desktop ≥ 95, accessibility 100 on every chapter. With --runs N (3 by default)
each page is audited N times per preset and the median printed (the range beside it), with the
load average when the page was done: Lighthouse's mobile score simulates a slow phone from a trace
of the real one, so a busy machine lowers it. Run after `make book`: `make lighthouse`.

    .venv/bin/python benchmarks/lighthouse.py [--html DIR] [--runs N] [--preset desktop|mobile|both] [chapter ...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from conftest import BUILD, CHAPTERS, CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402

LIGHTHOUSE = ROOT / "tools" / "node_modules" / ".bin" / "lighthouse"
OUT = ROOT / "benchmarks" / "lighthouse"
GOALS = {"desktop": {"performance": 95, "accessibility": 100}, "mobile": {"performance": 90, "accessibility": 100}}
SCORES = ("performance", "accessibility")


def run(url: str, preset: str, report: Path) -> dict:
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    with tempfile.TemporaryDirectory() as tmp:
        command = [str(LIGHTHOUSE), url, f"--chrome-path={CHROMIUM}", f"--chrome-flags={flags}",
                   "--only-categories=performance,accessibility", "--output=json", f"--output-path={report}",
                   "--quiet", "--max-wait-for-load=60000"]
        if preset == "desktop":
            command.append("--preset=desktop")
        done = subprocess.run(command, capture_output=True, text=True, timeout=300,
                              env={**os.environ, "TMPDIR": tmp, "CHROME_PATH": CHROMIUM})
    if done.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url}: {done.stderr[-2000:]}")
    data = json.loads(report.read_text())
    scores = {k: round(100 * (data["categories"][k]["score"] or 0)) for k in SCORES}
    audits = data["audits"]
    scores["transfer_kB"] = round(audits["total-byte-weight"]["numericValue"] / 1000)
    for metric in ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift"):
        scores[metric] = audits[metric]["displayValue"]
    scores["failed_a11y"] = [a for a, v in audits.items()
                             if v.get("score") == 0 and a in {r["id"] for r in data["categories"]["accessibility"]["auditRefs"]}]
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", default=CHAPTERS)
    parser.add_argument("--preset", choices=["desktop", "mobile", "both"], default="both")
    parser.add_argument("--runs", type=int, default=3, help="audits per page and preset; the median is printed")
    parser.add_argument("--html", type=Path, default=BUILD, help="the built book (default: _build/html)")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} missing: run `make tools`")
    if not (args.html / "book" / "index.html").exists():
        sys.exit(f"{args.html} has no built book: run `make book`")
    OUT.mkdir(parents=True, exist_ok=True)
    base, httpd = serve(args.html)
    presets = ["desktop", "mobile"] if args.preset == "both" else [args.preset]
    below = []
    try:
        print(f"{'page':<18} {'preset':<8} {'perf':>4} {'(range)':>9} {'a11y':>4} {'kB':>6}  FCP / LCP / TBT / CLS (median run)  load")
        for name in args.chapters:
            for preset in presets:
                runs = [run(f"{base}/book/{name}.html", preset, OUT / f"{name}-{preset}-{i}.json") for i in range(args.runs)]
                runs.sort(key=lambda r: r["performance"])
                s = runs[len(runs) // 2]  # the median run (by performance)
                a11y = sorted(r["accessibility"] for r in runs)[len(runs) // 2]
                perf = [r["performance"] for r in runs]
                load = open("/proc/loadavg").read().split()[0]
                print(f"{name:<18} {preset:<8} {s['performance']:>4} {f'({min(perf)}–{max(perf)})':>9} {a11y:>4} {s['transfer_kB']:>6}  "
                      f"{s['first-contentful-paint']} / {s['largest-contentful-paint']} / "
                      f"{s['total-blocking-time']} / {s['cumulative-layout-shift']}  {load}"
                      + (f"  a11y audits failed: {', '.join(s['failed_a11y'])}" if s["failed_a11y"] else ""), flush=True)
                medians = {"performance": s["performance"], "accessibility": a11y}
                below += [f"{name} {preset} {k} {medians[k]} < {goal}" for k, goal in GOALS[preset].items() if medians[k] < goal]
    finally:
        httpd.shutdown()
    print(f"runs: {args.runs}; load average: {open('/proc/loadavg').read().split()[:3]}")
    print("all pages meet the goals" if not below else "below the goals:\n  " + "\n  ".join(below))
    return 0


if __name__ == "__main__":
    sys.exit(main())
