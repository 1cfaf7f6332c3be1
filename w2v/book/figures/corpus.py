"""Figures and tables of the chapter "The corpus" (book/corpus.md).

`frequency_chart`: one horizontal bar per word, longest (most frequent) at the top, coloured by
group, with a legend (click a group to hide it) and a hover that names the word, its group and
its count. `groups_table`, `samples_table`, `analogies_table`: the chapter's generated tables.
`contexts_table`: the table of "What the window lets the model see" (the mechanism behind the
analogy tests), from the numbers of w2v.book.corpus.
"""

from __future__ import annotations

import html

import numpy as np
from bokeh.models import ColumnDataSource, FactorRange, HoverTool, Legend, LegendItem
from bokeh.plotting import figure

from . import group_colors, style_plot
from ..corpus import analogy_word_pairs, frequency_order, separating_contexts
from ..kit import html_table

ROW_PX = 15  # height of one word's bar: an 11 px label and 4 px between two


def frequency_chart(corpus):
    """Horizontal bar chart of every word's count, coloured by group, most frequent on top."""
    colors = group_colors(corpus)
    order = frequency_order(corpus)
    total = int(corpus.counts.sum())
    words = [corpus.vocab[i] for i in order]
    p = figure(y_range=FactorRange(factors=words[::-1]), height=ROW_PX * len(words) + 90,
               sizing_mode="stretch_width", min_width=300,
               x_axis_label="occurrences in the corpus", y_axis_label="word (most frequent at the top)",
               title="How often each word occurs", tools="", toolbar_location=None, name="corpus-frequency")
    items = []
    for g, group in enumerate(corpus.groups):
        ids = [i for i in order if int(corpus.word_group[i]) == g]
        source = ColumnDataSource(dict(
            word=[corpus.vocab[i] for i in ids],
            count=[int(corpus.counts[i]) for i in ids],
            share=[f"{100 * int(corpus.counts[i]) / total:.1f} %" for i in ids],
            group=[group] * len(ids),
        ))
        r = p.hbar(y="word", right="count", height=0.75, source=source, color=colors[group],
                   line_color="#333333", line_width=0.4)
        items.append(LegendItem(label=group, renderers=[r]))
    p.add_tools(HoverTool(tooltips=[("word", "@word"), ("group", "@group"), ("count", "@count"),
                                    ("share of tokens", "@share")], point_policy="follow_mouse"))
    legend = Legend(items=items, location="bottom_right", click_policy="hide", title="group (click to hide)",
                    label_text_font_size="11px", title_text_font_size="11px", glyph_height=12, glyph_width=12,
                    spacing=1, padding=6, background_fill_alpha=0.9)
    # Inside, bottom right, where the rarest words' bars are short; outside if they are not.
    rows_under_legend = len(corpus.groups) + 3
    short = max(int(corpus.counts[i]) for i in order[-rows_under_legend:]) <= 0.3 * int(corpus.counts.max())
    p.add_layout(legend) if short else p.add_layout(legend, "right")
    p.x_range.start = 0
    p.yaxis.major_label_text_font_size = "11px"
    style_plot(p)
    p.ygrid.grid_line_color = None
    return p


def swatch(color: str) -> str:
    return f'<span class="w2v-swatch" style="background:{html.escape(color)}" aria-hidden="true"></span>'


def groups_table(corpus) -> str:
    """One row per group: colour, name, its words (most frequent first), word and token counts."""
    colors = group_colors(corpus)
    rows = []
    for group in corpus.groups:
        words = corpus.words_in_group(group)  # vocabulary order: by frequency within the group
        tokens = sum(int(corpus.counts[corpus.index[w]]) for w in words)
        rows.append([swatch(colors[group]) + html.escape(group), ", ".join(words), len(words), f"{tokens:,}"])
    return html_table(["group", "words (most frequent first)", "words", "tokens"], rows, numeric=(2, 3), raw=(0,),
                      caption="The semantic groups of groups.tsv, in file order", table_id="groups-table")


def samples_table(corpus, samples: dict[str, list[int]]) -> str:
    """Sample sentences per group, the group's own words in bold."""
    colors = group_colors(corpus)
    rows = []
    for group, ids in samples.items():
        members = set(corpus.words_in_group(group))
        shown = []
        for i in ids:
            words = [f"<strong>{html.escape(w)}</strong>" if w in members else html.escape(w)
                     for w in corpus.sentences[i]]
            shown.append(f'<span class="w2v-sentence">{" ".join(words)}</span>')
        rows.append([swatch(colors[group]) + html.escape(group), "<br>".join(shown)])
    return html_table(["group", "sample sentences (the group's words in bold)"], rows, raw=(0, 1),
                      caption="Two sentences for each group, the group's words in bold", table_id="samples-table")


