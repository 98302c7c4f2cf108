"""QuranCLAP training on cached trunk states: phase 1 (heads and text tower; the encoder frozen,
its top blocks run once) and phase 2 (the top encoder blocks tuned too, at their own learning rate).
Each epoch appends to log.jsonl and writes last.pt, and best.pt on the best dev top-1."""
from __future__ import annotations

import json
import math
import random
import time
from pathlib import Path

import numpy as np
import torch

from ..model import count_params
from .batches import hard_negative_batches
from .checkpoints import checkpoint_payload, load_clap, new_clap, run_summary
from .loss import info_nce
from .retrieval import retrieval_report
from .rules import Refused, check_trainable_rows
from .states import StateCache
from .towers import Clap, ClapConfig, embed_verses, pad_units
from .verses import clip_verse, verse_table


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


def train(args) -> int:
    """`clap.py train`: phase 1, phase 2 or a resumed run, per its arguments (see clap.py)."""
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
