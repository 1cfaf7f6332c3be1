"""Plot plumbing shared by every chapter: colours and the one way a Bokeh figure reaches a page.

A chapter builds a Bokeh layout (widgets and the plots they drive in ONE layout, so they share
a document) and hands it to `embed`, which returns HTML for the static page: the document as JSON
in a box of the figure's size, drawn by book/_static/w2v-figures.js when the reader scrolls near
it (BokehJS itself is loaded once per page, offline, only then). Interactions are CustomJS callbacks.
Chapter-specific figures live in the modules beside this one (w2v/book/figures/<chapter>.py); what a
chapter computes is in w2v/book/<chapter>.py.
"""

from __future__ import annotations

import html
import json
import re

import numpy as np
from bokeh.embed import json_item
from bokeh.layouts import row
from bokeh.palettes import interp_palette

from ...corpus import NO_GROUP

# Colour-blind-safe categorical colours for groups, the same in every chapter: Okabe & Ito's
# seven colours, then Paul Tol's muted wine, teal, olive and indigo, then grey.
GROUP_COLORS = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
                "#882255", "#44AA99", "#999933", "#332288", "#888888")

# Diverging palette for weights and cosines (negative blue, zero white, positive red): Paul Tol's
# BuRd, designed to be perceptually uniform and readable with colour-blindness, stretched to 256.
DIVERGING = tuple(interp_palette(("#2166AC", "#4393C3", "#92C5DE", "#D1E5F0", "#F7F7F7",
                                  "#FDDBC7", "#F4A582", "#D6604D", "#B2182B"), 256))

FONT = "13px"


# A CustomJSHover's code for a word's index (arg `groups`: each row's group name): {word}, {group} (its name), or {in_group} (" (its name)", nothing when the corpus has no groups.tsv)
WORD_OF = ("const i = Math.round(value); return format == 'group' ? groups[i] "
            f": format == 'in_group' ? (groups[i] == {json.dumps(NO_GROUP)} ? '' : ' (' + groups[i] + ')') : words[i]")


def sorted_by(corpus) -> str:
    """How the figures order the words (w2v.corpus: by group, then frequency): "sorted by group",
    or "most frequent first" on a corpus without groups.tsv."""
    return "sorted by group" if corpus.has_groups else "most frequent first"


def coloured_by(corpus) -> str:
    """How the figures colour the words: "coloured by group", or one colour on a corpus without
    groups.tsv (its one group's)."""
    return "coloured by group" if corpus.has_groups else "all one colour (the text has no groups)"


def in_group(group: str) -> str:
    """" (animals)" after a word in a title; nothing on a corpus without groups.tsv, whose one
    group, "(no group)", says nothing about the word."""
    return "" if group == NO_GROUP else f" ({group})"


def group_colors(corpus) -> dict[str, str]:
    """Group name → colour, in the order of groups.tsv."""
    if len(corpus.groups) > len(GROUP_COLORS):
        raise ValueError(f"{len(corpus.groups)} groups, but only {len(GROUP_COLORS)} distinguishable colours")
    return {g: GROUP_COLORS[i] for i, g in enumerate(corpus.groups)}


def word_colors(corpus) -> list[str]:
    """(V,) the group colour of every word, in vocabulary order."""
    return [GROUP_COLORS[g] for g in corpus.word_group]


HEATMAP_WORDS = 150  # at most this many words in a V × V figure, so that a page stays small at any V


def heatmap_words(corpus, budget: int = HEATMAP_WORDS) -> np.ndarray:
    """Word ids a V × V figure (or a figure with a row per word) shows, in group order: every word
    when V ≤ `budget`, otherwise the `budget` most frequent (ties in vocabulary order). "What the
    model is fitting" and "Inside the weights" state the rule under their figures (`heatmap_rule`)."""
    by_group = np.argsort(corpus.word_group, kind="stable")
    if corpus.vocab_size <= budget:
        return by_group
    keep = np.zeros(corpus.vocab_size, bool)
    keep[np.argsort(-np.asarray(corpus.counts), kind="stable")[:budget]] = True
    return by_group[keep[by_group]]


