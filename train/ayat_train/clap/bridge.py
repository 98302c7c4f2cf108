"""The lightweight bridge: 128 clip features -> a 384-d text space where every verse has a vector.

The 384-d space is pluggable: any [6236, 384] matrix of verse embeddings in Quran order (a
sentence embedder such as all-MiniLM-L6-v2 run over the verses, where one is at hand). Here it
is a fixed projection of QuranCLAP's text tower: P (384 x 256, orthonormal columns, seeded)
times each verse's 256-d embedding, so cosine similarities between verses are kept exactly.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .features import FEATURE_DIM

TEXT_DIM = 384
HIDDEN = (256, 512)


def projection(d_in: int, d_out: int = TEXT_DIM, seed: int = 384) -> np.ndarray:
    """[d_out, d_in] with orthonormal columns (d_out >= d_in)."""
    g = np.random.RandomState(seed).randn(d_out, d_in)
    q, r = np.linalg.qr(g)
    return (q * np.sign(np.diag(r))[None, :]).astype(np.float32)


class Bridge(nn.Module):
    """Standardise (stored statistics) -> 128 -> 256 -> 512 -> 384, ReLU, tanh out."""

    def __init__(self, mean: np.ndarray | None = None, std: np.ndarray | None = None):
        super().__init__()
        self.register_buffer("mean", torch.zeros(FEATURE_DIM) if mean is None else torch.as_tensor(mean, dtype=torch.float32))
        self.register_buffer("std", torch.ones(FEATURE_DIM) if std is None else torch.as_tensor(std, dtype=torch.float32))
        dims = (FEATURE_DIM, *HIDDEN, TEXT_DIM)
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(dims[:-1], dims[1:]))

    def forward(self, feats: torch.Tensor) -> torch.Tensor:
        x = (feats - self.mean) / self.std
        for i, layer in enumerate(self.layers):
            x = layer(x)
            x = torch.tanh(x) if i == len(self.layers) - 1 else F.relu(x)
        return x

    def layer_list(self) -> list[tuple[np.ndarray, np.ndarray, str]]:
        n = len(self.layers)
        return [(l.weight.detach().numpy(), l.bias.detach().numpy(), "tanh" if i == n - 1 else "relu") for i, l in enumerate(self.layers)]


def standardisation(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = features.mean(axis=0)
    std = features.std(axis=0)
    return mean.astype(np.float32), np.maximum(std, 1e-3 * (np.abs(mean) + 1.0)).astype(np.float32)
