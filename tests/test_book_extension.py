"""The book's Sphinx extension: a change in w2v/ or corpus/ must never leave stale outputs."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def ext(tmp_path, monkeypatch):
    """The extension module, pointed at a copy of w2v/, corpus/ and the chapters that the test may edit."""
    shutil.copytree(ROOT / "w2v", tmp_path / "w2v", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "corpus", tmp_path / "corpus")
    (tmp_path / "book").mkdir()
    for chapter in (ROOT / "book").glob("*.md"):
        shutil.copy(chapter, tmp_path / "book")
    spec = importlib.util.spec_from_file_location("w2v_book_under_test", ROOT / "book" / "_ext" / "w2v_book.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "ROOT", tmp_path)
    return module


def _app(tmp_path):
    out = tmp_path / "_build" / "html"
    out.mkdir(parents=True, exist_ok=True)
    return SimpleNamespace(srcdir=str(tmp_path), outdir=str(out))


def _cache_every_chapter(tmp_path) -> set:
    """A jupyter-cache (myst-nb's) holding an executed notebook for every chapter, as a build leaves it."""
    import nbformat
    from jupyter_cache import get_cache

    cache = get_cache(tmp_path / "_build" / ".jupyter_cache")
    for chapter in sorted((tmp_path / "book").glob("*.md")):
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"print({chapter.stem!r})")])
        path = tmp_path / f"{chapter.stem}.ipynb"
        nbformat.write(notebook, path)
        cache.cache_notebook_file(str(path), uri=str(chapter), check_validity=False)
    return _cached(tmp_path)


def _cached(tmp_path) -> set:
    from jupyter_cache import get_cache

    return {f"book/{Path(r.uri).stem}" for r in get_cache(tmp_path / "_build" / ".jupyter_cache").list_cache_records()}


def _edit(path: Path):
    # a valid edit: the build checks the corpus first (check_corpus), so a sentence it already has
    added = path.read_text(encoding="utf-8").splitlines()[0] if path.suffix == ".txt" else "# edited"
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"\n{added}\n")


CHAPTERS_WITH_CODE = {f"book/{p.stem}" for p in (ROOT / "book").glob("*.md") if "```{code-cell}" in p.read_text()}


@pytest.mark.parametrize("edit, executed_again", [
    ("w2v/step.py", "all"), ("corpus/sentences.txt", "all"), ("w2v/book/kit.py", "code"),
    ("w2v/book/figures/__init__.py", {"book/corpus", "book/blueprint", "book/counts", "book/journey",
                                      "book/negative-sampling", "book/playground", "book/two-faces",
                                      "book/walkthrough", "book/weights"}),
    ("w2v/book/weights.py", {"book/weights"}),
    ("w2v/book/figures/maps.py", {"book/journey", "book/playground", "book/two-faces"}),  # figures.maps: theirs
    ("w2v/book/blueprint.py", {"book/blueprint", "book/index"}),  # the index quotes the model's lines
])
def test_an_input_change_executes_again_the_chapters_it_reaches(ext, tmp_path, edit, executed_again):
    """A chapter's outputs are dropped from the execution cache, and the chapter re-read, when the
    corpus, the engine or a book-layer module its cells import (directly or not) changed; editing
    one chapter's facts or figures module leaves the other chapters' outputs in place."""
    app, config = _app(tmp_path), SimpleNamespace(nb_execution_cache_path="")
    ext._refresh_execution_cache(app, config)            # first build: stamps written
    everything = _cache_every_chapter(tmp_path)
    ext._refresh_execution_cache(app, config)            # nothing changed: every output kept
    assert _cached(tmp_path) == everything and app.w2v_changed_chapters == set()

    _edit(tmp_path / edit)
    ext._refresh_execution_cache(app, config)
    expected = executed_again if isinstance(executed_again, set) else {"all": everything, "code": CHAPTERS_WITH_CODE}[executed_again]
    assert everything - _cached(tmp_path) == expected, f"editing {edit}"
    env = SimpleNamespace(found_docs=everything)
    assert ext._outdated(app, env, added=set(), changed={"book/index"}, removed=set()) == sorted(expected - {"book/index"})


