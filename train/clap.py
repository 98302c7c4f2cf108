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
import math
import random
import shlex
import sys
import time
import warnings
from datetime import date
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ayat_train import data, units  # noqa: E402
from ayat_train.clap import calibration  # noqa: E402
from ayat_train.clap.batches import hard_negative_batches  # noqa: E402
from ayat_train.clap.loss import info_nce  # noqa: E402
from ayat_train.clap.onnx_io import OPSET, write_card, write_verse_matrix  # noqa: E402
from ayat_train.clap.retrieval import retrieval_report  # noqa: E402
from ayat_train.clap.rules import Refused, check_trainable_rows  # noqa: E402
from ayat_train.clap.states import StateCache, build_states, file_sha256  # noqa: E402
from ayat_train.clap.towers import Clap, ClapConfig, embed_verses, pad_units  # noqa: E402
from ayat_train.clap.verses import clip_verse, verse_table  # noqa: E402
from ayat_train.model import ModelConfig, count_params, encoder_fingerprint  # noqa: E402

CARD_FORMAT = "clap-onnx"


def setup_torch(threads: int, seed: int) -> None:
    torch.backends.mkldnn.enabled = False  # oneDNN in torch 1.13 returns wrong Conv1d weight gradients
    if threads:
        torch.set_num_threads(threads)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def load_acoustic(path: str) -> tuple[ModelConfig, dict, dict]:
    ckpt = torch.load(path, map_location="cpu")
    if ckpt.get("vocab") != units.vocab():
        raise Refused(f"{path}: its unit inventory differs from src/quran/units.json")
    return ModelConfig(**ckpt["config"]), ckpt["model"], ckpt


def new_clap(acoustic_path: str, cfg: ClapConfig, text_init: str = "ctc") -> tuple[Clap, dict]:
    acfg, state, _ = load_acoustic(acoustic_path)
    model = Clap(acfg, cfg)
    model.audio.load_acoustic(state)
    if text_init == "ctc":
        model.text.init_from_ctc_head(state["head.weight"])
    return model, {"path": str(acoustic_path), "sha256": file_sha256(acoustic_path), "config": acfg.to_dict()}


def load_clap(path: str) -> tuple[Clap, dict]:
    ckpt = torch.load(path, map_location="cpu")
    if ckpt.get("format") != "ayat-clap":
        raise Refused(f"{path} is not a QuranCLAP checkpoint (made by `train/clap.py train` or `init`)")
    model = Clap(ModelConfig(**ckpt["acoustic"]["config"]), ClapConfig(**ckpt["clap_config"]))
    model.load_state_dict(ckpt["model"])
    return model.eval(), ckpt


def run_summary(ckpt: dict) -> dict:
    """What a checkpoint's own run did, for the card: phase, length, data, dev top-1."""
    state = ckpt["state"]
    return {"phase": ckpt["phase"], "pooling": ckpt["clap_config"]["pooling"], "epochs": state["epoch"], "steps": state["step"],
            "train_time_s": round(state["elapsed_s"]), "clips": ckpt.get("train_clips"), "dev_top1": ckpt.get("metrics", {}).get("dev_top1")}


def checkpoint_payload(model: Clap, acoustic: dict, phase: int, state: dict, metrics: dict, extra: dict | None = None) -> dict:
    return {"format": "ayat-clap", "model": model.state_dict(), "clap_config": model.cfg.to_dict(), "acoustic": acoustic,
            "phase": phase, "state": state, "vocab": units.vocab(), "metrics": metrics, **(extra or {})}


# --- cache ------------------------------------------------------------------------------------

def cmd_cache(args) -> int:
    setup_torch(args.threads, args.seed)
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


# --- train ------------------------------------------------------------------------------------

class Bank:
    """Cached clip states with their verse indices (single-verse clips only)."""

    def __init__(self, caches: list[StateCache]):
        self.clips: list[np.ndarray] = []
        self.verses: list[int] = []
        self.views: list[int] = []
        self.reciters: set[str] = set()
        for c in caches:
            for i, r in enumerate(c.rows):
                v = clip_verse(r)
                if v is None:
                    continue
                self.clips.append(c.clip(i))
                self.verses.append(v)
                self.views.append(r["view"])
                self.reciters.add(r.get("reciter") or "?")


