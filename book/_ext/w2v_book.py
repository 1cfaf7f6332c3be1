"""The book's own Sphinx extension.

1. BokehJS, offline: the installed bokeh package's own JS files are copied into the build and
   loaded once, only on pages that embed a figure, so the JS always matches the Python package.
2. Never stale: myst-nb's jupyter-cache only notices edits to code cells. A stamp of w2v/ and
   corpus/ is kept beside the cache; when it changes the cache is emptied and every page re-read.
3. MathJax, offline: Sphinx would load MathJax from a CDN; the pinned package
   django-static-mathjax ships MathJax 3.2.2 (an empty `mathjax` module and its static files),
   and the parts the book uses are copied into _static/mathjax/ (mathjax_path in _config.yml).
4. No thebe: jupyter-book always loads sphinx-thebe, which declares its script config twice
   (a page error) and writes a CDN address into every page. The book is static by design,
   so its handlers are disconnected.
5. Bibliography labels in the author-year form the text cites ("Mikolov et al., 2013a"),
   not pybtex's default alpha labels ("MCCD3a").
6. The blueprint's per-line notes: a script and stylesheet of the book's own (w2v.js, w2v.css).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOKEH_FILES = ("bokeh.min.js", "bokeh-widgets.min.js", "bokeh-tables.min.js")
FIGURE_MARKER = 'class="w2v-bokeh'  # written by w2v.plots.embed around every figure


def inputs_stamp() -> str:
    """sha256 over everything a chapter's outputs depend on besides its own code cells."""
    digest = hashlib.sha256()
    files = sorted((ROOT / "w2v").rglob("*.py")) + sorted(p for p in (ROOT / "corpus").rglob("*") if p.is_file())
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _bokeh_js_dir() -> Path:
    import bokeh

    return Path(bokeh.__file__).parent / "server" / "static" / "js"


def _refresh_execution_cache(app, config) -> None:
    cache = getattr(config, "nb_execution_cache_path", "") or ""
    stamp_now = inputs_stamp()
    app.w2v_inputs_changed = False
    if cache:
        cache_dir = Path(cache) if Path(cache).is_absolute() else Path(app.srcdir) / cache
    else:  # myst-nb's own default, decided later at builder-inited
        cache_dir = Path(app.outdir).parent / ".jupyter_cache"
    stamp_file = cache_dir.parent / ".w2v-inputs-stamp"
    previous = stamp_file.read_text() if stamp_file.exists() else None
    if previous != stamp_now:
        if cache_dir.exists():
            shutil.rmtree(cache_dir)
        app.w2v_inputs_changed = previous is not None
        cache_dir.parent.mkdir(parents=True, exist_ok=True)
        stamp_file.write_text(stamp_now)


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
    """When w2v/ or corpus/ changed, every chapter is re-read (and so re-executed)."""
    if getattr(app, "w2v_inputs_changed", False):
        return sorted(env.found_docs - set(added) - set(changed))
    return []


def _page_assets(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body", "")
    if FIGURE_MARKER in body:
        for name in BOKEH_FILES:
            app.add_js_file(f"bokeh/{name}", priority=200)  # before the page's own inline scripts


def _mathjax_dir() -> Path:
    import mathjax  # the django-static-mathjax package: static files only

    return Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"


# tex-chtml.js, its fonts, and what it loads on demand (TeX extensions, menu, assistive tools).
MATHJAX_PARTS = ("tex-chtml.js", "output/chtml", "input/tex/extensions", "ui", "a11y", "sre/speech-worker.js",
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


def setup(app):
    _register_bibliography_style()
    app.connect("config-inited", _drop_thebe)
    app.connect("config-inited", _refresh_execution_cache, priority=100)
    app.connect("builder-inited", _refresh_static_copies)
    app.connect("env-get-outdated", _outdated)
    app.connect("html-page-context", _page_assets)
    app.connect("build-finished", _copy_static_libraries)
    app.add_css_file("w2v.css")
    app.add_js_file("w2v.js", loading_method="defer")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
