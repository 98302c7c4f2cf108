#!/usr/bin/env python3
"""QuranCLAP: contrastive audio <-> verse embeddings on top of the acoustic model's encoder.

Stages (prepare the audio caches first with train/prepare.py):

  # 1. cache: run the frozen encoder trunk once over every clip (clean + augmented views)
  /usr/bin/python3 train/clap.py cache --acoustic runs/cpu/best.pt --audio .cache/train --out .cache/clap-train --views 3
  /usr/bin/python3 train/clap.py cache --acoustic runs/cpu/best.pt --audio .cache/dev --out .cache/clap-dev --eval
  # 2. train: phase 1 (heads + text tower, encoder frozen), phase 2 (last 2 encoder blocks too, smaller lr)
  /usr/bin/python3 train/clap.py train --phase 1 --pooling attention --acoustic runs/cpu/best.pt --states .cache/clap-train --dev-states .cache/clap-dev --out runs/clap/p1 --epochs 40
  /usr/bin/python3 train/clap.py train --phase 2 --init runs/clap/p1/best.pt --states .cache/clap-train --dev-states .cache/clap-dev --out runs/clap/p2 --epochs 20
  # 3. export: both towers (and the audio tower's head alone) to ONNX, the 6,236 verse embeddings, a card (calibrated on dev)
  /usr/bin/python3 train/clap.py export runs/clap/p2/best.pt models/ayat-clap --int8 --calibrate-on .cache/dev
  # 4. evaluate: the retrieval table (zero-shot vs phase 1 vs phase 2) on dev, JSON + Markdown
  /usr/bin/python3 train/clap.py init --acoustic runs/cpu/best.pt --out runs/clap/zero-shot.pt
  /usr/bin/python3 train/clap.py evaluate --dev .cache/dev --runs zero-shot=runs/clap/zero-shot.pt \\
      phase1=runs/clap/p1/best.pt phase2=runs/clap/p2/best.pt --out docs/clap-retrieval

Training caches are checked like prepare.py's: reserved reciters and dev clips are refused.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ayat_train import data  # noqa: E402
from ayat_train.clap.checkpoints import checkpoint_payload, load_acoustic, new_clap  # noqa: E402
from ayat_train.clap.evaluate import evaluate  # noqa: E402
from ayat_train.clap.export_model import export  # noqa: E402
from ayat_train.clap.rules import Refused, check_trainable_rows  # noqa: E402
from ayat_train.clap.states import build_states, file_sha256  # noqa: E402
from ayat_train.clap.towers import Clap, ClapConfig  # noqa: E402
from ayat_train.clap.trainer import train  # noqa: E402
from ayat_train.runtime import setup_cpu_torch  # noqa: E402


# --- cache ------------------------------------------------------------------------------------

def cmd_cache(args) -> int:
    setup_cpu_torch(args.threads, args.seed)
    caches = [data.Cache.load(p) for p in args.audio]
    if not args.eval:
        for c in caches:
            check_trainable_rows(c.rows)
    acfg, state, _ = load_acoustic(args.acoustic)
    model = Clap(acfg, ClapConfig(tune_layers=args.tune_layers))
    model.audio.load_acoustic(state)
    meta = {"acoustic": {"path": str(args.acoustic), "sha256": file_sha256(args.acoustic), "config": acfg.to_dict()},
            "split": model.audio.split, "tune_layers": args.tune_layers, "purpose": "eval" if args.eval else "train",
            "sources": [str(p) for p in args.audio]}
    views = 1 if args.eval else args.views
    t0 = time.time()
    out = build_states(model.audio, caches, args.out, meta, views=views, augment_strength=args.augment_strength,
                       seed=args.seed, limit=args.limit)
    print(json.dumps({"cache": str(out), "views": views, "seconds": round(time.time() - t0, 1)}))
    return 0


# --- train, init, export, evaluate -------------------------------------------------------------

def cmd_train(args) -> int:
    setup_cpu_torch(args.threads, args.seed)
    return train(args)


def cmd_init(args) -> int:
    """An untrained checkpoint (zero-shot row of the table): acoustic encoder + random heads."""
    setup_cpu_torch(0, args.seed)
    cfg = ClapConfig(pooling=args.pooling, tune_layers=args.tune_layers, text_dim=args.text_dim, text_layers=args.text_layers)
    model, acoustic = new_clap(args.acoustic, cfg, args.text_init)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    state = {"epoch": 0, "step": 0, "elapsed_s": 0.0, "best": None}
    torch.save(checkpoint_payload(model, acoustic, 0, state, {}), args.out)
    print(json.dumps({"checkpoint": args.out, "phase": 0}))
    return 0


def cmd_export(args) -> int:
    setup_cpu_torch(args.threads, 1)
    return export(args)


def cmd_evaluate(args) -> int:
    setup_cpu_torch(args.threads, 1)
    return evaluate(args)


# --- main -------------------------------------------------------------------------------------

def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="stage", required=True)

    c = sub.add_parser("cache", help="run the frozen encoder trunk over audio caches")
    c.add_argument("--acoustic", required=True, help="acoustic checkpoint (train/train.py's best.pt)")
    c.add_argument("--audio", nargs="+", required=True, help="audio cache folder(s) made by prepare.py")
    c.add_argument("--out", required=True)
    c.add_argument("--eval", action="store_true", help="an evaluation cache (dev): one clean view, never trainable")
    c.add_argument("--views", type=int, default=2, help="views per clip: 1 clean + (views-1) augmented")
    c.add_argument("--augment-strength", type=float, default=1.0)
    c.add_argument("--tune-layers", type=int, default=ClapConfig.tune_layers, help="encoder blocks left after the cached trunk (phase 2 tunes them)")
    c.add_argument("--limit", type=int, help="only the first N clips (smoke tests)")

    t = sub.add_parser("train", help="phase 1 (heads) or phase 2 (heads + last encoder blocks)")
    t.add_argument("--phase", type=int, choices=[1, 2], default=1)
    t.add_argument("--acoustic", help="phase 1: the acoustic checkpoint")
    t.add_argument("--init", help="phase 2: the phase-1 checkpoint to start from")
    t.add_argument("--resume", help="continue a run from its last.pt")
    t.add_argument("--states", nargs="+", required=True, help="training state caches (clap.py cache)")
    t.add_argument("--dev-states", nargs="*", default=[], help="dev state caches (clap.py cache --eval) for per-epoch retrieval metrics")
    t.add_argument("--out", required=True)
    t.add_argument("--pooling", choices=["mean", "attention"], default="mean")
    t.add_argument("--text-init", choices=["ctc", "random"], default="ctc", help="unit embeddings from the CTC output layer, or random")
    t.add_argument("--epochs", type=int, default=30)
    t.add_argument("--max-steps", type=int)
    t.add_argument("--minutes", type=float)
    t.add_argument("--batch-size", type=int, default=256)
    t.add_argument("--group", type=int, default=8, help="neighbouring ayat per hard-negative group")
    t.add_argument("--hard-share", type=float, default=0.5, help="share of clips placed in hard-negative groups")
    t.add_argument("--lr", type=float, default=1e-3)
    t.add_argument("--encoder-lr", type=float, default=5e-5, help="phase 2: learning rate of the unfrozen encoder blocks")
    t.add_argument("--weight-decay", type=float, default=0.01)
    t.add_argument("--warmup", type=int, default=50)
    t.add_argument("--log-every", type=int, default=20)
    t.add_argument("--eval-every", type=int, default=1, help="epochs between dev evaluations (and best.pt updates)")

    i = sub.add_parser("init", help="an untrained checkpoint (zero-shot baseline)")
    i.add_argument("--acoustic", required=True)
    i.add_argument("--out", required=True)
    i.add_argument("--pooling", choices=["mean", "attention"], default="mean")
    i.add_argument("--text-init", choices=["ctc", "random"], default="ctc")
    i.add_argument("--tune-layers", type=int, default=ClapConfig.tune_layers)

    e = sub.add_parser("export", help="ONNX towers + verse embeddings + card")
    e.add_argument("checkpoint")
    e.add_argument("out", help="model folder to write")
    e.add_argument("--name", default="ayat-clap")
    e.add_argument("--int8", action="store_true", help="int8 weights in the audio tower and its head")
    e.add_argument("--calibrate-on", help="dev audio cache: fit the confidence / no-match threshold")
    e.add_argument("--limit", type=int, help="only the first N calibration clips")
    e.add_argument("--reference", nargs=2, metavar=("AUDIO", "JSON"), help="also write PyTorch's outputs on AUDIO (parity tests)")

    v = sub.add_parser("evaluate", help="top-1/5/10 retrieval table on dev (JSON + Markdown)")
    v.add_argument("--dev", required=True, help="dev audio cache (prepare.py dev)")
    v.add_argument("--runs", nargs="+", required=True, metavar="NAME=CHECKPOINT")
    v.add_argument("--out", required=True, help="output path without extension (.json and .md are written)")
    v.add_argument("--limit", type=int)

    for s in (t, i):
        s.add_argument("--text-dim", type=int, default=ClapConfig.text_dim, help="text tower width")
        s.add_argument("--text-layers", type=int, default=ClapConfig.text_layers, help="text tower conv blocks")
    for s in (c, t, i, e, v):
        s.add_argument("--threads", type=int, default=0)
        s.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    args.argv = list(sys.argv[2:] if argv is None else argv[1:])
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        return {"cache": cmd_cache, "train": cmd_train, "init": cmd_init, "export": cmd_export, "evaluate": cmd_evaluate}[args.stage](args)
    except Refused as e:
        print(f"clap {args.stage}: refused: {e}", file=sys.stderr)
        return 2
    except FileNotFoundError as e:
        print(f"clap {args.stage}: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    from train import reexec_with_stable_malloc  # train/train.py: ~1.6x faster CPU training
    reexec_with_stable_malloc()
    sys.exit(main())