def test_unchanged_inputs_mark_nothing_outdated(ext, tmp_path):
    app, config = _app(tmp_path), SimpleNamespace(nb_execution_cache_path="")
    ext._refresh_execution_cache(app, config)
    ext._refresh_execution_cache(app, config)
    env = SimpleNamespace(found_docs={"book/index", "book/weights"})
    assert ext._outdated(app, env, added=set(), changed=set(), removed=set()) == []


def test_outputs_of_unknown_inputs_are_never_kept(ext, tmp_path):
    """A cache with no stamps beside it (a first build, or one by an older extension) is emptied."""
    app, config = _app(tmp_path), SimpleNamespace(nb_execution_cache_path="")
    entry = tmp_path / "_build" / ".jupyter_cache" / "executed" / "nb.ipynb"
    entry.parent.mkdir(parents=True)
    entry.write_text("{}")
    ext._refresh_execution_cache(app, config)
    assert not entry.exists()


def test_stamps_cover_every_engine_and_corpus_file_and_the_modules_a_chapter_imports(ext, tmp_path):
    before = ext.chapter_stamps()
    (tmp_path / "corpus" / "new-file.txt").write_text("x")
    after_corpus = ext.chapter_stamps()
    (tmp_path / "w2v" / "new_module.py").write_text("x = 1\n")
    after_engine = ext.chapter_stamps()
    assert all(len({before[d], after_corpus[d], after_engine[d]}) == 3 for d in before)
    (tmp_path / "w2v" / "book" / "figures" / "new_module.py").write_text("x = 1\n")
    assert ext.chapter_stamps() == after_engine, "a module no chapter imports changed a chapter's stamp"
    journey = tmp_path / "book" / "journey.md"
    journey.write_text(journey.read_text().replace("```{code-cell} python\n", "```{code-cell} python\nfrom w2v.book.figures import new_module\n", 1))
    changed = {d for d, s in ext.chapter_stamps().items() if s != after_engine[d]}
    assert changed == {"book/journey"}


def test_static_copies_are_refreshed_never_lost(ext, tmp_path):
    """A rebuild with nothing out of date copies no static file; the book's own files must
    still be there, and a changed source must replace its old copy before Sphinx looks."""
    source = tmp_path / "book" / "_static"
    source.mkdir(parents=True)
    (source / "w2v.js").write_text("// v1\n")
    app = SimpleNamespace(confdir=str(tmp_path), outdir=str(tmp_path / "_build" / "html"),
                          config=SimpleNamespace(html_static_path=["book/_static"]))
    copy = tmp_path / "_build" / "html" / "_static" / "w2v.js"

    ext._refresh_static_copies(app)
    assert copy.read_text() == "// v1\n"
    ext._refresh_static_copies(app)                      # nothing changed: the copy stays
    assert copy.read_text() == "// v1\n"
    (source / "w2v.js").write_text("// v2\n")
    ext._refresh_static_copies(app)                      # changed: the copy follows
    assert copy.read_text() == "// v2\n"


def test_exercises_are_numbered_per_chapter_in_page_order(ext):
    """Sphinx numbers exercises across the book; each chapter's restart at 1, in page order,
    and other enumerables (figures) keep their numbers."""
    env = SimpleNamespace(toc_fignumbers={
        "book/index": {"exercise": {"welcome-ex-a": (1,), "welcome-ex-b": (2,)}},
        "book/journey": {"exercise": {"journey-ex-late": (5,), "journey-ex-early": (3,)},
                         "figure": {"fig-loss": (7,)}},
        "book/references": {},
    })
    changed = ext._exercises_per_chapter(None, env)
    assert env.toc_fignumbers["book/journey"] == {"exercise": {"journey-ex-early": (1,), "journey-ex-late": (2,)},
                                                  "figure": {"fig-loss": (7,)}}
    assert env.toc_fignumbers["book/index"]["exercise"] == {"welcome-ex-a": (1,), "welcome-ex-b": (2,)}
    assert changed == ["book/journey"]
    assert ext._exercises_per_chapter(None, env) == []   # already per chapter: nothing to rewrite


