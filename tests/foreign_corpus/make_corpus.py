"""Writes sentences.txt of the foreign corpus: the second corpus the whole book is built on in CI.

It differs from the book's corpus on purpose: other words and groups, four analogies instead of
five, 6 dimensions, 4,000 steps, seed 3. The sentences come from the templates below, each filled
with every choice it allows (no randomness, no selection by result), then deduplicated in order.
Run it from anywhere: python tests/foreign_corpus/make_corpus.py
"""

from pathlib import Path

WORKERS = {  # worker: (what they make or get, the verb for it, where they work)
    "baker": (["bread", "cake"], "bakes", "bakery"),
    "fisher": (["fish"], "catches", "river"),
    "farmer": (["rice", "corn"], "grows", "field"),
    "chef": (["soup", "stew"], "cooks", "kitchen"),
}
COLOURS = {"bread": "brown", "cake": "yellow", "fish": "silver", "rice": "white", "corn": "yellow",
           "soup": "red", "stew": "brown"}
PLACE_COLOURS = {"bakery": "white", "river": "blue", "field": "green", "kitchen": "white"}


def sentences() -> list[str]:
    lines = []
    for worker, (goods, verb, place) in WORKERS.items():
        for good in goods:
            lines += [f"the {worker} {verb} {good}", f"the {worker} {verb} {good} in the {place}",
                      f"a {worker} {verb} the {good}", f"the {good} is {COLOURS[good]}",
                      f"the {worker} sells {good} at the market"]
            for other in WORKERS:
                if other != worker:
                    lines += [f"the {other} eats {good}", f"the {other} buys {good} from the {worker}"]
        lines += [f"the {worker} works in the {place}", f"the {place} is {PLACE_COLOURS[place]}",
                  f"a {worker} is in the {place}", f"the {worker} walks to the {place}",
                  f"the {worker} walks to the market"]
        for other in WORKERS:
            if other != worker:
                lines += [f"the {worker} and the {other} talk", f"the {worker} meets the {other} at the market"]
    seen, ordered = set(), []
    for line in lines:
        if line not in seen:
            seen.add(line)
            ordered.append(line)
    return ordered


if __name__ == "__main__":
    out = Path(__file__).with_name("sentences.txt")
    out.write_text("\n".join(sentences()) + "\n", encoding="utf-8")
    print(f"{out}: {len(sentences())} sentences")
