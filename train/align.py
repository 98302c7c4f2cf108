#!/usr/bin/env python3
"""Stage 1b, align: where each target unit of each cached clip is spoken, for train.py's --crops-per-clip.

  /usr/bin/python3 train/align.py --model runs/shipped/start.pt .cache/train .cache/more-*

Writes `alignment.jsonl` into each cache folder (one line per clip, in index order: the sample at
which each unit starts, or null where the model's posteriors admit no path or the model hears the
clip too badly to trust where it puts the units: greedy unit error over MAX_CLIP_UER, as when
the audio holds words the targets lack). Rerunnable: a folder
that has one is skipped. The model is any checkpoint of train.py or import_onnx.py.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ayat_train.crops import ALIGNMENT_FILE, viterbi_align  # noqa: E402
from ayat_train.data import Cache  # noqa: E402
from ayat_train.metrics import edit_distance, greedy_decode  # noqa: E402
from ayat_train.model import HOP, CtcModel  # noqa: E402
from ayat_train.runtime import setup_cpu_torch  # noqa: E402
from export import load_model  # noqa: E402

MAX_CLIP_UER = 0.4


@torch.no_grad()
def align_cache(model: CtcModel, folder: Path) -> tuple[int, int]:
    """Aligns every clip of one cache folder; returns (clips aligned, clips left unaligned)."""
    cache = Cache.load(folder)
    frame = model.cfg.subsampling * HOP
    failed = 0
    tmp = folder / (ALIGNMENT_FILE + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        for i, row in enumerate(cache.rows):
            wav = torch.from_numpy(cache.samples(i).astype("float32") / 32768.0)[None]
            log_probs, _ = model(wav)
            targets = row["targets"]
            heard = greedy_decode(log_probs[0].argmax(-1).tolist())
            trusted = edit_distance(heard, targets) <= MAX_CLIP_UER * len(targets)
            starts = viterbi_align(log_probs[0].numpy(), targets) if trusted else None
            if starts is None:
                failed += 1
            samples = None if starts is None else [min(row["length"] - 1, t * frame + frame // 2) for t in starts]
            f.write(json.dumps({"id": row["id"], "unit_samples": samples}) + "\n")
    tmp.replace(folder / ALIGNMENT_FILE)
    return len(cache.rows) - failed, failed


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("caches", nargs="+", help="cache folders made by prepare.py")
    p.add_argument("--model", required=True, help="checkpoint whose posteriors place the units")
    p.add_argument("--threads", type=int, default=0)
    args = p.parse_args(argv)
    setup_cpu_torch(args.threads)
    model, _ = load_model(args.model)  # refuses a checkpoint of another unit inventory
    for folder in map(Path, args.caches):
        if (folder / ALIGNMENT_FILE).exists():
            print(json.dumps({"cache": str(folder), "skipped": "already aligned"}), flush=True)
            continue
        start = time.time()
        aligned, failed = align_cache(model, folder)
        print(json.dumps({"cache": str(folder), "aligned": aligned, "unaligned": failed, "seconds": round(time.time() - start, 1)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
