"""The chapter "Model blueprint" (book/blueprint.md): a note for every code line of model.py.

`code_lines` reads w2v/model.py with `tokenize` and returns its code lines (blank, comment-only
and docstring lines left out), each as the code without its trailing comment. `NOTES` explains
every one of them; the chapter checks that the two match exactly, so editing model.py without
its notes fails the build. `field_comments` reads the comment beside every TrainConfig field, and
`recipe_table` shows them beside the book's recipe; `recipe_facts` is the recipe as the text glues it.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import io
import json
import math
import tokenize
from pathlib import Path

import numpy as np

from .. import peers
from ..step import training_step
from ..train import Run, TrainConfig
from ..wording import counted
from .kit import final_purity, html_table

MODEL_FILE = Path(__file__).resolve().parents[1] / "model.py"  # the engine's w2v/model.py

# Code line of model.py (without its trailing comment) → what it does, in plain words.
NOTES: dict[str, str] = {
    "import torch":
        "PyTorch: tensors, and automatic gradients for the training step.",
    "from torch import nn":
        "nn holds Module and Parameter, the building blocks of a trainable model.",
    "from torch.nn import functional as F":
        "F holds the stateless functions used below: log_softmax and nll_loss.",
    "class SkipGram(nn.Module):":
        "The whole model is one PyTorch module: two weight matrices and a forward pass.",
    "def __init__(self, vocab_size: int, dim: int):":
        "Built from two numbers only: the vocabulary size V and the embedding dimension D.",
    "super().__init__()":
        "Lets nn.Module set up its bookkeeping, so the Parameters below are registered and trained.",
    "self.W = nn.Parameter(torch.empty(vocab_size, dim).uniform_(-0.5 / dim, 0.5 / dim))":
        "W: one row of D numbers per word, its centre vector. It starts as small random noise in "
        "±0.5/D, as in Google's word2vec.c, so that no two words start alike.",
    "self.W_out = nn.Parameter(torch.zeros(dim, vocab_size))":
        "W′ (W_out): one column of D numbers per word, its context vector. It starts at zero, "
        "so at step 0 every score is 0 and every word is equally likely.",
    "def forward(self, center: torch.Tensor, context: torch.Tensor) -> torch.Tensor:":
        "The input is a batch of (centre, context) word ids (in this book's training, a batch of one pair); "
        "the output is the loss.",
    "h = self.W[center]":
        "The hidden layer: the centre word's row of W. Multiplying a one-hot vector by W would "
        "give the same row; indexing just skips the zeros.",
    "u = h @ self.W_out":
        "Scores: the dot product of h with every column of W′, one score per vocabulary word.",
    "log_p = F.log_softmax(u, dim=-1)":
        "Softmax turns the V scores into probabilities that sum to 1; the log is taken in the same "
        "numerically stable step.",
    "return F.nll_loss(log_p, context)":
        "The loss: minus the log-probability given to the true context word, averaged over the batch. "
        "Training pushes it down.",
}


def code_lines(path: Path = MODEL_FILE) -> list[tuple[int, str]]:
    """(line number, code without trailing comment) for every code line of a Python file.

    Blank lines, comment-only lines and docstrings are left out. A statement spread over several
    lines would count each of its lines; model.py has none.
    """
    source = Path(path).read_text(encoding="utf-8")
    docstring_lines: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                docstring_lines.update(range(first.lineno, first.end_lineno + 1))
    comment_start: dict[int, int] = {}
    code_rows: set[int] = set()
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
            tokenize.ENDMARKER, tokenize.ENCODING}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            comment_start[tok.start[0]] = tok.start[1]
        elif tok.type not in skip:
            code_rows.update(range(tok.start[0], tok.end[0] + 1))
    lines = source.splitlines()
    result = []
    for n in sorted(code_rows - docstring_lines):
        text = lines[n - 1][: comment_start.get(n, len(lines[n - 1]))]
        result.append((n, text.strip()))
    return result


def line_comments(path: Path = MODEL_FILE) -> dict[int, str]:
    """Line number → the text of its comment (trailing or whole-line), without the '#'."""
    source = Path(path).read_text(encoding="utf-8")
    return {tok.start[0]: tok.string.lstrip("#").strip()
            for tok in tokenize.generate_tokens(io.StringIO(source).readline) if tok.type == tokenize.COMMENT}


def notes_json(notes: dict[str, str] = NOTES, path: Path = MODEL_FILE) -> str:
    """The notes as the page's JSON: [{line, code, note}], in file order. Safe inside <script>."""
    rows = [{"line": n, "code": code, "note": notes[code]} for n, code in code_lines(path)]
    return json.dumps(rows, ensure_ascii=False).replace("</", "<\\/")


def field_comments(cls) -> dict[str, str]:
    """Field name → the comment written beside it in the dataclass source."""
    source = inspect.getsource(cls)
    comments: dict[int, str] = {}
    names: dict[int, str] = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            comments[tok.start[0]] = tok.string.lstrip("#").strip()
    for node in ast.parse(source).body[0].body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.lineno] = node.target.id
    fields = {f.name for f in dataclasses.fields(cls)}
    return {name: comments.get(line, "") for line, name in names.items() if name in fields}


# ---------------------------------------------------------------- the recipe

