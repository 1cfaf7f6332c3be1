"""The chapter "Training journey" without a browser: its figures carry the run's data in the
expected shapes, its corpus evidence is true of the corpus, and every number the built page
states is the one the recorded run gives.
"""

from __future__ import annotations

import html
import re

import numpy as np
import pytest
from bokeh.models import CustomJS

import w2v
from w2v import analysis
from w2v.book import journey as chapter
from w2v.evidence import EvidenceIndex, evidence_table, neighbor_pairs, sharing_rates
from w2v.book.figures.journey import (analogy_scorecard, loss_curve, neighbour_evolution, running_mean, spread_ties,
                               weight_animation, word_convergence)

PAGE = "book/journey.html"
FIGURES = ("loss-curve", "neighbour-evolution", "analogy-scorecard", "word-convergence", "weight-animation")


def source(layout, name):
    found = layout.select_one({"name": name})
    assert found is not None, f"no model named {name!r}"
    return found.data


@pytest.fixture(scope="module")
def run(book_run):
    return book_run


@pytest.fixture(scope="module")
def evidence(run):
    return evidence_table(run.corpus, run.config.window, neighbor_pairs(run.neighbors))


@pytest.fixture(scope="module")
def page_text(book_html):
    raw = (book_html / PAGE).read_text(encoding="utf-8")
    body = re.sub(r"<script.*?</script>", " ", raw, flags=re.S)
    body = re.sub(r"</?(span|em|strong|code)\b[^>]*>", "", body)      # inline: glued values sit in spans
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


# ------------------------------------------------------------------ figure data

