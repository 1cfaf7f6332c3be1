"""A tiny corpus the engine and CLI tests train on: 32 sentences, 16 words in 4 groups,
5 analogies and a 400-step recipe, so a run takes well under a second."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

TINY_GROUPS = {"animal": ["cat", "dog", "cow", "pig"], "colour": ["red", "blue", "green", "pink"],
               "verb": ["eats", "sees", "likes", "wants"], "place": ["park", "farm", "town", "lake"]}
TINY_TOML = "steps = 400\ndim = 4\ncheckpoint_every = 100\nsnapshots = 5\nneighbors_k = 3\n"
TINY_ANALOGIES = ("cat dog red blue\ncow pig green pink\neats sees park farm\n"
                  "likes wants town lake\ncat cow eats likes\n")


def write_tiny(folder: Path, toml: str = TINY_TOML) -> Path:
    """Write the tiny corpus (with `toml` as its train.toml) into `folder` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    a, c, v, p = TINY_GROUPS.values()
    lines = [f"{a[i % 4]} {v[(i // 4) % 4]} {c[(i * 3) % 4]} {p[(i * 5 + 1) % 4]}" for i in range(32)]
    (folder / "sentences.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "groups.tsv").write_text("".join(f"{w}\t{g}\n" for g, ws in TINY_GROUPS.items() for w in ws))
    (folder / "analogies.txt").write_text(TINY_ANALOGIES)
    (folder / "train.toml").write_text(toml, encoding="utf-8")
    return folder


def trained_tiny(root: Path) -> dict:
    """The tiny corpus written under `root` and trained once into `root/cache`: the folder, the
    cache and the run, for tests of the commands that read a trained run."""
    from w2v.train import train_or_load

    folder, cache = write_tiny(root / "tiny"), root / "cache"
    return dict(root=root, folder=folder, cache=cache, run=train_or_load(folder, cache))


def run_cli(*argv, cwd: Path | None = None, cache_env: Path | None = None) -> subprocess.CompletedProcess:
    """`python -m w2v ARGV` run in this process (`w2v.cli.main`), as a shell would run it in `cwd`
    with W2V_CACHE_DIR=`cache_env`: exit code, standard output and standard error as text. Only
    what needs a real process (a signal, a terminal, a file descriptor) is tested in a subprocess."""
    from w2v import cli

    argv = [str(a) for a in argv]
    out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True), io.StringIO()
    saved = os.getcwd(), sys.stdout, sys.stderr, os.environ.get("W2V_CACHE_DIR")
    try:
        if cwd is not None:
            os.chdir(cwd)
        if cache_env is not None:
            os.environ["W2V_CACHE_DIR"] = str(cache_env)
        sys.stdout, sys.stderr = out, err
        try:
            code = cli.main(argv)
        except SystemExit as stop:  # argparse: --help, --version, a bad option
            code = stop.code
    finally:
        os.chdir(saved[0])
        sys.stdout, sys.stderr = saved[1], saved[2]
        if saved[3] is None:
            os.environ.pop("W2V_CACHE_DIR", None)
        else:
            os.environ["W2V_CACHE_DIR"] = saved[3]
    return subprocess.CompletedProcess(argv, code, out.buffer.getvalue().decode("utf-8"), err.getvalue())


def run_main(capsys, *argv) -> tuple[int, str, str]:
    """`w2v.cli.main(ARGV)` with pytest's captured output: (exit code, stdout, stderr)."""
    from w2v import cli

    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err