# Clips go through the encoder blocks one at a time: no padding, no attention masks. Padded,
# masked batches take a very slow attention path in torch 1.13 on CPU (measured 3x slower for
# training steps, 4x for inference, on top of the padding itself), see train.py's evaluate().

def clip_states(c: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.asarray(c, dtype=np.float32))[None]


def embed_states(model: Clap, clips: list[np.ndarray], grad: bool) -> torch.Tensor:
    """Audio embeddings from cached trunk states, in the clips' order (gradients flow when grad)."""
    with torch.set_grad_enabled(grad):
        return torch.cat([model.audio.embed_hidden(model.audio.top(clip_states(c), None), None) for c in clips])


@torch.no_grad()
def precompute(model: Clap, clips: list[np.ndarray], mean_pool: bool):
    """Frozen top blocks over all clips once (phase 1): pooled vectors, or per-clip hidden frames."""
    model.audio.eval()
    out = []
    for c in clips:
        h = model.audio.top(clip_states(c), None)[0]
        out.append(h.mean(dim=0) if mean_pool else h.to(torch.float16))
    return torch.stack(out) if mean_pool else out


def dev_metrics(model: Clap, dev: Bank | None, mean_pool: bool) -> dict:
    if dev is None:
        return {}
    model.eval()
    with torch.no_grad():
        bank = embed_verses(model.text, verse_table().ids)
        q = embed_states(model, dev.clips, grad=False)
    model.train()
    rep = retrieval_report(q, bank, dev.verses)
    return {"dev_top1": rep["all_6236"]["top1"], "dev_top5": rep["all_6236"]["top5"], "dev_top10": rep["all_6236"]["top10"],
            "dev_top1_789": rep["surahs_1_5_789"]["top1"], "dev_top5_789": rep["surahs_1_5_789"]["top5"],
            "dev_top10_789": rep["surahs_1_5_789"]["top10"], "dev_n": rep["all_6236"]["n"]}