def recipe_facts(run: Run) -> dict:
    """The book's recipe as "The training recipe" glues it, with the number of checkpoints saved."""
    config = run.config
    return dict(steps=int(config.steps), window=int(config.window),
                window_words=counted(int(config.window), 'word'),
                lr=float(config.lr), lr_final=float(config.lr_final), optimizer=str(config.optimizer),
                checkpoint_every=int(config.checkpoint_every), n_checkpoints=int(len(run.checkpoint_steps)))


def recipe_table(config: TrainConfig) -> str:
    """Every field of TrainConfig with the book's value (marked * where it is not the default) and
    the comment written beside the field in w2v/train.py; a field without a comment is an error."""
    comments = field_comments(TrainConfig)
    fields = [f.name for f in dataclasses.fields(TrainConfig)]
    assert set(comments) == set(fields) and all(comments.values()), "every TrainConfig field needs a comment"
    defaults = TrainConfig()

    def shown(value):
        return f"{value:,}" if isinstance(value, int) else str(value)

    rows = [[f"<code>{name}</code>", shown(getattr(config, name)) + ("" if getattr(config, name) == getattr(defaults, name) else " *"),
             comments[name]] for name in fields]
    return html_table(["field", "value", "meaning"], rows, numeric=(1,), raw=(0,),
                      caption="The training recipe of the book's run (w2v/train.py, TrainConfig)", table_id="config-table")


# ---------------------------------------------------------------- the parameter census's scale

# The pre-trained GoogleNews vectors (w2v.peers, the engine's home of other word2vecs), for the census
# below and the Welcome page.
GOOGLE_NEWS_WORDS, GOOGLE_NEWS_DIM, GOOGLE_NEWS_TRAINING_WORDS = peers.GOOGLE_NEWS_WORDS, peers.GOOGLE_NEWS_DIM, \
    peers.GOOGLE_NEWS_TRAINING_WORDS

# Published models the census sets beside this one: (name, trainable parameters, bibliography key).
PUBLISHED_SIZES: tuple[tuple[str, int, str], ...] = (
    ("word2vec News", GOOGLE_NEWS_WORDS * GOOGLE_NEWS_DIM, "google2013word2vec"),
    ("GPT-2", 1_500_000_000, "radford2019language"),      # 1.5B: Radford et al. 2019, Table 2 (1,542M)
    ("GPT-3", 175_000_000_000, "brown2020language"),      # 175B: Brown et al. 2020, Table 2.1
)


def parameter_scale(vocab_size: int, dim: int) -> list[tuple[str, int]]:
    """(name, parameters) of this model, 2·V·D (W and W′), then of the published models in
    PUBLISHED_SIZES, smallest first. Used by book/blueprint.md (#parameter-census)."""
    return [("this model", 2 * int(vocab_size) * int(dim))] + [(name, n) for name, n, _ in PUBLISHED_SIZES]


def count_words(n: float) -> str:
    """A count as a reader says it: 1,536; 586,000; 900 million; 1.5 billion; 175 billion.
    Counts of ten thousand and more are rounded to thousands: a ratio is not exact to the unit."""
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if n >= size:
            value = n / size
            text = f"{value:.1f}" if value < 10 else f"{value:,.0f}"
            return f"{text.removesuffix('.0')} {word}"
    return f"{round(n, -3) if n >= 1e4 else round(n):,.0f}"


# ---------------------------------------------------------------- the exercises

def blueprint_exercises(run: Run, small: Run) -> dict:
    """For the exercises of "Model blueprint": the checkpoint count from the recipe (and with one
    step more and one fewer), the learning
    rate at the middle step, one step from an all-zero W (nothing moves), and the recipe retrained
    at a smaller dimension (`small`, only `dim` changed): its parameters and purity."""
    corpus, config = run.corpus, run.config
    V, D, T = corpus.vocab_size, config.dim, config.steps
    assert small.corpus.vocab == corpus.vocab and small.config.dim < D
    middle = (T - 1) // 2
    # the first pair of the run, from W = 0 and W′ = 0 (W′'s own start)
    W0 = np.zeros((V, D), np.float32)
    W_out0 = np.zeros((D, V), np.float32)
    zero = training_step(W0, W_out0, int(run.centers[0]), int(run.contexts[0]), config.lr_at(0))
    # the rule at its edges: one step more, one step fewer
    ce, one_more, one_fewer = config.checkpoint_every, T + 1, max(T - 1, 1)
    return dict(steps=int(T), checkpoint_every=int(ce),
                n_checkpoints=len(run.checkpoint_steps),
                steps_one_more=int(one_more), steps_one_fewer=int(one_fewer),
                n_checkpoints_one_more=len(dataclasses.replace(config, steps=one_more).checkpoint_steps()),
                n_checkpoints_one_fewer=len(dataclasses.replace(config, steps=one_fewer).checkpoint_steps()),
                lr=float(config.lr), lr_final=float(config.lr_final),
                middle_step=int(middle), lr_middle=float(config.lr_at(middle)),
                lr_middle_share=100 * config.lr_at(middle) / config.lr,
                zero_loss=float(zero.loss), ln_V=math.log(V),
                zero_grad_h=float(np.abs(zero.grad_h).max()),
                zero_grad_W_out=float(np.abs(zero.grad_W_out).max()),
                zero_moved=bool((zero.W_next != W0).any() or (zero.W_out_next != W_out0).any()),
                D_small=int(small.config.dim), n_params_small=2 * V * int(small.config.dim),
                purity=final_purity(run), purity_small=final_purity(small))
