#!/usr/bin/env python3
"""Stage 3, export: checkpoint -> ONNX model folder (model.onnx, card.json, card.md).

  /usr/bin/python3 train/export.py runs/x/best.pt models/ayat-ctc [--int8] [--reference clip.wav ref.json]
The graph takes raw 16 kHz samples (`audio` [1, N]) and returns CTC log-probabilities
(`log_probs` [1, T, V]) and the encoder's states after its first blocks (`hidden` [1, T, d], the
trunk: all blocks but the last 2 unless --hidden-blocks says otherwise; the card's `encoder_sha256`
fingerprints the trunk's weights, so a QuranCLAP head trained on this trunk, which carries its own
last blocks, can be matched to it and take those states). --int8 stores weight matrices as int8 with per-channel scales
(DequantizeLinear), activations stay float: 4x smaller, same graph otherwise.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import warnings
from datetime import date
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ayat_train import units  # noqa: E402
from ayat_train.augment import CODECS, AugmentConfig  # noqa: E402
from ayat_train.clap.towers import ClapConfig  # noqa: E402
from ayat_train.model import CtcModel, ExportWrapper, ModelConfig, count_params, encoder_fingerprint  # noqa: E402

OPSET = 17
# Front-end constants (STFT basis, mel filters) stay float32: they set the features' precision.
MIN_QUANT_ELEMENTS = 4096


def load_model(checkpoint: str) -> tuple[CtcModel, dict]:
    ckpt = torch.load(checkpoint, map_location="cpu")
    if ckpt.get("vocab") != units.vocab():
        raise SystemExit(f"{checkpoint}: its unit inventory differs from src/quran/units.json")
    model = CtcModel(ModelConfig(**ckpt["config"]))
    model.load_state_dict(ckpt["model"])
    return model.eval(), ckpt


def default_hidden_blocks(model: CtcModel, ckpt: dict) -> int:
    """An imported model's own depth (import_onnx.py), else the trunk QuranCLAP caches by default:
    all blocks but the ones its phase 2 tunes (clap.py --tune-layers)."""
    return ckpt.get("hidden_blocks", max(0, model.cfg.n_layers - ClapConfig.tune_layers))


def export_onnx(model: CtcModel, path: Path, hidden_blocks: int) -> None:
    dummy = torch.zeros(1, 16000 * 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # the wrapper must be in eval mode: export restores its mode afterwards, recursively, and a
        # fresh module is in training mode (dropout on) — which would leave `model` training too
        torch.onnx.export(ExportWrapper(model, hidden_blocks).eval(), (dummy,), str(path), input_names=["audio"],
                          output_names=["log_probs", "hidden"],
                          dynamic_axes={"audio": {1: "samples"}, "log_probs": {1: "frames"}, "hidden": {1: "frames"}},
                          opset_version=OPSET)


def quantize_weights_int8(path: Path) -> None:
    """Weight-only int8: each large MatMul/Conv/Gemm weight becomes int8 + per-channel scale -> DequantizeLinear."""
    m = onnx.load(str(path))
    g = m.graph
    consumers: dict[str, list] = {}
    for node in g.node:
        for i, name in enumerate(node.input):
            consumers.setdefault(name, []).append((node, i))
    new_inits, new_nodes = [], []
    for init in list(g.initializer):
        uses = consumers.get(init.name, [])
        if not uses or not all(n.op_type in ("MatMul", "Conv", "Gemm") and i == 1 for n, i in uses):
            new_inits.append(init)
            continue
        w = numpy_helper.to_array(init).astype(np.float32)
        if w.size < MIN_QUANT_ELEMENTS or w.ndim < 2:
            new_inits.append(init)
            continue
        axis = w.ndim - 1 if uses[0][0].op_type == "MatMul" else 0
        reduce_axes = tuple(a for a in range(w.ndim) if a != axis)
        scale = np.maximum(np.abs(w).max(axis=reduce_axes) / 127.0, 1e-12).astype(np.float32)
        shape = [1] * w.ndim
        shape[axis] = -1
        q = np.clip(np.round(w / scale.reshape(shape)), -127, 127).astype(np.int8)
        new_inits += [numpy_helper.from_array(q, init.name + "_q"), numpy_helper.from_array(scale, init.name + "_scale"),
                      numpy_helper.from_array(np.zeros_like(scale, dtype=np.int8), init.name + "_zero")]
        new_nodes.append(helper.make_node("DequantizeLinear", [init.name + "_q", init.name + "_scale", init.name + "_zero"],
                                          [init.name], axis=axis, name=init.name + "_dequant"))
    del g.initializer[:]
    g.initializer.extend(new_inits)
    nodes = new_nodes + list(g.node)
    del g.node[:]
    g.node.extend(nodes)
    onnx.checker.check_model(m)
    onnx.save(m, str(path))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def augmentation_summary(args: dict | None) -> str:
    """The augmentations of the checkpoint's (last) run, as the card states them."""
    args = args or {}
    if args.get("no_augment"):
        return "none"
    parts = ["speed 0.85-1.15"]
    if args.get("stretch_prob"):
        lo, hi = AugmentConfig().stretch
        parts.append(f"tempo apart from pitch x{lo:g}-{hi:g} (p {args['stretch_prob']})")
    if args.get("pitch_prob"):
        lo, hi = AugmentConfig().semitones
        parts.append(f"pitch {lo:+g}..{hi:+g} semitones (p {args['pitch_prob']})")
    parts += ["noise 5-35 dB SNR", "synthetic reverb"]
    if args.get("codec_prob"):
        parts.append(f"{'/'.join(sorted(CODECS))} codec round trip (p of a batch {args['codec_prob']})")
    parts.append("band-limit/tilt")
    if args.get("eq_prob"):
        parts.append(f"random resonances/dips up to {AugmentConfig().eq_db:g} dB (p {args['eq_prob']})")
    parts += ["mel warp", "SpecAugment"]
    strength = f", at strength {args['augment_strength']}" if "augment_strength" in args else ""
    return ", ".join(parts) + strength


