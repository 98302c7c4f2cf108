#!/usr/bin/env python3
"""Stage 1, prepare: decode a manifest's audio once into a cache folder for training or dev metrics.

  /usr/bin/python3 train/prepare.py train ../shared/data/train/manifest.jsonl .cache/train
  /usr/bin/python3 train/prepare.py everyayah /path/to/reciter-folder .cache/reciter
  /usr/bin/python3 train/prepare.py everyayah /path/to/ahmed-allhdan .cache/more-allhdan \
      --exclude ../shared/data/train/manifest.jsonl --sample 1800 --max-seconds 40
      (--exclude repeats and also takes a cache folder: a next round skips the ayat of the last)
  /usr/bin/python3 train/prepare.py dev ../shared/data/dev/manifest.json .cache/dev
Training sets are checked: a reserved evaluation reciter or a dev clip stops the run.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ayat_train import data  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("kind", choices=["train", "everyayah", "dev"])
    p.add_argument("source", help="manifest.jsonl (train), a reciter folder (everyayah), manifest.json (dev)")
    p.add_argument("out", help="cache folder to write")
    p.add_argument("--limit", type=int, help="only the first N clips (smoke tests)")
    p.add_argument("--exclude", action="append", default=[],
                   help="a train manifest.jsonl or a cache folder: skip the (reciter, ayah) clips it already has "
                        "(repeatable)")
    p.add_argument("--sample", type=int, help="a random N of the clips (seeded by --seed)")
    p.add_argument("--seed", type=int, default=20261121)
    p.add_argument("--max-seconds", type=float, help="drop clips longer than this once decoded")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = p.parse_args(argv)
    if args.kind == "train":
        clips = data.read_train_manifest(args.source)
    elif args.kind == "everyayah":
        clips = data.read_everyayah_folder(args.source)
    else:
        clips = data.read_benchmark_manifest(args.source)
    for known in args.exclude:
        clips = data.exclude_known(clips, data.read_known(known))
    if args.sample:
        clips = data.sample_clips(clips, args.sample, args.seed)
    if args.limit:
        clips = clips[: args.limit]
    try:
        if args.kind != "dev":
            data.check_trainable(clips)
    except data.ReservedReciterError as e:
        print(f"prepare: refused: {e}", file=sys.stderr)
        return 2
    try:
        out = data.build_cache(clips, args.out, workers=args.workers, max_seconds=args.max_seconds)
    except (OSError, RuntimeError, ValueError) as e:
        print(f"prepare: {e}", file=sys.stderr)
        return 1
    kept = sum(1 for line in (out / "index.jsonl").open(encoding="utf-8") if line.strip())
    print(f"prepare: {kept} clips -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
