"""The book's own Sphinx extension.

1. BokehJS, offline: the installed bokeh package's own JS files are copied into the build, so the
   JS always matches the Python package. Pages that embed a figure load w2v-figures.js, which
   loads BokehJS once, when the first figure comes near the screen, and draws each figure as it
   does; bokeh-widgets and bokeh-tables only where a figure has a widget or a table (each figure
   names the bundles it needs in data-bokeh-bundles, see w2v.book.figures.Figure). Each figure's
   document (its JSON) is moved out of the page into a script of its own (`_move_figure_items`),
   as is the walkthrough's data (`_move_page_data`), and the theme's scripts in <head> are deferred (`_DEFERRABLE`): the first screen waits for the
   text only.
2. Never stale: myst-nb's jupyter-cache only notices edits to code cells. A stamp per chapter of
   the corpus (corpus/, or the folder W2V_CORPUS names), the engine and the book-layer modules the
   chapter imports is kept beside the cache; a chapter whose stamp changed is executed and re-read,
   so editing one chapter's facts or figures re-executes that chapter (and those importing it).
3. MathJax, offline and at build time: Sphinx would load MathJax from a CDN; the pinned package
   django-static-mathjax ships MathJax 3.2.2 (an empty `mathjax` module and its static files),
   and the parts the book uses are copied into _static/mathjax/ (mathjax_path in _config.yml).
   Where Node is installed, every formula is typeset once, when the book is built
   (mathjax_prerender.cjs), and the pages load only its stylesheet and fonts: no script, and no
   paragraph that moves when the maths arrive. Without Node, the browser typesets them.
4. No thebe: jupyter-book always loads sphinx-thebe, which declares its script config twice
   (a page error) and writes a CDN address into every page. The book is static by design,
   so its handlers are disconnected.
5. Bibliography labels in the author-year form the text cites ("Mikolov et al., 2013a"),
   not pybtex's default alpha labels ("MCCD3a").
6. The blueprint's per-line notes: a script and stylesheet of the book's own (w2v.js, w2v.css).
7. Every chapter as a notebook: the theme's download menu offers a page's .ipynb only when a
   launch button (Binder, Colab, thebe) is configured, and the book has none. So each notebook
   chapter is converted from its MyST source (code and text cells, no outputs) into
   _sources/<page>.ipynb, beside the .md Sphinx already copies there, and the menu links both.
8. What each page loads, and the markup a reader's tools see (issue 8): MathJax only on pages with
   maths (Sphinx would load it on the index, whose toctree includes maths); the theme's Font
   Awesome script (1.5 MB) nowhere, as the theme's stylesheet already draws every icon the pages
   use from its web font; and a few fixes of other extensions' markup that accessibility checkers
   (axe-core) and the HTML validator flag: see `_fix_body` and `_fix_page`.
9. Training has one owner: before the first chapter executes, every run the book declares
   (w2v.runs) that is missing from the run cache is trained, in parallel, and the chapters' kernels
   then only load runs (a run a chapter asks for that is not declared fails the build, naming it).
   The chapters to execute then run side by side, a kernel per core, before Sphinx reads them
   (`_execute_chapters_in_parallel`): myst-nb runs one notebook at a time.
10. Exercises (sphinx-exercise): every exercise and solution wraps its text in a section whose id
   is the same on every box ("exercise-content", "solution-content"); each gets its box's own
   label instead, so no page uses an id twice.
11. A number the corpus cannot give: on a reader's corpus some measures have nothing to measure
   (block contrast without groups.tsv, an offset cosine without analogies.txt) and their glued
   value is NaN. The page shows "—" (titled "not measured on this corpus") instead of "nan", and
   drops a "%" right after it; on the book's own corpus a glued NaN fails the build, naming the
   page, as it can only be a bug.
9. Exercise numbers restart in every chapter: Sphinx numbers enumerable nodes across the whole
   book when the toctree is not numbered, so a new exercise early on renumbered every later one,
   and a syllabus could not cite "Journey, Exercise 3".
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOKEH_FILES = ("bokeh.min.js", "bokeh-widgets.min.js", "bokeh-tables.min.js")
FIGURE_MARKER = 'class="w2v-bokeh'  # written by w2v.book.figures.embed around every figure
MATH_MARKER = re.compile(r'class="math\b|class="[^"]*\bmath\b')  # Sphinx's maths, inline or display


def chapter_stamps() -> dict[str, str]:
    """Per chapter (its docname), sha256 over everything its outputs depend on besides its own
    code cells: the corpus, every engine file (w2v/ outside w2v/book/) and the book-layer modules
    its cells import, with everything those import (`_book_modules`). Editing one chapter's facts
    or figures module so re-executes the chapters that import it, not the whole book."""
    corpus = book_corpus()
    common = hashlib.sha256(str(corpus).encode() + b"\0")
    engine = [p for p in (ROOT / "w2v").rglob("*.py") if "book" not in p.relative_to(ROOT / "w2v").parts[:1]]
    for base, paths in ((ROOT, engine), (corpus, [p for p in corpus.rglob("*") if p.is_file()])):
        for path in sorted(paths):
            common.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes() + b"\0")
    stamps = {}
    for chapter in sorted((ROOT / "book").glob("*.md")):
        digest = common.copy()
        imports = _cell_imports(chapter.read_text(encoding="utf-8"))
        modules = _book_modules(imports) if imports is not None else set((ROOT / "w2v" / "book").rglob("*.py"))
        for path in sorted(modules):
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
        stamps[f"book/{chapter.stem}"] = digest.hexdigest()
    return stamps


CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.M | re.S)


def _cell_imports(markdown: str) -> list | None:
    """The import statements of a MyST notebook's code cells (cell options and magics left out);
    None when a cell is not Python that `ast` reads (the chapter then depends on all of w2v/book)."""
    found = []
    for cell in CODE_CELL.findall(markdown):
        lines = cell.split("\n")
        if lines and lines[0].strip() == "---":  # a YAML block of cell options
            lines = lines[lines.index("---", 1) + 1:] if "---" in lines[1:] else lines
        code = "\n".join(line for line in lines if not re.match(r"\s*(:|%|!)", line))
        try:
            tree = ast.parse(code)
        except SyntaxError:
            return None
        found += [node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]
    return found


def _module_file(name: str) -> Path | None:
    path = ROOT.joinpath(*name.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _book_modules(imports: list, package: str = "") -> set:
    """The files of w2v/book/ that `imports` (ast nodes, in `package`) load, and what those load."""
    seen: set = set()

    def visit(nodes, package):
        for node in nodes:
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join(parts + ([base] if base else []))
                names = [base] + [f"{base}.{alias.name}" for alias in node.names]
            for name in names:
                parts = name.split(".")
                for end in range(1, len(parts) + 1):  # a submodule loads its packages too
                    path = _module_file(".".join(parts[:end]))
                    if path is None or path in seen or not name.startswith("w2v.book"):
                        continue
                    seen.add(path)
                    module = ".".join(parts[:end])
                    here = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
                    tree = ast.parse(path.read_text(encoding="utf-8"))
                    visit([n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))], here)

    visit(imports, package)
    return {path for path in seen if (ROOT / "w2v" / "book") in path.parents}


class BadCorpus(SystemExit):
    """Bad input in the corpus folder: its one line (naming the file and line) is all the reader
    sees, and the build exits with status 1. A SystemExit, because jupyter-book prints the
    traceback of any Exception the build raises, a Sphinx ConfigError included."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def book_corpus() -> Path:
    """The corpus folder the book is built on: W2V_CORPUS if set (as w2v.BOOK_CORPUS reads it)."""
    import os

    named = os.environ.get("W2V_CORPUS")
    folder = Path(named or ROOT / "corpus").resolve()
    if named and not (folder / "sentences.txt").is_file():
        raise BadCorpus(f"W2V_CORPUS={named}: no sentences.txt in {folder}")
    if named:  # the chapters' kernels run in book/: they inherit the folder as an absolute path
        os.environ["W2V_CORPUS"] = str(folder)
    return folder