def cmd_train(args) -> int:
    setup_torch(args.threads, args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    caches = [StateCache.load(p) for p in args.states]
    for c, p in zip(caches, args.states):
        if c.meta.get("purpose") != "train":
            raise Refused(f"{p}: an evaluation cache (made with --eval) must never be trained on")
        check_trainable_rows(c.rows)
    dev_caches = [StateCache.load(p) for p in args.dev_states]

    resume = None
    earlier: list[dict] = []  # the runs this one starts from (phase 1 before phase 2), carried into the card
    if args.resume:
        model, resume = load_clap(args.resume)
        acoustic, phase = resume["acoustic"], resume["phase"]
        earlier = resume.get("earlier", [])
    elif args.phase == 1:
        if not args.acoustic:
            raise Refused("phase 1 needs --acoustic (the acoustic checkpoint whose encoder the caches came from)")
        cfg = ClapConfig(pooling=args.pooling, tune_layers=caches[0].meta["tune_layers"], text_dim=args.text_dim, text_layers=args.text_layers)
        model, acoustic = new_clap(args.acoustic, cfg, args.text_init)
        phase = 1
    else:
        if not args.init:
            raise Refused("phase 2 needs --init (a phase-1 checkpoint)")
        model, ckpt = load_clap(args.init)
        acoustic, phase = ckpt["acoustic"], 2
        earlier = [*ckpt.get("earlier", []), run_summary(ckpt)]
    for c, p in zip(caches + dev_caches, list(args.states) + list(args.dev_states)):
        if c.meta["acoustic"]["sha256"] != acoustic["sha256"]:
            raise Refused(f"{p} was made from another acoustic checkpoint ({c.meta['acoustic']['path']}); rebuild it with `clap.py cache`")
        if c.meta["split"] != model.audio.split:
            raise Refused(f"{p} caches states after block {c.meta['split']}, the model splits after {model.audio.split}")

    train = Bank(caches)
    dev = Bank(dev_caches) if dev_caches else None
    if not train.clips:
        raise Refused("no single-verse clips in the training caches")
    mean_pool = model.cfg.pooling == "mean"
    table = verse_table()
    keys = table.key

    for p in model.audio.parameters():
        p.requires_grad_(False)
    for p in model.audio.head_parameters():
        p.requires_grad_(True)
    groups = [{"params": [*model.audio.head_parameters(), *model.text.parameters(), model.logit_scale], "lr": args.lr, "base_lr": args.lr}]
    if phase == 2:
        for p in model.audio.top_parameters():
            p.requires_grad_(True)
        groups.append({"params": model.audio.top_parameters(), "lr": args.encoder_lr, "base_lr": args.encoder_lr})
    opt = torch.optim.AdamW(groups, betas=(0.9, 0.98), weight_decay=args.weight_decay)
    state = {"epoch": 0, "step": 0, "elapsed_s": 0.0, "best": None}
    if resume and resume.get("optimizer") and resume["phase"] == phase:
        opt.load_state_dict(resume["optimizer"])
        state = resume["state"]

    frozen = precompute(model, train.clips, mean_pool) if phase == 1 else None
    print(json.dumps({"phase": phase, "train_clips": len(train.clips), "dev_clips": len(dev.clips) if dev else 0,
                      "trainable": sum(p.numel() for g in groups for p in g["params"]), "params": count_params(model),
                      "pooling": model.cfg.pooling, "batch_size": args.batch_size}), flush=True)

    rng = random.Random(args.seed + state["epoch"])
    budget_s = args.minutes * 60 if args.minutes else None
    batches_per_epoch = len(hard_negative_batches(train.verses, args.batch_size, random.Random(0), args.group, args.hard_share))
    total_steps = args.max_steps or (args.epochs * batches_per_epoch)
    run_start = time.time()
    elapsed_before = state["elapsed_s"]
    stats = {"loss": 0.0, "n": 0}

    def end_of_epoch(finished: bool) -> None:
        state["elapsed_s"] = elapsed_before + time.time() - run_start
        entry = {"epoch": state["epoch"], "step": state["step"], "elapsed_s": round(state["elapsed_s"], 1),
                 # None, not 0.0, when no step ran since the last entry (the time budget ended right after an epoch)
                 "train_loss": round(stats["loss"] / stats["n"], 4) if stats["n"] else None, "temperature": round(1 / float(model.scale()), 4),
                 "epoch_end": finished, "phase": phase}
        evaluated = dev is not None and (not finished or state["epoch"] % args.eval_every == 0 or state["epoch"] >= args.epochs)
        if evaluated:
            entry |= dev_metrics(model, dev, mean_pool)
        if evaluated:
            score = (entry["dev_top1"], entry["dev_top5"])
        else:
            score = None if dev or entry["train_loss"] is None else (-entry["train_loss"],)
        if score is not None and (state["best"] is None or score > tuple(state["best"])):
            state["best"] = list(score)
            entry["best"] = True
        extra = {"optimizer": opt.state_dict(), "train_reciters": sorted(train.reciters), "train_clips": len(train.clips),
                 "states": [str(p) for p in args.states], "earlier": earlier}
        payload = checkpoint_payload(model, acoustic, phase, state, entry, extra)
        torch.save(payload, out / "last.tmp.pt")
        (out / "last.tmp.pt").replace(out / "last.pt")
        if entry.get("best"):
            torch.save(payload, out / "best.tmp.pt")
            (out / "best.tmp.pt").replace(out / "best.pt")
        with open(out / "log.jsonl", "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")
        print(json.dumps(entry), flush=True)
        stats.update(loss=0.0, n=0)

    model.train()
    if phase == 1:
        model.audio.eval()  # frozen encoder: no dropout in what the heads see
    done = False
    while state["epoch"] < args.epochs and not done:
        for batch in hard_negative_batches(train.verses, args.batch_size, rng, args.group, args.hard_share):
            if (budget_s and time.time() - run_start >= budget_s) or (args.max_steps is not None and state["step"] >= args.max_steps):
                done = True
                break
            progress = (time.time() - run_start) / budget_s if budget_s else state["step"] / max(1, total_steps)
            warm = min(1.0, (state["step"] + 1) / args.warmup)
            for g in opt.param_groups:
                g["lr"] = g["base_lr"] * warm * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress))))
            if phase == 1 and mean_pool:
                audio = model.audio.proj(frozen[batch])
            elif phase == 1:
                clips = [frozen[i] for i in batch]
                lengths = torch.tensor([len(c) for c in clips])
                hidden = torch.nn.utils.rnn.pad_sequence([c.float() for c in clips], batch_first=True)
                audio = model.audio.embed_hidden(hidden, lengths)
            else:
                audio = embed_states(model, [train.clips[i] for i in batch], grad=True)
            ids, id_lengths = pad_units([table.ids[train.verses[i]] for i in batch])
            text = model.text(ids, id_lengths)
            batch_keys = torch.tensor([keys[train.verses[i]] for i in batch])
            loss = info_nce(audio, text, model.scale(), batch_keys)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for g in groups for p in g["params"]], 5.0)
            opt.step()
            state["step"] += 1
            stats["loss"] += float(loss)
            stats["n"] += 1
            if state["step"] % args.log_every == 0:
                print(json.dumps({"step": state["step"], "loss": round(float(loss), 4), "temperature": round(1 / float(model.scale()), 4)}), flush=True)
        else:
            state["epoch"] += 1
        end_of_epoch(not done)
    return 0


