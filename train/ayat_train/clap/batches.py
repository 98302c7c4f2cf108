"""Batches with hard negatives: runs of neighbouring ayat of one surah, mixed with random clips.

All clips are put in Quran order (ties between reciters broken at random) and cut into groups
of `group` consecutive clips: neighbouring ayat of one surah, where a wrong answer is most
likely (similar vocabulary, the same reciter's voice, similar lengths). A `hard_share` of the
groups is kept whole; the rest is dissolved into single clips drawn at random. Batches are
filled with whole groups first, then with singles, and every clip appears once per epoch.
"""
from __future__ import annotations

import random


def hard_negative_batches(verses: list[int], batch_size: int, rng: random.Random, group: int = 8,
                          hard_share: float = 0.5) -> list[list[int]]:
    """verses[i] = verse index (Quran order) of clip i. Returns batches of clip indices."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    n = len(verses)
    order = sorted(range(n), key=lambda i: (verses[i], rng.random()))
    group = max(1, min(group, batch_size))
    groups = [order[k:k + group] for k in range(0, n, group)]
    rng.shuffle(groups)
    n_hard = round(len(groups) * hard_share)
    hard = groups[:n_hard]
    singles = [i for g in groups[n_hard:] for i in g]
    rng.shuffle(singles)
    per_batch_hard = max(0, min(len(hard), round(len(hard) / max(1, -(-n // batch_size)))))
    batches: list[list[int]] = []
    while hard or singles:
        batch: list[int] = []
        taken = 0
        while hard and taken < max(1, per_batch_hard) and len(batch) + len(hard[-1]) <= batch_size:
            batch += hard.pop()
            taken += 1
        while singles and len(batch) < batch_size:
            batch.append(singles.pop())
        while hard and len(batch) + len(hard[-1]) <= batch_size and not singles:
            batch += hard.pop()
        if not batch:  # a group larger than what is left of the batch: split it
            g = hard.pop()
            batch, rest = g[:batch_size], g[batch_size:]
            if rest:
                hard.append(rest)
        batches.append(batch)
    rng.shuffle(batches)
    return batches
