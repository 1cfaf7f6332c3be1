"""Skip-gram with a hierarchical softmax, word2vec's other way around the full softmax.

The V words are the leaves of a binary Huffman tree built from the corpus counts, as word2vec.c
builds it (frequent words near the root). Each of the V − 1 inner nodes has a vector of D numbers;
p(o | c) is the product of σ(±W[c] · node) over the nodes on the path from the root to o
(Morin & Bengio 2005; Mikolov et al. 2013). A recipe with ``softmax = "hierarchical"`` in
train.toml trains it with the same recorded, cached machinery (w2v/train.py). Shown in "Two ways
around the softmax", with one step by hand (`hs_step`), checked against torch autograd.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from .model import SkipGram


@dataclass(frozen=True)
class HuffmanTree:
    """The tree over the vocabulary. Inner nodes are numbered 0 … V − 2 in the order they were
    merged, so the root is V − 2. L = the longest path."""

    parent: np.ndarray    # (2V − 1,) parent of each leaf (0 … V − 1) and inner node (V + n); −1 at the root
    branch: np.ndarray    # (2V − 1,) 0 or 1: which child of its parent each leaf or node is
    path_nodes: np.ndarray  # (V, L) inner nodes from the root down to each word, padded with 0
    path_codes: np.ndarray  # (V, L) the branch taken at each of those nodes (0 or 1), padded with 0
    depth: np.ndarray     # (V,) the length of each word's path (its code length)

    @property
    def vocab_size(self) -> int:
        return len(self.depth)

    def path(self, word: int) -> tuple[np.ndarray, np.ndarray]:
        """(nodes, codes) of one word's path, root first, without padding."""
        n = int(self.depth[word])
        return self.path_nodes[word, :n], self.path_codes[word, :n]


def huffman_tree(counts) -> HuffmanTree:
    """The Huffman tree of word2vec.c's CreateBinaryTree: the two least frequent of the words and
    merged nodes are merged, V − 1 times. The words are taken by count, most frequent first (ties
    in vocabulary order), so the same counts always give the same tree."""
    counts = np.asarray(counts, dtype=np.int64)
    V = len(counts)
    if V < 2:
        raise ValueError("a hierarchical softmax needs at least 2 words")
    order = np.argsort(-counts, kind="stable")         # (V,) word ids, most frequent first
    # word2vec.c's two-pointer merge: leaves sorted descending (read from the end), merged nodes
    # come out in ascending order, so the two smallest are always at one of the two pointers
    weight = np.concatenate([counts[order], np.full(V - 1, np.iinfo(np.int64).max)])
    parent = np.full(2 * V - 1, -1, dtype=np.int64)   # in sorted positions: leaves 0 … V − 1, nodes V …
    branch = np.zeros(2 * V - 1, dtype=np.int64)
    leaf, node = V - 1, V
    for n in range(V - 1):
        pick = []
        for _ in range(2):
            if leaf >= 0 and weight[leaf] < weight[node]:
                pick.append(leaf)
                leaf -= 1
            else:
                pick.append(node)
                node += 1
        weight[V + n] = weight[pick[0]] + weight[pick[1]]
        parent[pick] = V + n
        branch[pick[1]] = 1                            # the second-smallest is the "1" child
    # back from sorted positions to word ids (inner nodes keep their numbers)
    word_parent = np.empty_like(parent)
    word_branch = np.empty_like(branch)
    word_parent[order], word_branch[order] = parent[:V], branch[:V]
    word_parent[V:], word_branch[V:] = parent[V:], branch[V:]
    paths = []
    for word in range(V):
        nodes, codes, b = [], [], word
        while word_parent[b] >= 0:                     # climb to the root, then read it backwards
            nodes.append(int(word_parent[b]) - V)
            codes.append(int(word_branch[b]))
            b = word_parent[b]
        paths.append((nodes[::-1], codes[::-1]))
    depth = np.array([len(nodes) for nodes, _ in paths])
    path_nodes = np.zeros((V, depth.max()), dtype=np.int64)
    path_codes = np.zeros((V, depth.max()), dtype=np.int64)
    for word, (nodes, codes) in enumerate(paths):
        path_nodes[word, :len(nodes)] = nodes
        path_codes[word, :len(codes)] = codes
    return HuffmanTree(word_parent, word_branch, path_nodes, path_codes, depth)


class SkipGramHS(SkipGram):
    """model.py's SkipGram with the same W and the same start; W_out holds the V − 1 inner
    nodes' vectors instead of the V words'. Words sit at the leaves of `tree`."""

    def __init__(self, vocab_size: int, dim: int, tree: HuffmanTree):
        super().__init__(vocab_size, dim)
        self.W_out = nn.Parameter(torch.zeros(dim, vocab_size - 1))  # (D, V − 1) zero, as W′ is
        depth = torch.from_numpy(tree.depth)
        steps = torch.arange(tree.path_nodes.shape[1])
        self.register_buffer("nodes", torch.from_numpy(tree.path_nodes))  # (V, L)
        # (V, L) +1 where the path takes branch 0, −1 for branch 1, 0 past the word's depth
        sign = (1 - 2 * torch.from_numpy(tree.path_codes)) * (steps[None] < depth[:, None])
        self.register_buffer("sign", sign.float())

    def forward(self, center, context):
        h = self.W[center]  # (B, D) the hidden layer, as in model.py
        nodes, sign = self.nodes[context], self.sign[context]  # (B, L) the context word's path
        u = torch.einsum("bd,dbl->bl", h, self.W_out[:, nodes])  # (B, L) one score per node
        # (B,) −log p(o | c) = −Σ log σ(±u) along the path; padding (sign 0) adds nothing
        loss = -(F.logsigmoid(sign * u) * sign.abs()).sum(-1)
        return loss.mean()  # () averaged over the batch


