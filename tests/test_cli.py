"""`python -m w2v` as a user runs it: a temp corpus, a temp --cache-dir, the command run in this
process (`tiny_corpus.run_cli`: quick, no torch import per command); a real process for the bare
command, the terminal's progress bar and a closed pipe.

Good input is checked against the same run loaded in-process; bad input must be one line on
stderr naming the file and line (or the option), a non-zero exit, no traceback, no artifact.
"""

from __future__ import annotations

import os
import pty
import select
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from w2v.analysis import analogy_answer, nearest_neighbors, summary
from w2v.train import train_or_load

from test_cli_faults import as_from_a_terminal
from tiny_corpus import TINY_ANALOGIES as ANALOGIES, TINY_TOML as TOML, run_cli, write_tiny


def w2v_cli(*args, cwd: Path, cache: Path | None = None) -> subprocess.CompletedProcess:
    extra = ["--cache-dir", str(cache)] if cache is not None else []
    return run_cli(*args, *extra, cwd=cwd, cache_env=cwd / "default-cache-must-stay-unused")


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """The tiny corpus trained once through the CLI; later commands hit its cache."""
    root = tmp_path_factory.mktemp("cli")
    folder, cache = write_tiny(root / "tiny"), root / "cache"
    result = w2v_cli("train", "--corpus", str(folder), cwd=root, cache=cache)
    assert result.returncode == 0, result.stderr
    run = train_or_load(folder, cache)  # a hit: the very run the CLI made
    return dict(root=root, folder=folder, cache=cache, run=run, train=result)


# ---------------------------------------------------------------- good input

def test_train_prints_the_summary(trained):
    run, out = trained["run"], trained["train"].stdout
    lines = {line.split("  ")[0]: line for line in out.splitlines()}
    s = summary(run)
    assert f"{s['steps']}" in lines["steps"] and s["steps"] == 400
    assert f"{s['seconds']:.2f}" in lines["seconds"]
    assert f"{s['final_loss']:.4f}" in lines["final loss"]
    assert f"{s['analogies_correct']}/5 correct" in lines["analogies"]
    assert f"(step 0: {s['analogies_correct_at_0']}/5)" in lines["analogies"]
    assert f"{s['purity']:.3f}" in lines["purity"] and f"{s['purity_at_0']:.3f}" in lines["purity"]
    assert f"{s['block_contrast']:.3f}" in lines["block contrast"]
    assert "32 sentences, 128 tokens, 16 words" in lines["corpus"]
    assert "Traceback" not in trained["train"].stderr
    assert not (trained["root"] / "default-cache-must-stay-unused").exists()
    assert [p.name for p in trained["cache"].iterdir()] == [f"run-{run.key}.npz"]


def test_train_again_loads_the_same_run(trained):
    again = w2v_cli("train", "--corpus", str(trained["folder"]), cwd=trained["root"], cache=trained["cache"])
    assert again.returncode == 0
    first, second = trained["train"].stdout.splitlines(), again.stdout.splitlines()
    cache_file = trained["cache"] / f"run-{trained['run'].key}.npz"
    assert first[1] == f"run             trained now, saved to {cache_file}"
    assert second[1] == f"run             loaded from the cache, {cache_file}"
    loop = f"{trained['run'].seconds:.2f}"
    assert first[3].endswith(f"for the whole command (training loop {loop})")
    assert second[3].endswith(f"for the whole command (the cached run's training loop took {loop})")
    # same recorded numbers: it was loaded, not retrained
    assert [line.split("(")[0] for line in first[4:]] == [line.split("(")[0] for line in second[4:]]
    assert len(list(trained["cache"].iterdir())) == 1


