"""The teaching figures of "Model blueprint" and "The corpus": the network diagram, the parameter
census, and the window cutting a sentence into pairs (w2v/book/figures/blueprint.py, w2v/book/figures/corpus.py)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

import w2v
from w2v.book.blueprint import PUBLISHED_SIZES, count_words, parameter_scale
from w2v.book.figures import static_figure
from w2v.book.figures.blueprint import census_chart, network_diagram
from w2v.book.figures.corpus import window_pairs_figure


SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: str) -> list[str]:
    return [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]


# ---------------------------------------------------------------- network diagram

@pytest.mark.parametrize("V, D", [(96, 8), (1234, 50)])
def test_network_diagram_labels_the_real_sizes(V, D):
    svg = network_diagram(V, D)
    root = ET.fromstring(svg)   # well-formed XML
    assert root.get("data-vocab-size") == str(V) and root.get("data-dim") == str(D)
    labels = texts(svg)
    assert f"V = {V}" in labels and f"D = {D}" in labels
    assert any(f"W  {V} × {D}" == t for t in labels), labels
    assert any(f"W′  {D} × {V}" == t for t in labels), labels
    assert any("softmax" in t for t in labels) and any("cross-entropy" in t for t in labels)
    assert any(f"2 × {V} × {D}" in t for t in labels)


def test_network_diagram_colours_follow_the_page_and_text_stays_readable():
    svg = network_diagram(96, 8, center=3, context=7)
    root = ET.fromstring(svg)
    for t in root.iter(f"{SVG}text"):
        assert t.get("fill") == "currentColor", "text must follow the theme's text colour"
    sizes = [float(t.get("font-size")) for t in root.iter(f"{SVG}text")]
    width = float(root.get("viewBox").split()[2])
    # the book's column at 390 px is at least 340 px wide: text scaled there stays ≥ 10 px
    assert min(sizes) * 340 / width >= 10, (min(sizes), width)
    assert "id=" not in svg, "no ids inside the drawing: it must not clash with the page's"


def test_network_diagram_colours_the_centre_and_context_cells():
    svg = network_diagram(10, 4, center=2, context=9)
    assert svg.count('fill="#E69F00"') == 1 and svg.count('fill="#56B4E9"') == 1
    with pytest.raises(ValueError):
        network_diagram(10, 4, center=10)


def test_static_figure_has_caption_alt_and_anchor():
    html = static_figure("<svg></svg>", caption="A caption", alt='Alt "text"', name="network-diagram")
    assert 'id="fig-network-diagram"' in html
    assert 'aria-label="Alt &quot;text&quot;"' in html
    assert "<figcaption>A caption</figcaption>" in html


# ---------------------------------------------------------------- parameter census

def test_parameter_scale_counts_this_model_from_its_shapes(book_run):
    from w2v.model import SkipGram

    V, D = book_run.corpus.vocab_size, book_run.config.dim
    scale = parameter_scale(V, D)
    assert scale[0] == ("this model", sum(p.numel() for p in SkipGram(V, D).parameters()))
    assert scale[0][1] == 2 * V * D
    assert [n for _, n in scale[1:]] == [900_000_000, 1_500_000_000, 175_000_000_000]
    assert [n for _, n in scale] == sorted(n for _, n in scale)
    assert {key for _, _, key in PUBLISHED_SIZES} <= set(
        re.findall(r"@\w+\{(\w+),", (w2v.REPO_ROOT / "book" / "references.bib").read_text()))


def test_census_ratio_and_count_words():
    scale = parameter_scale(96, 8)
    assert scale[0][1] == 1536
    assert count_words(scale[-1][1] / scale[0][1]) == "114 million"   # 175e9 / 1536 = 113,932,292
    assert count_words(scale[1][1] / scale[0][1]) == "586,000"              # 900e6 / 1536 = 585,937.5
    assert count_words(900e6) == "900 million" and count_words(1.5e9) == "1.5 billion"
    assert count_words(175e9) == "175 billion" and count_words(1536) == "1,536"
    assert count_words(2e9) == "2 billion"


def test_census_chart_is_log_scale_with_every_model():
    from bokeh.models import LabelSet, LogScale

    scale = parameter_scale(96, 8)
    p = census_chart(scale)
    assert isinstance(p.x_scale, LogScale)
    assert list(p.y_range.factors) == [name for name, _ in scale][::-1]
    data = p.renderers[0].data_source.data
    assert list(data["count"]) == [n for _, n in scale]
    assert list(data["label"]) == ["1,536", "900 million", "1.5 billion", "175 billion"]
    assert p.x_range.end > max(data["count"]), "the longest bar ends inside the plot"
    assert list(data["align"]) == ["left", "right", "right", "right"], "long bars carry their label inside"
    assert any(isinstance(r, LabelSet) for r in p.center)


# ---------------------------------------------------------------- window pairs

def drawn_pairs(html: str) -> list[tuple[int, int]]:
    """(centre position, context position) of every arc drawn in the figure."""
    return [(int(c), int(o)) for c, o in re.findall(r'class="w2v-arc" data-center="(\d+)" data-context="(\d+)"', html)]


@pytest.mark.parametrize("window", [1, 2, 3])
def test_window_figure_draws_exactly_the_pairs_of_w2v_pairs(window):
    corpus = w2v.load_corpus(w2v.BOOK_CORPUS)
    pairs = w2v.pairs(corpus, window)
    # the chapter's rule: the first sentence one window wide; here also a longer one
    full = 2 * window + 1
    longest = max(range(len(corpus.sentences)), key=lambda i: len(corpus.sentences[i]))
    examples = [next((i for i, s in enumerate(corpus.sentences) if len(s) == full), longest), longest]
    for example in examples:
        sentence = corpus.sentences[example]
        html = window_pairs_figure(sentence, window)
        ids = corpus.ids(sentence)
        mine = pairs[pairs[:, 2] == example]
        expected = [(int(c), int(o), int(i)) for c, o, _, i in mine]
        drawn = [(ids[c], ids[o], c) for c, o in drawn_pairs(html)]
        assert drawn == expected
        # the listed pairs name the same words, in the same order
        chips = re.findall(r'class="w2v-pair" data-center="\d+" data-context="\d+">\(([^,]+), ([^)]+)\)</code>', html)
        assert chips == [(corpus.vocab[c], corpus.vocab[o]) for c, o, _ in expected]
        assert html.count('class="w2v-window-row"') == len(sentence)


def test_window_figure_text_follows_the_page_colour():
    html = window_pairs_figure(["the", "king", "rules"], 1)
    for svg in re.findall(r"<svg.*?</svg>", html):
        root = ET.fromstring(svg)
        assert all(t.get("fill") == "currentColor" for t in root.iter(f"{SVG}text"))
    assert drawn_pairs(html) == [(0, 1), (1, 0), (1, 2), (2, 1)]