def cmd_init(args) -> int:
    """An untrained checkpoint (zero-shot row of the table): acoustic encoder + random heads."""
    setup_torch(0, args.seed)
    cfg = ClapConfig(pooling=args.pooling, tune_layers=args.tune_layers, text_dim=args.text_dim, text_layers=args.text_layers)
    model, acoustic = new_clap(args.acoustic, cfg, args.text_init)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    state = {"epoch": 0, "step": 0, "elapsed_s": 0.0, "best": None}
    torch.save(checkpoint_payload(model, acoustic, 0, state, {}), args.out)
    print(json.dumps({"checkpoint": args.out, "phase": 0}))
    return 0


# --- export -----------------------------------------------------------------------------------

class AudioExport(torch.nn.Module):
    def __init__(self, model: Clap):
        super().__init__()
        self.tower = model.audio

    def forward(self, audio):
        return self.tower(audio)


class HeadExport(torch.nn.Module):
    """The audio tower after its trunk: the trunk's states [1, T, d] -> the last tune_layers blocks
    (as phase 2 left them) -> pooled, projected embedding. Where an acoustic model's card has the
    same encoder_sha256 (a fingerprint of the trunk alone), its `hidden` output feeds this graph
    and hybrid mode runs the trunk once."""

    def __init__(self, model: Clap):
        super().__init__()
        self.tower = model.audio

    def forward(self, hidden):
        return self.tower.embed_hidden(self.tower.top(hidden, None), None)


class TextExport(torch.nn.Module):
    def __init__(self, model: Clap):
        super().__init__()
        self.tower = model.text

    def forward(self, units):
        return self.tower(units)


@torch.no_grad()
def embed_waves(model: Clap, waves: list[np.ndarray]) -> torch.Tensor:
    """Audio embeddings of float clips, one at a time as the exported graph runs them (shorter
    clips zero-padded to 0.25 s, as src/embed does)."""
    model.eval()
    return torch.cat([model.audio(torch.from_numpy(np.pad(w, (0, max(0, 4000 - len(w)))).astype(np.float32))[None]) for w in waves])


def cache_waves(cache: data.Cache, limit: int | None = None) -> tuple[list[np.ndarray], list[dict]]:
    rows = cache.rows[:limit] if limit else cache.rows
    return [cache.samples(i).astype(np.float32) / 32768.0 for i in range(len(rows))], rows


