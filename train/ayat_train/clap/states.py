"""The frozen-trunk cache: every clip run once through the acoustic front-end and the frozen
encoder blocks, states stored as float16, so training epochs never touch audio or the trunk.

Folder layout: `states.f16` (all clips' [frames, d] states, concatenated, raw little-endian
float16), `index.jsonl` (one line per clip and view: the audio cache row's id, reciter, verses,
view, offset and frames into states.f16), `meta.json` (the acoustic checkpoint it came from,
split point, d_model, views, augmentation). View 0 is the clean clip; further views are
augmented (speed/pitch, noise, reverb, band-limiting, vocal-tract warp: augment.py).
"""
from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ..augment import AugmentConfig, augment_waveform, spectral_gains, warp_mel_axis
from ..data import Cache
from .towers import AudioTower

STATES_FILE = "states.f16"
INDEX_FILE = "index.jsonl"
META_FILE = "meta.json"


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _warp_features(cfg: AugmentConfig):
    """Vocal-tract warp of the mel axis, on one clip's normalised features [1, T, n_mels]."""
    def fn(feats, _lengths):
        if random.random() < cfg.p_warp:
            return warp_mel_axis(feats, random.uniform(*cfg.warp))
        return feats
    return fn


@torch.no_grad()
def build_states(tower: AudioTower, caches: list[Cache], out_dir: str | Path, meta: dict, views: int = 1,
                 augment_strength: float = 1.0, seed: int = 1, limit: int | None = None, log=print) -> Path:
    """Runs the frozen trunk over every clip (x views) and writes the cache folder. One clip at a
    time: padded, masked batches take a very slow attention path in torch 1.13 on CPU."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    random.seed(seed)
    torch.manual_seed(seed)
    tower.eval()
    aug = AugmentConfig().scaled(augment_strength)
    warp = _warp_features(aug)
    rows = [(c, i) for c in caches for i in range(len(c.rows))]
    if limit:
        rows = rows[:limit]
    index_lines = []
    offset = 0
    tmp = out / (STATES_FILE + ".tmp")
    with open(tmp, "wb") as f:
        for view in range(views):
            for k, (cache, i) in enumerate(rows):
                r = cache.rows[i]
                wav = torch.from_numpy(cache.samples(i).astype(np.float32) / 32768.0)
                gains, feature_fn = None, None
                if view > 0:
                    wav = augment_waveform(wav, aug)
                    gains, feature_fn = spectral_gains(1, "cpu", aug), warp
                wav = torch.nn.functional.pad(wav, (0, max(0, 4000 - wav.shape[0])))
                states, _ = tower.trunk(wav[None], None, gains, feature_fn)
                t = states.shape[1]
                f.write(states[0].to(torch.float16).numpy().astype("<f2").tobytes())
                index_lines.append({"id": r["id"], "path": r.get("path"), "reciter": r.get("reciter"), "verses": r["verses"],
                                    "source": r.get("source"), "view": view, "offset": offset, "frames": t})
                offset += t
                if k % 500 == 0:
                    log(json.dumps({"view": view, "clips": k, "frames": offset}))
    tmp.replace(out / STATES_FILE)
    (out / INDEX_FILE).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in index_lines), encoding="utf-8")
    (out / META_FILE).write_text(json.dumps(meta | {"d_model": tower.d_model, "views": views, "augment_strength": augment_strength,
                                                    "clips": len(rows), "frames": offset, "dtype": "float16"}, indent=2) + "\n")
    return out


@dataclass
class StateCache:
    states: np.ndarray  # [frames, d] float16 (memory-mapped)
    rows: list[dict]
    meta: dict

    @staticmethod
    def load(folder: str | Path) -> "StateCache":
        folder = Path(folder)
        if not (folder / META_FILE).exists():
            raise FileNotFoundError(f"{folder}: not a state cache (no {META_FILE}); make one with `train/clap.py cache`")
        meta = json.loads((folder / META_FILE).read_text())
        rows = [json.loads(l) for l in (folder / INDEX_FILE).read_text(encoding="utf-8").splitlines() if l]
        states = np.memmap(folder / STATES_FILE, dtype="<f2", mode="r").reshape(-1, meta["d_model"])
        return StateCache(states=states, rows=rows, meta=meta)

    def clip(self, i: int) -> np.ndarray:
        r = self.rows[i]
        return np.asarray(self.states[r["offset"]: r["offset"] + r["frames"]])