def test_summary_counts_one_sentence_in_the_singular(tmp_path):
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "sentences.txt").write_text("cat sees dog\n")
    result = w2v_cli("train", "--corpus", str(folder), cwd=tmp_path, cache=tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    assert f"{folder}: 1 sentence, 3 tokens, 3 words" in result.stdout.splitlines()[0]
    assert "analogies       n/a (no analogies.txt)" in result.stdout


def test_train_without_analogy_tests(tmp_path):
    """A corpus whose analogies.txt has only comments (or no analogies.txt) trains and says so."""
    folder = write_tiny(tmp_path / "c")
    (folder / "analogies.txt").write_text("# to do\n")
    result = w2v_cli("train", "--corpus", str(folder), cwd=tmp_path, cache=tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    assert "analogies       n/a (analogies.txt has no tests)" in result.stdout


def test_neighbors(trained):
    run, k = trained["run"], 4
    word = run.corpus.vocab[5]
    result = w2v_cli("neighbors", word, "-k", str(k), "--corpus", str(trained["folder"]),
                     cwd=trained["root"], cache=trained["cache"])
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines()]
    ids, cos = nearest_neighbors(run.W, k)
    i = run.corpus.index[word]
    assert [r[0] for r in rows] == [run.corpus.vocab[j] for j in ids[i]]
    assert [float(r[1]) for r in rows] == pytest.approx(cos[i].tolist(), abs=6e-5)


def test_analogy(trained):
    run = trained["run"]
    for a, b, c, _ in run.corpus.analogies[:1]:
        result = w2v_cli("analogy", a, b, c, "--corpus", str(trained["folder"]), cwd=trained["root"],
                         cache=trained["cache"])
        assert result.returncode == 0, result.stderr
        ids = run.corpus.ids([a, b, c])
        answer = run.corpus.vocab[analogy_answer(run.W, *ids)]
        assert result.stdout.splitlines()[0] == f"{a} : {b} :: {c} : {answer}"
        assert result.stdout.splitlines()[1].split()[0] == answer


@pytest.mark.parametrize("matrix", ["W", "W_out"])
def test_export_is_read_by_gensim(trained, matrix):
    from gensim.models import KeyedVectors

    run, path = trained["run"], trained["root"] / f"vectors-{matrix}.txt"
    result = w2v_cli("export", str(path), "--matrix", matrix, "--corpus", str(trained["folder"]),
                     cwd=trained["root"], cache=trained["cache"])
    assert result.returncode == 0, result.stderr
    kv = KeyedVectors.load_word2vec_format(str(path))
    expected = run.W if matrix == "W" else run.W_out.T
    assert kv.index_to_key == run.corpus.vocab
    assert np.array_equal(kv.vectors, expected)  # repr of each float32 round-trips exactly
    assert not [p for p in trained["root"].iterdir() if p.name.startswith(".tmp-")]


def test_export_to_standard_output(trained):
    run = trained["run"]
    result = w2v_cli("export", "-", "--corpus", str(trained["folder"]), cwd=trained["root"], cache=trained["cache"])
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"{run.corpus.vocab_size} {run.config.dim}" and len(lines) == run.corpus.vocab_size + 1
    assert lines[1].split()[0] == run.corpus.vocab[0]
    assert not (trained["root"] / "-").exists()


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o002, 0o664)])
def test_export_has_the_mode_of_any_new_file(trained, umask, mode):
    path = trained["root"] / f"vectors-{umask:o}.txt"
    previous = os.umask(umask)  # the child inherits it
    try:
        result = w2v_cli("export", str(path), "--corpus", str(trained["folder"]), cwd=trained["root"],
                         cache=trained["cache"])
    finally:
        os.umask(previous)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_export_to_a_folder_is_refused_before_any_file_is_made(trained, tmp_path):
    target = tmp_path / "a-folder"
    target.mkdir()
    result = w2v_cli("export", str(target), "--corpus", str(trained["folder"]), cwd=trained["root"],
                     cache=trained["cache"])
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr == f"w2v export: error: {target} is a folder; give a file name (such as " \
                            f"{target / 'vectors.txt'}) or - for standard output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-folder"] and not list(target.iterdir())


def test_a_damaged_cache_file_is_retrained(trained, tmp_path):
    """The run's .npz cut to 1,000 bytes (a full disk, a killed copy): retrained, not a BadZipFile."""
    cache = tmp_path / "cache"
    shutil.copytree(trained["cache"], cache)
    path = cache / f"run-{trained['run'].key}.npz"
    path.write_bytes(path.read_bytes()[:1000])
    word = trained["run"].corpus.vocab[0]
    args = ("neighbors", word, "--corpus", str(trained["folder"]))
    result = w2v_cli(*args, cwd=trained["root"], cache=cache)
    assert result.returncode == 0, result.stderr
    assert result.stdout == w2v_cli(*args, cwd=trained["root"], cache=trained["cache"]).stdout
    assert path.stat().st_size > 1000


# ---------------------------------------------------------------- bad input

