"""Faults with nothing lost (issue 27): a device or a named pipe is written to, never replaced; a
full disk, a full standard output, SIGTERM and Ctrl-C while saving each give one line, a non-zero
exit, no traceback and no stray file; a killed run's temp files are cleaned at the next start.

Device nodes are made in a temp folder (never the machine's own /dev); most tests call
`w2v.cli.main` in-process, a real process only where a signal or a file descriptor needs one.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from w2v.corpus import CorpusError, about_text
from w2v.vectors_io import word2vec_text

from tiny_corpus import run_main, trained_tiny, write_tiny

NULL, FULL = os.makedev(1, 3), os.makedev(1, 7)  # what /dev/null and /dev/full are


def device(folder: Path, name: str, number: int) -> Path:
    path = folder / name
    os.mknod(path, stat.S_IFCHR | 0o666, number)
    return path


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return trained_tiny(tmp_path_factory.mktemp("faults"))


def one_line(err: str) -> str:
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    return err


# ---------------------------------------------------------------- export never replaces a device or a pipe

def test_export_to_a_device_writes_to_it_and_keeps_it(tiny, tmp_path, capsys):
    null = device(tmp_path, "null", NULL)
    code, out, err = run_main(capsys, "export", null, "--corpus", tiny["folder"], "--cache-dir", tiny["cache"])
    assert code == 0, err
    assert stat.S_ISCHR(null.stat().st_mode) and null.stat().st_rdev == NULL  # still the device
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


def test_export_to_a_full_device_is_one_line(tiny, tmp_path, capsys):
    full = device(tmp_path, "full", FULL)
    code, out, err = run_main(capsys, "export", full, "--binary", "--corpus", tiny["folder"], "--cache-dir", tiny["cache"])
    assert code == 2 and out == ""
    assert one_line(err) == f"w2v export: error: cannot write {full} (No space left on device)\n"
    assert stat.S_ISCHR(full.stat().st_mode) and sorted(p.name for p in tmp_path.iterdir()) == ["full"]


def test_export_to_a_named_pipe_feeds_its_reader(tiny, tmp_path, capsys):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code, out, err = run_main(capsys, "export", fifo, "--corpus", tiny["folder"], "--cache-dir", tiny["cache"])
    reader.join(timeout=30)
    assert code == 0, err
    assert received == [word2vec_text(tiny["run"].corpus.vocab, tiny["run"].W)]
    assert stat.S_ISFIFO(fifo.stat().st_mode) and sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_export_through_a_symlink_replaces_the_file_not_the_link(tiny, tmp_path, capsys):
    target, link = tmp_path / "v.txt", tmp_path / "link.txt"
    target.write_text("old")
    link.symlink_to(target)
    code, out, err = run_main(capsys, "export", link, "--corpus", tiny["folder"], "--cache-dir", tiny["cache"])
    assert code == 0, err
    assert link.is_symlink() and target.read_bytes() == word2vec_text(tiny["run"].corpus.vocab, tiny["run"].W)


# ---------------------------------------------------------------- a full disk, a full standard output

def test_a_full_disk_while_saving_the_run_is_one_line_and_no_file(tmp_path, capsys, monkeypatch):
    """The temp file of the run is made as usual, but every write to it fails as on a full disk."""
    import w2v.train

    full = device(tmp_path, "full", FULL)
    real_mkstemp = tempfile.mkstemp

    def mkstemp_on_a_full_disk(*args, **kwargs):
        fd, name = real_mkstemp(*args, **kwargs)
        os.dup2(os.open(full, os.O_WRONLY), fd)
        return fd, name

    monkeypatch.setattr(w2v.train.tempfile, "mkstemp", mkstemp_on_a_full_disk)
    folder, cache = write_tiny(tmp_path / "c"), tmp_path / "cache"
    code, out, err = run_main(capsys, "train", "--corpus", folder, "--cache-dir", cache)
    assert code == 2 and out == ""
    assert one_line(err).startswith(f"w2v train: error: cannot save the run to {cache}/run-")
    assert err.endswith("(No space left on device); nothing was written\n")
    assert list(cache.iterdir()) == []


@pytest.mark.parametrize("command", ["train", "export"])
def test_a_full_standard_output_is_one_line(tiny, tmp_path, command):
    """`python -m w2v train > file` on a full disk: a real process whose stdout is a full device."""
    full = device(tmp_path, "full", FULL)
    args = ["train"] if command == "train" else ["export", "-"]
    with open(full, "wb") as stdout:
        result = subprocess.run([sys.executable, "-m", "w2v", *args, "--corpus", str(tiny["folder"]),
                                 "--cache-dir", str(tiny["cache"])], stdout=stdout, stderr=subprocess.PIPE,
                                text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 1
    assert one_line(result.stderr) == f"w2v {command}: error: cannot write to standard output (No space left on device)\n"


# ---------------------------------------------------------------- signals while saving; leftovers

SIGNAL_WHILE_SAVING = """
import os, signal, sys, numpy as np, w2v.cli
def savez_then_signal(file, *args, **kwargs):
    file.write(b"half a run")
    file.flush()
    os.kill(os.getpid(), signal.{name})
    for _ in range(100): sum(range(10000))  # the handler runs here
    raise AssertionError("the signal did not stop the save")
