"""`python -m w2v prepare TEXT OUT_DIR` on real text no one on the team wrote (Debian's
fortunes-min, installed by .ci/run), and the warning for a sentences.txt read as written."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from w2v import cli
from w2v.corpus import load_corpus
from w2v.prepare import prepare_text

FORTUNES = Path("/usr/share/games/fortunes/fortunes")  # Debian package fortunes-min


def run_main(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_prepare_turns_fortunes_into_a_corpus(tmp_path, capsys):
    assert FORTUNES.is_file(), "install Debian's fortunes-min (.ci/run does)"
    out_dir = tmp_path / "fortunes"
    code, out, err = run_main(capsys, "prepare", FORTUNES, out_dir)
    assert code == 0 and err == "", err
    assert sorted(p.name for p in out_dir.iterdir()) == ["ABOUT.md", "sentences.txt"]
    corpus = load_corpus(out_dir)  # a valid corpus folder
    text = (out_dir / "sentences.txt").read_text(encoding="utf-8")
    assert text == unicodedata.normalize("NFC", text) and text == text.lower()
    for word in corpus.vocab:  # letters, digits, and ' or - only inside a word
        assert all(ch.isalnum() or ch in "'-" for ch in word) and word[0].isalnum() and word[-1].isalnum(), word
    source = FORTUNES.read_text(encoding="utf-8")
    assert len(corpus.sentences) > source.count("\n%\n")  # several sentences per fortune
    n_sentences, n_tokens = len(corpus.sentences), corpus.n_tokens
    assert out.splitlines()[0] == (f"read {len(source.splitlines()):,} lines; wrote {n_sentences:,} sentences, "
                                   f"{n_tokens:,} tokens, {corpus.vocab_size:,} words")
    about = (out_dir / "ABOUT.md").read_text(encoding="utf-8")
    assert "python -m w2v prepare" in about and out.splitlines()[0] in about
    code, out, err = run_main(capsys, "train", "--steps", "300", "--corpus", out_dir, "--cache-dir", tmp_path / "cache")
    assert code == 0 and err == "", err  # no words differing only by case: no warning


def test_prepare_normalises_and_counts_what_it_changed():
    text = ("Hello world. hello, World!\nThe end\u200bgame is near\u200d.\n%\n"
            "Cafe\u0301 and caf\u00e9 \u2014 don't stop; well-known.\n")
    sentences, report = prepare_text(text)
    assert sentences == ["hello world", "hello world", "the end game is near", "café and café don't stop well-known"]
    assert report.nfc_changed_lines == 1 and report.invisible == 2
    assert report.lowered == 4  # H, W of World, T, C
    assert report.punctuation == 7  # . , ! . — ; .
    assert report.merged["hello"] == {"Hello", "hello,"} and report.merged["café"] == {"Café", "café"}
    assert report.lines_of_text()[-1].startswith("3 words were written more than one way and are now one (café ← Café, café; hello ← ")
    # in ABOUT.md, which "The corpus" shows as Markdown, each spelling is code, never HTML or emphasis
    _, report = prepare_text("Use <program> or *program*. A program. `program` too.\n")
    assert report.lines_of_text(markdown=True)[-1] == ("1 word was written more than one way and is now one "
                                                       "(program ← `*program*.`, `<program>`, `` `program` ``, `program.`)")


@pytest.mark.parametrize("existing", ["a folder that is not empty", "a file"])
def test_prepare_refuses_to_overwrite(tmp_path, capsys, existing):
    text = tmp_path / "t.txt"
    text.write_text("One sentence here. Another one there.\n")
    out_dir = tmp_path / "out"
    if existing == "a file":
        out_dir.write_text("mine")
    else:
        out_dir.mkdir()
        (out_dir / "notes.txt").write_text("mine")
    code, out, err = run_main(capsys, "prepare", text, out_dir)
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert f"{out_dir} is {existing}; give a new or empty folder (nothing was written)" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "t.txt"]


def test_prepare_fills_an_empty_folder_and_refuses_latin1(tmp_path, capsys):
    text, out_dir = tmp_path / "t.txt", tmp_path / "out"
    out_dir.mkdir()
    text.write_bytes("Une phrase.\nUn \u00e9t\u00e9 chaud.\n".encode("latin-1"))
    code, out, err = run_main(capsys, "prepare", text, out_dir)
    assert code == 2 and err.startswith(f"w2v prepare: error: {text}:2: not valid UTF-8 (byte 0xe9)")
    assert list(out_dir.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["out", "t.txt"]
    text.write_text("Une phrase. Un été chaud.\n", encoding="utf-8")
    assert run_main(capsys, "prepare", text, out_dir)[0] == 0
    assert (out_dir / "sentences.txt").read_text(encoding="utf-8") == "une phrase\nun été chaud\n"


def test_sentences_read_as_written_warn_of_spelling_variants(tmp_path, capsys):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "sentences.txt").write_text("Hello world\nhello world .\nthe end.\nthe end\n")
    code, out, err = run_main(capsys, "train", "--steps", "50", "--corpus", folder, "--cache-dir", tmp_path / "cache")
    assert code == 0
    assert err == (f"w2v train: warning: {folder / 'sentences.txt'} has 2 words written more than one way, trained "
                   f"as different words: Hello/hello; end/end. (python -m w2v prepare normalises a text)\n")