def cmd_export(args) -> int:
    setup_torch(args.threads, 1)
    model, ckpt = load_clap(args.checkpoint)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(AudioExport(model).eval(), (torch.zeros(1, 16000 * 3),), str(out / "audio.onnx"), input_names=["audio"],
                          output_names=["embedding"], dynamic_axes={"audio": {1: "samples"}}, opset_version=OPSET)
        torch.onnx.export(TextExport(model).eval(), (torch.ones(1, 20, dtype=torch.long),), str(out / "text.onnx"), input_names=["units"],
                          output_names=["embedding"], dynamic_axes={"units": {1: "length"}}, opset_version=OPSET)
        torch.onnx.export(HeadExport(model).eval(), (torch.zeros(1, 50, model.audio.d_model),), str(out / "head.onnx"),
                          input_names=["hidden"], output_names=["embedding"], dynamic_axes={"hidden": {1: "frames"}}, opset_version=OPSET)
    if args.int8:
        from export import quantize_weights_int8  # train/export.py: weight-only int8, per channel
        quantize_weights_int8(out / "audio.onnx")
        quantize_weights_int8(out / "head.onnx")
    bank = embed_verses(model.text, verse_table().ids)
    verses = write_verse_matrix(bank.numpy(), out / "verses.bin")
    cal = None
    if args.calibrate_on:
        waves, rows = cache_waves(data.Cache.load(args.calibrate_on), args.limit)
        keep = [i for i, r in enumerate(rows) if clip_verse(r) is not None]
        pos = embed_waves(model, [waves[i] for i in keep]) @ bank.t()
        neg = embed_waves(model, calibration.negative_clips([waves[i] for i in keep])) @ bank.t()
        cal = calibration.fit_confidence(pos, [clip_verse(rows[i]) for i in keep], neg) | {"dev_cache": str(args.calibrate_on)}
    files = {name: out / name for name in ("audio.onnx", "text.onnx", "head.onnx", "verses.bin")}
    card = {
        "name": args.name,
        "version": str(date.today()),
        "format": CARD_FORMAT,
        "sample_rate": 16000,
        "embed_dim": model.cfg.embed_dim,
        "audio": {"file": "audio.onnx", "sha256": file_sha256(files["audio.onnx"]), "input": "audio", "output": "embedding",
                  "weights": "int8 (per-channel, weight-only)" if args.int8 else "float32"},
        "text": {"file": "text.onnx", "sha256": file_sha256(files["text.onnx"]), "input": "units", "output": "embedding"},
        "head": {"file": "head.onnx", "sha256": file_sha256(files["head.onnx"]), "input": "hidden", "output": "embedding",
                 "hidden_blocks": model.audio.split, "encoder_sha256": encoder_fingerprint(model.audio.encoder, model.audio.split)},
        "verses": verses | {"sha256": file_sha256(files["verses.bin"])},
        "units": units.vocab(),
        "unit_rules_version": units.rules()["version"],
        "logit_scale": round(float(model.logit_scale.detach()), 6),
        "calibration": cal,
        "size_bytes": sum(p.stat().st_size for p in files.values()),
        "params": count_params(model),
        "architecture": {"audio": f"acoustic encoder ({ckpt['acoustic']['config']['n_layers']} Conformer blocks, d={ckpt['acoustic']['config']['d_model']}) "
                                  f"-> {model.cfg.pooling} pooling -> MLP -> L2", "text": "unit embeddings -> dilated conv blocks -> mean+max -> MLP -> L2",
                         **model.cfg.to_dict()},
        "training": {k: v for k, v in run_summary(ckpt).items() if k not in ("pooling", "dev_top1")}
                    | {"reciters": ckpt.get("train_reciters"), "acoustic_checkpoint_sha256": ckpt["acoustic"]["sha256"],
                       "earlier": ckpt.get("earlier", [])},
        "metrics": {k: v for k, v in ckpt.get("metrics", {}).items() if k.startswith("dev_")},
    }
    write_card(out / "card.json", card)
    if args.reference:
        write_reference(model, bank, *args.reference)
    print(json.dumps({k: card[k] for k in ("name", "size_bytes", "params")} | {"calibrated": cal is not None}))
    return 0


