"""The arrows between the layers point one way: chapters → book layer (the chapters' facts,
exercises and figures) → engine. The engine never imports the book layer or Bokeh, at the top of a
module or inside a function, and no module imports another's private (_underscore) name."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "w2v"
# The engine: the corpus, the model, a step by hand, training and its record, every run the book
# trains, the analysis, the counts maths, the evidence, other word2vecs (gensim), the command line.
ENGINE = ["__init__", "__main__", "corpus", "model", "step", "sgns", "hs", "train", "runs", "seeds", "analysis",
          "counts", "evidence", "peers", "cli", "prepare", "prune", "questions", "vectors_io"]
BOOK_LAYER = {"plots", "blueprint", "exercises", "playground"}


def imported_names(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, module as written, names taken) of every import in the file, nested ones included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.lineno, "." * node.level + (node.module or ""), [a.name for a in node.names]))
    return found


def test_every_module_is_in_a_layer():
    modules = {p.stem for p in PACKAGE.glob("*.py")} | {p.name for p in PACKAGE.iterdir() if p.is_dir()
                                                         and (p / "__init__.py").exists()}
    assert modules == set(ENGINE) | BOOK_LAYER, "a new module: say here which layer it belongs to"


@pytest.mark.parametrize("name", ENGINE)
def test_the_engine_imports_no_book_layer_and_no_bokeh(name):
    bad = []
    for line, module, names in imported_names(PACKAGE / f"{name}.py"):
        parts = set(module.lstrip(".").split(".")) | (set(names) if module.startswith(".") else set())
        if module.split(".")[0] == "bokeh" or parts & BOOK_LAYER:
            bad.append(f"w2v/{name}.py:{line}: {module} {names}")
    assert bad == []


def test_no_private_name_crosses_a_module():
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for line, module, names in imported_names(path):
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if private and module.startswith(".") or private and module.startswith("w2v"):
                bad.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {module} {private}")
    assert bad == []
