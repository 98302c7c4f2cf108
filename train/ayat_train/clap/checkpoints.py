"""QuranCLAP checkpoints: a new model on an acoustic checkpoint's encoder, loading, and what a
checkpoint records (its run, for the model card)."""
from __future__ import annotations

import torch

from .. import units
from ..model import ModelConfig
from .rules import Refused
from .states import file_sha256
from .towers import Clap, ClapConfig


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