def group_spans(groups_in_order: np.ndarray) -> list[tuple[int, int, int]]:
    """(group, first position, last position) for each run of one group in display order: where the
    heatmaps of "What the model is fitting" and "Inside the weights" draw a group's lines."""
    spans, start = [], 0
    for i in range(1, len(groups_in_order) + 1):
        if i == len(groups_in_order) or groups_in_order[i] != groups_in_order[start]:
            spans.append((int(groups_in_order[start]), start, i - 1))
            start = i
    return spans


def heatmap_rule(corpus, shown) -> str:
    """The caption's sentence that says which words a figure of `heatmap_words` leaves out ("" if none)."""
    if len(shown) == corpus.vocab_size:
        return ""
    return (f" Only the {len(shown)} most frequent of the {corpus.vocab_size:,} words are drawn: a figure of "
            f"every word would be too large for a page.")


def style_plot(p):
    """The book's look for every plot: readable title and axis labels, no frame."""
    p.title.text_font_size = FONT
    p.axis.axis_label_text_font_size = FONT
    p.axis.axis_label_text_font_style = "normal"
    p.outline_line_color = None
    return p


def side_by_side(*plots):
    """Plots in a row that wraps: side by side where the page has room for them, one under the
    other on a phone (each plot's min_width decides when). Bokeh's rows are CSS flex boxes."""
    return row(*plots, sizing_mode="stretch_width", styles={"flex-wrap": "wrap"})


def symmetric_range(values: np.ndarray) -> float:
    """Half-width of a colour scale centred on zero that covers `values`."""
    return float(np.max(np.abs(values))) or 1.0


class Figure:
    """A figure ready for the page: the Bokeh HTML with a caption and alt text.

    Displayed in a notebook cell (or glued) it becomes a <figure> in the static HTML.
    """

    def __init__(self, layout, caption: str, alt: str, name: str):
        self.layout, self.caption, self.alt, self.name = layout, caption, alt, name

    def bundles(self) -> list[str]:
        """The BokehJS bundles this figure needs besides bokeh.min.js ("widgets", "tables"), as
        Bokeh decides for its own standalone pages. book/_ext/w2v_book.py loads only these."""
        from bokeh.embed.bundle import _use_tables, _use_widgets

        models = self.layout.references()
        return [name for name, used in (("widgets", _use_widgets(models)), ("tables", _use_tables(models))) if used]

    def space(self) -> str:
        """CSS that reserves the figure's room on the page before BokehJS draws it, so that the text
        below does not jump when it does (Lighthouse's cumulative layout shift). The room's height
        is a function of the width the figure gets (`room_height`: plots that scale with the width,
        rows that wrap on a phone, text that takes more lines when narrow), written with CSS
        container units (the figure is the container, book/_static/w2v.css); a browser without
        them keeps the fixed lower bound declared first."""
        layout = self.layout
        if getattr(layout, "sizing_mode", None) == "scale_width" and layout.width and layout.height:
            return f"aspect-ratio: {layout.width} / {layout.height}; max-width: 100%"
        return f"min-height: {layout_height(layout)}px; min-height: {room_height(layout)}"

    def html(self) -> str:
        """The figure's HTML: its Bokeh document as JSON beside an empty box that keeps the figure's
        room, drawn into it only when the reader comes near (book/_static/w2v-figures.js), so that
        a page with seven figures does not build them all before the reader sees the first."""
        target = f"fig-{self.name}-plot"
        item = json.dumps(json_item(self.layout, target), separators=(",", ":"))
        item = item.replace("</", "<\\/")  # never closes the script element early
        return (f'<figure class="w2v-bokeh" id="fig-{html.escape(self.name)}" '
                f'data-bokeh-bundles="{" ".join(self.bundles())}" '
                f'aria-label="{html.escape(self.alt)}"><div class="w2v-bokeh-room" style="{self.space()}">'
                f'<div id="{html.escape(target)}" class="w2v-bokeh-plot"></div></div>'
                f'<script type="application/json" class="w2v-bokeh-item">{item}</script>'
                f'<figcaption>{html.escape(self.caption)}</figcaption></figure>')

    def _repr_html_(self) -> str:
        return self.html()


