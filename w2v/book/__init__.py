"""The book layer: every chapter's Python in two files named after it, on top of the engine (w2v).

A chapter (book/<chapter>.md) imports its facts, exercise answers and page data from
`w2v.book.<chapter>` and its figures from `w2v.book.figures.<chapter>`; its hidden cells glue what
they return and check its claims (`Claims`). The arrows point one way: chapters → w2v.book →
engine; the engine imports nothing from here, nor Bokeh (tests/test_layers.py), so editing this
layer retrains no run (w2v.train.ENGINE_FILES).

| chapter | facts and exercises | figures |
| --- | --- | --- |
| book/index.md, "Word2Vec: Inside the Model" | `index` | (none) |
| book/corpus.md, "The corpus" | `corpus` | `figures.corpus` |
| book/blueprint.md, "Model blueprint" | `blueprint` (a note per line of model.py) | `figures.blueprint` |
| book/walkthrough.md, "One training step" | `walkthrough` (and the page's data) | `figures.walkthrough` |
| book/journey.md, "Training journey" | `journey` | `figures.journey`, `figures.maps` |
| book/counts.md, "What the model is fitting" | `counts` | `figures.counts` |
| book/negative-sampling.md, "Two ways around the softmax" | `negative_sampling` | `figures.negative_sampling` |
| book/weights.md, "Inside the weights" | `weights` | `figures.weights` |
| book/two-faces.md, "Two faces of every word" | `two_faces` | `figures.two_faces`, `figures.maps` |
| book/playground.md, "Your turn" | `playground` (the page's data) | `figures.playground` |

Shared, in the open: `kit` (Claims, html_table, PageHTML and the measures several chapters'
exercises read) and `figures` itself (colours, the one way a figure reaches a page: `embed`, the
room a figure keeps). book/references.md has no code.
"""