def write_reference(model: Clap, bank: torch.Tensor, wav_path: str, out_json: str) -> None:
    """PyTorch's outputs for the parity test: the clip's audio embedding, a few verses' text embeddings."""
    from ayat_train.audio import decode
    samples = decode(wav_path).astype(np.float32) / 32768.0
    with torch.no_grad():
        audio = model.audio(torch.from_numpy(samples)[None])[0]
        probe = [0, 1, 6, 6221, 6235]
        text = [model.text(torch.tensor([verse_table().ids[i]]))[0].tolist() for i in probe]
    Path(out_json).write_text(json.dumps({"audio": audio.tolist(), "verse_indices": probe, "text": text,
                                          "bank_rows": [bank[i].tolist() for i in probe],
                                          "units": [list(verse_table().ids[i]) for i in probe]}))


# --- evaluate ---------------------------------------------------------------------------------

GROUPS = {"professional": ("tajweedai", "everyayah"), "crowd": ("retasy",), "all": None}


def cmd_evaluate(args) -> int:
    setup_torch(args.threads, 1)
    cache = data.Cache.load(args.dev)
    waves, rows = cache_waves(cache, args.limit)
    keep = [i for i, r in enumerate(rows) if clip_verse(r) is not None]
    results = {"command": "/usr/bin/python3 train/clap.py evaluate " + " ".join(shlex.quote(a) for a in args.argv),
               "dev": str(args.dev), "date": str(date.today()), "clips": len(keep),
               "multi_verse_clips_left_out": len(rows) - len(keep), "runs": {}}
    for spec in args.runs:
        name, _, path = spec.partition("=")
        if not path:
            raise Refused(f"--runs takes NAME=CHECKPOINT, got {spec!r}")
        model, ckpt = load_clap(path)
        t0 = time.time()
        q = embed_waves(model, [waves[i] for i in keep])
        bank = embed_verses(model.text, verse_table().ids)
        run = {"checkpoint": path, "phase": ckpt["phase"], "steps": ckpt["state"]["step"], "seconds": round(time.time() - t0, 1)}
        for group, sources in GROUPS.items():
            sel = [k for k, i in enumerate(keep) if sources is None or rows[i].get("source") in sources]
            if sel:
                run[group] = retrieval_report(q[sel], bank, [clip_verse(rows[keep[k]]) for k in sel])
        results["runs"][name] = run
        print(json.dumps({name: {g: run[g] for g in GROUPS if g in run}}), flush=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(results, indent=2) + "\n")
    out.with_suffix(".md").write_text(retrieval_markdown(results))
    print(f"clap evaluate: wrote {out.with_suffix('.json')} and {out.with_suffix('.md')}")
    return 0


def retrieval_markdown(results: dict) -> str:
    pct = lambda x: "—" if x is None else f"{100 * x:.1f} %"  # noqa: E731
    lines = ["# QuranCLAP retrieval on dev", "",
             f"Generated {results['date']} by:", "", "```sh", results["command"], "```", "",
             f"Dev clips never trained on ({results['dev']}); {results['clips']} single-verse clips "
             f"({results['multi_verse_clips_left_out']} multi-verse clips left out). A hit is the right verse, or a verse "
             "with exactly the same units, among the top k. Over 789 candidates (surahs 1–5, the original paper's set) "
             "only clips of those surahs count.", ""]
    for group in GROUPS:
        if not any(group in run for run in results["runs"].values()):
            continue
        lines += [f"## {group}", "", "| run | n | top-1 / 789 | top-5 / 789 | top-10 / 789 | n | top-1 / 6,236 | top-5 / 6,236 | top-10 / 6,236 |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for name, run in results["runs"].items():
            if group not in run:
                continue
            a, b = run[group]["surahs_1_5_789"], run[group]["all_6236"]
            lines.append(f"| {name} | {a['n']} | {pct(a['top1'])} | {pct(a['top5'])} | {pct(a['top10'])} | {b['n']} | "
                         f"{pct(b['top1'])} | {pct(b['top5'])} | {pct(b['top10'])} |")
        lines.append("")
    lines += ["Reference: the original QuranCLAP (frozen English HuBERT + AraBERT, 552 clips, batch 4) reached 0.1 % top-1 over 789 verses.", ""]
    return "\n".join(lines)


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
