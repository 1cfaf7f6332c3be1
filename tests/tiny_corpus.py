"""A tiny corpus the engine and CLI tests train on: 32 sentences, 16 words in 4 groups,
5 analogies and a 400-step recipe, so a run takes well under a second."""

from __future__ import annotations

from pathlib import Path

TINY_GROUPS = {"animal": ["cat", "dog", "cow", "pig"], "colour": ["red", "blue", "green", "pink"],
               "verb": ["eats", "sees", "likes", "wants"], "place": ["park", "farm", "town", "lake"]}
TINY_TOML = "steps = 400\ndim = 4\ncheckpoint_every = 100\nsnapshots = 5\nneighbors_k = 3\n"
TINY_ANALOGIES = ("cat dog red blue\ncow pig green pink\neats sees park farm\n"
                  "likes wants town lake\ncat cow eats likes\n")


def write_tiny(folder: Path, toml: str = TINY_TOML) -> Path:
    """Write the tiny corpus (with `toml` as its train.toml) into `folder` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    a, c, v, p = TINY_GROUPS.values()
    lines = [f"{a[i % 4]} {v[(i // 4) % 4]} {c[(i * 3) % 4]} {p[(i * 5 + 1) % 4]}" for i in range(32)]
    (folder / "sentences.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "groups.tsv").write_text("".join(f"{w}\t{g}\n" for g, ws in TINY_GROUPS.items() for w in ws))
    (folder / "analogies.txt").write_text(TINY_ANALOGIES)
    (folder / "train.toml").write_text(toml, encoding="utf-8")
    return folder