# The chapters hold tables over every pair of words at once (co-occurrences, PMI and its SVD,
# p(o | c) learned and counted, cosines): their largest process peaked at 0.80 GiB at V = 1,987 words
# of real text (benchmarks/book_scale.py, "What the model is fitting"), and it grows as V².
BOOK_BYTES_PER_WORD_PAIR = 0.80 * 2**30 / 1_987**2


def book_size_problem(vocab_size: int, available: int) -> str | None:
    """Why the chapters cannot run on a vocabulary of `vocab_size` words with `available` bytes of
    memory free (None when they can), in one line with the estimate and what to do."""
    need = BOOK_BYTES_PER_WORD_PAIR * vocab_size**2
    if need <= available:
        return None
    largest = int((available / BOOK_BYTES_PER_WORD_PAIR) ** 0.5) // 100 * 100
    return (f"{vocab_size:,} words: the chapters hold tables over every pair of words, about "
            f"{need / 2**30:.0f} GiB at this size, and this machine has {available / 2**30:.1f} GiB free; "
            f"the book builds here up to about {largest:,} words (set min_count in train.toml to leave "
            f"out rare words; python -m w2v train takes any size)")


def check_corpus(folder: Path) -> None:
    """Bad input in the corpus folder (a line of groups.tsv, a key of train.toml, …) stops the build
    before any chapter runs, with w2v's one line naming the file and line and no traceback
    (`BadCorpus`). So does a vocabulary too large for this machine's memory (`book_size_problem`),
    rather than a chapter killed minutes later."""
    import psutil

    from w2v.corpus import CorpusError, load_corpus
    from w2v.prune import drop_rare
    from w2v.train import check_config_fits, load_config

    try:
        config = load_config(folder)
        corpus = drop_rare(load_corpus(folder), config.min_count)[0]
        check_config_fits(config, corpus)
    except CorpusError as exc:
        raise BadCorpus(f"W2V_CORPUS: {exc}") from None
    problem = book_size_problem(corpus.vocab_size, psutil.virtual_memory().available)
    if problem:
        raise BadCorpus(f"W2V_CORPUS: {folder / 'sentences.txt'}: {problem}")


