"""QuranCLAP export: audio tower, text tower and the audio tower's head as ONNX, the 6,236 verse
embeddings, and the model card (src/embed/card.ts reads it)."""
from __future__ import annotations

import json
import warnings
from datetime import date
from pathlib import Path

import numpy as np
import torch

from .. import data, units
from ..model import count_params, encoder_fingerprint
from . import calibration
from .checkpoints import load_clap, run_summary
from .onnx_io import OPSET, write_card, write_verse_matrix
from .states import file_sha256
from .towers import Clap, embed_verses
from .verses import clip_verse, verse_table
from .waves import cache_waves, embed_waves

CARD_FORMAT = "clap-onnx"


class TowerExport(torch.nn.Module):
    """A tower as its own graph: raw audio [1, N] or units [1, L] -> embedding [1, D]."""

    def __init__(self, tower: torch.nn.Module):
        super().__init__()
        self.tower = tower

    def forward(self, x):
        return self.tower(x)


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


def export(args) -> int:
    """`clap.py export`: ONNX towers, the verse matrix and the card, per its arguments (see clap.py)."""
    model, ckpt = load_clap(args.checkpoint)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(TowerExport(model.audio).eval(), (torch.zeros(1, 16000 * 3),), str(out / "audio.onnx"), input_names=["audio"],
                          output_names=["embedding"], dynamic_axes={"audio": {1: "samples"}}, opset_version=OPSET)
        torch.onnx.export(TowerExport(model.text).eval(), (torch.ones(1, 20, dtype=torch.long),), str(out / "text.onnx"), input_names=["units"],
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