def test_loss_curve_data(run):
    V = run.corpus.vocab_size
    p = loss_curve(run.losses, V, run.config.checkpoint_every, every=5)
    assert p.yaxis[0].axis_label == "loss = −ln p[context]"          # as in the walkthrough
    assert p.legend and all(legend in p.above for legend in p.legend)  # off the data
    steps = source(p, "journey-loss-steps")
    mean = source(p, "journey-loss-mean")
    n = -(-run.config.steps // 5)
    assert len(steps["step"]) == len(mean["step"]) == n
    np.testing.assert_allclose(steps["loss"], run.losses[::5], atol=1e-4)
    window = run.config.checkpoint_every
    np.testing.assert_allclose(mean["loss"], running_mean(run.losses, window)[::5], atol=1e-4)
    # the running mean at step t is the mean of the `window` steps up to t
    t = int(steps["step"][-1])
    assert mean["loss"][-1] == pytest.approx(run.losses[t - window + 1: t + 1].mean(), abs=1e-4)


def test_running_mean():
    np.testing.assert_allclose(running_mean(np.array([1.0, 3.0, 5.0, 7.0]), 2), [1, 2, 4, 6])


def test_neighbour_evolution_data(run, evidence):
    C, V, k = run.neighbors.shape
    corpus = run.corpus
    assert C == len(run.checkpoint_steps) and V == corpus.vocab_size
    layout = neighbour_evolution(corpus, run.checkpoint_steps, run.neighbors, run.neighbor_cosines, evidence,
                                 run.config.window, corpus.vocab[0])
    data = source(layout, "journey-neighbour-data")
    assert len(data["ids"]) == len(data["cos"]) == C * V * k
    np.testing.assert_array_equal(np.asarray(data["ids"]).reshape(C, V, k), run.neighbors)
    np.testing.assert_allclose(np.asarray(data["cos"]).reshape(C, V, k), run.neighbor_cosines, atol=1e-4)
    bars = source(layout, "journey-neighbours")
    assert bars["word"] == [corpus.vocab[i] for i in run.neighbors[-1, 0]]
    # the title is there from the start, so the layout leaves room for it
    title = layout.select_one({"name": "journey-neighbour-bars"}).title.text
    assert corpus.vocab[0] in title and f"step {run.config.steps:,}" in title
    average = source(layout, "journey-purity-average")
    assert len(average["step"]) == C
    assert average["share"][-1] == pytest.approx(analysis.neighbor_purity(run.neighbors[-1], corpus.word_group), abs=1e-4)
    picker = layout.select_one({"name": "journey-picker"})
    assert sorted(w for ws in picker.options.values() for w in ws) == sorted(corpus.vocab)
    # every word offered: the script reads a word's row of the data through the identity
    update = next(m for m in layout.references() if isinstance(m, CustomJS) and "rows" in m.args)
    assert update.args["rows"] == list(range(V))
    slider = layout.select_one({"name": "journey-slider"})
    assert (slider.start, slider.end) == (0, C - 1)
    # every pair that is ever a neighbour has its evidence on the page, and only once
    assert len(evidence) == len(neighbor_pairs(run.neighbors))
    for w in range(V):
        for n in run.neighbors[:, w].ravel():
            assert f"{min(w, n)},{max(w, n)}" in evidence


def test_evidence_is_true_of_the_corpus(run):
    corpus, window = run.corpus, run.config.window
    index = EvidenceIndex(corpus, window)
    checked = 0
    for w in range(corpus.vocab_size):
        for n in run.neighbors[-1, w, :2]:
            a, b = corpus.vocab[w], corpus.vocab[int(n)]
            e = index.pair(w, int(n))
            for s in e.together:                             # the two really stand in one window
                tokens = corpus.sentences[s]
                assert any(tokens[i] == a and b in tokens[max(0, i - window): i + window + 1]
                           for i in range(len(tokens)))
            assert len(e.shared) <= 5 and len(e.together) <= 3 and e.n_shared >= len(e.shared)
            for c, sa, sb in e.examples:                     # each example shows the shared word near each
                c = corpus.vocab[c]
                assert c in e_words(e, corpus)
                for s, word in ((sa, a), (sb, b)):
                    tokens = corpus.sentences[s]
                    assert any(tokens[i] == word and c in tokens[max(0, i - window): i + window + 1]
                               for i in range(len(tokens)))
            checked += 1
    assert checked == 2 * corpus.vocab_size


def e_words(e, corpus):
    return [corpus.vocab[c] for c in e.shared]


def test_analogy_scorecard_data(run):
    C, A = run.analogy_ranks.shape
    assert A == len(run.corpus.analogies) == 5 and C == len(run.checkpoint_steps)
    layout = analogy_scorecard(run.corpus, run.checkpoint_steps, run.analogy_answers, run.analogy_ranks)
    grid = source(layout, "journey-analogy-grid")
    assert len(grid["step"]) == C * A
    assert sum(r == "right" for r in grid["result"]) == int(run.analogy_correct.sum())
    score = source(layout, "journey-analogy-score")
    np.testing.assert_array_equal(score["score"], run.analogy_correct.sum(axis=1))


def test_spread_ties_moves_only_sideways_and_only_crowded_points():
    x = np.array([7, 7, 7, 8, 100, 7])
    y = np.array([1, 1, 1, 1, 1, 2])
    gap = 0.04
    offsets = spread_ties(x, y, gap)
    shown = np.log10(x) + offsets
    crowded = np.sort(shown[:4])
    assert np.all(np.diff(crowded) >= gap - 1e-9)              # no two closer than the gap
    assert shown[:4].mean() == pytest.approx(np.log10(x[:4]).mean())   # centred on the true values
    assert offsets[4] == offsets[5] == 0                      # a point with room stays put


def test_word_convergence_data(run):
    corpus = run.corpus
    V = corpus.vocab_size
    conv = analysis.convergence_step(run.W_checkpoints, run.checkpoint_steps)
    cosine = analysis.cosine_to_final(run.W_checkpoints)
    gap = 0.04
    spread = spread_ties(corpus.counts, conv, gap)
    assert np.abs(spread).max() < 0.15                        # a little sideways: under 0.15 decade
    picked = [0, V - 1]
    layout = word_convergence(corpus, run.checkpoint_steps, conv, cosine, picked, spread)
    dots = source(layout, "journey-convergence-words")
    assert len(dots["word"]) == V
    np.testing.assert_array_equal(dots["conv"], conv)        # drawn at the true step: y never moves
    np.testing.assert_array_equal(dots["count"], corpus.counts)   # the hover's count is the true one
    shown = np.log10(np.asarray(dots["x"], dtype=float))
    np.testing.assert_allclose(shown, np.log10(corpus.counts) + spread, atol=1e-5)
    for step in np.unique(conv):                              # no dot hides another at the same step
        assert np.all(np.diff(np.sort(shown[conv == step])) >= gap - 1e-4)
    for i in picked:
        curve = source(layout, f"journey-cosine-{corpus.vocab[i]}")
        assert len(curve["step"]) == len(run.checkpoint_steps)
        np.testing.assert_allclose(curve["cos"], cosine[:, i], atol=1e-4)
        assert curve["cos"][-1] == pytest.approx(1.0, abs=1e-4)
        # the curve shows the definition: at or above the threshold from the convergence step on
        at = list(run.checkpoint_steps).index(conv[i])
        assert min(curve["cos"][at:]) >= analysis.CONVERGED_COSINE - 1e-4
        if at > 0:
            assert curve["cos"][at - 1] < analysis.CONVERGED_COSINE
    threshold = layout.select_one({"name": "journey-cosine-threshold"}).data_source.data
    assert list(threshold["y"]) == [analysis.CONVERGED_COSINE] * 2           # the definition, dashed


def test_weight_animation_data(run):
    S, V, D = run.W_snapshots.shape
    assert S == 10 and V == run.corpus.vocab_size
    order = analysis.group_order(run.corpus.word_group)
    layout = weight_animation(run.corpus, run.snapshot_steps, run.W_snapshots, order)
    snaps = source(layout, "journey-weight-snapshots")
    assert len(snaps["v"]) == S * V * D
    np.testing.assert_allclose(np.asarray(snaps["v"]).reshape(S, V, D), run.W_snapshots[:, order], atol=1e-4)
    cells = source(layout, "journey-weight-cells")
    assert len(cells["v"]) == V * D
    from bokeh.models import LinearColorMapper

    mapper = layout.select_one({"type": LinearColorMapper})
    assert mapper.low == -mapper.high == pytest.approx(-np.abs(run.W_snapshots).max())   # one range, all steps
    slider = layout.select_one({"name": "journey-weight-slider"})
    assert (slider.start, slider.end, slider.value) == (0, S - 1, 0)
    # a large vocabulary draws only the heatmaps' budget of words (at V = 4,384 the animation's
    # script was 0.96 MB compressed): the cells and snapshots are those words' only
    part = order[::3]
    small = weight_animation(run.corpus, run.snapshot_steps, run.W_snapshots, part)
    np.testing.assert_allclose(np.asarray(source(small, "journey-weight-snapshots")["v"]).reshape(S, len(part), D),
                               run.W_snapshots[:, part], atol=1e-4)
    assert len(source(small, "journey-weight-cells")["x"]) == len(part) * D


# ------------------------------------------------------------------ the built page

def test_page_has_every_figure_and_anchor(book_html, run):
    """Every figure, and its anchor; on a text without analogies.txt, no empty grid of analogy
    answers but a sentence that says there is none to draw."""
    raw = (book_html / PAGE).read_text(encoding="utf-8")
    for name in FIGURES:
        assert f'id="{name}"' in raw, f"no MyST target ({name})="
        drawn = bool(run.corpus.analogies) or name != "analogy-scorecard"
        assert raw.count(f'id="fig-{name}"') == drawn, name
    assert ("has no analogy tests (no <code" in raw) == (not run.corpus.analogies)
    # 1 MB on the book's corpus; 2.5 MB on a reader's (W2V_CORPUS), as tests/test_html.py allows
    assert len(raw.encode()) <= (1_000_000 if w2v.ON_BOOK_CORPUS else 2_500_000), f"{PAGE} is {len(raw.encode())} bytes"


def test_glued_numbers_come_from_the_run(run, page_text):
    corpus, config = run.corpus, run.config
    window = config.checkpoint_every
    expect = [f"{run.losses[:window].mean():.2f}", f"{run.losses[-window:].mean():.2f}"]
    purity = [analysis.neighbor_purity(n, corpus.word_group, 3) for n in run.neighbors]
    expect += [f"{100 * purity[0]:.0f}%", f"{100 * purity[-1]:.0f}%"]
    conv = analysis.convergence_step(run.W_checkpoints, run.checkpoint_steps)
    from scipy.stats import spearmanr  # as the chapter computes it

    rho = spearmanr(corpus.counts, conv).statistic
    expect += [f"{rho:.2f}", f"step {int(conv.min()):,}", f"step {int(conv.max()):,}"]
    score = run.analogy_correct.sum(axis=1)
    expect += [f"{int(score[0])} of {len(corpus.analogies)} right", f"best score during training is {int(score.max())}"]
    contrast = [analysis.block_contrast(W, corpus.word_group) for W in run.W_snapshots]
    # no groups.tsv: nothing to contrast (NaN), which the page prints as "—"
    shown = ["\u2014" if np.isnan(x) else f"{x:.2f}".replace("-", "\u2212") for x in (contrast[0], contrast[-1])]
    expect += shown + [f"{np.abs(run.W_snapshots[-1]).max():.2f}"]
    text = page_text
    for value in expect:
        assert value in text, f"{value!r} is not on the page"


def test_threshold_sentences_match_the_run(run, page_text):
    corpus = run.corpus
    purity = np.array([analysis.neighbor_purity(n, corpus.word_group, 3) for n in run.neighbors])
    half = int(run.checkpoint_steps[np.flatnonzero(purity >= 0.5)[0]])
    assert f"first reaches 50% at step {half:,}" in page_text
    score = run.analogy_correct.sum(axis=1)
    A = len(corpus.analogies)
    assert f"answers {int(score[0])} of {A} right, and at the end {int(score[-1])}" in page_text


def test_prose_states_what_the_run_shows(run, page_text):
    corpus, config = run.corpus, run.config
    V = corpus.vocab_size
    text = page_text
    # thousands separated, and no bare 4+-digit number about the run in the prose
    assert f"{config.steps:,} steps of plain SGD" in text
    prose = text[text.index("The book trains one skip-gram"):]
    assert not re.search(rf"\b{config.steps}\b", prose)
    assert "top-3" not in text and "one half" not in text
    # the evidence: the shares of final pairs that do and do not co-occur
    index = EvidenceIndex(corpus, config.window)
    final = [(w, int(n)) for w in range(V) for n in run.neighbors[-1, w]]
    apart = [p for p in final if index.pair(*p).n_together == 0]
    assert f"{100 * len(apart) / len(final):.0f}% never stand in each other" in text
    rates = sharing_rates(index, apart)
    assert f"{100 * rates['all_any']:.0f}% of all pairs of words in the vocabulary do" in text
    assert (f"{100 * rates['pairs_specific']:.0f}% still share a context word, against "
            f"{100 * rates['all_specific']:.0f}% of all pairs of words") in text
    # the analogy in a : b :: c : d notation; a text without analogies.txt names none
    right = (run.analogy_ranks == 1).sum(axis=0)
    if corpus.analogies:
        a, b, c, _ = corpus.analogies[int(np.argmax(right))]
        assert f"{a} : {b} :: {c} : ?" in text
    else:
        assert "the most stable, \u2014 : \u2014 :: \u2014 : ?" in text
        # and the note under the paragraph says why every score there is 0
        assert "there is no test to answer: every score here is 0 and no test is the most stable" in text
    # convergence: every word tied at the first step, the picked words, the verdict
    conv = analysis.convergence_step(run.W_checkpoints, run.checkpoint_steps)
    first = [corpus.vocab[i] for i in np.flatnonzero(conv == conv.min())]
    assert f"step {int(conv.min()):,} ({' and '.join(first) if len(first) <= 2 else ''}" in text
    lowest = int(corpus.counts.min())
    assert f"({lowest} occurrence{'s' if lowest != 1 else ''}, the lowest count)" in text
    frequent = int(np.argmax(corpus.counts))
    assert f"the most frequent word, {corpus.vocab[frequent]} ({int(corpus.counts[frequent]):,} occurrences)" in text
    from scipy.stats import spearmanr

    rho = spearmanr(corpus.counts, conv).statistic
    assert f"Common words settle later: the Spearman correlation between frequency and convergence step is {rho:.2f}" in text
    assert f"dashed line is the threshold {analysis.CONVERGED_COSINE}" in text


def test_sharing_rates_base_rate(tmp_path):
    from tiny_corpus import write_tiny
    from w2v.corpus import load_corpus

    corpus = load_corpus(write_tiny(tmp_path / "tiny"))
    index = EvidenceIndex(corpus, 1)
    V = corpus.vocab_size
    every = [(a, b) for a in range(V) for b in range(a + 1, V)]
    rates = sharing_rates(index, every, n_common=1)
    # over every pair, the pair rates are the base rates, and leaving words out can only lower them
    assert rates["pairs_any"] == rates["all_any"] and rates["pairs_specific"] == rates["all_specific"]
    assert 0 <= rates["all_specific"] <= rates["all_any"] <= 1
    assert rates["common_words"] == [corpus.vocab[int(np.argsort(-corpus.counts, kind="stable")[0])]]
    # brute force from the sentences: do a and b have a third word within one position?
    near = [set() for _ in range(V)]
    for s in corpus.sentences:
        for i, w in enumerate(s):
            for j in (i - 1, i + 1):
                if 0 <= j < len(s):
                    near[corpus.index[w]].add(corpus.index[s[j]])
    brute = np.mean([bool((near[a] & near[b]) - {a, b}) for a, b in every])
    assert rates["all_any"] == pytest.approx(brute)


def test_sharing_rates_grow_linearly_with_the_vocabulary(tmp_path):
    """The base rate over every pair of words is counted by blocks: at V = 1,500 words the old
    (pairs × V) boolean arrays took 1.7 GB each (7.7 GB in the journey's kernel at V = 2,000 real
    words); now what is allocated stays far below one V × V array of int64 (18 MB here)."""
    import tracemalloc

    from w2v.corpus import load_corpus

    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(1_500)]
    lines = [" ".join(words[i: i + 10]) for i in range(0, len(words), 10)]   # every word occurs
    lines += [" ".join(rng.choice(words, 8)) for _ in range(1_500)]
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "sentences.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    corpus = load_corpus(tmp_path / "c")
    index = EvidenceIndex(corpus, 2)
    pair_list = [(w, (w + 1) % corpus.vocab_size) for w in range(corpus.vocab_size)]
    tracemalloc.start()
    rates = sharing_rates(index, pair_list)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert corpus.vocab_size == 1_500 and 0 < rates["all_specific"] <= rates["all_any"] < 1
    assert peak < 100e6, f"{peak / 1e6:.0f} MB"

