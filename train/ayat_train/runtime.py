"""CPU torch set up the one way every script here needs it."""
from __future__ import annotations

import random

import numpy as np
import torch


def setup_cpu_torch(threads: int = 0, seed: int | None = None) -> None:
    """oneDNN off (Debian's torch 1.13 returns wrong Conv1d weight gradients with it, and the
    weights go NaN), `threads` intra-op threads (0: torch's default), and every seed when given."""
    torch.backends.mkldnn.enabled = False
    if threads:
        torch.set_num_threads(threads)
    if seed is not None:
        random.seed(seed)
        np.random.seed(seed)
        torch.manual_seed(seed)