@pytest.mark.parametrize("name, text, said", [
    ("groups.tsv", "apple\n", "groups.tsv:1"),
    ("train.toml", "steps = 100\nwindow = 0\n", "train.toml:2: window must be a whole number ≥ 1"),
    ("train.toml", "window = 99\n", "train.toml:1: window must be at most 3")])
def test_bad_corpus_input_stops_the_build_in_one_line(ext, tmp_path, monkeypatch, name, text, said):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "sentences.txt").write_text("the cat sat\nthe dog ran\n")
    (folder / name).write_text(text)
    monkeypatch.setenv("W2V_CORPUS", str(folder))
    with pytest.raises(ext.BadCorpus) as error:
        ext._refresh_execution_cache(_app(tmp_path), SimpleNamespace(nb_execution_cache_path=""))
    message = error.value.message
    assert len(message.splitlines()) == 1 and said in message and str(folder) in message, message
    assert not (tmp_path / "_build" / ".w2v-inputs-stamp").exists()   # nothing started


@pytest.mark.parametrize("files, said", [
    ({"sentences.txt": "the cat sat\nthe dog ran\n", "groups.tsv": "apple\n"}, "groups.tsv:1"),
    ({"ABOUT.md": "no sentences here\n"}, "no sentences.txt in")], ids=["bad groups.tsv", "no sentences.txt"])
def test_jupyter_book_prints_bad_corpus_input_as_one_line(tmp_path, files, said):
    """What a reader sees from `jupyter-book build` itself: it printed the traceback of the
    extension's ConfigError (about 20 lines) under the one line; now only the line, exit status 1."""
    import os
    import subprocess
    import sys

    folder = tmp_path / "mine"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    result = subprocess.run([str(Path(sys.executable).with_name("jupyter-book")), "build", ".", "-W", "-n",
                             "--keep-going", "--path-output", str(tmp_path / "out")], cwd=ROOT, capture_output=True,
                            text=True, env=dict(os.environ, W2V_CORPUS=str(folder), W2V_CACHE_DIR=str(tmp_path / "cache")),
                            timeout=120)
    errors = result.stderr.strip().splitlines()
    assert result.returncode == 1, result.stdout + result.stderr
    assert len(errors) == 1 and errors[0].startswith("W2V_CORPUS") and said in errors[0], result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "cache").exists()   # nothing trained

def test_a_sentences_only_corpus_passes_the_check(ext, tmp_path, monkeypatch):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "sentences.txt").write_text("the cat sat\nthe dog ran\n")
    monkeypatch.setenv("W2V_CORPUS", str(folder))
    ext.check_corpus(ext.book_corpus())


def test_a_vocabulary_too_large_for_the_memory_stops_the_build_in_one_line(ext, tmp_path, monkeypatch):
    """At V = 20,044 words of real text one V × V table of int64 is 3.2 GB, and the chapters hold
    many at once (after the runs have trained for over 20 minutes); the build refuses first, with
    the estimate."""
    assert ext.book_size_problem(1_987, 19 * 2**30) is None   # measured: 0.80 GiB at this size
    said = ext.book_size_problem(20_044, 19 * 2**30)
    assert said.startswith("20,044 words:") and "about 81 GiB" in said and "up to about 9,600 words" in said
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "sentences.txt").write_text(" ".join(f"w{i}" for i in range(3_000)) + "\n")
    monkeypatch.setenv("W2V_CORPUS", str(folder))
    monkeypatch.setattr("psutil.virtual_memory", lambda: SimpleNamespace(available=2**30))
    with pytest.raises(ext.BadCorpus) as error:
        ext._refresh_execution_cache(_app(tmp_path), SimpleNamespace(nb_execution_cache_path=""))
    message = error.value.message
    assert len(message.splitlines()) == 1 and str(folder / "sentences.txt") in message, message
    assert "3,000 words: the chapters hold tables over every pair of words, about 2 GiB" in message, message
    assert not (tmp_path / "_build" / ".w2v-inputs-stamp").exists()   # nothing started
    # min_count in train.toml shrinks the vocabulary the chapters see: then it fits
    (folder / "sentences.txt").write_text(" ".join(f"w{i}" for i in range(3_000)) + "\nw1 w2\n")
    (folder / "train.toml").write_text("min_count = 2\n")
    ext.check_corpus(ext.book_corpus())

