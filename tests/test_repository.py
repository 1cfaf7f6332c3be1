"""The repository holds sources only: no file a tool or a machine writes during a run."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# pip.log ("pip-done 1") is written by no part of the project (not the Makefile, not .ci/run): a
# machine's setup left it in the first commit. The others are made by make, pytest and pip.
NOT_SOURCES = ["pip.log", ".venv/x", "_build/x", ".w2v-cache/x", "w2v_inside.egg-info/PKG-INFO"]


def git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def checkout():
    if shutil.which("git") is None or git("rev-parse", "--git-dir").returncode != 0:
        pytest.skip("not a git checkout")


@pytest.mark.parametrize("path", NOT_SOURCES)
def test_generated_files_are_ignored_and_untracked(checkout, path):
    assert git("check-ignore", "-q", "--no-index", path).returncode == 0, f"{path} is not in .gitignore"
    assert git("ls-files", "--error-unmatch", path).returncode != 0, f"{path} is tracked"


def test_the_timing_stages_collect_every_file_with_a_speed_test():
    """`make test` runs the speed tests from the files TIMING_TESTS lists (Makefile), not from every
    module: a speed test in another file would never run."""
    import re

    listed = re.search(r"^TIMING_TESTS := (.+)$", (ROOT / "Makefile").read_text(), re.M).group(1).split()
    with_timing = sorted(f"tests/{p.name}" for p in (ROOT / "tests").glob("test_*.py")
                         if re.search(r"^(@pytest\.mark\.timing\b|pytestmark\b.*\btiming\b)", p.read_text(encoding="utf-8"), re.M))
    assert with_timing and sorted(listed) == with_timing