# Heights of widgets as BokehJS 3 draws them with the book's fonts (a title line and the control),
# rounded down: a reservation a little short lets the page move a few pixels, never leaves a gap.
_WIDGET_HEIGHTS = {"Select": 50, "Slider": 36, "RadioButtonGroup": 30, "Toggle": 30, "Button": 30, "Div": 20}


def layout_height(model) -> int:
    """A lower bound of the height in pixels of a Bokeh layout at any width: fixed plot heights,
    widgets' usual heights, and the spacing of rows and columns."""
    from bokeh.models import Column, Row

    if isinstance(model, Column):
        kids = [layout_height(child) for child in model.children]
        return sum(kids) + (model.spacing or 0) * max(len(kids) - 1, 0)
    if isinstance(model, Row):
        return max((layout_height(child) for child in model.children), default=0)
    height = getattr(model, "height", None)
    if height:
        return int(height)
    return _WIDGET_HEIGHTS.get(type(model).__name__, 0)


# Widgets as BokehJS 3 draws them with the book's fonts, their title line and margins included.
_WIDGET_ROOM = {"Select": 38, "Slider": 53, "RadioButtonGroup": 38, "Toggle": 38, "Button": 38}
_TITLE_LINE = 20  # a Select's title above it
# Text in a Div: the width of an average character and the line height, as fractions of the font
# size (the book's sans-serif; a little narrow, so that the room stays a lower bound).
_CHAR_WIDTH, _LINE_HEIGHT = 0.45, 1.4
_PAGE_FONT_PX = 16
_MOST_LINES = 8  # a block of text wider than this many lines is counted as this many


def _below(threshold: str, width: str, size: str) -> str:
    """CSS for `size` (a line, ≤ 100px) where `width` < `threshold`, else 0px: calc has no `if`, so
    the difference is scaled until the clamp saturates within a thousandth of a pixel."""
    return f"clamp(0px, ({threshold} - {width}) * 100000, {size})"


def _at_least(threshold: str, width: str, size: str) -> str:
    """CSS for `size` (≤ 100000px) where `width` ≥ `threshold`, else 0px (to within a pixel)."""
    return f"clamp(0px, ({width} - {threshold} + 1px) * 100000, {size})"


def _margins(model) -> tuple[int, int]:
    """A model's (vertical, horizontal) margins in pixels (Bokeh: one number, or top, right, bottom, left)."""
    margin = getattr(model, "margin", None) or 0
    top, right, bottom, left = (margin,) * 4 if isinstance(margin, (int, float)) else tuple(margin) + (0,) * (4 - len(margin))
    return int(top + bottom), int(left + right)


def _least_width(model) -> int:
    """The narrowest a part of a row gets before the row wraps it (its min_width, else its width)."""
    return int((getattr(model, "min_width", None) or getattr(model, "width", None) or 0) + _margins(model)[1])


