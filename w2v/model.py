"""The whole skip-gram model, all of it in this one file: shown line by line in "Model blueprint"."""
import torch
from torch import nn
from torch.nn import functional as F


class SkipGram(nn.Module):
    def __init__(self, vocab_size: int, dim: int):
        super().__init__()
        # W: centre-word vectors, small random values as in word2vec.c
        self.W = nn.Parameter(torch.empty(vocab_size, dim).uniform_(-0.5 / dim, 0.5 / dim))  # (V, D)
        # W_out (W′ in the book): context-word vectors, zero so step 0 predicts uniformly
        self.W_out = nn.Parameter(torch.zeros(dim, vocab_size))  # (D, V)

    def forward(self, center: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        h = self.W[center]  # (B, D) the hidden layer: the centre word's row of W
        u = h @ self.W_out  # (B, V) one score per vocabulary word
        log_p = F.log_softmax(u, dim=-1)  # (B, V) log of p = softmax(u)
        return F.nll_loss(log_p, context)  # () loss: mean of −log p[context]
