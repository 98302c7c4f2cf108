#!/usr/bin/env python3
"""Lightweight mode's bridge: clip features (MFCC + spectral statistics, 128) -> a 384-d text
space -> cosine top-k over the 6,236 verses. No acoustic model at inference: tens of ms per clip.

  # 1. features of every clip (clean + augmented views), from prepare.py's audio caches
  /usr/bin/python3 train/bridge.py features --audio .cache/train --out .cache/bridge-train.npz --views 4
  /usr/bin/python3 train/bridge.py features --audio .cache/dev --out .cache/bridge-dev.npz --eval
  # 2. the 384-d verse space: a projection of QuranCLAP's text tower (or --from-npy any [6236, 384]
  #    matrix of verse embeddings in Quran order, e.g. all-MiniLM-L6-v2 run over the verse texts)
  /usr/bin/python3 train/bridge.py text-space --clap runs/clap/p2/best.pt --out .cache/verses384.npy
  # 3. train the MLP (MSE to the verse vector; --loss contrastive|both to try InfoNCE)
  /usr/bin/python3 train/bridge.py train --features .cache/bridge-train.npz --dev-features .cache/bridge-dev.npz \\
      --text-space .cache/verses384.npy --out runs/bridge --epochs 200
  # 4. export: int8 dynamic-quantised ONNX + verse matrix + card (calibrated on dev)
  /usr/bin/python3 train/bridge.py export runs/bridge/best.pt models/ayat-bridge --calibrate-on .cache/dev
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ayat_train import data  # noqa: E402
from ayat_train.augment import AugmentConfig, augment_waveform  # noqa: E402
from ayat_train.clap import calibration  # noqa: E402
from ayat_train.clap.bridge import TEXT_DIM, Bridge, projection, standardisation  # noqa: E402
from ayat_train.clap.features import FEATURE_DIM, FEATURE_VERSION, clip_features  # noqa: E402
from ayat_train.clap.loss import info_nce_against  # noqa: E402
from ayat_train.clap.onnx_io import dynamic_int8_mlp, write_card, write_verse_matrix  # noqa: E402
from ayat_train.clap.retrieval import retrieval_report  # noqa: E402
from ayat_train.clap.rules import Refused, check_trainable_rows  # noqa: E402
from ayat_train.clap.states import file_sha256  # noqa: E402
from ayat_train.clap.verses import clip_verse, verse_table  # noqa: E402
from ayat_train.runtime import setup_cpu_torch  # noqa: E402

CARD_FORMAT = "bridge-onnx"


def cmd_features(args) -> int:
    setup_cpu_torch(args.threads, args.seed)
    caches = [data.Cache.load(p) for p in args.audio]
    if not args.eval:
        for c in caches:
            check_trainable_rows(c.rows)
    aug = AugmentConfig().scaled(args.augment_strength)
    views = 1 if args.eval else args.views
    feats, verses, ids, view_of, reciters = [], [], [], [], []
    t0 = time.time()
    for view in range(views):
        for c in caches:
            rows = c.rows[: args.limit] if args.limit else c.rows
            for i, r in enumerate(rows):
                wav = c.samples(i).astype(np.float32) / 32768.0
                if view > 0:
                    wav = augment_waveform(torch.from_numpy(wav), aug).numpy()
                feats.append(clip_features(wav))
                v = clip_verse(r)
                verses.append(-1 if v is None else v)
                ids.append(r["id"])
                view_of.append(view)
                reciters.append(r.get("reciter") or "?")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(out, features=np.array(feats, dtype=np.float32), verses=np.array(verses), ids=np.array(ids), views=np.array(view_of),
             reciters=np.array(reciters), purpose=np.array("eval" if args.eval else "train"), feature_version=np.array(FEATURE_VERSION))
    print(json.dumps({"features": str(out), "rows": len(feats), "views": views, "seconds": round(time.time() - t0, 1)}))
    return 0


def cmd_text_space(args) -> int:
    setup_cpu_torch(args.threads, args.seed)
    if args.from_npy:
        m = np.load(args.from_npy).astype(np.float32)
        source = {"kind": "external", "source": str(args.from_npy), "name": args.name or Path(args.from_npy).stem}
    else:
        from ayat_train.clap.checkpoints import load_clap
        from ayat_train.clap.towers import embed_verses
        model, ckpt = load_clap(args.clap)
        e = embed_verses(model.text, verse_table().ids).numpy()
        m = e @ projection(e.shape[1], TEXT_DIM).T
        source = {"kind": "quranclap-text-projection", "clap_checkpoint": str(args.clap), "name": args.name or "quranclap-text-384"}
    if m.shape != (len(verse_table()), TEXT_DIM):
        raise Refused(f"a text space must be [{len(verse_table())}, {TEXT_DIM}] (verses in Quran order), got {list(m.shape)}")
    m = m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-9)
    np.save(args.out, m.astype(np.float32))
    Path(str(args.out) + ".json").write_text(json.dumps(source, indent=2) + "\n")
    print(json.dumps({"text_space": str(args.out)} | source))
    return 0


def load_features(path: str, purpose: str | None = None) -> dict:
    z = np.load(path)
    if int(z["feature_version"]) != FEATURE_VERSION:
        raise Refused(f"{path}: features version {int(z['feature_version'])}, this code computes version {FEATURE_VERSION}; recompute them")
    if purpose and str(z["purpose"]) != purpose:
        raise Refused(f"{path}: an evaluation feature file (made with --eval) must never be trained on")
    keep = z["verses"] >= 0
    return {"x": torch.from_numpy(z["features"][keep]), "v": torch.from_numpy(z["verses"][keep]).long(),
            "reciters": sorted(set(z["reciters"].tolist()))}


def retrieval(model: Bridge, x: torch.Tensor, targets: torch.Tensor, space: torch.Tensor) -> dict:
    model.eval()
    with torch.no_grad():
        q = F.normalize(model(x), dim=-1)
    model.train()
    rep = retrieval_report(q, space, targets.tolist())
    return {"dev_top1": rep["all_6236"]["top1"], "dev_top5": rep["all_6236"]["top5"], "dev_top10": rep["all_6236"]["top10"],
            "dev_top1_789": rep["surahs_1_5_789"]["top1"], "dev_top10_789": rep["surahs_1_5_789"]["top10"], "dev_n": rep["all_6236"]["n"]}


def cmd_train(args) -> int:
    setup_cpu_torch(args.threads, args.seed)
    train = load_features(args.features, "train")
    dev = load_features(args.dev_features) if args.dev_features else None
    space = torch.from_numpy(np.load(args.text_space)).float()
    space_meta = json.loads(Path(str(args.text_space) + ".json").read_text()) if Path(str(args.text_space) + ".json").exists() else {}
    mean, std = standardisation(train["x"].numpy())
    model = Bridge(mean, std)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    keys = torch.tensor(verse_table().key)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    n = len(train["x"])
    steps_per_epoch = max(1, math.ceil(n / args.batch_size))
    total = args.max_steps or args.epochs * steps_per_epoch
    state = {"epoch": 0, "step": 0, "best": None}
    t0 = time.time()
    print(json.dumps({"train_rows": n, "dev_rows": len(dev["x"]) if dev else 0, "loss": args.loss,
                      "params": sum(p.numel() for p in model.parameters())}), flush=True)
    done = False
    while state["epoch"] < args.epochs and not done:
        perm = torch.randperm(n)
        losses = []
        for k in range(0, n, args.batch_size):
            if (args.max_steps is not None and state["step"] >= args.max_steps) or (args.minutes and time.time() - t0 > args.minutes * 60):
                done = True
                break
            for g in opt.param_groups:
                g["lr"] = args.lr * min(1.0, (state["step"] + 1) / 20) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(1.0, state["step"] / total))))
            idx = perm[k:k + args.batch_size]
            pred = model(train["x"][idx])
            target = space[train["v"][idx]]
            loss = torch.zeros(())
            if args.loss in ("mse", "both"):
                loss = loss + F.mse_loss(pred, target) * TEXT_DIM  # per-vector squared distance
            if args.loss in ("contrastive", "both"):
                loss = loss + args.contrastive_weight * info_nce_against(F.normalize(pred, dim=-1), space, train["v"][idx], args.scale,
                                                                         keys, keys[train["v"][idx]])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            state["step"] += 1
            losses.append(float(loss))
        else:
            state["epoch"] += 1
        entry = {"epoch": state["epoch"], "step": state["step"], "train_loss": round(float(np.mean(losses)), 5) if losses else None,
                 "elapsed_s": round(time.time() - t0, 1)}
        if dev is not None and (done or state["epoch"] % args.eval_every == 0 or state["epoch"] >= args.epochs):
            entry |= retrieval(model, dev["x"], dev["v"], space)
            score = (entry["dev_top1"], entry["dev_top10"])
        elif dev is None and entry["train_loss"] is not None:
            score = (-entry["train_loss"],)
        else:
            score = None
        if score is not None and (state["best"] is None or score > tuple(state["best"])):
            state["best"] = list(score)
            entry["best"] = True
        payload = {"format": "ayat-bridge", "model": model.state_dict(), "state": state, "metrics": entry, "loss": args.loss,
                   "feature_version": FEATURE_VERSION, "text_space": {**space_meta, "path": str(args.text_space), "sha256": file_sha256(args.text_space)},
                   "train_reciters": train["reciters"], "train_rows": n}
        torch.save(payload, out / "last.pt")
        if entry.get("best"):
            torch.save(payload, out / "best.pt")
        with open(out / "log.jsonl", "a") as f:
            f.write(json.dumps(entry) + "\n")
        if state["epoch"] % args.log_every == 0 or done or "dev_top1" in entry:
            print(json.dumps(entry), flush=True)
    return 0


def load_bridge(path: str) -> tuple[Bridge, dict]:
    ckpt = torch.load(path, map_location="cpu")
    if ckpt.get("format") != "ayat-bridge":
        raise Refused(f"{path} is not a bridge checkpoint (made by `train/bridge.py train`)")
    if ckpt["feature_version"] != FEATURE_VERSION:
        raise Refused(f"{path} was trained on features version {ckpt['feature_version']}, this code computes version {FEATURE_VERSION}")
    model = Bridge()
    model.load_state_dict(ckpt["model"])
    return model.eval(), ckpt


def cmd_export(args) -> int:
    setup_cpu_torch(args.threads, 1)
    model, ckpt = load_bridge(args.checkpoint)
    space_path = args.text_space or ckpt["text_space"]["path"]
    if file_sha256(space_path) != ckpt["text_space"]["sha256"]:
        raise Refused(f"{space_path} is not the text space this bridge was trained on")
    space = np.load(space_path).astype(np.float32)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    pre = (model.mean.numpy(), model.std.numpy())
    if args.float:
        import onnx
        from ayat_train.clap.onnx_io import OPSET
        torch.onnx.export(model, (torch.zeros(1, FEATURE_DIM),), str(out / "bridge.onnx"), input_names=["features"],
                          output_names=["embedding"], opset_version=OPSET)
        onnx.checker.check_model(str(out / "bridge.onnx"))
    else:
        import onnx
        onnx.save(dynamic_int8_mlp(model.layer_list(), "features", "embedding", FEATURE_DIM, pre, name="bridge"), str(out / "bridge.onnx"))
    verses = write_verse_matrix(space, out / "verses.bin")
    cal = None
    if args.calibrate_on:
        cache = data.Cache.load(args.calibrate_on)
        rows = cache.rows[: args.limit] if args.limit else cache.rows
        keep = [i for i, r in enumerate(rows) if clip_verse(r) is not None]
        waves = [cache.samples(i).astype(np.float32) / 32768.0 for i in keep]
        bank = torch.from_numpy(space)

        def scores(ws):
            with torch.no_grad():
                q = F.normalize(model(torch.from_numpy(np.array([clip_features(w) for w in ws], dtype=np.float32))), dim=-1)
            return q @ bank.t()
        cal = calibration.fit_confidence(scores(waves), [clip_verse(rows[i]) for i in keep], scores(calibration.negative_clips(waves)))
        cal["dev_cache"] = str(args.calibrate_on)
    files = [out / "bridge.onnx", out / "verses.bin"]
    card = {
        "name": args.name,
        "version": str(date.today()),
        "format": CARD_FORMAT,
        "sample_rate": 16000,
        "features": {"version": FEATURE_VERSION, "dim": FEATURE_DIM, "spec": "MFCC + spectral summary statistics (docs/clap.md)"},
        "bridge": {"file": "bridge.onnx", "sha256": file_sha256(out / "bridge.onnx"), "input": "features", "output": "embedding",
                   "weights": "float32" if args.float else "int8 dynamic quantisation (MatMulInteger)", "size_bytes": (out / "bridge.onnx").stat().st_size},
        "embed_dim": TEXT_DIM,
        "verses": verses | {"sha256": file_sha256(out / "verses.bin")},
        "text_space": {k: v for k, v in ckpt["text_space"].items() if k != "path"},
        "calibration": cal,
        "size_bytes": sum(p.stat().st_size for p in files),
        "params": sum(p.numel() for p in model.parameters()),
        "training": {"loss": ckpt["loss"], "epochs": ckpt["state"]["epoch"], "steps": ckpt["state"]["step"],
                     "reciters": ckpt["train_reciters"], "rows": ckpt["train_rows"]},
        "metrics": {k: v for k, v in ckpt["metrics"].items() if k.startswith("dev_")},
    }
    write_card(out / "card.json", card)
    if args.reference:
        write_reference(model, *args.reference)
    print(json.dumps({"name": args.name, "bridge_bytes": card["bridge"]["size_bytes"], "size_bytes": card["size_bytes"], "calibrated": cal is not None}))
    return 0


def write_reference(model: Bridge, wav_path: str, out_json: str) -> None:
    """Python's features and the PyTorch bridge output on a clip (parity tests)."""
    from ayat_train.audio import decode
    wav = decode(wav_path).astype(np.float32) / 32768.0
    f = clip_features(wav)
    with torch.no_grad():
        e = model(torch.from_numpy(f.astype(np.float32))[None])[0]
    Path(out_json).write_text(json.dumps({"features": f.tolist(), "embedding": e.tolist()}))