def test_what_answers_each_test_table_is_the_diagnostics_of_the_seed_runs(book_html, page_text):
    """The scorecard's verdict per test (the offset or neither) is w2v.analysis.analogy_diagnostics over
    the seed runs, and the prose names the tests the offset answers; a text without analogies.txt
    gets one stand-in test of its four most frequent words (its note says so)."""
    import w2v
    from w2v import seeds

    runs = seeds.seed_runs(w2v.BOOK_CORPUS)
    corpus = runs[0].corpus
    analogies = chapter.offset_tests(corpus)
    tests = np.array([corpus.ids(test) for test in analogies])
    found = analysis.analogy_diagnostics(np.stack([r.W for r in runs]), tests)
    raw = (book_html / PAGE).read_text(encoding="utf-8")
    table = raw[raw.index('id="what-answers-table"'):]
    table = table[:table.index("</table>")]
    rows = [re.sub(r"<[^>]+>", "|", row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]]
    assert len(rows) == len(analogies)
    if not corpus.analogies:
        assert "a stand-in test of its four most frequent words" in page_text
    for t, (row, test) in enumerate(zip(rows, analogies)):
        cells = [html.unescape(c).strip() for c in row.split("|") if c.strip()]
        assert cells == ["{} : {} :: {} : {}".format(*test), str(found["right_count"][t]),
                         str(found["nearest_of_c_count"][t]), str(found["nearest_of_b_count"][t]),
                         f"{found['offset_cos_median'][t]:.2f}", f"{found['cos_ac_median'][t]:.2f}",
                         f"{found['cos_bd_median'][t]:.2f}",
                         "the offset" if found["by_offset"][t] else "neither"], cells
    assert f"The offset answers {int(found['by_offset'].sum())} of the tests" in page_text