def word_probabilities(W: np.ndarray, W_nodes: np.ndarray, tree: HuffmanTree, center: int) -> np.ndarray:
    """(V,) p(o | center) for every word o: the product of σ(±u) along o's path."""
    u = W[center].astype(np.float64) @ W_nodes.astype(np.float64)     # (V − 1,) every node's score
    sign = 1 - 2 * tree.path_codes                                    # (V, L)
    mask = np.arange(tree.path_nodes.shape[1])[None] < tree.depth[:, None]
    log_s = -np.logaddexp(0, -sign * u[tree.path_nodes])              # log σ(±u) at each step
    return np.exp((log_s * mask).sum(axis=1))


@dataclass
class HSStepRecord:
    """Everything one hierarchical-softmax step computes. D = dimension, L = the path's length."""

    center: int              # centre word id
    context: int             # the context word id: the leaf the path leads to
    lr: float                # learning rate of this step
    nodes: np.ndarray        # (L,) the inner nodes on the context word's path, root first
    label: np.ndarray        # (L,) 1 where the path takes branch 0 (word2vec.c's 1 − code), else 0
    h: np.ndarray            # (D,) hidden layer h = W[center]
    u: np.ndarray            # (L,) scores u = h · W′[:, nodes]
    s: np.ndarray            # (L,) σ(u), the model's probability of branch 0 at each node
    p_branch: np.ndarray     # (L,) the probability of the branch the path takes: σ(±u)
    p_context: float         # p(context | center) = Π p_branch
    loss: float              # −log p(context | center)
    e: np.ndarray            # (L,) error e = σ(u) − label = ∂L/∂u
    grad_W_out: np.ndarray   # (D, V − 1) ∂L/∂W′: only the columns of `nodes` are non-zero
    grad_h: np.ndarray       # (D,) ∂L/∂h = W′[:, nodes] e, which is ∂L/∂W[center]
    W_next: np.ndarray       # (V, D) W after the step: only row `center` differs
    W_out_next: np.ndarray   # (D, V − 1) the node vectors after the step: only the path's move


def hs_step(W, W_out, tree: HuffmanTree, center: int, context: int, lr: float) -> HSStepRecord:
    """One SGD step of the hierarchical softmax on one (center, context) pair, in float32 like
    torch: a yes-or-no question at each node on the context word's path."""
    W = W.astype(np.float32, copy=False)
    W_out = W_out.astype(np.float32, copy=False)
    lr32 = np.float32(lr)

    nodes, codes = tree.path(context)       # (L,) each: no node twice
    label = (1 - codes).astype(np.float32)  # branch 0 is "yes"
    h = W[center].copy()                    # (D,)
    u = h @ W_out[:, nodes]                 # (L,) log₂V-ish scores, not V
    s = 1 / (1 + np.exp(-u))                # σ(u)
    sign = 2 * label - 1                    # +1 branch 0, −1 branch 1
    p_branch = 1 / (1 + np.exp(-sign * u))  # σ(±u)
    loss = float(np.logaddexp(0, -sign * u).sum())  # −Σ log σ(±u)
    e = s - label                           # (L,) ∂L/∂u
    grad_W_out = np.zeros_like(W_out)       # (D, V − 1)
    grad_W_out[:, nodes] = np.outer(h, e)
    grad_h = W_out[:, nodes] @ e            # (D,)

    W_next = W.copy()
    W_next[center] = h - lr32 * grad_h
    W_out_next = W_out - lr32 * grad_W_out  # the path's L columns move
    return HSStepRecord(center, context, lr, nodes, label, h, u, s, p_branch,
                        float(np.prod(p_branch, dtype=np.float64)), loss, e,
                        grad_W_out, grad_h, W_next, W_out_next)


def replay(run, step: int) -> tuple[np.ndarray, np.ndarray]:
    """(W, W_out) of a hierarchical-softmax run as they were before `step`, replayed by hand
    (`hs_step`) from the nearest earlier checkpoint."""
    if not 0 <= step <= run.config.steps:
        raise ValueError(f"step must be in 0…{run.config.steps}, got {step}")
    tree = huffman_tree(run.corpus.counts)
    c = int(np.searchsorted(run.checkpoint_steps, step, side="right") - 1)
    W, W_out = run.W_checkpoints[c].copy(), run.W_out_checkpoints[c].copy()
    for t in range(int(run.checkpoint_steps[c]), step):
        record = hs_step(W, W_out, tree, int(run.centers[t]), int(run.contexts[t]), run.config.lr_at(t))
        W, W_out = record.W_next, record.W_out_next
    return W, W_out


def multiply_adds(dim: int, path_length: float) -> float:
    """Multiply-adds of one step on paper, counted as w2v.sgns.multiply_adds counts them: D for
    each of the score, ∂L/∂h and the update per node on the path, + D for the update of W[center].
    A Huffman tree's mean path length (weighted by counts) is at most about log₂ V."""
    return 3 * dim * path_length + dim


def mean_path_length(tree: HuffmanTree, counts) -> float:
    """The path length of the average training pair's context word: depths weighted by counts."""
    counts = np.asarray(counts, dtype=np.float64)
    return float((tree.depth * counts).sum() / counts.sum())
