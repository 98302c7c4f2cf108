"""Short crops of aligned clips, so the model also learns to hear a few seconds without the rest of the verse.

Measured on the shipped model (2026-11-24): the middle of a professional clip heard as a 2.5-s window
alone gets about twice the unit errors it gets heard inside the whole clip. Crowd clips are short.
A crop needs its own targets, so each clip is first force-aligned (`align.py`) and crops are cut
halfway between the frames where two consecutive units are emitted.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

NEG_INF = -1e30
ALIGNMENT_FILE = "alignment.jsonl"
MIN_UNITS_PER_S = 1.0


def viterbi_align(log_probs: np.ndarray, targets: list[int], blank: int = 0) -> list[int] | None:
    """The frame at which each target unit starts on the best CTC path, or None when no path fits
    (fewer frames than the targets need). log_probs: [T, V]."""
    n_frames, n_units = log_probs.shape[0], len(targets)
    if n_units == 0:
        return []
    labels = np.full(2 * n_units + 1, blank, dtype=np.int64)
    labels[1::2] = targets
    n_states = len(labels)
    # A state may also come from two back: a unit after the blank that follows a different unit.
    skip = np.zeros(n_states, dtype=bool)
    skip[3::2] = labels[3::2] != labels[1:-2:2]
    emit = log_probs[:, labels]
    score = np.full(n_states, NEG_INF)
    score[0], score[1] = emit[0, 0], emit[0, 1]
    back = np.zeros((n_frames, n_states), dtype=np.int8)  # 0 stay, 1 from s-1, 2 from s-2
    for t in range(1, n_frames):
        from1 = np.concatenate(([NEG_INF], score[:-1]))
        from2 = np.where(skip, np.concatenate(([NEG_INF, NEG_INF], score[:-2])), NEG_INF)
        stacked = np.stack([score, from1, from2])
        back[t] = stacked.argmax(0)
        score = stacked.max(0) + emit[t]
    end = n_states - 1 if score[-1] >= score[-2] else n_states - 2
    if score[end] <= NEG_INF / 2:
        return None
    starts = [0] * n_units
    state = end
    for t in range(n_frames - 1, -1, -1):
        if state % 2 == 1:
            starts[state // 2] = t  # overwritten until the unit's first frame
        state -= int(back[t, state])
    return starts


@dataclass(frozen=True)
class Crop:
    """Samples [start, end) of a clip and the targets they hold."""
    row: int
    start: int
    end: int
    targets: tuple[int, ...]


def crop_bounds(unit_samples: list[int], length: int, first: int, last: int) -> tuple[int, int]:
    """Samples holding units first..last (inclusive): cut halfway to the neighbouring units, or at the clip's ends."""
    start = 0 if first == 0 else (unit_samples[first - 1] + unit_samples[first]) // 2
    end = length if last == len(unit_samples) - 1 else (unit_samples[last] + unit_samples[last + 1]) // 2
    return start, end


def random_crop(row: dict, starts: list[int], rng: random.Random, seconds: tuple[float, float],
                sample_rate: int = 16000, min_units: int = 3) -> tuple[int, int, int, int] | None:
    """A stretch of about `seconds` of an aligned clip as (start, end, first unit, last unit), or None
    when the clip is too short for it or the stretch looks misaligned."""
    want = int(rng.uniform(*seconds) * sample_rate)
    if row["length"] < want * 1.5 or len(starts) < 2 * min_units:
        return None
    first = rng.randrange(0, len(starts) - min_units)
    last = first
    while last + 1 < len(starts) and starts[last + 1] - starts[first] < want:
        last += 1
    start, end = crop_bounds(starts, row["length"], first, last)
    n_units = last - first + 1
    # Fewer units than a slow recitation holds: the alignment put them somewhere they are not.
    if n_units < min_units or n_units < MIN_UNITS_PER_S * (end - start) / sample_rate:
        return None
    return start, end, first, last


def plan_epoch(rows: list[dict], alignments: list[list[int] | None], rng: random.Random, crops_per_clip: int,
               seconds: tuple[float, float]) -> list[Crop]:
    """One epoch's items: every clip whole, and `crops_per_clip` crops of about `seconds` of each
    aligned clip, each with the units inside (fewer where a crop does not fit)."""
    items = [Crop(i, 0, row["length"], tuple(row["targets"])) for i, row in enumerate(rows)]
    for i, (row, starts) in enumerate(zip(rows, alignments)):
        for _ in range(crops_per_clip if starts else 0):
            crop = random_crop(row, starts, rng, seconds)
            if crop:
                start, end, first, last = crop
                items.append(Crop(i, start, end, tuple(row["targets"][first:last + 1])))
    return items


def load_alignments(folder: str | Path, rows: list[dict]) -> list[list[int] | None]:
    """A cache folder's alignments in its index order (all None when it has not been aligned)."""
    path = Path(folder) / ALIGNMENT_FILE
    if not path.exists():
        return [None] * len(rows)
    lines = [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l]
    if [l["id"] for l in lines] != [r["id"] for r in rows]:
        raise ValueError(f"{path} does not match {folder}/index.jsonl: run align.py on it again")
    return [l["unit_samples"] for l in lines]
