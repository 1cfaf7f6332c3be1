"""How corpus/ was made: sentence patterns per semantic group, drawn with a fixed seed.

Run `python tools/make_corpus.py corpus` to write sentences.txt, groups.tsv and analogies.txt
(train.toml is written by hand). corpus/README.md explains the design in prose; in short:

* Words are alike to skip-gram when they predict the same context words. So every group
  gets *coordination* sentences, "bread and cheese", "paris and rome": words of one group
  then have each other as contexts, a set of context words no other group has.
* A word is never its own context. If paris and french stood side by side, paris would
  predict french and french would predict paris: two different columns, so co-occurring
  words do NOT get alike vectors. A relation is carried by a *third* word that both sides
  predict: "paris speaks french" and "france speaks french" (french is a context of both);
  "he is the king", "the king and his crown" vs "she is the queen", "the queen and her
  crown" (he/his vs she/her); "the man works" vs "the boy plays" (grown-up vs young).
* For the same reason, words of a relation pair are coordinated with words of the SAME
  gender ("king and prince", "mother and daughter"), never "king and queen": that would
  put a female context next to a male word and blur the gender direction.
* Pattern counts are fixed and words are handed out round-robin, so every word of a group
  occurs about equally often. Filler sentences (2–4 words) take up the rest, so the corpus
  has exactly the sizes the book was written around.

The only randomness is the order in which the round-robins hand out words and the order of
the final sentences; it comes from SEED, so every run writes the same files.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

SENTENCES, TOKENS, WORDS = 545, 1751, 96   # the sizes the book quotes
SEED = 65

# word -> group, in the order the book sorts by (related groups next to each other).
GROUPS = {
    "royalty": ["king", "queen", "prince", "princess", "crown", "throne", "palace", "castle"],
    "people": ["man", "woman", "boy", "girl", "child", "baby"],
    "family": ["father", "mother", "son", "daughter", "uncle", "aunt"],
    "animals": ["dog", "cat", "horse", "cow", "sheep", "pig", "bird", "duck", "mouse", "goat", "hen", "fox"],
    "food": ["bread", "cheese", "apple", "rice", "soup", "cake", "egg", "meat", "milk", "tea", "fish", "butter"],
    "colours": ["red", "blue", "green", "yellow", "white", "black", "brown", "gold", "pink", "grey"],
    "places": ["farm", "house", "school", "garden", "park", "river", "forest", "market"],
    "capitals": ["paris", "rome", "berlin", "madrid", "tokyo", "london"],
    "countries": ["france", "italy", "germany", "spain", "japan", "england"],
    "languages": ["french", "italian", "german", "spanish", "japanese", "english"],
    "verbs": ["is", "speaks", "eats", "drinks", "runs", "sleeps", "swims", "plays", "works", "cooks"],
    "function words": ["the", "and", "he", "she", "his", "her"],
}

# a : b :: c : d, with the context words that carry each relation.
ANALOGIES = [
    ("king", "queen", "man", "woman"),         # gender: he/his vs she/her; grown-ups both (works)
    ("father", "mother", "son", "daughter"),   # gender; son and daughter both play
    ("man", "boy", "woman", "girl"),           # age: works vs plays; gender: he/his vs she/her
    ("paris", "france", "rome", "italy"),      # nation: "rome speaks italian", "italy speaks italian"
    ("berlin", "germany", "tokyo", "japan"),   # capital vs country: each coordinated with its own kind
]

MALE = ["king", "prince", "man", "boy", "father", "son", "uncle"]
FEMALE = ["queen", "princess", "woman", "girl", "mother", "daughter", "aunt"]
GROWN_UP = {"king", "queen", "man", "woman", "father", "mother", "uncle", "aunt"}   # the rest are young
PRONOUN = {**{w: "he" for w in MALE}, **{w: "she" for w in FEMALE}}
POSSESSIVE = {**{w: "his" for w in MALE}, **{w: "her" for w in FEMALE}}
NATIONS = list(zip(GROUPS["capitals"], GROUPS["countries"], GROUPS["languages"]))
ACTIONS = ["eats", "drinks", "runs", "sleeps", "swims", "cooks", "plays", "works"]   # verbs used with he/she

# How many sentences each pattern contributes; the fillers are added by generate().
COUNTS = {
    "royal_pair": 30, "royal_things": 16, "royal_his": 20,
    "people_pair": 30, "people_his": 12,
    "family_pair": 30, "family_poss": 12, "family_his": 14,
    "gender_is": 42, "age": 28,
    "animal_pair": 30, "animal_list": 8, "food_pair": 30, "food_list": 8,
    "colour_pair": 26, "colour_list": 6, "place_pair": 22, "place_list": 4,
    "capital_pair": 20, "capital_list": 2, "country_pair": 20, "country_list": 2,
    "nation_speaks": 44, "language_speaks": 20,
    "action": 20,
}
# Patterns of 2, 3 and 4 words that absorb the exact-size adjustment (see generate()).
FILLERS = {2: "action", 3: "filler_pair", 4: "action_pair"}


class RoundRobin:
    """Hands out items in rounds: each round is the whole list in a fresh seeded order."""

    def __init__(self, items, r: random.Random):
        self.items, self.r, self.queue = list(items), r, []

    def __call__(self):
        if not self.queue:
            self.queue = self.items[:]
            self.r.shuffle(self.queue)
        return self.queue.pop()


class Several(RoundRobin):
    """n different words of one group at a time (2 by default), each word used equally often."""

    def __call__(self, n: int = 2):
        words = []
        while len(words) < n:
            w = super().__call__()
            if w in words:                 # only possible at the seam between two rounds
                self.queue.insert(0, w)
                continue
            words.append(w)
        return words


def patterns(r: random.Random) -> dict:
    """Every pattern as a function that returns one sentence (a list of words)."""
    G = GROUPS
    one = lambda words: RoundRobin(words, r)
    several = lambda words: Several(words, r)
    both_orders = lambda *pairs: RoundRobin([p for a, b in pairs for p in ((a, b), (b, a))], r)
    coord = lambda words: [x for w in words for x in ("and", w)][1:]   # "a and b", "a and b and c"

    # same-gender pairs inside each group (see the module docstring for why not king and queen)
    royal_pairs = both_orders(("king", "prince"), ("queen", "princess"))
    people_pairs = both_orders(("man", "boy"), ("woman", "girl"), ("child", "baby"))
    family_pairs = both_orders(("father", "son"), ("mother", "daughter"), ("father", "uncle"),
                               ("mother", "aunt"), ("son", "uncle"), ("daughter", "aunt"))
    royals, royal_things, royal_things2 = one(G["royalty"][:4]), one(G["royalty"][4:]), several(G["royalty"][4:])
    grown_or_young, little = one(["man", "woman", "boy", "girl"]), one(["child", "baby"])
    family, relatives, his_or_her = one(G["family"]), one(G["family"]), one(["his", "her"])
    gendered, gendered2 = one(MALE + FEMALE), one(MALE + FEMALE)
    plain = {g: several(G[g]) for g in ("animals", "food", "colours", "places", "capitals", "countries")}
    filler_groups = one(["animals", "food", "colours", "places"])
    nations, capital_or_country, languages = one(NATIONS), one([0, 1]), one(G["languages"])
    he_or_she, actions, actions2 = one(["he", "she"]), one(ACTIONS), several(ACTIONS)

    return {
        # royalty: "king and prince", "crown and throne"; "the queen and her crown" ties the
        # royals to their things and puts his/her next to them
        "royal_pair": lambda: coord(royal_pairs()),
        "royal_things": lambda: coord(royal_things2()),
        "royal_his": lambda: (lambda w: ["the", w, "and", POSSESSIVE[w], royal_things()])(royals()),
        # people: "man and boy", "child and baby"; "the woman and her baby"
        "people_pair": lambda: coord(people_pairs()),
        "people_his": lambda: (lambda w: ["the", w, "and", POSSESSIVE[w], little()])(grown_or_young()),
        # family: "mother and daughter"; family words follow a possessive: "his aunt";
        # "the father and his son"
        "family_pair": lambda: coord(family_pairs()),
        "family_poss": lambda: [his_or_her(), family()],
        "family_his": lambda: (lambda w: ["the", w, "and", POSSESSIVE[w], relatives()])(family()),
        # gender and age, shared by royalty, people and family: "she is the queen",
        # "the king works" (grown-ups work), "the prince plays" (the young play)
        "gender_is": lambda: (lambda w: [PRONOUN[w], "is", "the", w])(gendered2()),
        "age": lambda: (lambda w: ["the", w, "works" if w in GROWN_UP else "plays"])(gendered()),
        # plain groups: coordination of two or three words, nothing else
        "animal_pair": lambda: coord(plain["animals"]()),
        "animal_list": lambda: coord(plain["animals"](3)),
        "food_pair": lambda: coord(plain["food"]()),
        "food_list": lambda: coord(plain["food"](3)),
        "colour_pair": lambda: coord(plain["colours"]()),
        "colour_list": lambda: coord(plain["colours"](3)),
        "place_pair": lambda: coord(plain["places"]()),
        "place_list": lambda: coord(plain["places"](3)),
        # capitals and countries: each coordinated with its own kind ("paris and rome",
        # "france and spain"), and both "speak" their nation's language
        "capital_pair": lambda: coord(plain["capitals"]()),
        "capital_list": lambda: coord(plain["capitals"](3)),
        "country_pair": lambda: coord(plain["countries"]()),
        "country_list": lambda: coord(plain["countries"](3)),
        "nation_speaks": lambda: (lambda n: [n[capital_or_country()], "speaks", n[2]])(nations()),
        # languages are NOT coordinated with each other ("french and german" would make french
        # a context of german, and so of berlin's neighbourhood); people speak them instead
        "language_speaks": lambda: [he_or_she(), "speaks", languages()],
        # verbs: a pronoun and one or two actions, "she swims", "he eats and drinks"
        "action": lambda: [he_or_she(), actions()],
        "action_pair": lambda: [he_or_she(), *coord(actions2())],
        "filler_pair": lambda: coord(plain[filler_groups()]()),
    }


def generate(seed: int | None = None) -> list[str]:
    """The corpus as a list of sentences: COUNTS of each pattern, then fillers to exact size."""
    r = random.Random(SEED if seed is None else seed)
    make = patterns(r)
    sentences = [make[name]() for name, n in COUNTS.items() for _ in range(n)]
    # Exact-size adjustment: fill the sentences still missing with x sentences of n words
    # and y sentences of n + 1 words, where x + y = sentences missing and
    # n·x + (n + 1)·y = tokens missing (n is 2 or 3, whichever makes x and y non-negative).
    missing_s = SENTENCES - len(sentences)
    missing_t = TOKENS - sum(map(len, sentences))
    n = min(max(missing_t // missing_s, 2), 3)
    y = missing_t - n * missing_s
    x = missing_s - y
    assert x >= 0 and y >= 0, f"COUNTS leave {missing_s} sentences and {missing_t} tokens: cannot fill"
    sentences += [make[FILLERS[n]]() for _ in range(x)] + [make[FILLERS[n + 1]]() for _ in range(y)]
    r.shuffle(sentences)
    return [" ".join(s) for s in sentences]


def main(folder: str) -> None:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    sentences = generate()
    words = [w for ws in GROUPS.values() for w in ws]
    used = {w for s in sentences for w in s.split()}
    assert len(words) == len(set(words)) == WORDS, "every word must be in exactly one group"
    assert used == set(words), (set(words) - used, used - set(words))
    assert len(sentences) == SENTENCES and sum(len(s.split()) for s in sentences) == TOKENS
    assert all(w in used for test in ANALOGIES for w in test)
    (out / "sentences.txt").write_text("\n".join(sentences) + "\n", encoding="utf-8")
    (out / "groups.tsv").write_text("".join(f"{w}\t{g}\n" for g, ws in GROUPS.items() for w in ws), encoding="utf-8")
    (out / "analogies.txt").write_text("".join(" ".join(t) + "\n" for t in ANALOGIES), encoding="utf-8")
    print(f"{out}: {len(sentences)} sentences, {sum(len(s.split()) for s in sentences)} tokens, {len(used)} words")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "corpus")