def _bokeh_js_dir() -> Path:
    import bokeh

    return Path(bokeh.__file__).parent / "server" / "static" / "js"


def _execution_cache_dir(app, configured) -> Path:
    """myst-nb's jupyter-cache folder: nb_execution_cache_path (relative to the book), else the
    default myst-nb decides at builder-inited, beside the build's output."""
    if configured:
        return Path(configured) if Path(configured).is_absolute() else Path(app.srcdir) / configured
    return Path(app.outdir).parent / ".jupyter_cache"


def _refresh_execution_cache(app, config) -> None:
    """Drop the cached outputs of every chapter whose inputs changed (`chapter_stamps`), so
    myst-nb executes it again; `_outdated` has Sphinx re-read it."""
    check_corpus(book_corpus())
    cache = getattr(config, "nb_execution_cache_path", "") or ""
    stamps = chapter_stamps()
    app.w2v_changed_chapters = set()
    cache_dir = _execution_cache_dir(app, cache)
    stamp_file = cache_dir.parent / ".w2v-chapter-stamps.json"
    previous = json.loads(stamp_file.read_text()) if stamp_file.exists() else None
    if previous is None:  # outputs of unknown inputs (or of an older build): none is kept
        if cache_dir.exists():
            shutil.rmtree(cache_dir)
    else:
        changed = {doc for doc, stamp in stamps.items() if previous.get(doc) != stamp}
        app.w2v_changed_chapters = changed
        if changed and cache_dir.exists():
            from jupyter_cache import get_cache

            sources = {str(Path(app.srcdir, f"{doc}.md").resolve()) for doc in changed}
            executed = get_cache(cache_dir)
            for record in executed.list_cache_records():
                if str(Path(record.uri).resolve()) in sources:
                    executed.remove_cache(record.pk)
    cache_dir.parent.mkdir(parents=True, exist_ok=True)
    stamp_file.write_text(json.dumps(stamps, indent=1, sort_keys=True))


def _train_declared_runs(app) -> None:
    """Every run of w2v.runs missing from the cache, trained now (a process per core), so that no
    notebook cell trains and none nears the execution timeout; a plain `jupyter-book build` does
    it too. The kernels inherit W2V_RUNS_TRAINED=1: a chapter that asks for an undeclared run fails."""
    import os
    import time

    from sphinx.util import logging

    from w2v import runs, train

    started = time.perf_counter()
    trained = runs.train_missing(book_corpus())
    if trained:
        logging.getLogger(__name__).info(f"w2v: trained {trained} runs of w2v.runs in "
                                         f"{time.perf_counter() - started:.1f} s")
    os.environ[train.TRAINED_ONLY] = "1"


