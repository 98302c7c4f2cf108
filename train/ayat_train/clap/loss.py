"""Symmetric InfoNCE (CLIP-style) with positives shared between rows of equal key.

With a batch of B (audio_i, text_i) pairs, both L2-normalised, logits = s * A T^T where s is
the learnable logit scale. Audio i's loss is -log of the softmax mass its positives get over
all B texts; text j's likewise over all B clips; the loss is the mean of the two directions.
Without keys (all pairs distinct) this is exactly CLIP's cross-entropy on the diagonal. With
keys, two clips of the same verse (or of two verses with identical units) are not pushed
apart: each one's positives are all the texts of its key.
"""
from __future__ import annotations

import torch


def info_nce(audio: torch.Tensor, text: torch.Tensor, logit_scale: torch.Tensor | float,
             keys: torch.Tensor | None = None) -> torch.Tensor:
    logits = logit_scale * audio @ text.t()
    if keys is None:
        target = torch.arange(len(audio), device=audio.device)
        a2t = torch.nn.functional.cross_entropy(logits, target)
        t2a = torch.nn.functional.cross_entropy(logits.t(), target)
        return (a2t + t2a) / 2
    positive = keys[:, None] == keys[None, :]
    return (_multi_positive(logits, positive) + _multi_positive(logits.t(), positive.t())) / 2


def _multi_positive(logits: torch.Tensor, positive: torch.Tensor) -> torch.Tensor:
    all_ = torch.logsumexp(logits, dim=1)
    pos = torch.logsumexp(logits.masked_fill(~positive, float("-inf")), dim=1)
    return (all_ - pos).mean()


def info_nce_against(query: torch.Tensor, bank: torch.Tensor, target: torch.Tensor, logit_scale: float,
                     bank_keys: torch.Tensor | None = None, target_keys: torch.Tensor | None = None) -> torch.Tensor:
    """One-directional InfoNCE of each query against a whole bank (e.g. all 6,236 verses):
    query i's positives are the bank rows whose key equals target_keys[i] (or row target[i])."""
    logits = logit_scale * query @ bank.t()
    if bank_keys is None or target_keys is None:
        return torch.nn.functional.cross_entropy(logits, target)
    positive = target_keys[:, None] == bank_keys[None, :]
    return _multi_positive(logits, positive)
