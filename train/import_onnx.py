#!/usr/bin/env python3
"""A shipped model folder back into a checkpoint to train on (the reverse of export.py).

  /usr/bin/python3 train/import_onnx.py models/ayat-ctc runs/shipped/start.pt
  /usr/bin/python3 train/train.py ... --resume runs/shipped/start.pt --out runs/next

Checkpoints are not committed, and a fresh machine has none: this rebuilds one from the ONNX
graph, so training resumes from the shipped weights instead of from scratch. int8 weights come
back dequantised, exactly as the graph computes them, so the imported model is the shipped
model (re-exported with --int8 it gives the same weights bit for bit). Like grow.py's, the
checkpoint has no optimiser state and starts at step 0, so train.py warms the learning rate up.

Graph parameters carry their PyTorch names, except the Linear weights that torch.onnx exports
as anonymous, transposed MatMul constants. Those are found by exporting a freshly initialised
model of the same configuration and matching its anonymous constants to its own parameters by
value; the slot each fills (the node that reads it) is the same in the shipped graph.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ayat_train import units  # noqa: E402
from ayat_train.model import CtcModel, ModelConfig  # noqa: E402
from export import export_onnx, sha256  # noqa: E402

GRAPH_PREFIX = "model."  # ExportWrapper holds the CtcModel as `model`
Slot = tuple[str, int]  # (name of the node that reads a weight, input index)


def graph_weights(path: Path) -> tuple[dict[str, np.ndarray], dict[Slot, np.ndarray]]:
    """Named parameters (int8 ones dequantised), and the anonymous constants by the slot they fill."""
    g = onnx.load(str(path)).graph
    inits = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    values = dict(inits)
    for node in g.node:
        if node.op_type == "DequantizeLinear":
            q, scale = inits[node.input[0]], inits[node.input[1]]
            shape = [1] * q.ndim
            shape[next((a.i for a in node.attribute if a.name == "axis"), 1)] = -1
            values[node.output[0]] = q.astype(np.float32) * scale.reshape(shape)
    named = {k[len(GRAPH_PREFIX):]: v for k, v in values.items() if k.startswith(GRAPH_PREFIX)}
    anonymous: dict[Slot, np.ndarray] = {}
    for node in g.node:
        for i, name in enumerate(node.input):
            if name in values and not name.startswith(GRAPH_PREFIX) and node.op_type != "DequantizeLinear":
                anonymous[(node.name, i)] = values[name]
    return named, anonymous


def anonymous_slots(cfg: ModelConfig, hidden_blocks: int) -> dict[Slot, tuple[str, bool]]:
    """For each anonymous slot that holds a parameter: which, and whether the graph stores it transposed."""
    torch.manual_seed(0)
    fresh = CtcModel(cfg).eval()
    params = {k: v.detach().numpy() for k, v in fresh.named_parameters()}
    with tempfile.TemporaryDirectory() as tmp:
        export_onnx(fresh, Path(tmp) / "fresh.onnx", hidden_blocks)
        _, anonymous = graph_weights(Path(tmp) / "fresh.onnx")
    slots: dict[Slot, tuple[str, bool]] = {}
    for slot, value in anonymous.items():
        hits = [(k, t) for k, p in params.items() for t, q in ((False, p), (True, p.T))
                if q.shape == value.shape and np.array_equal(q, value)]
        if len(hits) > 1:
            raise SystemExit(f"cannot tell which parameter fills {slot} ({len(hits)} candidates)")
        if hits:  # none: a constant of the graph (shapes, the front-end's filters), not a parameter
            slots[slot] = hits[0]
    return slots


def import_model(folder: Path) -> dict:
    card = json.loads((folder / "card.json").read_text(encoding="utf-8"))
    if card.get("format") != "ctc-onnx":
        raise SystemExit(f"{folder}: not a CTC model folder (format {card.get('format')!r})")
    if card["units"] != units.vocab():
        raise SystemExit(f"{folder}: its unit inventory differs from src/quran/units.json")
    onnx_path = folder / card["file"]
    if sha256(onnx_path) != card["sha256"]:
        raise SystemExit(f"{onnx_path}: sha256 differs from the card's")
    arch = card["architecture"]
    cfg = ModelConfig(**{k: arch[k] for k in ModelConfig.__dataclass_fields__})
    named, anonymous = graph_weights(onnx_path)
    state = dict(named)
    # cards from before `hidden_blocks` output the last block's states
    hidden_blocks = card.get("hidden_blocks", cfg.n_layers)
    for slot, (key, transposed) in anonymous_slots(cfg, hidden_blocks).items():
        if slot not in anonymous:
            raise SystemExit(f"{onnx_path}: no weight where the graph should read {key} ({slot[0]})")
        state[key] = anonymous[slot].T if transposed else anonymous[slot]
    model = CtcModel(cfg)
    expected = dict(model.named_parameters())
    missing = sorted(set(expected) - set(state))
    if missing:
        raise SystemExit(f"{onnx_path}: the graph has no value for {', '.join(missing[:5])}")
    with torch.no_grad():
        for key, param in expected.items():
            value = torch.from_numpy(np.array(state[key], dtype=np.float32))
            if value.shape != param.shape:
                raise SystemExit(f"{onnx_path}: {key} is {tuple(value.shape)} in the graph, {tuple(param.shape)} in the model")
            param.copy_(value)
    metrics = card.get("metrics", {}).get("dev_unit_error_rate_greedy", {})
    return {"model": model.state_dict(), "config": cfg.to_dict(), "vocab": units.vocab(),
            # as grow.py: step 0 warms the learning rate up again; epoch 1 skips the untrained model's shortest-first epoch
            "state": {"epoch": 1, "step": 0, "elapsed_s": 0.0, "best_uer": None},
            "metrics": metrics, "train_hours": card.get("training", {}).get("hours"),
            "train_reciters": card.get("training", {}).get("reciters"),
            "imported_from": {"folder": str(folder), "name": card["name"], "version": card["version"], "sha256": card["sha256"]},
            # what the folder's card says of how it was made: export.py writes it back while no step has been trained since
            "source_card": {k: card[k] for k in ("version", "training", "metrics") if k in card},
            # export.py keeps the folder's `hidden` output at the same depth, so a re-export is the same file
            "hidden_blocks": hidden_blocks}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model_dir", help="a CTC model folder (card.json + model.onnx), e.g. models/ayat-ctc")
    p.add_argument("out", help="checkpoint to write")
    args = p.parse_args(argv)
    ckpt = import_model(Path(args.model_dir))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    torch.save(ckpt, args.out)
    print(json.dumps({"out": args.out, "config": ckpt["config"], "imported_from": ckpt["imported_from"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
