"""Clips of an audio cache as float waves, embedded one at a time as the exported audio graph runs
them (for calibration at export, and for the retrieval table)."""
from __future__ import annotations

import numpy as np
import torch

from .. import data
from .towers import Clap


@torch.no_grad()
def embed_waves(model: Clap, waves: list[np.ndarray]) -> torch.Tensor:
    """Audio embeddings of float clips, one at a time as the exported graph runs them (shorter
    clips zero-padded to 0.25 s, as src/embed does)."""
    model.eval()
    return torch.cat([model.audio(torch.from_numpy(np.pad(w, (0, max(0, 4000 - len(w)))).astype(np.float32))[None]) for w in waves])


def cache_waves(cache: data.Cache, limit: int | None = None) -> tuple[list[np.ndarray], list[dict]]:
    rows = cache.rows[:limit] if limit else cache.rows
    return [cache.samples(i).astype(np.float32) / 32768.0 for i in range(len(rows))], rows
