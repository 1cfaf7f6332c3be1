"""How corpus/ was made: sentence patterns per semantic group, drawn with a fixed seed.

Run `python tools/make_corpus.py corpus/` to write sentences.txt, groups.tsv and analogies.txt.
The patterns are the design (see corpus/README.md): each group has contexts of its own, and
each analogy's relation is carried by context words (he/his vs she/her for gender; a shared
nationality word for a capital and its country). The script then trims or pads with short
sentences until the corpus has exactly the sizes the book was written around.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

SENTENCES, TOKENS = 545, 1751

GROUPS = {
    "royalty": ["king", "queen", "prince", "princess", "crown", "throne", "palace", "castle"],
    "people": ["man", "woman", "boy", "girl", "child", "baby"],
    "family": ["father", "mother", "son", "daughter", "brother", "sister", "uncle", "aunt"],
    "animals": ["dog", "cat", "horse", "cow", "sheep", "bird", "fish", "lion", "mouse", "duck"],
    "food": ["bread", "cheese", "apple", "rice", "soup", "milk", "pasta", "egg", "cake", "tea"],
    "capitals": ["paris", "rome", "berlin", "madrid", "tokyo", "london"],
    "countries": ["france", "italy", "germany", "spain", "japan", "england"],
    "nationalities": ["french", "italian", "german", "spanish", "japanese", "english"],
    "colours": ["red", "blue", "green", "yellow", "white", "black", "brown", "pink"],
    "places": ["farm", "house", "school", "garden", "river", "forest", "park", "market"],
    "verbs": ["eats", "drinks", "runs", "sleeps", "rules", "sees", "likes", "visits", "cooks",
              "lives", "speaks", "wears"],
    "function words": ["the", "a", "is", "in", "he", "she", "his", "her"],
}

ANALOGIES = [
    ("king", "queen", "man", "woman"),
    ("father", "mother", "son", "daughter"),
    ("brother", "sister", "uncle", "aunt"),
    ("paris", "france", "rome", "italy"),
    ("berlin", "germany", "tokyo", "japan"),
]

MALE = {"king", "prince", "man", "boy", "father", "son", "brother", "uncle"}
FEMALE = {"queen", "princess", "woman", "girl", "mother", "daughter", "sister", "aunt"}
RULERS = ["king", "queen", "prince", "princess"]
ROYAL_THINGS = ["crown", "throne", "palace", "castle"]
NATION = {  # capital, country, nationality: one row per nation
    "paris": ("france", "french"), "rome": ("italy", "italian"), "berlin": ("germany", "german"),
    "madrid": ("spain", "spanish"), "tokyo": ("japan", "japanese"), "london": ("england", "english"),
}
DRINKS = ["milk", "tea"]


def pronoun(word: str, possessive: bool = False) -> str:
    if word in FEMALE:
        return "her" if possessive else "she"
    if word in MALE:
        return "his" if possessive else "he"
    return "the"


def patterns(r: random.Random) -> dict[str, tuple[float, callable]]:
    pick = r.choice
    g = GROUPS
    human = [w for w in g["people"] + g["family"] if w in MALE | FEMALE]

    def gendered(words):
        w = pick(words)
        return w, pronoun(w), pronoun(w, True)

    def royal_rules():
        w, he, _ = gendered(RULERS)
        return pick([["the", w, "rules"], [he, "is", "the", w], ["the", w, "rules", "the", pick(["palace", "castle"])]])

    def royal_things():
        w, he, his = gendered(RULERS)
        thing = pick(ROYAL_THINGS)
        return pick([["the", w, "wears", "the", "crown"], [he, "sees", his, thing],
                     ["the", w, "lives", "in", "the", pick(["palace", "castle"])], ["the", thing, "is", pick(g["colours"])],
                     [his, thing]])

    def people():
        w, he, his = gendered(human if r.random() < 0.3 else [x for x in g["people"] if x in MALE | FEMALE])
        neutral = pick(["child", "baby"])
        return pick([[he, "is", "a", w], ["the", w, pick(["runs", "sleeps", "sees"])], ["a", w, "is", "in", "the", pick(["school", "park", "market"])],
                     ["the", neutral, pick(["sleeps", "drinks", "eats"]), pick(DRINKS)], ["the", neutral, "sleeps"], ["a", w, "likes", "the", neutral]])

    def family():
        w, he, his = gendered(g["family"])
        other = pick(g["family"])
        return pick([[his, w, pick(["cooks", "eats"]), pick(g["food"])], [he, "is", his, other], [his, w, "lives", "in", "the", "house"],
                     [his, w, "sleeps"], [his, w, "likes", his, other]])

    def animals():
        w = pick(g["animals"])
        return pick([["the", w, pick(["runs", "sleeps"])], ["a", w, "is", "in", "the", pick(["farm", "forest", "river", "garden"])],
                     ["the", w, pick(["eats", "drinks"])], ["a", pick(g["colours"]), w], ["he" if r.random() < .5 else "she", "sees", "a", w]])

    def food():
        w = pick(g["food"])
        who = pick(["he", "she"])
        return pick([[who, "eats", w], [who, "cooks", w], ["the", w, "is", pick(g["colours"])], [who, "likes", w], ["a", pick(g["colours"]), w]])

    def nations():
        capital = pick(list(NATION))
        country, nationality = NATION[capital]
        who = pick(["he", "she"])
        return pick([[capital, "is", "in", country], [who, "visits", capital], [who, "lives", "in", country], [capital, "is", nationality],
                     [country, "is", nationality], [who, "speaks", nationality], [nationality, pick(g["food"])], [who, "visits", country]])

    def places():
        w = pick(g["places"])
        return pick([["he" if r.random() < .5 else "she", "is", "in", "the", w], ["the", w, "is", pick(g["colours"])],
                     ["a", pick(g["animals"]), "runs", "in", "the", w], ["the", w]])

    return {"royal_rules": (1.0, royal_rules), "royal_things": (1.0, royal_things), "people": (1.3, people),
            "family": (1.6, family), "animals": (1.6, animals), "food": (1.6, food), "nations": (2.4, nations),
            "places": (1.0, places)}


def generate(seed: int = 7) -> list[str]:
    r = random.Random(seed)
    table = patterns(r)
    names = list(table)
    weights = [table[n][0] for n in names]
    sentences = [" ".join(table[r.choices(names, weights)[0]][1]()) for _ in range(SENTENCES)]
    # Adjust the total to TOKENS by swapping sentences for shorter or longer fresh ones.
    for _ in range(200_000):
        total = sum(len(s.split()) for s in sentences)
        if total == TOKENS:
            break
        i = r.randrange(SENTENCES)
        fresh = " ".join(table[r.choices(names, weights)[0]][1]())
        if (total > TOKENS and len(fresh.split()) < len(sentences[i].split())) or \
           (total < TOKENS and len(fresh.split()) > len(sentences[i].split())):
            sentences[i] = fresh
    return sentences


def main(folder: str) -> None:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    sentences = generate()
    used = {w for s in sentences for w in s.split()}
    words = [w for ws in GROUPS.values() for w in ws]
    missing = [w for w in words if w not in used]
    extra = used - set(words)
    assert not missing and not extra, (missing, extra)
    (out / "sentences.txt").write_text("\n".join(sentences) + "\n", encoding="utf-8")
    (out / "groups.tsv").write_text("".join(f"{w}\t{grp}\n" for grp, ws in GROUPS.items() for w in ws), encoding="utf-8")
    (out / "analogies.txt").write_text("".join(" ".join(t) + "\n" for t in ANALOGIES), encoding="utf-8")
    print(len(sentences), "sentences,", sum(len(s.split()) for s in sentences), "tokens,", len(used), "words")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "corpus")
