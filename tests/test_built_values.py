"""tools/built_values.py, the check that a refactoring changed no number the book shows, on two tiny
fake built books (no build): it sees the figures' and the page's data in the scripts the book's
extension moves them into (_static/figures/, _static/data/), not only what stays in the page.
Before it followed them, a changed figure or page data read "identical" (the page holds only the
script's address)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

TOOL = Path(__file__).resolve().parents[1] / "tools" / "built_values.py"

FIGURE = {"target_id": "fig-a-plot", "root_id": "p1001",
          "doc": {"roots": [{"type": "object", "name": "Figure", "id": "p1001",
                             "attributes": {"height": 200, "title": "loss", "words": ["king", "queen"]}}]}}
DATA = {"V": 3, "vocab": ["king", "queen", "man"], "W": "AAAAAAAAgD8=", "default_step": 7}


def moved(html: Path, folder: str, table: str, key: str, value: dict) -> str:
    """Write `value` as the book's extension moves JSON out of a page (book/_ext/w2v_book.py,
    _json_script): _static/<folder>/book/<page>/<key>.js; its address from the page."""
    script = html / "_static" / folder / "book" / "page" / f"{key}.js"
    script.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(json.dumps(value, separators=(",", ":")))
    script.write_text(f"(window.{table} = window.{table} || {{}})[{json.dumps(key)}] = JSON.parse({text});\n",
                      encoding="utf-8")
    return f"../_static/{folder}/book/page/{key}.js?v=0123abcd"


def built(root: Path, figure: dict = FIGURE, data: dict = DATA, glued: str = "0.25") -> Path:
    """A built book of one page with a glued value, a figure and page data, both moved out."""
    html = root / "_build" / "html"
    (html / "book").mkdir(parents=True)
    fig_src = moved(html, "figures", "w2vFigureItems", "fig-a", figure)
    data_src = moved(html, "data", "w2vPageData", "w2v-walkthrough-data", data)
    (html / "book" / "page.html").write_text(f"""<!DOCTYPE html><html><body><article>
<p>The loss ends at <span class="pasted-text">{glued}</span>.</p>
<figure class="w2v-bokeh" id="fig-a"><div id="fig-a-plot"></div>
<script type="application/json" class="w2v-bokeh-item" data-src="{fig_src}"></script>
<figcaption>The loss.</figcaption></figure>
<script type="application/json" id="w2v-walkthrough-data" data-src="{data_src}"></script>
</article></body></html>""", encoding="utf-8")
    return html


def run(before: Path, after: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(TOOL), str(before), str(after)], capture_output=True, text=True)


def test_two_alike_builds_are_identical(tmp_path):
    done = run(built(tmp_path / "a"), built(tmp_path / "b"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "page.html: 1 glued values, 1 figures" in done.stdout and "identical" in done.stdout


def test_a_changed_figure_is_found_in_its_moved_script(tmp_path):
    changed = json.loads(json.dumps(FIGURE))
    changed["doc"]["roots"][0]["attributes"]["height"] = 220
    done = run(built(tmp_path / "a"), built(tmp_path / "b", figure=changed))
    assert done.returncode == 1, done.stdout
    assert "DIFFERENT (figures)" in done.stdout
    assert "page.html figures fig-a doc.roots[0].attributes.height: 200 → 220" in done.stdout


def test_changed_page_data_is_found_in_its_moved_script(tmp_path):
    done = run(built(tmp_path / "a"), built(tmp_path / "b", data={**DATA, "W": "AAAAAAAAAEA="}))
    assert done.returncode == 1, done.stdout
    assert "DIFFERENT (data)" in done.stdout
    assert 'page.html data w2v-walkthrough-data W: "AAAAAAAAgD8=" → "AAAAAAAAAEA="' in done.stdout


def test_a_changed_glued_value_and_the_cap_on_lines(tmp_path):
    changed = {**DATA, "vocab": [f"w{i}" for i in range(3)], **{f"extra{i}": i for i in range(60)}}
    done = run(built(tmp_path / "a"), built(tmp_path / "b", data=changed, glued="0.26"))
    assert done.returncode == 1
    assert "page.html glued #0: 0.25 → 0.26" in done.stdout
    data_lines = [line for line in done.stdout.splitlines() if line.startswith("    page.html data ")]
    assert len(data_lines) == 40 and "… and 21 more" in done.stdout   # 61 differences, 40 shown


def test_a_script_no_page_names_is_compared_too(tmp_path):
    a, b = built(tmp_path / "a"), built(tmp_path / "b")
    moved(a, "figures", "w2vFigureItems", "fig-orphan", FIGURE)
    assert "fig-orphan.js: named by no page, only in before" in run(a, b).stdout
    moved(b, "figures", "w2vFigureItems", "fig-orphan", {**FIGURE, "root_id": "p1002"})
    done = run(a, b)
    assert done.returncode == 1 and "fig-orphan.js root_id: \"p1001\" → \"p1002\"" in done.stdout


def test_not_a_built_book_is_one_line(tmp_path):
    done = run(tmp_path / "nowhere", built(tmp_path / "b"))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [f"built_values: {tmp_path / 'nowhere'}: no book/*.html in it "
                                                "(give the built book's html folder, e.g. _build/html)"]
    broken = built(tmp_path / "c")
    (broken / "_static" / "data" / "book" / "page" / "w2v-walkthrough-data.js").write_text("window.x = 1;\n")
    done = run(built(tmp_path / "d"), broken)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "w2v-walkthrough-data.js: not a data script as book/_ext/w2v_book.py writes it" in done.stderr
