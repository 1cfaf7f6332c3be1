"""The 13-line SkipGram: its size, its shapes, its forward pass against a hand computation."""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

import numpy as np
import pytest
import torch

import w2v.model
from w2v.model import SkipGram

MODEL_PY = Path(w2v.model.__file__)


def code_lines(source: str) -> list[int]:
    """Line numbers holding code: no blank line, comment-only line or docstring line counts."""
    docstring_lines: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            for stmt in node.body:
                if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
                    docstring_lines.update(range(stmt.lineno, stmt.end_lineno + 1))
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
            tokenize.ENCODING, tokenize.ENDMARKER}
    lines: set[int] = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type not in skip:
            lines.update(range(tok.start[0], tok.end[0] + 1))
    return sorted(lines - docstring_lines)


def test_code_line_counter_on_a_known_snippet():
    source = '"""doc\nstring"""\n\n# comment\nimport os  # trailing\n\n\ndef f(x):\n    """one"""\n    return (x +\n            1)\n'
    assert code_lines(source) == [5, 8, 10, 11]


def test_model_py_has_exactly_13_code_lines():
    assert len(code_lines(MODEL_PY.read_text("utf-8"))) == 13


def test_parameters_and_shapes():
    torch.manual_seed(0)
    model = SkipGram(96, 8)
    trainable = [p for p in model.parameters() if p.requires_grad]
    assert sum(p.numel() for p in trainable) == 1_536
    assert len(trainable) == 2
    assert tuple(model.W.shape) == (96, 8)       # (V, D)
    assert tuple(model.W_out.shape) == (8, 96)   # (D, V)
    assert model.W.dtype == model.W_out.dtype == torch.float32


def test_initial_weights():
    torch.manual_seed(0)
    model = SkipGram(50, 4)
    W = model.W.detach().numpy()
    assert np.abs(W).max() <= 0.5 / 4 and np.abs(W).min() > 0 and W.std() > 0.01
    assert not model.W_out.detach().numpy().any()
    # with W_out = 0 every score is 0, so the first prediction is uniform: loss = log V
    loss = model(torch.tensor([3]), torch.tensor([7]))
    assert loss.item() == pytest.approx(np.log(50), abs=1e-6)


def test_same_seed_same_weights():
    torch.manual_seed(5)
    a = SkipGram(20, 3).W.detach().clone()
    torch.manual_seed(5)
    b = SkipGram(20, 3).W.detach().clone()
    assert torch.equal(a, b)


@pytest.mark.parametrize("batch", [1, 7])
def test_forward_equals_hand_computation(batch):
    V, D = 30, 5
    torch.manual_seed(1)
    model = SkipGram(V, D)
    rng = np.random.default_rng(batch)
    with torch.no_grad():
        model.W.copy_(torch.from_numpy(rng.normal(size=(V, D)).astype(np.float32)))
        model.W_out.copy_(torch.from_numpy(rng.normal(size=(D, V)).astype(np.float32)))
    center = rng.integers(0, V, batch)
    context = rng.integers(0, V, batch)
    loss = model(torch.from_numpy(center), torch.from_numpy(context)).item()

    W = model.W.detach().numpy().astype(np.float64)
    W_out = model.W_out.detach().numpy().astype(np.float64)
    expected = []
    for c, o in zip(center, context):
        u = W[c] @ W_out                                   # scores
        p = np.exp(u) / np.exp(u).sum()                    # softmax
        expected.append(-np.log(p[o]))                     # cross-entropy with the one-hot context
    assert loss == pytest.approx(float(np.mean(expected)), rel=1e-6, abs=1e-6)


def test_forward_grads_only_touch_the_centre_row():
    torch.manual_seed(2)
    model = SkipGram(12, 3)
    with torch.no_grad():
        model.W_out.normal_()
    model(torch.tensor([4]), torch.tensor([9])).backward()
    grad = model.W.grad.numpy()
    assert np.flatnonzero(np.abs(grad).sum(axis=1)).tolist() == [4]
    assert (np.abs(model.W_out.grad.numpy()).sum(axis=0) > 0).all()