NOTEBOOK = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
# {name}

```{{code-cell}} python
import time
started = time.time()
time.sleep(1.5)
{last}
print(started, time.time())
```
"""


def test_chapters_missing_from_the_cache_are_executed_side_by_side_and_cached_for_myst_nb(ext, tmp_path):
    """Before Sphinx reads the chapters, those whose outputs are not cached run a kernel per core,
    and myst-nb then finds their outputs (the notebook it reads from the MyST source matches);
    a chapter that fails is not cached, so myst-nb runs it itself and reports the failure."""
    from jupyter_cache import get_cache
    from myst_nb.core.read import read_myst_markdown_notebook

    docs = tmp_path / "docs"
    docs.mkdir()
    for name, last in (("one", "x = 1"), ("two", "x = 2"), ("zz-broken", "raise ValueError('a failing cell')")):
        (docs / f"{name}.md").write_text(NOTEBOOK.format(name=name, last=last))
    cache_dir = tmp_path / "cache"
    env = SimpleNamespace(mystnb_config=SimpleNamespace(execution_mode="cache", execution_cache_path=str(cache_dir),
                                                         execution_timeout=60),
                          doc2path=lambda doc: str(docs / f"{doc}.md"))
    ext._execute_chapters_in_parallel(_app(tmp_path), env, ["one", "two", "zz-broken"])  # two workers: one and two first

    cache, spans = get_cache(cache_dir), []
    for name in ("one", "two", "zz-broken"):
        notebook = read_myst_markdown_notebook((docs / f"{name}.md").read_text(), add_source_map=True,
                                               path=str(docs / f"{name}.md"))
        if name == "zz-broken":
            with pytest.raises(KeyError):
                cache.match_cache_notebook(notebook)
            continue
        cache.match_cache_notebook(notebook)
        _, executed = cache.merge_match_into_notebook(notebook)
        code = next(cell for cell in executed.cells if cell.cell_type == "code")
        spans.append([float(t) for t in code.outputs[0]["text"].split()])
    (start1, end1), (start2, end2) = spans
    assert start1 < end2 and start2 < end1, f"executed one after the other: {spans}"


def test_a_chapter_executed_ahead_waits_for_all_its_outputs(ext, tmp_path, monkeypatch):
    """nbclient drops a cell's outputs that arrive more than `iopub_timeout` (4 s by default) after the
    kernel's reply, with only a warning: under load a chapter's glue lost its last keys. The
    chapters executed ahead of myst-nb (one alone too) wait as long as a cell may run and fail
    instead of dropping anything."""
    import jupyter_cache.executors.utils as executors

    calls = []

    def record(notebook, **kwargs):
        calls.append(kwargs)
        return SimpleNamespace(err=ValueError("not run"), time=0.0)

    monkeypatch.setattr(executors, "single_nb_execution", lambda notebook, **kwargs: record(notebook, **kwargs))
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "one.md").write_text(NOTEBOOK.format(name="one", last="x = 1"))
    env = SimpleNamespace(mystnb_config=SimpleNamespace(execution_mode="cache", execution_cache_path=str(tmp_path / "cache"),
                                                         execution_timeout=300),
                          doc2path=lambda doc: str(docs / f"{doc}.md"))
    ext._execute_chapters_in_parallel(_app(tmp_path), env, ["one"])
    assert len(calls) == 1
    assert calls[0]["iopub_timeout"] >= 300 and calls[0]["raise_on_iopub_timeout"] is True