def broken(tmp: Path, name: str) -> tuple[list[str], str]:
    """Make the broken input `name`; return the CLI arguments and what stderr must mention."""
    folder = write_tiny(tmp / "c")
    s = folder / "sentences.txt"
    g = folder / "groups.tsv"
    t = folder / "train.toml"
    train = ["train", "--corpus", str(folder)]
    if name == "missing folder":
        return ["train", "--corpus", str(tmp / "nowhere")], f"{tmp / 'nowhere'}: corpus folder not found"
    if name == "empty sentences":
        s.write_text("")
        return train, f"{s}: no sentences"
    if name == "non-utf8 sentences":
        lines = s.read_bytes().splitlines()
        lines[2] = b"\xe9t\xe9 " + lines[2]  # Latin-1 "été": not UTF-8
        s.write_bytes(b"\n".join(lines) + b"\n")
        return train, f"{s}:3: not valid UTF-8"
    if name == "one distinct word":
        s.write_text("cat cat\ncat\n")
        return train, f"{s}: needs at least two distinct words"
    if name == "groups missing a word":
        g.write_text("".join(line for line in g.read_text().splitlines(True) if not line.startswith("pig\t")))
        return train, f"{g}: 'pig'"
    if name == "groups repeating a word":
        g.write_text(g.read_text() + "dog\tcolour\n")
        return train, f"{g}:17: 'dog' is listed twice (first at line 2)"
    if name == "analogy word outside vocab":
        (folder / "analogies.txt").write_text(ANALOGIES + "cat dog red unicorn\n")
        return train, f"{folder / 'analogies.txt'}:6: 'unicorn' is not in the vocabulary"
    if name == "unknown key":
        t.write_text(TOML + "epochs = 3\n")
        return train, f"{t}:6: unknown key 'epochs'"
    for key in ("steps", "dim", "window", "lr"):
        for value in ("0", "-2"):
            if name == f"{key} = {value}":
                t.write_text("\n".join(line for line in TOML.splitlines() if not line.startswith(f"{key} ="))
                             + f"\n{key} = {value}\n")
                n = len(t.read_text().splitlines())
                return train, f"{t}:{n}: {key} must be"
    if name == "window = 1000":
        t.write_text(TOML + "window = 1000\n")
        return train, f"{t}:6: window must be at most 4"
    if name == "default corpus missing":
        return ["train"], f"corpus: corpus folder not found (--corpus is relative to the current folder, {tmp})"
    if name == "unwritable cache dir":
        return train, "--cache-dir"  # the cache dir given is a path under a regular file
    if name == "unknown word neighbors":
        return ["neighbors", "unicorn", "--corpus", str(folder)], "'unicorn' is not in the vocabulary"
    if name == "unknown word analogy":
        return ["analogy", "cat", "unicorn", "red", "--corpus", str(folder)], "'unicorn' is not in the vocabulary"
    if name == "analogy of one word":
        return ["analogy", "cat", "cat", "cat", "--corpus", str(folder)], "three different words, got cat cat cat"
    if name == "analogy with a repeated word":
        return ["analogy", "cat", "dog", "cat", "--corpus", str(folder)], "must be three different words"
    if name == "k out of range":
        return ["neighbors", "cat", "-k", "16", "--corpus", str(folder)], "-k must be between 1 and 15"
    if name == "diverging lr":
        t.write_text(TOML + "lr = 50\n")
        return train, f"{t}: training diverged at step"
    raise AssertionError(name)


BAD = ["missing folder", "empty sentences", "non-utf8 sentences", "one distinct word", "groups missing a word",
       "groups repeating a word", "analogy word outside vocab", "unknown key",
       "steps = 0", "steps = -2", "dim = 0", "window = 0", "lr = 0", "lr = -2", "window = 1000",
       "default corpus missing", "unwritable cache dir", "unknown word neighbors", "unknown word analogy",
       "analogy of one word", "analogy with a repeated word", "k out of range", "diverging lr"]


@pytest.mark.parametrize("name", BAD)
def test_bad_input_is_one_clear_line(tmp_path, name):
    args, mention = broken(tmp_path, name)
    cache = tmp_path / "cache"
    if name == "unwritable cache dir":
        (tmp_path / "a-file").write_text("not a folder")
        cache = tmp_path / "a-file" / "cache"
    result = w2v_cli(*args, cwd=tmp_path, cache=cache)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert mention in lines[0], lines[0]
    assert result.stdout == ""
    if name == "unwritable cache dir":
        assert (tmp_path / "a-file").read_text() == "not a folder"
    else:
        assert not cache.exists() or list(cache.iterdir()) == []
    assert not (tmp_path / "default-cache-must-stay-unused").exists()
    if name == "diverging lr":  # says what happened and what to do
        assert "not finite" in lines[0] and "lower lr (now 50.0)" in lines[0]


@pytest.mark.parametrize("args", [["fly"], ["neighbors"], ["neighbors", "cat", "-k", "x"],
                                  ["export", "p", "--matrix", "Q"]])