def test_what_it_takes_table_is_the_diagnostics_of_the_bigger_runs(book_html, page_text):
    """"What it would take" shows the test the recipe does not answer by the offset under the recipe
    and under w2v.seeds.bigger_runs, from the same analogy_diagnostics, and the prose glues them."""
    import w2v
    from w2v import seeds

    corpus = w2v.book_run().corpus
    analogies = chapter.offset_tests(corpus)   # a stand-in test without analogies.txt
    tests = np.array([corpus.ids(test) for test in analogies])
    seed_list = seeds.seed_runs(w2v.BOOK_CORPUS)
    small = analysis.analogy_diagnostics(np.stack([r.W for r in seed_list]), tests)
    # no bigger runs for a text without analogy tests: the table has the recipe's row only, and the note says why
    big_runs = seeds.bigger_runs(w2v.BOOK_CORPUS) if corpus.analogies else []
    big = analysis.analogy_diagnostics(np.stack([r.W for r in big_runs]), tests) if big_runs else None
    t = chapter.weakest_test(small)
    raw = (book_html / PAGE).read_text(encoding="utf-8")
    table = raw[raw.index('id="what-it-takes-table"'):]
    table = table[:table.index("</table>")]
    rows = [re.sub(r"<[^>]+>", "|", row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]]
    n = len(seed_list)
    shown = [(small, w2v.book_run().config)] + ([(big, big_runs[0].config)] if big_runs else [])
    for row, (found, config) in zip(rows, shown, strict=True):
        cells = [html.unescape(c).strip() for c in row.split("|") if c.strip()]
        assert cells == [f"{config.dim} dimensions × {config.steps:,} steps", f"{found['right_count'][t]} of {n}",
                         str(found["nearest_of_c_count"][t]), str(found["nearest_of_b_count"][t]),
                         f"{found['offset_cos_median'][t]:.2f}", f"{found['cos_ac_median'][t]:.2f}",
                         "the offset" if found["by_offset"][t] else "neither"], cells
    if not big_runs:
        assert "no bigger runs are trained" in page_text
        return
    assert (f"With the bigger model 3CosAdd is right in {big['right_count'][t]} of {n} runs" in page_text)
    assert f"is already {corpus.analogies[t][3]} in {big['nearest_of_c_count'][t]} of those runs" in page_text
