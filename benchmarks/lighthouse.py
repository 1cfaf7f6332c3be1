"""Lighthouse 12 (pinned in tools/package-lock.json) on every chapter of the built book, with
Debian's chromium, from a local server that compresses text as a static host does.

Not a test: it prints performance and accessibility per page, for the desktop and the mobile
preset, and writes the reports to benchmarks/lighthouse/ (not tracked). Goal: performance ≥ 90
and accessibility ≥ 95 on every chapter. Run after `make book`: `make lighthouse`.

    .venv/bin/python benchmarks/lighthouse.py [--preset desktop|mobile|both] [chapter ...]
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
GOALS = {"performance": 90, "accessibility": 95}


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
    scores = {k: round(100 * (data["categories"][k]["score"] or 0)) for k in GOALS}
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
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} missing: run `make tools`")
    if not (BUILD / "book" / "index.html").exists():
        sys.exit(f"{BUILD} has no built book: run `make book`")
    OUT.mkdir(parents=True, exist_ok=True)
    base, httpd = serve(BUILD)
    presets = ["desktop", "mobile"] if args.preset == "both" else [args.preset]
    below = []
    try:
        print(f"{'page':<12} {'preset':<8} {'perf':>4} {'a11y':>4} {'kB':>6}  FCP / LCP / TBT / CLS")
        for name in args.chapters:
            for preset in presets:
                s = run(f"{base}/book/{name}.html", preset, OUT / f"{name}-{preset}.json")
                print(f"{name:<12} {preset:<8} {s['performance']:>4} {s['accessibility']:>4} {s['transfer_kB']:>6}  "
                      f"{s['first-contentful-paint']} / {s['largest-contentful-paint']} / "
                      f"{s['total-blocking-time']} / {s['cumulative-layout-shift']}"
                      + (f"  a11y audits failed: {', '.join(s['failed_a11y'])}" if s["failed_a11y"] else ""), flush=True)
                below += [f"{name} {preset} {k} {s[k]} < {goal}" for k, goal in GOALS.items() if s[k] < goal]
    finally:
        httpd.shutdown()
    print("all pages meet the goals" if not below else "below the goals:\n  " + "\n  ".join(below))
    return 0


if __name__ == "__main__":
    sys.exit(main())
