"""Figures of the chapter "Model blueprint" (book/blueprint.md).

`network_diagram`: the network as a static SVG, top to bottom, with the real sizes of a run:
one-hot centre word (V) → W (V×D) → h (D) → W′ (D×V) → scores u (V) → softmax p (V) →
cross-entropy against the true context word. Lines and text use `currentColor`, so the drawing
follows the page's text colour in the light and the dark theme.
`census_chart`: a log-scale bar chart of the model's parameter count beside published models.
"""

from __future__ import annotations

import html

import numpy as np
from bokeh.models import ColumnDataSource, LabelSet
from bokeh.plotting import figure

from . import GROUP_COLORS, style_plot

WIDTH = 420           # the diagram's viewBox width, and its width in CSS pixels at most
FONT = 14             # text size in viewBox units; at 390 px wide the diagram still draws it ≥ 10 px
SMALL = 13            # the smallest text of the diagram
CENTER_COLOR = GROUP_COLORS[0]   # orange: the centre word
CONTEXT_COLOR = GROUP_COLORS[1]  # sky blue: the true context word


def _strip(x: float, y: float, width: float, n: int, fills: dict[int, str] | None = None,
           shades: np.ndarray | None = None, height: float = 16) -> str:
    """A vector of n numbers as a row of cells: `fills` colours some cells, `shades` (n values in
    0..1) greys the others; cell borders only where a cell is wide enough to see them."""
    fills = fills or {}
    cell = width / n
    parts = [f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height}" '
             f'fill="currentColor" fill-opacity="0.06" stroke="currentColor" stroke-width="1"/>']
    if shades is not None:
        for i, s in enumerate(shades):
            parts.append(f'<rect x="{x + i * cell:.2f}" y="{y:.1f}" width="{cell:.2f}" height="{height}" '
                         f'fill="currentColor" fill-opacity="{0.08 + 0.6 * float(s):.2f}"/>')
    if cell >= 2.5:
        for i in range(1, n):
            parts.append(f'<line x1="{x + i * cell:.2f}" y1="{y:.1f}" x2="{x + i * cell:.2f}" '
                         f'y2="{y + height:.1f}" stroke="currentColor" stroke-opacity="0.35" stroke-width="0.5"/>')
    for i, color in fills.items():
        w = max(cell, 3.0)
        parts.append(f'<rect x="{x + i * cell + cell / 2 - w / 2:.2f}" y="{y - 2:.1f}" width="{w:.2f}" '
                     f'height="{height + 4}" fill="{color}" stroke="currentColor" stroke-width="1"/>')
    return "".join(parts)


def _text(x: float, y: float, text: str, size: int = FONT, anchor: str = "start", weight: str = "normal",
          css_class: str = "") -> str:
    cls = f' class="{css_class}"' if css_class else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" font-weight="{weight}" '
            f'fill="currentColor"{cls}>{html.escape(text)}</text>')


def _arrow(x: float, y1: float, y2: float) -> str:
    """A downward arrow from y1 to y2 (the head drawn as a triangle: no marker ids on the page)."""
    return (f'<line x1="{x:.1f}" y1="{y1:.1f}" x2="{x:.1f}" y2="{y2 - 6:.1f}" stroke="currentColor" stroke-width="1.5"/>'
            f'<polygon points="{x - 5:.1f},{y2 - 7:.1f} {x + 5:.1f},{y2 - 7:.1f} {x:.1f},{y2:.1f}" fill="currentColor"/>')