def cmd_reference_features(args) -> int:
    """Features of audio files, as JSON (parity test with src/embed/features.ts)."""
    from ayat_train.audio import decode
    out = {}
    for p in args.files:
        out[p] = clip_features(decode(p).astype(np.float32) / 32768.0).tolist()
    print(json.dumps(out))
    return 0


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="stage", required=True)
    f = sub.add_parser("features", help="clip features from audio caches")
    f.add_argument("--audio", nargs="+", required=True)
    f.add_argument("--out", required=True, help=".npz file")
    f.add_argument("--eval", action="store_true", help="an evaluation set (dev): one clean view, never trainable")
    f.add_argument("--views", type=int, default=4, help="1 clean + (views-1) augmented views per clip")
    f.add_argument("--augment-strength", type=float, default=1.0)
    f.add_argument("--limit", type=int)
    s = sub.add_parser("text-space", help="the [6236, 384] verse matrix the bridge aims at")
    g = s.add_mutually_exclusive_group(required=True)
    g.add_argument("--clap", help="a QuranCLAP checkpoint: project its text tower to 384-d")
    g.add_argument("--from-npy", help="any [6236, 384] verse-embedding matrix in Quran order (e.g. all-MiniLM-L6-v2)")
    s.add_argument("--name")
    s.add_argument("--out", required=True, help=".npy file")
    t = sub.add_parser("train")
    t.add_argument("--features", required=True)
    t.add_argument("--dev-features")
    t.add_argument("--text-space", required=True)
    t.add_argument("--out", required=True)
    t.add_argument("--loss", choices=["mse", "contrastive", "both"], default="mse")
    t.add_argument("--contrastive-weight", type=float, default=1.0)
    t.add_argument("--scale", type=float, default=20.0, help="logit scale of the contrastive loss")
    t.add_argument("--epochs", type=int, default=200)
    t.add_argument("--max-steps", type=int)
    t.add_argument("--minutes", type=float)
    t.add_argument("--batch-size", type=int, default=256)
    t.add_argument("--lr", type=float, default=1e-3)
    t.add_argument("--weight-decay", type=float, default=1e-4)
    t.add_argument("--eval-every", type=int, default=10)
    t.add_argument("--log-every", type=int, default=10)
    e = sub.add_parser("export")
    e.add_argument("checkpoint")
    e.add_argument("out")
    e.add_argument("--name", default="ayat-bridge")
    e.add_argument("--text-space", help="the text space .npy (default: the path the checkpoint recorded)")
    e.add_argument("--float", action="store_true", help="float32 graph instead of int8 (parity tests)")
    e.add_argument("--calibrate-on", help="dev audio cache: fit the confidence / no-match threshold")
    e.add_argument("--limit", type=int)
    e.add_argument("--reference", nargs=2, metavar=("AUDIO", "JSON"))
    r = sub.add_parser("reference-features", help="features of audio files as JSON (parity tests)")
    r.add_argument("files", nargs="+")
    for x in (f, s, t, e, r):
        x.add_argument("--threads", type=int, default=0)
        x.add_argument("--seed", type=int, default=1)
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    stages = {"features": cmd_features, "text-space": cmd_text_space, "train": cmd_train, "export": cmd_export,
              "reference-features": cmd_reference_features}
    try:
        return stages[args.stage](args)
    except Refused as e:
        print(f"bridge {args.stage}: refused: {e}", file=sys.stderr)
        return 2
    except FileNotFoundError as e:
        print(f"bridge {args.stage}: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    from train import reexec_with_stable_malloc  # train/train.py: ~1.6x faster CPU training
    reexec_with_stable_malloc()
    sys.exit(main())
