"""The room a figure keeps before it is drawn (w2v.book.figures.room_height), evaluated at a width without a
browser: the CSS length is turned into arithmetic. The browser tests (test_browser_lazy_figures,
test_firefox) hold it against the drawn figures of every page; these say what it means, in ms."""

from __future__ import annotations

import re

import pytest
from bokeh.layouts import column, row
from bokeh.models import Div, Select, Slider
from bokeh.plotting import figure

from w2v.book.figures import layout_height, room_height, side_by_side


def at_width(css: str, width: float) -> float:
    """The pixels a room_height() CSS length comes to where the figure is `width` px wide."""
    expr = css.replace("100cqw", str(width)).replace("px", "").replace("calc(", "(")
    expr = re.sub(r"\bclamp\(", "_clamp(", expr)
    return eval(expr, {"_clamp": lambda lo, x, hi: min(max(lo, x), hi), "max": max})


def square(name: str):
    return figure(name=name, width=340, height=340, sizing_mode="scale_width", min_width=300)


def test_two_squares_side_by_side_on_a_laptop_one_under_the_other_on_a_phone():
    maps = side_by_side(square("a"), square("b"))
    assert at_width(room_height(maps), 800) == pytest.approx(400)           # two of 400 × 400
    assert at_width(room_height(maps), 358) == pytest.approx(2 * 358)       # wrapped: two of 358 × 358
    assert at_width(room_height(maps), 599) == pytest.approx(2 * 599)       # 600 px fit two least widths
    assert at_width(room_height(maps), 600) == pytest.approx(300)


def test_fixed_heights_widgets_and_margins_add_up_in_a_column():
    layout = column(Select(title="Word:", options=["a"], margin=5), Slider(start=0, end=1, value=0, title="t", margin=5),
                    figure(height=250, sizing_mode="stretch_width"), spacing=8)
    assert at_width(room_height(layout), 700) == 58 + 53 + 250 + 2 * 8
    assert layout_height(layout) <= at_width(room_height(layout), 700)     # the fallback stays a lower bound


def test_text_takes_a_line_more_as_the_width_narrows():
    div = Div(text="word " * 60, styles={"font-size": "14px"}, margin=5)   # 299 characters: ~1,880 px at 14 px
    heights = [at_width(room_height(div), w) for w in (2000, 1000, 700, 400)]
    assert heights == sorted(heights) and heights[0] < heights[-1]
    line = 14 * 1.4
    assert heights[0] == pytest.approx(line + 10) and heights[-1] == pytest.approx(5 * line + 10)


def test_a_script_written_text_is_sized_by_its_blocks():
    div = Div(text="", tags=[{"text_blocks": [40, 400, 400], "margins": 24}], styles={"font-size": "14px"}, margin=5)
    narrow, wide = at_width(room_height(div), 350), at_width(room_height(div), 3000)
    assert wide == pytest.approx(3 * 14 * 1.4 + 24 + 10) and narrow > wide + 4 * 14 * 1.4
    assert at_width(room_height(Div(text="", margin=5)), 500) == 10  # only its margins