np.savez = savez_then_signal
sys.exit(w2v.cli.main(sys.argv[1:]))
"""


@pytest.mark.parametrize("name, code, said", [("SIGTERM", 143, "terminated"), ("SIGINT", 130, "interrupted")])
def test_a_signal_while_saving_is_one_line_and_no_file(tmp_path, name, code, said):
    folder, cache = write_tiny(tmp_path / "c"), tmp_path / "cache"
    result = subprocess.run([sys.executable, "-c", SIGNAL_WHILE_SAVING.replace("{name}", name), "train",
                             "--corpus", str(folder), "--cache-dir", str(cache)],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path,
                            preexec_fn=as_from_a_terminal)
    assert result.returncode == code, result.stderr
    assert one_line(result.stderr) == f"w2v train: {said}\n" and result.stdout == ""
    assert list(cache.iterdir()) == []


def as_from_a_terminal():
    """In the child before it runs: Ctrl-C interrupts, as from a terminal, even when the tests run
    in a shell's background job (which starts its commands with SIGINT ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_sigterm_while_training_is_one_line(tmp_path):
    folder = write_tiny(tmp_path / "c", "steps = 2000000\ndim = 4\ncheckpoint_every = 100000\n")
    cache = tmp_path / "cache"
    child = subprocess.Popen([sys.executable, "-m", "w2v", "train", "--corpus", str(folder), "--cache-dir", str(cache)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    deadline = time.monotonic() + 120
    while not cache.exists() and time.monotonic() < deadline:  # made just before training starts
        time.sleep(0.1)
    time.sleep(0.5)
    child.send_signal(signal.SIGTERM)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 143 and one_line(err) == "w2v train: terminated\n" and out == ""
    assert list(cache.iterdir()) == []


def test_leftovers_of_a_killed_run_are_cleaned_at_the_next_start(tmp_path, capsys):
    folder, cache = write_tiny(tmp_path / "c"), tmp_path / "cache"
    cache.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    killed = cache / f".tmp-{int(dead.stdout)}-abc123"     # its writer has exited
    old = cache / ".tmp-k3j4h5"                             # an older version's name, a day old
    live = cache / f".tmp-{os.getpid()}-xyz789"             # a writer still running (this process)
    for path in (killed, old, live):
        path.write_bytes(b"part of a run")
    os.utime(old, (time.time() - 86400, time.time() - 86400))
    code, out, err = run_main(capsys, "train", "--corpus", folder, "--cache-dir", cache)
    assert code == 0, err
    assert not killed.exists() and not old.exists() and live.exists()


# ---------------------------------------------------------------- a corpus file that is not UTF-8

def test_a_non_utf8_about_file_names_the_file(tmp_path):
    folder = write_tiny(tmp_path / "c")
    (folder / "ABOUT.md").write_bytes(b"# \xe9t\xe9\n")
    with pytest.raises(CorpusError, match=rf"^{folder / 'ABOUT.md'}: not valid UTF-8 \(byte 2\)$"):
        about_text(folder)
