"""Deepen a trained CTC model: append encoder blocks whose residual branches start at zero.

  /usr/bin/python3 train/grow.py runs/cpu12/last.pt runs/grown/start.pt --add 2
  /usr/bin/python3 train/train.py ... --resume runs/grown/start.pt --out runs/grown

The new blocks add nothing to the residual stream at first, so the grown model starts close to
the trained one (each new block still re-normalises its output) and training gives them work.
The checkpoint has no optimiser state and starts at step 0, so train.py warms the learning rate up
again (in batches of random order: the shortest-first first epoch is for untrained models).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ayat_train.model import CtcModel, ModelConfig  # noqa: E402


def silence_residual_branches(block: torch.nn.Module) -> None:
    """Zero the last layer of each branch that adds to the residual stream."""
    for last in (block.ff1.net[-2], block.ff2.net[-2], block.attn.out_proj, block.conv.pointwise_out):
        torch.nn.init.zeros_(last.weight)
        torch.nn.init.zeros_(last.bias)


def grow(ckpt: dict, add: int) -> dict:
    cfg = ModelConfig(**ckpt["config"])
    old = CtcModel(cfg)
    old.load_state_dict(ckpt["model"])
    cfg.n_layers += add
    new = CtcModel(cfg)
    missing, unexpected = new.load_state_dict(old.state_dict(), strict=False)
    assert not unexpected, unexpected
    assert all(k.startswith(tuple(f"encoder.blocks.{i}." for i in range(cfg.n_layers - add, cfg.n_layers))) for k in missing)
    for block in new.encoder.blocks[cfg.n_layers - add:]:
        silence_residual_branches(block)
    return {"model": new.state_dict(), "config": cfg.to_dict(),
            # step 0: train.py warms the learning rate up again; epoch 1: no shortest-first epoch, that is for untrained models
            "state": {"epoch": 1, "step": 0, "elapsed_s": 0.0, "best_uer": None},
            "grown_from": {"config": ckpt["config"], "metrics": ckpt.get("metrics"), "added_blocks": add}}


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoint")
    p.add_argument("out")
    p.add_argument("--add", type=int, default=2, help="encoder blocks to append")
    args = p.parse_args(argv)
    if args.add < 1:
        p.error("--add must be at least 1")
    grown = grow(torch.load(args.checkpoint, map_location="cpu"), args.add)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    torch.save(grown, args.out)
    print(f"{args.out}: {grown['config']['n_layers']} blocks ({args.add} new)")


if __name__ == "__main__":
    main()