def write_card(out: Path, model: CtcModel, ckpt: dict, int8: bool, name: str, hidden_blocks: int) -> dict:
    onnx_path = out / "model.onnx"
    card = {
        "name": name,
        "version": str(date.today()),
        "format": "ctc-onnx",
        "file": "model.onnx",
        "sha256": sha256(onnx_path),
        "sample_rate": 16000,
        "frame_shift_s": model.cfg.frame_shift_s,
        "units": units.vocab(),
        "unit_rules_version": units.rules()["version"],
        "input": "audio",
        "output": "log_probs",
        "hidden_output": "hidden",
        "hidden_blocks": hidden_blocks,
        "encoder_sha256": encoder_fingerprint(model.encoder, hidden_blocks),
        "params": count_params(model),
        "size_bytes": onnx_path.stat().st_size,
        "weights": "int8 (per-channel, weight-only)" if int8 else "float32",
        "architecture": {"type": "conformer-ctc", "frontend": "log-mel 80, 25 ms / 10 ms, in graph", **model.cfg.to_dict()},
        "training": {
            "data": "ayat train set (../shared/data/train): 4 full-Quran reciters' per-ayah clips",
            "reciters": ckpt.get("train_reciters"),
            "hours": ckpt.get("train_hours"),
            "epochs": ckpt["state"]["epoch"],
            "steps": ckpt["state"]["step"],
            **({"averaged_steps": ckpt["averaged_steps"]} if "averaged_steps" in ckpt else {}),
            "train_time_s": round(ckpt["state"]["elapsed_s"]),
            "augmentation": augmentation_summary(ckpt.get("args")),
        },
        "metrics": {"dev_unit_error_rate_greedy": {k: v for k, v in ckpt["metrics"].items() if k.startswith("uer")}},
    }
    (out / "card.json").write_text(json.dumps(card, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return card


def carry_source_card(card: dict, ckpt: dict) -> dict:
    """An imported model exported again before any training step (e.g. to move its `hidden` output)
    is the model its folder's card describes: keep that card's version, training record and metrics,
    not the empty record of a checkpoint at step 0."""
    source = ckpt.get("source_card")
    if not source or ckpt["state"]["step"] != 0:
        return card
    return card | source | {"exported_from": {**ckpt["imported_from"], "note": "re-exported from its import, weights unchanged"}}


def write_card_markdown(out: Path, card: dict) -> None:
    t, a = card["training"], card["architecture"]
    lines = [
        f"# {card['name']} ({card['version']})", "",
        f"Conformer-CTC acoustic model for ayat: raw 16 kHz mono samples in (`{card['input']}` [1, N]), "
        f"CTC log-probabilities over {len(card['units'])} units out (`{card['output']}` [1, T, V]), one frame per "
        f"{card['frame_shift_s'] * 1000:.0f} ms. The log-mel front-end is inside the graph."
        + (f" A second output, `{card['hidden_output']}` [1, T, {a['d_model']}], holds the encoder's states after its first "
           f"{card['hidden_blocks']} blocks (trunk fingerprint `{card['encoder_sha256'][:12]}…`: a QuranCLAP head trained on "
           "this trunk takes them, so hybrid mode runs the trunk once)." if card.get("hidden_output") else ""), "",
        "| | |", "|---|---|",
        f"| parameters | {card['params']:,} ({a['n_layers']} blocks, d={a['d_model']}, {a['n_heads']} heads, conv kernel {a['conv_kernel']}) |",
        f"| file | `{card['file']}`, {card['size_bytes'] / 1e6:.1f} MB, weights {card['weights']} |",
        f"| sha256 | `{card['sha256']}` |",
        f"| units | {' '.join(card['units'][1:])} (+ blank); rules in `src/quran/units.json` |",
        f"| training data | {t['data']}; reciters: {', '.join(t['reciters'] or [])}; {t['hours']} h |",
        f"| training | {t['steps']} steps, {t['epochs']} full epochs, {t['train_time_s'] / 60:.0f} min"
        + (f"; weights averaged over the checkpoints at steps {', '.join(map(str, t['averaged_steps']))}" if "averaged_steps" in t else "")
        + " |",
        f"| augmentation | {t['augmentation']} |", "",
        "## Metrics (dev set: reciters never trained on)", "",
        "```json", json.dumps(card["metrics"], indent=2, ensure_ascii=False), "```", "",
        "Unit error rate is greedy CTC decoding against the verse units (`uer_reciters`: 7 reserved",
        "professional reciters; `uer_crowd`: crowd-sourced RetaSy clips; `uer_crowd_pro`: EveryAyah clips).",
    ]
    (out / "card.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_reference(model: CtcModel, wav_path: str, out_json: str) -> None:
    """PyTorch's log-probs on a clip, for the parity test against onnxruntime-node."""
    from ayat_train.audio import decode
    samples = decode(wav_path).astype(np.float32) / 32768.0
    with torch.no_grad():
        lp = ExportWrapper(model).eval()(torch.from_numpy(samples)[None])[0][0].numpy()
    Path(out_json).write_text(json.dumps({"frames": lp.shape[0], "vocab": lp.shape[1], "log_probs": lp.round(5).ravel().tolist()}))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoint")
    p.add_argument("out", help="model folder to write")
    p.add_argument("--int8", action="store_true")
    p.add_argument("--name", default="ayat-ctc")
    p.add_argument("--hidden-blocks", type=int, help="encoder blocks before the `hidden` output (default: an imported model's own, else all but the last 2)")
    p.add_argument("--metrics", help="JSON file whose object is merged into the card's metrics (e.g. benchmark figures)")
    p.add_argument("--training-note", help="extra text for the card's training data line")
    p.add_argument("--reference", nargs=2, metavar=("AUDIO", "JSON"), help="also write PyTorch's output on AUDIO")
    args = p.parse_args(argv)
    model, ckpt = load_model(args.checkpoint)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    hidden_blocks = default_hidden_blocks(model, ckpt) if args.hidden_blocks is None else args.hidden_blocks
    export_onnx(model, out / "model.onnx", hidden_blocks)
    if args.int8:
        quantize_weights_int8(out / "model.onnx")
    card = carry_source_card(write_card(out, model, ckpt, args.int8, args.name, hidden_blocks), ckpt)
    if args.metrics:
        card["metrics"] |= json.loads(Path(args.metrics).read_text(encoding="utf-8"))
    if args.training_note:
        card["training"]["data"] += "; " + args.training_note
    (out / "card.json").write_text(json.dumps(card, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    write_card_markdown(out, card)
    if args.reference:
        write_reference(model, *args.reference)
    print(json.dumps({k: card[k] for k in ("name", "params", "size_bytes", "weights", "sha256")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
