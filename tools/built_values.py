"""Compare what two builds of the book show: every glued value, the text, every figure's data and
every page's data.

    python tools/built_values.py BEFORE/_build/html AFTER/_build/html

For each page of book/*.html it reads (1) every value myst-nb's glue pasted (span.pasted-text and
the other pasted-* elements), in page order; (2) the article's visible text; (3) each Bokeh
figure's document and (4) the page's own JSON data (the walkthrough's checkpoints and pairs, the
playground's start). The book's extension moves (3) and the walkthrough's (4) out of the page into
scripts of their own (_static/figures/<page>/<figure id>.js, _static/data/<page>/<id>.js;
book/_ext/w2v_book.py), and the page keeps only their address: the tool follows it and decodes the
JSON the script holds, as the page does; data still inline is read where it is. A script under
_static/figures or _static/data that no page names is compared too. Nothing is masked: two builds
of the same tree write these files byte for byte alike (Bokeh's model ids are sequential, p1001,
p1002, …, not random), so any difference is one.

It prints a line per page and, under it, a line per difference (the figure or data member by its
path in the JSON, `fig-walkthrough-p doc.roots[0].attributes.height: 200 → 220`; at most MAX_LINES
a page and kind), and exits 1 when anything differs, so a refactoring that must change no number
can be checked by it. A folder that is not a built book: one line, exit 1.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
from pathlib import Path

from bs4 import BeautifulSoup

MAX_LINES = 40      # difference lines printed per page and kind
LINE_CHARS = 300    # each cut to this many characters
KINDS = ("glued", "text", "figures", "data")
STATIC = ("figures", "data")   # the folders of _static the extension writes the moved scripts into
# A moved script, as book/_ext/w2v_book.py writes it: (window.T = window.T || {})["key"] = JSON.parse("…");
MOVED = re.compile(r'\(window\.(\w+) = window\.\1 \|\| \{\}\)\[("(?:[^"\\]|\\.)*")\] = JSON\.parse\(("(?:[^"\\]|\\.)*")\);\s*')


class Unreadable(Exception):
    """A build the tool cannot read: the message is one line."""


def leaves(value, path: str = ""):
    """(path, value as compact JSON) of every leaf of decoded JSON, in document order: objects and
    lists that hold objects or lists are opened, so a difference names where it is
    (`doc.roots[0].attributes.height`); a list of plain values (a vocabulary, a base64 string) is one leaf."""
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from leaves(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list) and any(isinstance(item, (dict, list)) for item in value):
        for i, item in enumerate(value):
            yield from leaves(item, f"{path}[{i}]")
    else:
        yield path, json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def moved_json(path: Path) -> str:
    """The JSON text a moved script holds, as the page's JSON.parse reads it."""
    try:
        match = MOVED.fullmatch(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise Unreadable(f"{path}: cannot be read ({error.strerror})") from None
    if not match:
        raise Unreadable(f"{path}: not a data script as book/_ext/w2v_book.py writes it")
    return json.loads(match.group(3))


def json_leaves(text: str, where: str) -> dict[str, str]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        raise Unreadable(f"{where}: its JSON does not parse") from None
    return dict(leaves(value))


def script_data(script, page: Path, referenced: set) -> dict[str, str]:
    """A JSON <script>'s data, as leaves: inline, or in the moved script its data-src names."""
    src = script.get("data-src")
    if not src:
        return json_leaves(script.get_text(), f"{page}: script {script.get('id') or script.get('class')}")
    path = (page.parent / src.split("?")[0]).resolve()
    referenced.add(path)
    return json_leaves(moved_json(path), str(path))


def page_values(path: Path, referenced: set) -> dict:
    """The glued values and the article's text (one line per block), lists; the figures' data and
    the page's data, each a dict of "<id> <path>" → value. The moved scripts the page names are
    added to `referenced`."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    article = soup.find("article") or soup.body
    glued = [" ".join(el.get_text(" ", strip=True).split())
             for el in article.find_all(class_=re.compile(r"^pasted-"))]
    figures, data = {}, {}
    for figure in article.select("figure.w2v-bokeh"):
        for script in figure.find_all("script"):
            figures.update({f"{figure.get('id')} {k}": v for k, v in script_data(script, path, referenced).items()})
            script.decompose()
    for script in article.find_all("script", type="application/json"):
        data.update({f"{script.get('id')} {k}": v for k, v in script_data(script, path, referenced).items()})
    for script in article.find_all(["script", "style"]):
        script.decompose()
    text = [" ".join(block.split()) for block in article.get_text("\n").split("\n") if block.strip()]
    return {"glued": glued, "text": text, "figures": figures, "data": data,
            "n_figures": len(article.select("figure.w2v-bokeh"))}


def differences(a, b) -> list[str]:
    """One line per difference: for dicts, per key (changed, only before, only after); for lists,
    per place where they part (difflib's opcodes)."""
    if isinstance(a, dict):
        return [f"{key}: {a.get(key, '(none)')} → {b.get(key, '(none)')}"
                for key in list(a) + [k for k in b if k not in a] if a.get(key) != b.get(key)]
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        for k in range(max(i2 - i1, j2 - j1) if op != "equal" else 0):
            old = a[i1 + k] if i1 + k < i2 else "(none)"
            new = b[j1 + k] if j1 + k < j2 else "(none)"
            out.append(f"#{i1 + k}: {old} → {new}")
    return out


def report(found: list[str]) -> None:
    for line in found[:MAX_LINES]:
        print("    " + (line if len(line) <= LINE_CHARS else line[:LINE_CHARS - 1] + "…"))
    if len(found) > MAX_LINES:
        print(f"    … and {len(found) - MAX_LINES} more")


def compare(before: Path, after: Path) -> int:
    for root in (before, after):
        if not sorted((root / "book").glob("*.html")):
            raise Unreadable(f"{root}: no book/*.html in it (give the built book's html folder, e.g. _build/html)")
    pages = sorted({p.name for p in (before / "book").glob("*.html")} | {p.name for p in (after / "book").glob("*.html")})
    different = 0
    referenced = {before: set(), after: set()}
    for name in pages:
        a, b = before / "book" / name, after / "book" / name
        if not (a.is_file() and b.is_file()):
            print(f"{name}: only in {'before' if a.is_file() else 'after'}")
            different += 1
            continue
        va, vb = page_values(a, referenced[before]), page_values(b, referenced[after])
        changed = [kind for kind in KINDS if va[kind] != vb[kind]]
        print(f"{name}: {len(va['glued'])} glued values, {va['n_figures']} figures ({len(va['figures'])} values), "
              f"{len(va['data'])} values of page data, {len(va['text'])} lines of text: "
              f"{'identical' if not changed else 'DIFFERENT (' + ', '.join(changed) + ')'}")
        for kind in changed:
            different += 1
            report([f"{name} {kind} {line}" for line in differences(va[kind], vb[kind])])
    # the moved scripts no page names, compared by where they are
    unnamed = {}
    for root in (before, after):
        for folder in STATIC:
            for path in sorted((root / "_static" / folder).rglob("*.js")):
                if path.resolve() not in referenced[root]:
                    unnamed.setdefault(str(path.relative_to(root / "_static")), {})[root] = path
    for rel, paths in sorted(unnamed.items()):
        if len(paths) == 1:
            print(f"_static/{rel}: named by no page, only in {'before' if before in paths else 'after'}")
            different += 1
            continue
        a, b = (json_leaves(moved_json(paths[root]), str(paths[root])) for root in (before, after))
        if a != b:
            print(f"_static/{rel}: named by no page: DIFFERENT")
            different += 1
            report([f"_static/{rel} {line}" for line in differences(a, b)])
    if unnamed:
        print(f"{len(unnamed)} scripts under _static/{{{','.join(STATIC)}}} named by no page")
    print("identical" if not different else
          f"DIFFERENT: {different} of the parts compared differ (a page's glued values, text, figures or data; "
          "a page or a script no page names)")
    return 1 if different else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python tools/built_values.py BEFORE_HTML_DIR AFTER_HTML_DIR")
    try:
        sys.exit(compare(Path(sys.argv[1]), Path(sys.argv[2])))
    except Unreadable as error:
        sys.exit(f"built_values: {error}")