def _execute_chapters_in_parallel(app, env, docnames) -> None:
    """The chapters about to be read whose outputs are not in the execution cache, executed now, a
    kernel per core, and cached where myst-nb looks first: it then only reads them back. (myst-nb
    executes one notebook at a time, and a chapter's kernel spends most of its few seconds starting
    and importing.) A chapter that fails here is left to myst-nb, which runs it again and reports
    the failure its own way."""
    from concurrent.futures import ThreadPoolExecutor
    import os

    config = env.mystnb_config
    if config.execution_mode != "cache":
        return
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn
    from jupyter_cache.executors.utils import single_nb_execution
    from myst_nb.core.read import is_myst_markdown_notebook, read_myst_markdown_notebook

    cache = get_cache(_execution_cache_dir(app, config.execution_cache_path))
    waiting = []
    for docname in sorted(docnames):
        source = Path(env.doc2path(docname))
        text = source.read_text(encoding="utf-8") if source.suffix == ".md" else ""
        if not is_myst_markdown_notebook(text):
            continue
        notebook = read_myst_markdown_notebook(text, add_source_map=True, path=str(source))
        try:
            cache.match_cache_notebook(notebook)
        except KeyError:
            waiting.append((source, notebook))
    if not waiting:
        return

    def execute(job):
        source, notebook = job
        # nbclient waits only 4 s (iopub_timeout) for a cell's last outputs after the kernel's reply
        # and then drops them with a warning: on a busy machine (three books building on two cores)
        # a chapter's glue lost its last keys. Wait as long as a cell may run, and fail rather than drop.
        return source, notebook, single_nb_execution(notebook, cwd=str(source.parent), allow_errors=False,
                                                     timeout=config.execution_timeout, meta_override=True,
                                                     iopub_timeout=config.execution_timeout,
                                                     raise_on_iopub_timeout=True)

    with ThreadPoolExecutor(max_workers=min(len(waiting), os.cpu_count() or 1)) as pool:
        for source, notebook, result in pool.map(execute, waiting):
            if result.err is None:
                cache.cache_notebook_bundle(CacheBundleIn(notebook, str(source), data={"execution_seconds": result.time}),
                                            check_validity=False, overwrite=True)


def _refresh_static_copies(app) -> None:
    """Keep the build's copies of the book's own static files current.

    Sphinx 7.4 warns (an error under -W) when it copies a static file over an older, different
    copy from a previous build, and it copies nothing at all when no page is out of date. So the
    copies are refreshed here, before Sphinx looks: missing or different files are copied now,
    and Sphinx then finds them identical."""
    static_out = Path(app.outdir) / "_static"
    for folder in app.config.html_static_path:
        source = Path(app.confdir) / folder
        if not source.is_dir():
            continue
        for path in source.rglob("*"):
            if not path.is_file():
                continue
            copy = static_out / path.relative_to(source)
            if not copy.is_file() or copy.read_bytes() != path.read_bytes():
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, copy)


def _outdated(app, env, added, changed, removed):
    """The chapters whose inputs in w2v/ or the corpus changed are re-read (and so re-executed)."""
    return sorted(set(getattr(app, "w2v_changed_chapters", ())) & (env.found_docs - set(added) - set(changed)))


