"""What several chapters share that is no figure: a sentence's check (`Claims`), how a chapter's
facts reach its page (`glue_all`), a number as the prose prints it (`signed`), a generated table
(`html_table`), raw HTML for a cell's output (`PageHTML`), an array as a page's data carries it
(`b64`), the run's final purity and loss as the exercises read them (`final_purity`, `last_mean`)
and how alike two words' windows are (`context_cosines`). The figures' own kit is w2v.book.figures."""

from __future__ import annotations

import base64
import html
import re

import numpy as np

from .. import analysis, counts
from ..train import Run


class Claims:
    """The checks behind a paragraph written about the book's own corpus. On that corpus a false
    claim fails the build (an AssertionError, as a plain assert would). On a reader's corpus
    (W2V_CORPUS) the build goes on and `note()` is the visible note to show under the paragraph:
    "On this corpus: …", with what was measured. Used by "The corpus"."""

    def __init__(self, strict: bool):
        self.strict, self.failed = strict, []

    def check(self, holds: bool, claim: str, measured: str = "") -> bool:
        if not holds:
            if self.strict:
                raise AssertionError(f"{claim} ({measured})" if measured else claim)
            self.failed.append(f"{claim}: not so here" + (f" ({measured})" if measured else ""))
        return bool(holds)

    def mention(self, fact: str) -> None:
        """A difference from the book's corpus that is no claim's failure (e.g. fewer seed runs),
        for the same note; nothing on the book's corpus."""
        if not self.strict:
            self.failed.append(fact)

    def note(self) -> str:
        """Markdown for a glue:md note: empty when every claim holds. A measure with nothing to
        measure on this corpus (NaN: block contrast without groups, say) reads "—", not "nan", and a
        negative number has a true minus sign (U+2212), as everywhere in the prose."""
        if not self.failed:
            return ""
        text = "*On this corpus, which is not the book's:* " + "; ".join(self.failed) + "."
        text = re.sub(r"(?<![\w.])[-\u2212]?nan\b%?", "\u2014", text)
        return re.sub(r"(?<![\w\]])-(?=\d)", "\u2212", text)  # a negative number's minus sign, as the prose prints it


def glue_all(facts: dict, prefix: str = "") -> None:
    """Glue every value of `facts` under its name (after `prefix`) for the page's text, as a chapter's
    hidden cell does with myst-nb's glue; nothing is displayed."""
    from myst_nb import glue

    for name, value in facts.items():
        glue(f"{prefix}{name}", value, display=False)


def signed(x: float) -> str:
    """Two decimals with a true minus sign (U+2212), as in the prose."""
    return f"{x:.2f}".replace("-", "\u2212")


def html_table(headers: list[str], rows: list[list[object]], caption: str = "", numeric: tuple[int, ...] = (),
               raw: tuple[int, ...] = (), table_id: str = "") -> str:
    """A small, dependency-free HTML table (class w2v-table) for a chapter's generated tables.

    Cells are escaped, except the columns listed in `raw` (already HTML); `numeric` columns are
    right-aligned. `table_id` gives the table a stable anchor.
    """

    def cell(i: int, value: object, tag: str = "td") -> str:
        text = str(value) if i in raw else html.escape(str(value))
        cls = ' class="num"' if i in numeric else ""
        return f"<{tag}{cls}>{text}</{tag}>"

    head = "".join(cell(i, h, "th") for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(cell(i, v) for i, v in enumerate(row)) + "</tr>" for row in rows)
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    ident = f' id="{html.escape(table_id)}"' if table_id else ""
    return (f'<div class="w2v-table-wrap"><table class="w2v-table"{ident}>{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


class PageHTML:
    """Raw HTML for a cell's output (shown as is in the static page)."""

    def __init__(self, text: str):
        self.text = text

    def _repr_html_(self) -> str:
        return self.text


def b64(array: np.ndarray) -> str:
    """An array's bytes (in its dtype, C order) as base64 text: how the pages' data carry arrays
    ("One training step"'s checkpoints and pairs, "Your turn"'s start), decoded by their scripts."""
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


def final_purity(run: Run, top: int = 3) -> float:
    """The run's final top-`top` neighbour purity, in percent."""
    return 100 * analysis.neighbor_purity(run.neighbors[-1], run.corpus.word_group, top)


def last_mean(run: Run) -> float:
    """The mean loss of the run's last `checkpoint_every` steps."""
    return float(run.losses[-run.config.checkpoint_every:].mean())


def context_cosines(run: Run) -> np.ndarray:
    """(V, V) the cosine between two words' rows of the corpus's p(o | c): how alike their
    windows are, read off the text alone."""
    table = counts.cooccurrence(run.pairs, run.corpus.vocab_size).astype(np.float64)
    return analysis.cosine_matrix(counts.conditional(table))          # a word never a centre: 0
