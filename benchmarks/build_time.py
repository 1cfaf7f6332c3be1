"""How long the book takes to build, against a floor of just starting the chapters' kernels.

Run: python benchmarks/build_time.py [--keep]. Takes a few minutes. Reports

  (1) cold   jupyter-book build . -W -n --keep-going --path-output <tmp>, with an empty build
             folder and an empty run cache (W2V_CACHE_DIR=<tmp>): every chapter executes and the
             run is trained once
  (2) warm   the same command again on the same build folder, nothing changed
  (3) cached a build into a new, empty build folder with every run already in the run cache
             (the cold build's): what the chapters cost when no run is trained
  (4) touched the warm build again after a comment is appended to a module that makes no run
             (w2v/book/journey.py, put back afterwards): only the chapters that import it execute
             again (the journey's; book/_ext/w2v_book.py's stamps), and the runs trained in it are
             counted (goal: none, as a run's key covers only the engine's code)
  (5) floor  a cold build of a temporary copy of the book in which every chapter with code cells
             is replaced by a single code cell that only imports torch, numpy and bokeh (same
             number of executed chapters, same _config.yml and _toc.yml)

Goals: cold ≤ 60 s or cold/cached ≤ 1.5, warm ≤ 3 s, touched ≤ 30 s and retrains nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")
COPY_IGNORE = shutil.ignore_patterns("_build", ".git", ".venv", "*.egg-info", "__pycache__", ".pytest_cache",
                                     ".jupyter_cache", "pip.log")
CODE_CELL = re.compile(r"^(```+|:::+)\s*\{code-cell\}", re.MULTILINE)
# One import cell per chapter, named after the chapter: jupyter-cache keys notebooks by their code,
# so identical floor chapters would run once and be served from the cache (a floor too low).
FLOOR_CELL = "```{{code-cell}} python\n# floor for {chapter}\nimport torch, numpy, bokeh\n```\n"


def build(source: Path, out: Path, cache: Path) -> tuple[float, int, str]:
    """Seconds, exit status and the tail of the output of one jupyter-book build."""
    env = dict(os.environ, W2V_CACHE_DIR=str(cache), PYTHONHASHSEED="0")
    started = time.perf_counter()
    result = subprocess.run([str(JUPYTER_BOOK), "build", ".", "-W", "-n", "--keep-going", "--path-output", str(out)],
                            cwd=source, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    lines = [line for line in (result.stdout + result.stderr).strip().splitlines()
             if "IPKernelApp" not in line and line.strip("=")]  # drop the kernels' TCP notices
    tail = "\n".join(lines[-15:])
    return seconds, result.returncode, tail


def chapter_files(root: Path) -> list[Path]:
    """The .md files the table of contents builds (root and chapters)."""
    toc = (root / "_toc.yml").read_text(encoding="utf-8")
    names = re.findall(r"^\s*(?:-\s*)?(?:root|file):\s*(\S+)", toc, re.MULTILINE)
    return [root / f"{name}.md" for name in names if (root / f"{name}.md").exists()]


def floor_copy(target: Path) -> int:
    """Copy the book to `target` and reduce each chapter with code cells to one import cell."""
    shutil.copytree(ROOT, target, ignore=COPY_IGNORE)
    replaced = 0
    for path in chapter_files(target):
        text = path.read_text(encoding="utf-8")
        if not CODE_CELL.search(text):
            continue
        front = ""
        if text.startswith("---\n"):
            end = text.index("\n---\n", 4) + len("\n---\n")
            front, text = text[:end], text[end:]
        title = next((line for line in text.splitlines() if line.startswith("# ")), f"# {path.stem}")
        path.write_text(f"{front}\n{title}\n\n{FLOOR_CELL.format(chapter=path.stem)}", encoding="utf-8")
        replaced += 1
    return replaced


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders (their paths are printed)")
    args = parser.parse_args()
    if not JUPYTER_BOOK.exists():
        sys.exit(f"{JUPYTER_BOOK} not found: install the book extras (pip install -e '.[book]')")

    tmp = Path(tempfile.mkdtemp(prefix="w2v-build-time-"))
    try:
        executed = sum(bool(CODE_CELL.search(p.read_text(encoding="utf-8"))) for p in chapter_files(ROOT))

        cold, cold_rc, cold_tail = build(ROOT, tmp / "book-out", tmp / "run-cache")
        warm, warm_rc, warm_tail = build(ROOT, tmp / "book-out", tmp / "run-cache")
        cached, cached_rc, cached_tail = build(ROOT, tmp / "cached-out", tmp / "run-cache")
        runs_before = set((tmp / "run-cache").glob("run-*.npz"))
        touched_module = ROOT / "w2v" / "book" / "journey.py"
        original = touched_module.read_bytes()
        try:
            touched_module.write_bytes(original + b"\n# touched by benchmarks/build_time.py\n")
            touched, touched_rc, touched_tail = build(ROOT, tmp / "book-out", tmp / "run-cache")
        finally:
            touched_module.write_bytes(original)
        retrained = len(set((tmp / "run-cache").glob("run-*.npz")) - runs_before)

        floor_src = tmp / "floor-src"
        replaced = floor_copy(floor_src)
        floor, floor_rc, floor_tail = build(floor_src, tmp / "floor-out", tmp / "floor-run-cache")

        for name, rc, tail in (("cold", cold_rc, cold_tail), ("warm", warm_rc, warm_tail), ("cached", cached_rc, cached_tail),
                               ("touched", touched_rc, touched_tail), ("floor", floor_rc, floor_tail)):
            if rc != 0:
                print(f"--- {name} build exited with {rc}; its last lines:\n{tail}\n---", file=sys.stderr)

        print(f"chapters executed: {executed} (floor copy: {replaced} replaced by one import cell)")
        print(f"(1) cold build    {cold:7.1f} s   exit {cold_rc}   (goal ≤ 60 s, or ≤ 1.5 × (3))")
        print(f"(2) warm rebuild  {warm:7.1f} s   exit {warm_rc}   (goal ≤ 3 s)")
        print(f"(3) runs cached   {cached:7.1f} s   exit {cached_rc}")
        print(f"(4) touched       {touched:7.1f} s   exit {touched_rc}   runs retrained: {retrained} (goals ≤ 30 s, 0)")
        print(f"(5) floor         {floor:7.1f} s   exit {floor_rc}")
        print(f"cold/cached = {cold / cached:.2f}   (goal ≤ 1.5)   cold/floor = {cold / floor:.2f}")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