def _notebook_download(app, pagename, templatename, context, doctree) -> None:
    """Write the page's notebook for the theme's download menu (before the theme reads it)."""
    source = Path(app.env.doc2path(pagename))
    if source.suffix != ".md" or doctree is None:
        return
    text = source.read_text(encoding="utf-8")
    if not text.startswith("---") or "kernelspec:" not in text.split("\n---", 1)[0]:
        return  # a plain page (the references), not a notebook
    import nbformat
    from myst_nb.core.read import read_myst_markdown_notebook

    notebook = read_myst_markdown_notebook(text, path=source)
    if not any(cell.cell_type == "code" for cell in notebook.cells):
        return  # nothing to run (the references)
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def _page_assets(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body", "")
    if FIGURE_MARKER in body:
        # the figures' loader; it loads BokehJS itself (the bundles the figures name), once, when
        # the first figure comes near the screen: nothing of BokehJS is on the page's critical path
        app.add_js_file("w2v-figures.js", priority=400, loading_method="defer")
    if not MATH_MARKER.search(body) and "script_files" in context:
        # sphinx.ext.mathjax adds MathJax to a page whose toctree children have maths, too
        context["script_files"] = [js for js in context["script_files"]
                                   if "mathjax" not in str(getattr(js, "filename", js))]
    context["body"] = _fix_body(body)


# myst-nb's hidden-cell toggles: an aria-label that differs from the visible text ("Show code cell
# source"), which hides that text from speech input (axe: label-content-name-mismatch), and <p>
# inside <summary>, which HTML does not allow; spans keep myst-nb's show/hide rules (w2v.css).
_SUMMARY = re.compile(r'<summary aria-label="Toggle hidden content">\s*<p class="collapsed admonition-title">(.*?)</p>'
                      r'\s*<p class="expanded admonition-title">(.*?)</p>', re.S)
# docutils' citation list: role="list" whose children are role="doc-biblioentry" (deprecated in
# ARIA 1.2, and not a list item: axe's critical aria-required-children). Entries become list items.
_BIBLIOENTRY = 'role="doc-biblioentry"'


# sphinx-exercise 1.2.1: every exercise and solution body is a <section> with the same id
# ("exercise-content", "solution-content": duplicate ids, linked from nowhere), and a solution's id
# is its document's path ("book/playground-solution-1": a "/" is not valid in an id).
_EXERCISE_IDS = re.compile(r' id="(?:exercise|solution)-content"')
_SOLUTION_ID = re.compile(r'id="([\w-]+)/([\w-]*-solution-\d+)"')


# The blueprint's per-line notes, as the page's JSON (book/blueprint.md): also printed as a list under
# the listing, so that they are text of the page for every reader (a phone, a search, a screen
# reader's reading order, a printout), not only tooltips. Each item links to the listing (#model-py,
# its :name:), and w2v.js takes the link to the item's own line.
_LINE_NOTES = re.compile(r'(<script type="application/json" id="w2v-blueprint-notes">(.*?)</script>)', re.S)


def _line_notes_list(match: re.Match) -> str:
    import html
    import json

    rows = json.loads(match.group(2))
    items = "".join(
        f'<li id="w2v-line-note-{row["line"]}"><span class="w2v-line-note-code">'
        f'<a class="w2v-line-ref" href="#model-py" data-line="{row["line"]}">line {row["line"]}</a> '
        f'<code>{html.escape(row["code"])}</code></span>'
        f'<span class="w2v-line-note-text">{html.escape(row["note"])}</span></li>' for row in rows)
    return (f'{match.group(1)}<p class="w2v-line-notes-title" id="w2v-line-notes-title">'
            f'The {len(rows)} lines of code, with their notes:</p>'
            f'<ol class="w2v-line-notes" aria-labelledby="w2v-line-notes-title">{items}</ol>')


def _fix_body(body: str) -> str:
    body = _LINE_NOTES.sub(_line_notes_list, body)
    body = _EXERCISE_IDS.sub("", body)
    body = _SOLUTION_ID.sub(r'id="\1-\2"', body)
    body = _SUMMARY.sub(r'<summary><span class="collapsed admonition-title">\1</span>'
                        r'<span class="expanded admonition-title">\2</span>', body)
    return body.replace(_BIBLIOENTRY, 'role="listitem"')


# The theme's own markup, fixed in the written pages (it is outside the page body).
_PAGE_FIXES = (
    # Font Awesome's 1.5 MB script: the theme's stylesheet already draws its icons with the web font
    (re.compile(r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>'), ""),
    # the search field's button reads "Search Ctrl + K" but is named "Search": a reader who says
    # what is on screen cannot reach it (axe: label-content-name-mismatch); its text names it
    (re.compile(r'(<button class="btn search-button-field[^"]*"[^>]*?) aria-label="Search"'), r"\1"),
    # sphinx-book-theme's print-only title, empty on pages without a title (the general index)
    (re.compile(r'(<div id="jb-print-docs-body" class="onlyprint">)\s*<h1></h1>'), r"\1"),
)


# The theme's and the extensions' scripts in <head> that stop the browser from showing the page until
# each is fetched and run (Lighthouse's "render-blocking resources"): all of them wait for the
# document to be parsed before they do anything (Sphinx's _ready, DOMContentLoaded), so they are
# deferred, which keeps their order (searchindex.js calls searchtools.js; copybutton.js uses
# clipboard.min.js). documentation_options.js stays: the inline scripts after it set its options.
# On every page but the search page, whose own scripts expect Sphinx's order.
_DEFERRABLE = re.compile(r'<script( data-sd-tabs-storage-prefix="[^"]*")? src="([^"]*(?:doctools|sphinx_highlight|clipboard\.min|'
                         r'copybutton|sphinx-book-theme|togglebutton|design-tabs|searchtools|language_data|searchindex)'
                         r'\.js(?:\?[^"]*)?)"></script>')


def _fix_page(text: str, name: str = "") -> str:
    for pattern, replacement in _PAGE_FIXES:
        text = pattern.sub(replacement, text)
    if name != "search.html":
        head, sep, body = text.partition("</head>")
        text = _DEFERRABLE.sub(r'<script\1 defer="defer" src="\2"></script>', head) + sep + body
    return text


def _fix_written_pages(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    pages = {page: page.read_text(encoding="utf-8") for page in Path(app.outdir).rglob("*.html")}
    fixed = {page: _fix_page(text, page.name) for page, text in pages.items()}
    fixed = {page: _move_figure_items(Path(app.outdir), page, text) for page, text in fixed.items()}
    fixed = {page: _move_page_data(Path(app.outdir), page, text) for page, text in fixed.items()}
    fixed = _typeset_maths(app, fixed)
    for page, text in fixed.items():
        if text != pages[page]:
            page.write_text(text, encoding="utf-8")


# Each figure's Bokeh document, written into the page as JSON by w2v.book.figures.Figure (5–430 kB
# a page, 90 % of the journey's HTML), moved into a script of its own, _static/figures/<page>/<figure
# id>.js, which w2v-figures.js loads when the figure comes near (a script, not a fetch of JSON, so
# that a book opened from the disk draws its figures too). A phone's first screen then waits for
# the text only (the journey: 215 kB compressed → 18 kB; the counts 111 → 16), and the browser no
# longer parses every figure's data before it shows the page.
_FIGURE_ITEM = re.compile(r'(<figure class="w2v-bokeh[^"]*" id="([^"]+)"(?:(?!</figure>).)*?'
                          r'<script type="application/json" class="w2v-bokeh-item")>(.+?)</script>', re.S)


def _move_figure_items(outdir: Path, page: Path, text: str) -> str:
    import html

    def moved(match: re.Match) -> str:
        head, figure_id, item = match.groups()
        src = _json_script(outdir, page, "figures", "w2vFigureItems", figure_id, item)
        return f'{head} data-src="{html.escape(src)}"></script>'

    return _FIGURE_ITEM.sub(moved, text)


def _json_script(outdir: Path, page: Path, folder: str, table: str, key: str, data: str) -> str:
    """`data` (JSON text) written as _static/<folder>/<page>/<key>.js, a script that sets
    window[table][key] to it; its address from the page, versioned."""
    import os

    target = outdir / "_static" / folder / page.relative_to(outdir).with_suffix("") / f"{key}.js"
    target.parent.mkdir(parents=True, exist_ok=True)
    script = f"(window.{table} = window.{table} || {{}})[{json.dumps(key)}] = JSON.parse({json.dumps(data)});\n"
    target.write_text(script, encoding="utf-8")
    # versioned as Sphinx versions the static files, so a browser never uses a cached old one
    version = hashlib.sha1(script.encode()).hexdigest()[:8]
    return os.path.relpath(target, page.parent).replace(os.sep, "/") + f"?v={version}"


# The walkthrough's data (w2v.book.walkthrough.data_script: the run's checkpoints and its
# order of pairs; 340 kB of the page's 500 kB, 246 kB compressed) moved the same way, into
# _static/data/<page>/<id>.js, which walkthrough.js loads as it starts: a phone on a slow network
# (Lighthouse's, 1.6 Mbit/s) no longer waits 1.2 s more for the page's first paint, and the
# browser no longer parses the data before it shows the page.
_PAGE_DATA = re.compile(r'<script type="application/json" id="(w2v-walkthrough-data)">(.+?)</script>', re.S)


def _move_page_data(outdir: Path, page: Path, text: str) -> str:
    import html

    def moved(match: re.Match) -> str:
        data_id, data = match.groups()
        src = _json_script(outdir, page, "data", "w2vPageData", data_id, data)
        return f'<script type="application/json" id="{data_id}" data-src="{html.escape(src)}"></script>'

    return _PAGE_DATA.sub(moved, text)


# Sphinx's maths: <span class="math notranslate nohighlight">\(…\)</span> inline, a <div> for display
# maths (\[…\] or an amsmath environment), the TeX HTML-escaped.
_MATH = re.compile(r'(<(span|div) class="math notranslate nohighlight"[^>]*>)(.*?)(</\2>)', re.S)
_MATHJAX_SCRIPTS = re.compile(r'\s*<script>window\.MathJax = .*?</script>|\s*<script defer="defer" src="[^"]*_static/mathjax/startup\.js[^"]*"></script>')
MATHS_CSS = "mathjax-chtml.css"  # in _static: the typeset maths' stylesheet, fonts in mathjax/output/chtml


def _tex_of(kind: str, text: str) -> tuple[str, bool]:
    import html

    tex = html.unescape(text).strip()
    for start, end in ((r"\(", r"\)"), (r"\[", r"\]")):
        if tex.startswith(start) and tex.endswith(end):
            return tex[len(start):-len(end)].strip(), start == r"\["
    return tex, kind == "div"  # an amsmath environment, displayed


def _typeset_maths(app, pages: dict) -> dict:
    """Every formula of the book typeset at build time by MathJax in Node (mathjax_prerender.cjs):
    the pages carry the finished maths and one stylesheet, and load no MathJax script, so a
    paragraph never reflows when the maths arrive (issue 28). Without Node the pages keep MathJax
    in the browser, as before."""
    import json
    import subprocess
    import tempfile

    from sphinx.errors import ExtensionError
    from sphinx.util import logging

    node = shutil.which("node")
    if node is None:
        logging.getLogger(__name__).info("w2v: no `node` found: the maths are typeset in the browser")
        return pages
    # a page Sphinx did not write again this time is typeset already; the stylesheet must still
    # cover its formulas, so every formula typeset is listed beside the build
    listed = Path(app.outdir) / ".w2v-maths.json"
    known = {(tex, display) for tex, display in json.loads(listed.read_text())} if listed.is_file() else set()
    new = {_tex_of(m.group(2), m.group(3)) for text in pages.values() for m in _MATH.finditer(text)
           if not m.group(3).lstrip().startswith("<mjx-container")}
    items = sorted(known | new)
    if not new:
        return pages
    static = Path(app.outdir) / "_static"
    with tempfile.TemporaryDirectory() as tmp:
        job, result = Path(tmp) / "in.json", Path(tmp) / "out.json"
        job.write_text(json.dumps({"fontURL": "mathjax/output/chtml/fonts/woff-v2",
                                   "items": [{"tex": tex, "display": display} for tex, display in items]}))
        done = subprocess.run([node, str(Path(__file__).with_name("mathjax_prerender.cjs")), str(_mathjax_dir()),
                               str(job), str(result)], capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise ExtensionError(f"typesetting the maths failed: {done.stderr.strip()[-500:]}")
        typeset = json.loads(result.read_text())
    chtml = dict(zip(items, typeset["html"]))
    wrong = [tex for (tex, _), out in chtml.items() if "mjx-merror" in out]
    if wrong:
        raise ExtensionError(f"TeX that MathJax cannot typeset: {wrong[:3]}")
    (static / MATHS_CSS).write_text(typeset["css"], encoding="utf-8")
    listed.write_text(json.dumps(items))

    def replace(match: re.Match) -> str:
        if match.group(3).lstrip().startswith("<mjx-container"):
            return match.group(0)
        return match.group(1) + chtml[_tex_of(match.group(2), match.group(3))] + match.group(4)

    out = {}
    for page, text in pages.items():
        if not _MATH.search(text):
            out[page] = text
            continue
        text = _MATH.sub(replace, text)
        depth = len(page.relative_to(app.outdir).parts) - 1
        link = f'<link rel="stylesheet" type="text/css" href="{"../" * depth}_static/{MATHS_CSS}" />'
        text = _MATHJAX_SCRIPTS.sub("", text)
        out[page] = text if link in text else text.replace("</head>", f"    {link}\n  </head>", 1)
    return out


def _mathjax_dir() -> Path:
    import mathjax  # the django-static-mathjax package: static files only

    return Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"


# The components the pages load (startup.js loads core, TeX input, HTML output and assistive
# MathML: see mathjax3_config in _config.yml), their fonts, and what they load on demand (TeX
# extensions); tex-chtml.js, the menu and the assistive tools stay available.
MATHJAX_PARTS = ("startup.js", "core.js", "input/tex.js", "output/chtml.js", "tex-chtml.js", "output/chtml",
                 "input/tex/extensions", "ui", "a11y", "sre/speech-worker.js",
                 "sre/mathmaps/en.json", "sre/mathmaps/base.json", "sre/mathmaps/nemeth.json")


def _copy_static_libraries(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    (static / "bokeh").mkdir(parents=True, exist_ok=True)
    for name in BOKEH_FILES:
        shutil.copyfile(_bokeh_js_dir() / name, static / "bokeh" / name)
    source = _mathjax_dir()
    for part in MATHJAX_PARTS:
        src, dst = source / part, static / "mathjax" / part
        if not src.exists():
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copyfile(src, dst)


def _drop_thebe(app, config) -> None:
    for event, listeners in app.events.listeners.items():
        for listener in list(listeners):
            if getattr(listener.handler, "__module__", "").startswith("sphinx_thebe"):
                app.disconnect(listener.id)
    app.registry.css_files = [(name, attrs) for name, attrs in app.registry.css_files if "thebe" not in name]


def _register_bibliography_style() -> None:
    from pybtex.plugin import register_plugin
    from pybtex.style.formatting.unsrt import Style as UnsrtStyle
    from pybtex.style.labels import BaseLabelStyle

    class AuthorYearLabels(BaseLabelStyle):
        def format_labels(self, sorted_entries):
            for entry in sorted_entries:
                names = [" ".join(p.last_names).strip("{}") for p in entry.persons.get("author", [])]
                who = (names[0] + " et al." if len(names) > 2 else " and ".join(names)) if names else entry.key
                yield f"{who}, {entry.fields.get('year', '')}"

    class BookStyle(UnsrtStyle):
        default_label_style = "w2v-author-year"
        default_sorting_style = "author_year_title"

    register_plugin("pybtex.style.labels", "w2v-author-year", AuthorYearLabels)
    register_plugin("pybtex.style.formatting", "w2v-book", BookStyle)



def _unique_exercise_ids(app, doctree, docname) -> None:
    """sphinx-exercise 1.2.1 gives the body of every exercise and solution the same id
    (exercise-content, solution-content): one id used many times on a page. Nothing links to it,
    so the body keeps no id; the exercise's label stays its anchor. A solution's id loses its "/"."""
    from docutils import nodes

    for section in doctree.findall(nodes.section):
        if section["ids"] in (["exercise-content"], ["solution-content"]):
            section["ids"] = []
    # a solution's own id is "<docname>-solution-<n>", with the docname's "/": not a valid id
    for node in doctree.findall(nodes.Element):
        if "solution" in node.get("classes", ()) and any("/" in i for i in node["ids"]):
            node["ids"] = [i.replace("/", "-") for i in node["ids"]]


def _unmeasured_numbers(app, doctree, docname) -> None:
    """Every glued value that reads "nan" becomes "—" on a reader's corpus (and a "%" right after
    it goes); on the book's corpus it stops the build, naming the page and the text around it."""
    from docutils import nodes
    from sphinx.errors import ExtensionError

    import w2v

    for node in list(doctree.findall(nodes.inline)):
        if "pasted-text" not in node.get("classes", ()) or node.astext().strip().lower() not in ("nan", "nan%", "-nan"):
            continue
        if w2v.ON_BOOK_CORPUS:
            context = node.parent.astext()[:120] if node.parent is not None else ""
            raise ExtensionError(f"{docname}: a glued number is NaN on the book's own corpus: {context!r}")
        node.children = [nodes.Text("\u2014")]
        node["classes"].append("w2v-unmeasured")
        follower = node.next_node(descend=False, siblings=True)
        if isinstance(follower, nodes.Text) and follower.startswith("%"):
            follower.parent.replace(follower, nodes.Text(follower[1:]))


def _exercises_per_chapter(app, env) -> list[str]:
    """Renumber each chapter's exercises 1, 2, 3, … in page order, after Sphinx's toctree
    collector has numbered them across the book (its env-get-updated handler runs at the default
    priority, this one later). The solutions' titles and every reference read these numbers."""
    changed = []
    for docname, numbers in env.toc_fignumbers.items():
        exercises = numbers.get("exercise")
        if not exercises:
            continue
        in_order = sorted(exercises, key=exercises.get)
        renumbered = {label: (n,) for n, label in enumerate(in_order, start=1)}
        if renumbered != exercises:
            numbers["exercise"] = renumbered
            changed.append(docname)
    return changed


def setup(app):
    _register_bibliography_style()
    app.connect("config-inited", _drop_thebe)
    app.connect("config-inited", _refresh_execution_cache, priority=100)
    app.connect("html-page-context", _notebook_download, priority=400)
    app.connect("builder-inited", _refresh_static_copies)
    app.connect("builder-inited", _train_declared_runs)
    app.connect("env-get-outdated", _outdated)
    app.connect("env-before-read-docs", _execute_chapters_in_parallel)
    app.connect("html-page-context", _page_assets, priority=900)  # after sphinx.ext.mathjax's
    app.connect("build-finished", _copy_static_libraries)
    app.connect("build-finished", _fix_written_pages)
    app.connect("doctree-resolved", _unique_exercise_ids)
    app.connect("doctree-resolved", _unmeasured_numbers)
    app.connect("env-get-updated", _exercises_per_chapter, priority=900)
    app.add_css_file("w2v.css")
    app.add_js_file("w2v.js", loading_method="defer")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