def test_bad_command_line_is_one_line(tmp_path, args):
    result = w2v_cli(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert "error" in result.stderr


def test_bare_command_lists_the_commands(tmp_path):
    result = subprocess.run([sys.executable, "-m", "w2v"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and result.stdout == "" and "Traceback" not in result.stderr
    section = result.stderr.split("positional arguments:\n")[1].split("\n\n")[0]
    listed = [line.split()[0] for line in section.splitlines() if line.startswith("    ") and line[4] != " "]
    assert listed == ["train", "neighbors", "analogy", "export", "evaluate", "prepare"], result.stderr


@pytest.mark.parametrize("command, names", [("neighbors", ["word"]), ("analogy", ["a", "b", "c"]),
                                            ("export", ["path"])])
def test_every_positional_argument_has_help(tmp_path, command, names):
    result = w2v_cli(command, "--help", cwd=tmp_path)
    assert result.returncode == 0
    section = result.stdout.split("positional arguments:\n")[1].split("\n\n")[0]
    entries = [line.split() for line in section.splitlines() if line.startswith("  ") and line[2] != " "]
    assert [entry[0] for entry in entries] == names
    assert all(len(entry) > 3 for entry in entries), section  # each name and a phrase


def test_export_into_a_missing_folder(trained):
    path = trained["root"] / "no-such-dir" / "v.txt"
    result = w2v_cli("export", str(path), "--corpus", str(trained["folder"]), cwd=trained["root"],
                     cache=trained["cache"])
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1 and "no-such-dir" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("w2v export: error: ") and result.stderr.count("export") == 1


# ---------------------------------------------------------------- the progress bar on a terminal

def train_on_a_terminal(folder: Path, cache: Path, interrupt: bool = False) -> str:
    """`python -m w2v train` with stderr on a pseudo-terminal (so the bar is drawn); what the
    terminal shows. With `interrupt`, Ctrl-C (SIGINT) once the bar has been drawn."""
    terminal, child_end = pty.openpty()
    child = subprocess.Popen([sys.executable, "-m", "w2v", "train", "--corpus", str(folder), "--cache-dir", str(cache)],
                             cwd=folder.parent, stdout=subprocess.DEVNULL, stderr=child_end,
                             preexec_fn=as_from_a_terminal)
    os.close(child_end)
    shown, deadline = b"", time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            if select.select([terminal], [], [], 0.2)[0]:
                try:
                    chunk = os.read(terminal, 4096)
                except OSError:  # EIO: the child has closed the terminal
                    break
                if not chunk:
                    break
                shown += chunk
            elif child.poll() is not None:
                break
            if interrupt and b"training [" in shown and child.returncode is None:
                child.send_signal(signal.SIGINT)
                interrupt = False
        child.wait(timeout=30)
    finally:
        child.kill()
        os.close(terminal)
    return shown.decode().replace("\r\n", "\n")


def test_the_bar_ends_its_line_when_steps_are_not_a_multiple_of_250(tmp_path):
    folder = write_tiny(tmp_path / "c", TOML.replace("steps = 400", "steps = 1001"))
    shown = train_on_a_terminal(folder, tmp_path / "cache")
    training, analysis = shown.split("\n")[:2]
    assert training.split("\r")[-1].startswith("training [" + "#" * 30 + "]   1001/1001"), repr(training[-80:])
    assert analysis.split("\r")[-1].startswith("analysis [" + "#" * 30 + "]     12/12"), repr(analysis[-80:])
    assert " pairs/s  0:00 left" in training and shown.endswith(" left \n")


def test_the_bar_ends_its_line_on_ctrl_c(tmp_path):
    folder = write_tiny(tmp_path / "c", TOML.replace("steps = 400", "steps = 200000"))
    shown = train_on_a_terminal(folder, tmp_path / "cache", interrupt=True)
    lines = shown.split("\n")
    assert lines[-2:] == ["w2v train: interrupted", ""], repr(shown[-120:])
    assert lines[-3].split("\r")[-1].startswith("training [") and "/200000" in lines[-3]
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").iterdir())


def test_output_piped_into_a_closed_reader_ends_without_traceback(tmp_path):
    """`python -m w2v analogy … | head -1`-style use: when the reader has gone, no traceback."""
    folder = write_tiny(tmp_path / "c")
    # `true` exits without reading, long before the first answer is printed (training comes first)
    cmd = f"{sys.executable} -m w2v analogy cat dog red --corpus {folder} --cache-dir {tmp_path / 'cache'} | true"
    result = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, cwd=tmp_path,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert "Traceback" not in result.stderr, result.stderr