def room_height(model, width: str = "100cqw") -> str:
    """The height of a Bokeh layout as a CSS length of the width it is given (`width`, a CSS
    length): a plot that scales with the width keeps its aspect ratio; a row that wraps (styles
    flex-wrap) puts its parts side by side where they fit and one under the other where not; a
    Div's text takes a line more each time the width falls below its length over that many lines;
    a widget has its usual height; the margins count."""
    from bokeh.models import Column, Div, Row

    if isinstance(model, Column):
        kids = [room_height(child, width) for child in model.children]
        gaps = (model.spacing or 0) * max(len(kids) - 1, 0)
        return f"calc({' + '.join(kids)} + {gaps}px)" if kids else "0px"
    if isinstance(model, Row):
        kids = model.children
        if not kids:
            return "0px"
        gaps = (model.spacing or 0) * (len(kids) - 1)
        share = f"(({width} - {gaps}px) / {len(kids)})"
        side = f"max({', '.join(room_height(child, share) for child in kids)})"
        if (model.styles or {}).get("flex-wrap") != "wrap":
            return side
        # each part on a line of its own at the full width where their least widths do not fit
        fits = sum(_least_width(child) for child in kids) + gaps
        stacked = f"calc({' + '.join(room_height(child, width) for child in kids)})"
        return f"max({side}, calc({stacked} - {_at_least(f'{fits}px', width, '100000px')}))"
    vertical, horizontal = _margins(model)
    if getattr(model, "sizing_mode", None) == "scale_width" and model.width and model.height:
        return f"calc(({width} - {horizontal}px) * {model.height / model.width:.6g} + {vertical}px)"
    if isinstance(model, Div) and not model.height:
        text = _div_height(model, f"({width} - {horizontal}px)")
        return f"calc(max({text}, {model.min_height or 0}px) + {vertical}px)"
    if getattr(model, "height", None):
        return f"{int(model.height) + vertical}px"
    title = _TITLE_LINE if type(model).__name__ == "Select" and getattr(model, "title", "") else 0
    return f"{_WIDGET_ROOM.get(type(model).__name__, 0) + title}px"


def _div_height(div, width: str) -> str:
    """A Div's text height: each block of its text (a paragraph, a list item, a line break) takes
    one line, and one more each time `width` is narrower than the block's estimated length over
    that many lines. A Div whose text a page script writes names its blocks' lengths instead, in
    its tags: [{"text_blocks": [characters, …], "margins": px}] (as the journey's corpus evidence does)."""
    text = div.text or ""
    size = re.search(r"font-size:\s*([\d.]+)px", text) or re.search(r"([\d.]+)px", (div.styles or {}).get("font-size", ""))
    size = float(size.group(1)) if size else _PAGE_FONT_PX
    line = re.search(r"line-height:\s*([\d.]+)\s*[;\"]", text)
    line = size * (float(line.group(1)) if line else _LINE_HEIGHT)
    hinted = [t for t in (div.tags or []) if isinstance(t, dict) and "text_blocks" in t]
    margins = 0.0
    if hinted:
        blocks = [float(n) * size * _CHAR_WIDTH for n in hinted[0]["text_blocks"]]
        margins = float(hinted[0].get("margins", 0))
    else:
        parts = re.split(r"<(?:p|li|br|tr)\b[^>]*>", text)
        blocks = []
        for part in parts:
            swatches = part.count("display:inline-block")  # a legend's colour dot and the space around it, about 2em
            chars = len(html.unescape(re.sub(r"<[^>]+>", "", part)).strip())
            if chars:
                blocks.append((chars * _CHAR_WIDTH + 2 * swatches) * size)
    if not blocks:
        return "0px"
    terms = [f"{len(blocks) * line + margins:.1f}px"] + [_below(f"{length / k:.0f}px", width, f"{line:.1f}px")
                                               for length in blocks for k in range(1, _MOST_LINES) if length / k > 100]
    return f"calc({' + '.join(terms)})"


def embed(layout, caption: str, alt: str, name: str) -> Figure:
    """The one helper every chapter uses to put a Bokeh layout on the page.

    `caption` is shown under the figure; `alt` describes it for screen readers; `name` gives the
    figure a stable anchor (#fig-<name>) that a syllabus can link to.
    """
    return Figure(layout, caption, alt, name)


def static_figure(body: str, caption: str, alt: str, name: str) -> str:
    """A static drawing (inline SVG or HTML, no script) as the page's <figure>: like `embed`, with
    a caption under it, alt text for screen readers and a stable anchor #fig-<name>."""
    return (f'<figure class="w2v-static" id="fig-{html.escape(name)}" aria-label="{html.escape(alt)}">'
            f'<div class="w2v-static-body">{body}</div>'
            f'<figcaption>{html.escape(caption)}</figcaption></figure>')