def network_diagram(vocab_size: int, dim: int, center: int = 0, context: int = 1) -> str:
    """The skip-gram network as an inline SVG, with the shapes of SkipGram(vocab_size, dim).

    `center` and `context` are the word ids whose one-hot cells are coloured. Every vector is a
    row of cells as wide as it is long (V cells or D cells, on one scale), so the narrow hidden
    layer h shows how much smaller D is than V. Used by book/blueprint.md (#network-diagram).
    """
    V, D = int(vocab_size), int(dim)
    if not (0 <= center < V and 0 <= context < V):
        raise ValueError(f"word ids {center}, {context} outside a vocabulary of {V}")
    left, full = 20.0, WIDTH - 40.0
    cell = full / V
    narrow = min(full, max(cell * D, 24.0))              # h: D cells on the V scale, never invisible
    mid = WIDTH / 2
    rng = np.random.default_rng(0)                       # made-up shades: the picture, not the run
    scores = rng.random(V)
    probs = np.exp(3 * scores)
    probs /= probs.max()

    parts: list[str] = []
    y = 18.0

    def vector(label: str, shape: str, width: float, **strip) -> None:
        nonlocal y
        x = mid - width / 2 if width < full else left
        parts.append(_text(left, y, label, weight="bold"))
        parts.append(_text(WIDTH - left, y, shape, anchor="end", css_class="w2v-shape"))
        parts.append(_strip(x, y + 8, width, strip.pop("n"), **strip))
        y += 8 + 16 + 4

    def operation(name: str, shape: str, what: str) -> None:
        nonlocal y
        parts.append(_arrow(mid, y, y + 18))
        y += 20
        box_w, box_h = full - 40, 40
        parts.append(f'<rect x="{mid - box_w / 2:.1f}" y="{y:.1f}" width="{box_w:.1f}" height="{box_h}" rx="6" '
                     f'fill="currentColor" fill-opacity="0.05" stroke="currentColor" stroke-width="1.2"/>')
        title = f"{name}  {shape}" if shape else name
        parts.append(_text(mid, y + 17, title, anchor="middle", weight="bold"))
        parts.append(_text(mid, y + 33, what, size=SMALL, anchor="middle"))
        y += box_h
        parts.append(_arrow(mid, y, y + 18))
        y += 18 + 16

    vector("x: one-hot centre word c", f"V = {V}", full, n=V, fills={center: CENTER_COLOR})
    operation("W", f"{V} × {D}", "take row c: the centre vector")
    vector("h = W[c]: hidden layer", f"D = {D}", narrow, n=D, shades=np.full(D, 0.5))
    operation("W′", f"{D} × {V}", "dot product of h with every column")
    vector("u = h W′: scores", f"V = {V}", full, n=V, shades=scores)
    operation("softmax", "", "exponentiate, divide by the sum")
    vector("p = softmax(u): probabilities", f"V = {V}", full, n=V, shades=probs)
    operation("cross-entropy", "", "L = −ln p[o], o the true context word")
    vector("o: one-hot true context word", f"V = {V}", full, n=V, fills={context: CONTEXT_COLOR})
    parts.append(_text(left, y + 10, f"L: one number, the loss. Parameters: W and W′, 2 × {V} × {D}.",
                       size=SMALL))
    height = y + 22
    return (f'<svg class="w2v-diagram" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
            f'width="{WIDTH}" height="{height:.0f}" aria-hidden="true" data-vocab-size="{V}" '
            f'data-dim="{D}" font-family="var(--pst-font-family-base, sans-serif)">'
            + "".join(parts) + "</svg>")


# ------------------------------------------------------------------ parameter census

def census_chart(sizes: list[tuple[str, int]]):
    """Horizontal bars of parameter counts on a log axis, first model at the top, each bar
    labelled with its count in words (`count_words`). Used by book/blueprint.md (#parameter-census)."""
    from ..blueprint import count_words

    names = [name for name, _ in sizes]
    counts = [int(count) for _, count in sizes]
    # A long bar carries its count inside its end, in white; a short one just after it.
    inside = [c >= 1e6 for c in counts]
    source = ColumnDataSource(dict(name=names, count=counts, label=[count_words(c) for c in counts],
                                   color=[CENTER_COLOR] + [GROUP_COLORS[4]] * (len(sizes) - 1),
                                   align=["right" if i else "left" for i in inside],
                                   offset=[-6 if i else 6 for i in inside],
                                   text_color=["#ffffff" if i else "#222222" for i in inside]))
    top = 10 ** (np.ceil(np.log10(max(counts))) + 0.3)
    p = figure(y_range=names[::-1], x_axis_type="log", x_range=(1, top), height=50 + 46 * len(sizes),
               sizing_mode="stretch_width", min_width=300, x_axis_label="trainable parameters (log scale)",
               tools="", toolbar_location=None, name="parameter-census")
    p.hbar(y="name", left=1, right="count", height=0.6, color="color", line_color="#333333", line_width=0.5,
           source=source)
    p.add_layout(LabelSet(x="count", y="name", text="label", x_offset="offset", y_offset=-7, source=source,
                          text_align="align", text_font_size="12px", text_color="text_color"))
    p.yaxis.major_label_text_font_size = "12px"
    p.xaxis.major_label_text_font_size = "11px"
    style_plot(p)
    p.ygrid.grid_line_color = None
    return p
