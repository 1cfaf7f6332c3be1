"""The corpus: the repository's corpus/ has the sizes the book states, and `w2v.pairs` is right.

Nothing here names a word of the real corpus (it is being redesigned); words come from the data.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import w2v
from w2v.corpus import CorpusError, is_bare_list, load_corpus, pairs, writing_facts

N_SENTENCES, N_WORDS, N_TOKENS = 545, 96, 1_751


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(w2v.BOOK_CORPUS)


def write_corpus(folder: Path, sentences: str, groups: str | None = None, analogies: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sentences.txt").write_text(sentences, encoding="utf-8")
    if groups is not None:
        (folder / "groups.tsv").write_text(groups, encoding="utf-8")
    if analogies is not None:
        (folder / "analogies.txt").write_text(analogies, encoding="utf-8")
    return folder


# ---------------------------------------------------------------- the repository's corpus

def test_sizes(corpus):
    assert len(corpus.sentences) == N_SENTENCES
    assert corpus.vocab_size == N_WORDS
    assert corpus.n_tokens == N_TOKENS


def test_sizes_from_the_raw_file():
    """The same sizes counted straight from sentences.txt, without the reader."""
    lines = [line for line in (w2v.BOOK_CORPUS / "sentences.txt").read_text("utf-8").splitlines() if line.strip()]
    tokens = [w for line in lines for w in line.split()]
    assert (len(lines), len(set(tokens)), len(tokens)) == (N_SENTENCES, N_WORDS, N_TOKENS)


def test_counts_and_index_agree(corpus):
    assert corpus.counts.sum() == corpus.n_tokens
    assert (corpus.counts >= 1).all()
    assert len(set(corpus.vocab)) == corpus.vocab_size
    assert all(corpus.index[w] == i for i, w in enumerate(corpus.vocab))
    freq = {}
    for sentence in corpus.sentences:
        for word in sentence:
            freq[word] = freq.get(word, 0) + 1
    assert [freq[w] for w in corpus.vocab] == corpus.counts.tolist()


def test_groups_tsv_covers_each_word_exactly_once(corpus):
    rows = [line.split("\t") for line in (w2v.BOOK_CORPUS / "groups.tsv").read_text("utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    assert all(len(r) == 2 for r in rows)
    words = [w.strip() for w, _ in rows]
    assert len(words) == len(set(words)), "a word is listed twice"
    assert set(words) == set(corpus.vocab)
    groups = {g.strip() for _, g in rows}
    assert 8 <= len(groups) <= 12
    assert corpus.has_groups and set(corpus.groups) == groups


def test_vocab_is_sorted_by_group_then_frequency(corpus):
    keys = [(int(g), -int(n)) for g, n in zip(corpus.word_group, corpus.counts)]
    assert keys == sorted(keys)
    for word in corpus.vocab:
        assert word in corpus.words_in_group(corpus.group_of(word))


def test_five_analogies_all_in_vocab(corpus):
    assert len(corpus.analogies) == 5
    for test in corpus.analogies:
        assert len(test) == 4 and len(set(test)) == 4
        assert all(w in corpus.index for w in test)
    ids = corpus.ids_of_analogies()
    assert ids.shape == (5, 4)
    assert [[corpus.vocab[i] for i in row] for row in ids] == [list(t) for t in corpus.analogies]


def query_3cosadd(test) -> tuple:
    """What 3CosAdd asks for a : b :: c : d: the word nearest b − a + c, which should be d."""
    a, b, c, d = test
    return a, frozenset((b, c)), d


def test_no_two_analogies_ask_3cosadd_the_same_question(corpus):
    """a : b :: c : d and a : c :: b : d are one question counted twice (corpus/README.md)."""
    assert query_3cosadd("man boy woman girl".split()) == query_3cosadd("man woman boy girl".split())
    queries = [query_3cosadd(test) for test in corpus.analogies]
    assert len(set(queries)) == len(queries)


def test_pairs_count_on_the_repository_corpus(corpus):
    for window in (1, 2, 3):
        expected = sum(min(len(s) - 1, i + window) - max(0, i - window)
                       for s in corpus.sentences for i in range(len(s)))
        table = pairs(corpus, window)
        assert table.shape == (expected, 4)
        assert table.dtype == np.int32
        # every row points back to the words it came from
        sent, pos = table[:, 2], table[:, 3]
        assert all(corpus.index[corpus.sentences[s][p]] == c for s, p, c in zip(sent, pos, table[:, 0]))


# ---------------------------------------------------------------- pairs on a hand-made corpus

def _named(corpus, table):
    return [(corpus.vocab[c], corpus.vocab[x], int(s), int(p)) for c, x, s, p in table]


def test_pairs_window_1_by_hand(tmp_path):
    corpus = load_corpus(write_corpus(tmp_path, "a b c d\ne f\ng\n"))
    assert _named(corpus, pairs(corpus, 1)) == [
        ("a", "b", 0, 0),
        ("b", "a", 0, 1), ("b", "c", 0, 1),
        ("c", "b", 0, 2), ("c", "d", 0, 2),
        ("d", "c", 0, 3),
        ("e", "f", 1, 0),
        ("f", "e", 1, 1),
        # "g" is alone in its sentence: no pair, and the window never crosses sentences
    ]


def test_pairs_window_2_by_hand(tmp_path):
    corpus = load_corpus(write_corpus(tmp_path, "a b c d\ne f\n"))
    assert _named(corpus, pairs(corpus, 2)) == [
        ("a", "b", 0, 0), ("a", "c", 0, 0),
        ("b", "a", 0, 1), ("b", "c", 0, 1), ("b", "d", 0, 1),
        ("c", "a", 0, 2), ("c", "b", 0, 2), ("c", "d", 0, 2),
        ("d", "b", 0, 3), ("d", "c", 0, 3),
        ("e", "f", 1, 0),
        ("f", "e", 1, 1),
    ]


def test_pairs_window_wider_than_sentence_and_repeated_words(tmp_path):
    corpus = load_corpus(write_corpus(tmp_path, "x y x\n\ny z\n"))  # blank line is skipped
    assert len(corpus.sentences) == 2
    assert _named(corpus, pairs(corpus, 10)) == [
        ("x", "y", 0, 0), ("x", "x", 0, 0),
        ("y", "x", 0, 1), ("y", "x", 0, 1),
        ("x", "x", 0, 2), ("x", "y", 0, 2),
        ("y", "z", 1, 0),
        ("z", "y", 1, 1),
    ]


def test_pairs_none_when_every_sentence_has_one_word(tmp_path):
    corpus = load_corpus(write_corpus(tmp_path, "a\nb\n"))
    assert pairs(corpus, 2).shape == (0, 4)


# ---------------------------------------------------------------- the reader's errors name file and line

@pytest.mark.parametrize("sentences, groups, analogies, where, words", [
    ("", None, None, "sentences.txt", "empty"),
    ("a a a\n", None, None, "sentences.txt", "two distinct"),
    ("a b\na  b\n", None, None, "sentences.txt:2", "single spaces"),
    ("a b c\n", "a\tg\nb\tg\n", None, "groups.tsv", "'c'"),
    ("a b c\n", "a\tg\nb\th\na\th\nc\tg\n", None, "groups.tsv:3", "first at line 1"),
    ("a b c\n", "a\tg\nb\tg\nc\tg\nq\tg\n", None, "groups.tsv:4", "'q'"),
    ("a b c d\n", None, "a b c d\n\na b c e\n", "analogies.txt:3", "'e'"),
    ("a b c d\n", None, "a b c\n", "analogies.txt:1", "four words"),
])
def test_reader_errors(tmp_path, sentences, groups, analogies, where, words):
    folder = write_corpus(tmp_path / "c", sentences, groups, analogies)
    with pytest.raises(CorpusError) as info:
        load_corpus(folder)
    message = str(info.value)
    assert "\n" not in message
    assert f"{folder / where.split(':')[0]}" in message and where in message and words in message


@pytest.mark.parametrize("start, pattern", [
    (b"", r"sentences\.txt:3: not valid UTF-8"),
    (b"\xef\xbb\xbf", r"sentences\.txt:3: not valid UTF-8 \(byte 0xff\)"),   # after a byte order mark
])
def test_reader_error_non_utf8_names_the_line_and_byte(tmp_path, start, pattern):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "sentences.txt").write_bytes(start + b"a b\nc d\ne \xff f\n")
    with pytest.raises(CorpusError, match=pattern):
        load_corpus(folder)


def test_a_byte_order_mark_is_not_part_of_the_first_word(tmp_path):
    """Some editors start a UTF-8 file with U+FEFF; it must not turn 'cat' into '\\ufeffcat'."""
    folder = write_corpus(tmp_path / "c", "\ufeffcat sees dog\ndog sees cat\n",
                          groups="\ufeffcat\tanimal\ndog\tanimal\nsees\tverb\n", analogies="\ufeffcat dog dog cat\n")
    assert (folder / "sentences.txt").read_bytes().startswith(b"\xef\xbb\xbfcat")
    corpus = load_corpus(folder)
    assert sorted(corpus.vocab) == ["cat", "dog", "sees"]
    assert corpus.sentences[0] == ["cat", "sees", "dog"]
    assert corpus.group_of("cat") == "animal" and corpus.analogies == [("cat", "dog", "dog", "cat")]


def test_windows_line_ends_are_read_as_line_ends(tmp_path):
    corpus = load_corpus(write_corpus(tmp_path / "c", "cat sees dog\r\ndog sees cat\r\n"))
    assert corpus.sentences == [["cat", "sees", "dog"], ["dog", "sees", "cat"]]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1e", "\r"])
def test_only_a_newline_ends_a_line(tmp_path, separator):
    """str.splitlines() also splits at U+2028 and friends: a sentence was cut in two, and every
    later line number in an error message was off by one (a tab on line 63 reported as :64)."""
    lines = ["cat sees dog"] * 70
    lines[62] = "cat\tsees dog"
    lines[4] = f"cat sees{separator}dog"
    folder = write_corpus(tmp_path / "c", "\n".join(lines) + "\n")
    with pytest.raises(CorpusError) as info:
        load_corpus(folder)
    assert str(info.value) == (f"{folder / 'sentences.txt'}:5: tokens must be separated by single spaces "
                               f"(found U+{ord(separator):04X})")
    lines[4] = "cat sees dog"  # without it, the tab is reported at its own line
    folder = write_corpus(tmp_path / "c", "\n".join(lines) + "\n")
    with pytest.raises(CorpusError, match=r"sentences\.txt:63: tokens must be separated by single spaces"):
        load_corpus(folder)


def test_a_line_separator_in_a_comment_does_not_shift_later_line_numbers(tmp_path):
    groups = "# animals\u2028and the verb\ncat\tanimal\ndog\tanimal\nsees\tverb\ncat\tanimal\n"
    folder = write_corpus(tmp_path / "c", "cat sees dog\n", groups=groups)
    with pytest.raises(CorpusError, match=r"groups\.tsv:5: 'cat' is listed twice \(first at line 2\)"):
        load_corpus(folder)


def test_reader_error_missing_folder(tmp_path):
    with pytest.raises(CorpusError, match="corpus folder not found"):
        load_corpus(tmp_path / "nowhere")


def test_ids_of_unknown_word(corpus):
    with pytest.raises(CorpusError, match="not in the vocabulary"):
        corpus.ids([corpus.vocab[0], "no-such-word-" + corpus.vocab[0]])


# --- how the text is written (w2v.corpus.writing_facts, tools/check_corpus.py) -------------------

@pytest.mark.parametrize("line, bare", [
    ("bread and cheese", True), ("the cat and the dog", True), ("a dog and a cat", True),
    ("he eats and drinks", False), ("he eats bread and cheese", False), ("paris is a city", False),
    ("red apple", False), ("and", False)])
def test_is_bare_list(line, bare):
    assert is_bare_list(line.split(" ")) is bare


def test_writing_facts_find_repeats_lists_and_verbs_without_complement(tmp_path):
    (tmp_path / "sentences.txt").write_text("he eats\nhe eats\nbread and cheese\nshe drinks milk\nhe eats and drinks\n")
    (tmp_path / "groups.tsv").write_text("".join(f"{w}\t{g}\n" for w, g in [
        ("he", "f"), ("she", "f"), ("and", "f"), ("eats", "verbs"), ("drinks", "verbs"), ("bread", "food"),
        ("cheese", "food"), ("milk", "food")]))
    facts = writing_facts(load_corpus(tmp_path))
    assert (facts["n_lines"], facts["n_distinct"], facts["n_repeated"], facts["n_lists"]) == (5, 4, 1, 1)
    assert facts["list_share"] == pytest.approx(20.0)
    assert facts["verbs_without_complement"] == ["eats"]   # "eats and drinks" is not a complement


def test_the_book_corpus_is_written_by_the_rules(corpus):
    """The issue's rules for the hand-written corpus: no repeated line, at most 20% bare lists,
    every verb with an object or a place somewhere."""
    facts = writing_facts(corpus)
    assert facts["n_repeated"] == 0
    assert facts["list_share"] <= 20
    assert facts["verbs_without_complement"] == []


def test_check_corpus_script(tmp_path):
    script = Path(__file__).resolve().parents[1] / "tools" / "check_corpus.py"
    ok = subprocess.run([sys.executable, str(script), "corpus"], capture_output=True, text=True,
                        cwd=Path(__file__).resolve().parents[1])
    assert ok.returncode == 0, ok.stderr
    assert "545 sentences, 96 words, 1751 tokens" in ok.stdout
    (tmp_path / "sentences.txt").write_text("the cat and the dog\nthe cat and the dog\nhe runs\n")
    bad = subprocess.run([sys.executable, str(script), str(tmp_path), "--any-size"], capture_output=True, text=True)
    assert bad.returncode == 1
    assert "'the cat and the dog' is repeated ×2" in bad.stderr
    assert "bare lists (67%)" in bad.stderr and "'runs'" not in bad.stderr   # no verbs group: no verb rule
    missing = subprocess.run([sys.executable, str(script), str(tmp_path / "nope")], capture_output=True, text=True)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_sample_sentences_prefer_real_sentences_to_lists():
    """The corpus chapter's samples show how a group's words are used, not a bare list, where the
    corpus has such a sentence; each sample holds a word of its group."""
    from w2v.book.corpus import samples_for_group

    corpus = load_corpus(w2v.BOOK_CORPUS)
    for group in corpus.groups:
        members = set(corpus.words_in_group(group))
        ids = samples_for_group(corpus, group)
        assert len(ids) == 2 and all(members & set(corpus.sentences[i]) for i in ids)
        real = [i for i, s in enumerate(corpus.sentences) if members & set(s) and not is_bare_list(s)]
        if len(real) >= 2:
            assert not any(is_bare_list(corpus.sentences[i]) for i in ids), group


def test_about_text_is_the_folders_own_account(tmp_path):
    from w2v.corpus import about_text

    (tmp_path / "ABOUT.md").write_text("\ufeff<!-- a note for editors -->\nWritten *by hand*.\n", encoding="utf-8")
    assert about_text(tmp_path) == "Written *by hand*."
    (tmp_path / "ABOUT.md").unlink()
    assert "no `ABOUT.md`" in about_text(tmp_path)


def test_about_text_shows_a_tag_as_written_and_leaves_code_alone(tmp_path):
    """A licence's "<program>" in ABOUT.md opened an element in "The corpus" that the page never
    closed (html-validate: 21 errors on the licence texts' build)."""
    from markdown_it import MarkdownIt

    from w2v.corpus import about_text

    (tmp_path / "ABOUT.md").write_text("Run <program> on a <b>copy</b>; type `<program>` or ``a ` <i>``.\n\n"
                                       "```\n<pre> stays\n```\n", encoding="utf-8")
    text = about_text(tmp_path)
    assert text.startswith("Run &lt;program> on a &lt;b>copy&lt;/b>; type `<program>` or ``a ` <i>``.")
    assert text.endswith("```\n<pre> stays\n```")
    html = MarkdownIt("commonmark").render(text)
    assert "<program>" not in html.replace("<code><program>", "") and "&lt;program&gt; on" in html
    assert "<code>&lt;program&gt;</code>" in html and "<b>" not in html


def test_the_book_corpus_keeps_the_rules_its_about_states():
    """corpus/ABOUT.md, shown in "The corpus", says every verb has a complement and no line repeats."""
    from w2v import REPO_ROOT
    from w2v.corpus import about_text, load_corpus, writing_facts

    folder = REPO_ROOT / "corpus"
    facts = writing_facts(load_corpus(folder))
    assert "Every verb appears at least once with an object or a place" in about_text(folder)
    assert facts["verbs_without_complement"] == [] and facts["n_repeated"] == 0


# ---------------------------------------------------------------- what the window lets the model see

def test_function_word_shares_by_hand(tmp_path):
    from w2v.book.corpus import function_word_shares

    folder = write_corpus(tmp_path / "c", "the cat sees a dog\ncat sees dog\n",
                          groups="the\tfunction\na\tfunction\ncat\tanimal\ndog\tanimal\nsees\tverb\n")
    shares = function_word_shares(load_corpus(folder), window=1)
    # window 1, first line: the→cat, cat→the, cat→sees, sees→cat, sees→a, a→sees, a→dog, dog→a; second: 4 pairs.
    # A function word is the context of cat→the, sees→a, dog→a: 3 of 12 pairs, and of the 9 with a content centre.
    assert shares["all_pairs"] == pytest.approx(100 * 3 / 12)
    assert shares["content_pairs"] == pytest.approx(100 * 3 / 9)


def test_separating_contexts_and_twins_by_hand(tmp_path):
    from w2v.book.corpus import analogy_word_pairs, separating_contexts, twin_lines

    folder = write_corpus(tmp_path / "c", "he is king\nshe is queen\nthe king rules\nthe queen rules\n"
                                          "the king rides\n",
                          analogies="king queen king queen\n")
    corpus = load_corpus(folder)
    only_king, only_queen = separating_contexts(corpus, 2, "king", "queen")
    assert only_king == [("he", 1), ("rides", 1)] and only_queen == [("she", 1)]
    assert twin_lines(corpus, "king", "queen") == [("the king rules", "the queen rules")]
    assert twin_lines(corpus, "queen", "king") == [("the queen rules", "the king rules")]
    assert analogy_word_pairs(corpus) == [("king", "queen")]


def test_the_chapters_facts_by_hand(tmp_path):
    from w2v.book.corpus import frequency_facts, size_facts, window_facts

    folder = write_corpus(tmp_path / "c", "he is king\nshe is queen\nthe king rules\nthe queen rules\n"
                                          "the king rides\n",
                          groups="he\tpeople\nshe\tpeople\nking\tpeople\nqueen\tpeople\nis\tfunction\n"
                                 "the\tfunction\nrules\tverbs\nrides\tverbs\n",
                          analogies="king queen king queen\n")
    corpus = load_corpus(folder)
    sizes = size_facts(corpus)
    assert (sizes["n_sentences"], sizes["n_tokens"], sizes["V"], sizes["min_len"], sizes["max_len"]) == (5, 15, 8, 3, 3)
    freq = frequency_facts(corpus, n_top=2)
    assert freq["top_word"] in {"king", "the"} and freq["top_count"] == 3 and freq["min_count"] == 1
    assert freq["rarest"] == "he, she, rides" or set(freq["rarest"].split(", ")) == {"he", "she", "rides"}
    assert freq["big_group"] == "people" and freq["big_group_share"] == pytest.approx(100 * 7 / 15)
    seen = window_facts(corpus, 2)
    assert seen["fw_all"] > 0 and seen["pronoun_lines"] == 2 and seen["pronoun_lines_without_people"] == 0
    assert seen["pronoun_in_window"] == 2 and seen["pronoun_share"] == pytest.approx(100 * 2 / 5)
    assert (seen["pair_x"], seen["pair_y"], seen["x_first"], seen["y_first"]) == ("king", "queen", "he", "she")
    assert seen["x_only"] == "he, rides" and seen["y_top3"] == "she" and seen["n_twins"] == 1


def test_pronouns_only_about_people_and_inside_the_window(corpus):
    """The book's corpus: he, she, his and her only in lines with a person (never 'he eats bread')."""
    gendered = {"he", "she", "his", "her"} & set(corpus.vocab)
    people = set(corpus.words_in_group("people"))
    assert all(people & set(s) for s in corpus.sentences if gendered & set(s))
