"""How corpus/ was made: sentence patterns per semantic group, drawn with a fixed seed.

Run `python tools/make_corpus.py corpus` to write sentences.txt, groups.tsv and analogies.txt.
The patterns are the design (see corpus/README.md). Draft version for experiments.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

SENTENCES, TOKENS, WORDS = 545, 1751, 96

GROUPS = {
    "royalty": ["king", "queen", "prince", "princess", "crown", "throne", "palace", "castle"],
    "people": ["man", "woman", "boy", "girl", "child", "baby"],
    "family": ["father", "mother", "son", "daughter", "brother", "sister", "uncle", "aunt"],
    "animals": ["dog", "cat", "horse", "cow", "sheep", "pig", "bird", "duck", "mouse", "fish"],
    "food": ["bread", "cheese", "apple", "rice", "soup", "cake", "egg", "meat", "milk", "tea"],
    "colours": ["red", "blue", "green", "yellow", "white", "black", "brown", "gold"],
    "places": ["farm", "house", "school", "garden", "park", "river", "forest", "market"],
    "capitals": ["paris", "rome", "berlin", "madrid", "tokyo", "london"],
    "countries": ["france", "italy", "germany", "spain", "japan", "england"],
    "languages": ["french", "italian", "german", "spanish", "japanese", "english"],
    "verbs": ["is", "eats", "drinks", "runs", "sleeps", "swims", "sings", "reads", "cooks", "likes",
              "speaks", "visits"],
    "function words": ["the", "a", "and", "in", "he", "she", "his", "her"],
}

ANALOGIES = [
    ("king", "queen", "man", "woman"),
    ("father", "mother", "son", "daughter"),
    ("brother", "sister", "uncle", "aunt"),
    ("paris", "france", "rome", "italy"),
    ("berlin", "germany", "tokyo", "japan"),
]

MALE = ["king", "prince", "man", "boy", "father", "son", "brother", "uncle"]
FEMALE = ["queen", "princess", "woman", "girl", "mother", "daughter", "sister", "aunt"]
PAIRS = list(zip(MALE, FEMALE))
NATIONS = list(zip(GROUPS["capitals"], GROUPS["countries"], GROUPS["languages"]))


def he(w):
    return "he" if w in MALE else "she"


def his(w):
    return "his" if w in MALE else "her"


def make_frames(r: random.Random):
    pick = r.choice
    G = GROUPS

    def coord(words):
        a, b = r.sample(words, 2)
        return [a, "and", b]

    def pair_coord(pairs):
        m, f = pick(pairs)
        return [m, "and", f] if r.random() < 0.5 else [f, "and", m]

    persons = ["king", "queen", "prince", "princess"]
    things = ["crown", "throne", "palace", "castle"]
    gpeople = ["man", "woman", "boy", "girl"]
    fam = G["family"]
    F = {}
    # royalty
    F["royal_coord"] = (3, lambda: pair_coord(PAIRS[:2]) if r.random() < 0.6 else coord(things))
    F["royal_is"] = (2, lambda: (lambda w: [he(w), "is", "the", w])(pick(persons)))
    F["royal_home"] = (2, lambda: (lambda w: [w, "in", his(w), pick(["palace", "castle"])])(pick(persons)))
    F["royal_crown"] = (1.5, lambda: (lambda w: ["the", w, "and", his(w), pick(["crown", "throne"])])(pick(persons)))
    F["royal_gold"] = (1, lambda: ["the", pick(things), "is", "gold"])
    # people
    F["people_coord"] = (3, lambda: pair_coord(PAIRS[2:4]) if r.random() < 0.7 else ["child", "and", "baby"])
    F["people_is"] = (2.5, lambda: (lambda w: [he(w), "is", "a", w])(pick(gpeople)))
    F["people_baby"] = (1.5, lambda: ["the", pick(["child", "baby"]), pick(["sleeps", "drinks"]), "milk"][: r.choice([3, 4])])
    F["people_school"] = (1.5, lambda: ["a", pick(G["people"]), "in", "the", "school"][1:] if r.random() < .5 else ["a", pick(G["people"]), "in", "the", "park"])
    # family
    F["family_coord"] = (4, lambda: pair_coord(PAIRS[4:]))
    F["family_his"] = (3, lambda: (lambda w: [w, "and", his(w), pick(fam)])(pick(fam)))
    F["family_cooks"] = (1.5, lambda: (lambda w: [his(w), w, "cooks"])(pick(fam)) if False else [pick(["his", "her"]), pick(fam), "cooks", pick(G["food"])])
    # animals
    F["animal_coord"] = (3, lambda: coord(G["animals"]))
    F["animal_runs"] = (2, lambda: ["the", pick(G["animals"]), pick(["runs", "sleeps", "swims"])])
    F["animal_farm"] = (2, lambda: ["a", pick(G["animals"]), "in", "the", pick(["farm", "forest", "river", "garden"])])
    F["animal_colour"] = (1, lambda: ["a", pick(G["colours"]), pick(G["animals"])])
    # food
    F["food_coord"] = (3, lambda: coord(G["food"]))
    F["food_eats"] = (2.5, lambda: [pick(["he", "she"]), pick(["eats", "cooks", "likes"]) if True else "", pick(G["food"][:8])])
    F["food_drinks"] = (1, lambda: [pick(["he", "she"]), "drinks", pick(["milk", "tea"])])
    F["food_market"] = (1, lambda: [pick(G["food"]), "in", "the", "market"])
    # colours
    F["colour_coord"] = (3, lambda: coord(G["colours"]))
    F["colour_is"] = (2, lambda: ["the", pick(G["food"] + G["animals"] + ["house"]), "is", pick(G["colours"])])
    # places
    F["place_coord"] = (2, lambda: coord(G["places"]))
    F["place_in"] = (2.5, lambda: [pick(["he", "she"]), "is", "in", "the", pick(G["places"])])
    # nations
    F["capital_coord"] = (3, lambda: coord(G["capitals"]))
    F["country_coord"] = (3, lambda: coord(G["countries"]))
    F["language_coord"] = (2, lambda: coord(G["languages"]))
    F["nation_in"] = (2.5, lambda: (lambda n: [n[0], "is", "in", n[1]])(pick(NATIONS)))
    F["nation_speaks"] = (2.5, lambda: (lambda n: [n[r.choice([0, 1])], "speaks", n[2]])(pick(NATIONS)))
    F["nation_visits"] = (1.5, lambda: [pick(["he", "she"]), "visits", pick(G["capitals"] + G["countries"])])
    F["language_he"] = (1, lambda: [pick(["he", "she"]), "speaks", pick(G["languages"])])
    # verbs
    F["verb_coord"] = (3, lambda: [pick(["he", "she"])] + coord(["eats", "drinks", "runs", "sleeps", "swims", "sings", "reads", "cooks"]))
    F["verb_he"] = (2, lambda: [pick(["he", "she"]), pick(["runs", "sleeps", "swims", "sings", "reads", "cooks", "likes", "eats", "drinks"])])
    return F


def generate(seed: int = 7) -> list[str]:
    r = random.Random(seed)
    table = make_frames(r)
    names = list(table)
    weights = [table[n][0] for n in names]

    def fresh():
        return " ".join(table[r.choices(names, weights)[0]][1]())

    sentences = [fresh() for _ in range(SENTENCES)]
    for _ in range(200_000):
        total = sum(len(s.split()) for s in sentences)
        if total == TOKENS:
            break
        i = r.randrange(SENTENCES)
        new = fresh()
        if (total > TOKENS and len(new.split()) < len(sentences[i].split())) or \
           (total < TOKENS and len(new.split()) > len(sentences[i].split())):
            sentences[i] = new
    return sentences


def main(folder: str) -> None:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    sentences = generate()
    used = {w for s in sentences for w in s.split()}
    words = [w for ws in GROUPS.values() for w in ws]
    missing = [w for w in words if w not in used]
    extra = used - set(words)
    print(len(sentences), "sentences,", sum(len(s.split()) for s in sentences), "tokens,", len(used), "words", len(words))
    assert not missing and not extra, (missing, extra)
    (out / "sentences.txt").write_text("\n".join(sentences) + "\n", encoding="utf-8")
    (out / "groups.tsv").write_text("".join(f"{w}\t{grp}\n" for grp, ws in GROUPS.items() for w in ws), encoding="utf-8")
    (out / "analogies.txt").write_text("".join(" ".join(t) + "\n" for t in ANALOGIES), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "corpus")
