"""Top-k retrieval metrics over the verse bank, counting verses with identical units as hits."""
from __future__ import annotations

import torch

from .verses import SURAHS_1_TO_5, verse_table

KS = (1, 5, 10)


def topk_hits(queries: torch.Tensor, bank: torch.Tensor, targets: list[int], candidates: int | None = None,
              ks=KS) -> dict:
    """queries [N, D], bank [V, D] (rows in Quran order), targets: verse index per query.
    candidates: restrict to the first `candidates` verses (789 = surahs 1-5); queries whose
    verse lies outside are left out. Returns {"n", "top1", "top5", "top10"} (fractions)."""
    table = verse_table()
    v = bank.shape[0] if candidates is None else candidates
    keep = [i for i, t in enumerate(targets) if t < v]
    out = {"n": len(keep), "candidates": v}
    if not keep:
        return out | {f"top{k}": None for k in ks}
    keys = torch.tensor(table.key[:v])
    scores = queries[keep] @ bank[:v].t()
    target_keys = torch.tensor([table.key[targets[i]] for i in keep])
    # rank of the best-scoring verse of the right key = number of other-key verses scoring above it
    right = keys[None, :] == target_keys[:, None]
    best_right = scores.masked_fill(~right, float("-inf")).max(dim=1).values
    rank = ((scores > best_right[:, None]) & ~right).sum(dim=1)
    for k in ks:
        out[f"top{k}"] = round(float((rank < k).float().mean()), 4)
    return out


def retrieval_report(queries: torch.Tensor, bank: torch.Tensor, targets: list[int]) -> dict:
    return {"all_6236": topk_hits(queries, bank, targets), "surahs_1_5_789": topk_hits(queries, bank, targets, SURAHS_1_TO_5)}
