"""How the command line and the book write a count with its noun: "1 word", "2 words".

One helper, so a reader's corpus with one rare word, one sentence or a window of 1 never reads
"1 words". Used by the command line's summary and `prepare`'s report, and by "The training recipe",
"The corpus", "The journey" and "Negative sampling" wherever a glued count stands before a noun.
"""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None, verbs: tuple[str, str] | None = None) -> str:
    """`n` (with thousands separators) and `noun`, in the plural unless `n` is 1: "1 word",
    "1,234 words". `plural` is the plural where it is not `noun` + "s"; `verbs`, a (singular, plural)
    pair such as ("was", "were"), adds the verb that agrees: "1 word was", "2 words were"."""
    one = n == 1
    text = f"{n:,} {noun if one else (plural or noun + 's')}"
    return f"{text} {verbs[0 if one else 1]}" if verbs else text