def analogies_table(corpus) -> str:
    """The analogy tests a : b :: c : d, with the vector arithmetic the model is asked to do."""
    rows = []
    for n, (a, b, c, d) in enumerate(corpus.analogies, 1):
        groups = sorted({corpus.group_of(w) for w in (a, b, c, d)}, key=corpus.groups.index)
        rows.append([n, f"{a} : {b} :: {c} : ?", d, f"{b} − {a} + {c}", ", ".join(groups)])
    return html_table(["#", "question", "answer", "vector arithmetic", "groups"], rows, numeric=(0,),
                      caption="The analogy tests of analogies.txt", table_id="analogies-table")


# ------------------------------------------------------------------ the window, drawn

WORD_FONT = 14          # px; words are set in monospace, so a word of k letters is 0.6·k·14 px wide
CHAR_PX = 0.6 * WORD_FONT


def window_pairs_figure(sentence: list[str], window: int) -> str:
    """How the window cuts one sentence into (centre, context) pairs, as static HTML with inline SVG.

    One row per centre word: the sentence with that word highlighted, an arc to every word at
    most `window` positions away (data-center and data-context give the two positions), and the
    pairs it yields. Colours come from the page's text colour (currentColor) and two group
    colours at partial opacity, so the drawing reads in the light and the dark theme.
    Used by book/corpus.md (#window-pairs).
    """
    from . import GROUP_COLORS

    center_color, context_color = GROUP_COLORS[0], GROUP_COLORS[1]
    widths = [len(w) * CHAR_PX + 14 for w in sentence]
    gap = 12.0
    xs = np.concatenate([[0.0], np.cumsum(np.array(widths) + gap)])[:-1] + 2
    total = float(xs[-1] + widths[-1] + 2)
    box_h, top = 26.0, 12 + 12 * min(window, len(sentence) - 1) + 6
    height = top + box_h + 3
    rows = []
    for i, center in enumerate(sentence):
        inside = [j for j in range(len(sentence)) if j != i and abs(j - i) <= window]
        parts = []
        for j, word in enumerate(sentence):
            x, w = xs[j], widths[j]
            if j == i:
                style = f'fill="{center_color}" fill-opacity="0.35" stroke="{center_color}" stroke-width="2"'
            elif j in inside:
                style = f'fill="{context_color}" fill-opacity="0.25" stroke="{context_color}" stroke-width="2"'
            else:
                style = 'fill="none" stroke="currentColor" stroke-opacity="0.4" stroke-dasharray="3 3"'
            parts.append(f'<rect x="{x:.1f}" y="{top:.1f}" width="{w:.1f}" height="{box_h}" rx="4" {style}/>')
            opacity = "" if j == i or j in inside else ' fill-opacity="0.6"'
            weight = "bold" if j == i else "normal"
            parts.append(f'<text x="{x + w / 2:.1f}" y="{top + 18:.1f}" text-anchor="middle" font-weight="{weight}" '
                         f'fill="currentColor"{opacity}>{html.escape(word)}</text>')
        cx = xs[i] + widths[i] / 2
        for j in inside:
            tx = xs[j] + widths[j] / 2
            lift = 12 + 12 * abs(j - i)
            parts.append(f'<path class="w2v-arc" data-center="{i}" data-context="{j}" '
                         f'd="M{cx:.1f},{top - 1:.1f} Q{(cx + tx) / 2:.1f},{top - 2 * lift + 6:.1f} {tx:.1f},{top - 7:.1f}" '
                         f'fill="none" stroke="currentColor" stroke-width="1.5"/>'
                         f'<polygon points="{tx - 4:.1f},{top - 8:.1f} {tx + 4:.1f},{top - 8:.1f} {tx:.1f},{top - 1:.1f}" '
                         f'fill="currentColor"/>')
        svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {total:.0f} {height:.0f}" width="{total:.0f}" '
               f'height="{height:.0f}" font-size="{WORD_FONT}" aria-hidden="true" '
               f'font-family="var(--pst-font-family-monospace, monospace)">' + "".join(parts) + "</svg>")
        chips = " ".join(f'<code class="w2v-pair" data-center="{i}" data-context="{j}">'
                         f'({html.escape(center)}, {html.escape(sentence[j])})</code>' for j in inside)
        rows.append(f'<li class="w2v-window-row">{svg}<span class="w2v-window-pairs">'
                    f'<span class="w2v-window-arrow" aria-hidden="true">→</span> {chips}</span></li>')
    return f'<ol class="w2v-window" data-window="{int(window)}">' + "".join(rows) + "</ol>"


# ---------------------------------------------------------------- what the window lets the model see

def contexts_table(corpus, window: int, top: int = 4) -> str:
    """One row per word pair of the analogy tests: the context words only one of the two has."""
    def cell(found):
        return ", ".join(f"{w} ×{n}" for w, n in found) or "—"

    rows = []
    for x, y in analogy_word_pairs(corpus):
        only_x, only_y = separating_contexts(corpus, window, x, y, top)
        rows.append([f"{x} / {y}", cell(only_x), cell(only_y)])
    return html_table(["pair x / y", "in the window of x, never of y", "in the window of y, never of x"], rows,
                      caption=f"For each pair of words the analogy tests compare, the context words (window "
                              f"{window}) only one of the two ever has, with how often; at most {top} each.",
                      table_id="separating-contexts")
