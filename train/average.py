#!/usr/bin/env python3
"""Stage 2b, average: the mean of several checkpoints' weights, written as a checkpoint export.py reads.

  /usr/bin/python3 train/average.py runs/r/step-*.pt --last 4 --dev .cache/dev --out runs/r/avg.pt

Keep a run's evaluations with `train.py --keep-evals`. The weights at the end of a run wander
around the bottom of the loss valley; their mean usually sits lower than any one of them.
With --dev the averaged model is evaluated like train.py does, and those metrics go into the
checkpoint (and so into the model card); without it the checkpoint carries no metrics rather
than the last one's.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ayat_train.model import CtcModel, ModelConfig  # noqa: E402
from ayat_train.runtime import setup_cpu_torch  # noqa: E402
from train import AudioStore, evaluate  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoints", nargs="+", help="checkpoints of one run (train.py's step-N.pt, last.pt, best.pt)")
    p.add_argument("--last", type=int, help="average only the N latest (by training step)")
    p.add_argument("--dev", nargs="*", default=[], help="dev cache folder(s): evaluate the averaged model")
    p.add_argument("--out", required=True)
    return p.parse_args(argv)


def average_state_dicts(states: list[dict]) -> dict:
    """Floating-point tensors averaged; counters and other integer buffers taken from the latest."""
    out = {}
    for name, latest in states[-1].items():
        if latest.is_floating_point():
            out[name] = sum(s[name].double() for s in states).div(len(states)).to(latest.dtype)
        else:
            out[name] = latest.clone()
    return out


def main(argv=None) -> int:
    args = parse_args(argv)
    ckpts = sorted((torch.load(p, map_location="cpu") for p in args.checkpoints), key=lambda c: c["state"]["step"])
    if args.last:
        ckpts = ckpts[-args.last:]
    configs = {json.dumps(c["config"], sort_keys=True) for c in ckpts}
    if len(configs) != 1:
        print("average.py: the checkpoints have different model configurations", file=sys.stderr)
        return 2
    steps = [c["state"]["step"] for c in ckpts]
    payload = {k: v for k, v in ckpts[-1].items() if k != "optimizer"}
    payload["model"] = average_state_dicts([c["model"] for c in ckpts])
    payload["averaged_steps"] = steps
    payload["metrics"] = {}
    if args.dev:
        setup_cpu_torch()
        model = CtcModel(ModelConfig(**payload["config"]))
        model.load_state_dict(payload["model"])
        payload["metrics"] = evaluate(model, AudioStore(args.dev, "cpu"), "cpu")
    torch.save(payload, args.out)
    print(json.dumps({"averaged_steps": steps, **payload["metrics"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
