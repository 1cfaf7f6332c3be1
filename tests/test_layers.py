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
          "counts", "evidence", "peers", "cli", "prepare", "prune", "questions", "vectors_io", "wording"]
# The book layer: one package, a module per chapter (its facts, exercise answers and page data) and a
# figures module per chapter beside it, with a kit of each's shared parts.
BOOK_LAYER = {"book"}
CHAPTERS = {p.stem.replace("-", "_") for p in (PACKAGE.parent / "book").glob("*.md")} - {"references"}
SHARED = {"__init__", "kit"}           # w2v/book/: the layout (docstring), the chapters' shared kit
SHARED_FIGURES = {"__init__", "maps"}  # w2v/book/figures/: the figures' kit, the word maps of two chapters


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


def test_the_book_layer_has_a_module_per_chapter():
    book = PACKAGE / "book"
    assert {p.stem for p in book.glob("*.py")} == CHAPTERS | SHARED
    assert {p.stem for p in (book / "figures").glob("*.py")} <= CHAPTERS | SHARED_FIGURES
    assert {p.name for p in book.iterdir() if p.is_dir() and p.name != "__pycache__"} == {"figures"}


def test_the_layer_check_sees_an_engine_import_of_the_book_layer(tmp_path, monkeypatch):
    """The check below fails on each way of writing such an import."""
    for line in ("from .book import kit", "from .book.figures import embed", "from . import book",
                 "import w2v.book.journey", "from w2v.book.kit import Claims", "from bokeh.models import Div"):
        (tmp_path / "edited.py").write_text(line + "\n", encoding="utf-8")
        monkeypatch.setitem(globals(), "PACKAGE", tmp_path)
        assert engine_imports_of_the_book_layer("edited") != [], line


def engine_imports_of_the_book_layer(name: str) -> list[str]:
    bad = []
    for line, module, names in imported_names(PACKAGE / f"{name}.py"):
        parts = set(module.lstrip(".").split(".")) | (set(names) if module.startswith(".") else set())
        if module.split(".")[0] == "bokeh" or parts & BOOK_LAYER:
            bad.append(f"w2v/{name}.py:{line}: {module} {names}")
    return bad


@pytest.mark.parametrize("name", ENGINE)
def test_the_engine_imports_no_book_layer_and_no_bokeh(name):
    assert engine_imports_of_the_book_layer(name) == []


def test_no_private_name_crosses_a_module():
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for line, module, names in imported_names(path):
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if private and module.startswith(".") or private and module.startswith("w2v"):
                bad.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {module} {private}")
    assert bad == []
