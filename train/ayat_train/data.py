"""Stage 1, prepare: manifests -> decoded 16 kHz int16 audio + unit targets, cached on disk.

Cache layout (one folder per set): `audio.npy` (all clips' int16 samples, concatenated)
and `index.jsonl` (one line per clip: id, reciter, surah, ayah(s), offset, length, targets).
Epochs read the cache, never the audio files.
"""
from __future__ import annotations

import json
import random
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, asdict, field
from pathlib import Path

import numpy as np

from . import audio, units

# Kept for evaluation only: never trained on (see ../shared/data/README.md).
RESERVED_RECITERS = {
    "alafasy": "Mishary Alafasy", "husary": "Mahmoud Khalil Al-Husary", "abdul-basit": "Abdul Basit Abdus-Samad",
    "basit": "Abdul Basit Abdus-Samad", "maher": "Maher Al-Muaiqly", "muaiqly": "Maher Al-Muaiqly",
    "minshawi": "Muhammad Siddiq Al-Minshawi", "minshawy": "Muhammad Siddiq Al-Minshawi",
    "shuraim": "Saud Al-Shuraim", "shuraym": "Saud Al-Shuraim", "dosari": "Yasser Al-Dosari", "dossari": "Yasser Al-Dosari",
}


class ReservedReciterError(ValueError):
    pass


@dataclass
class Clip:
    id: str
    path: str
    reciter: str | None
    verses: list[tuple[int, int]]
    source: str = "train"
    category: str | None = None
    targets: list[int] = field(default_factory=list)


def reserved_name(reciter: str | None, path: str) -> str | None:
    """The reserved reciter a clip belongs to, judged from its reciter slug and its path."""
    hay = f"{reciter or ''} {path}".lower().replace("_", "-")
    for key, name in RESERVED_RECITERS.items():
        if re.search(rf"(^|[^a-z]){re.escape(key)}([^a-z]|$)", hay):
            return name
    return None


def check_trainable(clips: list[Clip]) -> None:
    for c in clips:
        name = reserved_name(c.reciter, c.path)
        if name:
            raise ReservedReciterError(f"{c.path}: {name} is a reserved evaluation reciter and must never be trained on")
        if "/dev/" in c.path.replace("\\", "/") or c.source not in ("train", "everyayah"):
            raise ReservedReciterError(f"{c.path}: dev/benchmark clips must never be trained on")


def read_train_manifest(path: str | Path) -> list[Clip]:
    """`manifest.jsonl` as in ../shared/data/train: {file, reciter, surah, ayah, duration_s}."""
    path = Path(path)
    clips = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        # `file` is relative to the data root, which holds the manifest's folder (train/manifest.jsonl, file train/...)
        root = path.parent.parent if (path.parent.parent / r["file"]).exists() else path.parent
        clips.append(Clip(id=f"{r['reciter']}/{r['surah']:03d}{r['ayah']:03d}", path=str(root / r["file"]),
                          reciter=r["reciter"], verses=[(r["surah"], r["ayah"])]))
    return clips


def read_everyayah_folder(folder: str | Path) -> list[Clip]:
    """An EveryAyah-style folder: one `SSSAAA.mp3` (or .opus/.wav…) per ayah, the folder named after the reciter."""
    folder = Path(folder)
    clips = []
    for f in sorted(folder.rglob("*")):
        m = re.fullmatch(r"(\d{3})(\d{3})\.(mp3|opus|ogg|wav|flac|m4a)", f.name)
        if not m or int(m.group(2)) == 0:
            continue
        s, a = int(m.group(1)), int(m.group(2))
        clips.append(Clip(id=f"{folder.name}/{s:03d}{a:03d}", path=str(f), reciter=folder.name, verses=[(s, a)], source="everyayah"))
    return clips


def read_known(source: str | Path) -> list[Clip]:
    """Clips already trained on: a train `manifest.jsonl`, or a cache folder `prepare.py` wrote."""
    source = Path(source)
    if source.is_dir():
        return [Clip(id=r["id"], path=r["path"], reciter=r["reciter"], verses=[tuple(v) for v in r["verses"]])
                for r in Cache.load(source).rows]
    return read_train_manifest(source)


def exclude_known(clips: list[Clip], known: list[Clip]) -> list[Clip]:
    """Clips whose (reciter, verses) are not already in `known`: adds new ayat of a reciter, not repeats."""
    seen = {(c.reciter, tuple(c.verses)) for c in known}
    return [c for c in clips if (c.reciter, tuple(c.verses)) not in seen]


def sample_clips(clips: list[Clip], n: int, seed: int) -> list[Clip]:
    """A reproducible random n of the clips, kept in their original order."""
    if n >= len(clips):
        return clips
    chosen = set(random.Random(seed).sample(range(len(clips)), n))
    return [c for i, c in enumerate(clips) if i in chosen]


def read_benchmark_manifest(path: str | Path) -> list[Clip]:
    """The offline-tarteel benchmark format (../shared/data/dev/manifest.json): evaluation only."""
    path = Path(path)
    samples = json.loads(path.read_text(encoding="utf-8"))["samples"]
    return [Clip(id=s["id"], path=str(path.parent / s["file"]), reciter=s.get("reciter"),
                 verses=[(v["surah"], v["ayah"]) for v in s["expected_verses"]], source=s.get("source") or "dev",
                 category=s.get("category")) for s in samples]


def _decode_one(path: str) -> np.ndarray:
    return audio.decode(path)


def build_cache(clips: list[Clip], out_dir: str | Path, workers: int = 2, max_seconds: float | None = None) -> Path:
    """Decodes every clip once and writes the cache folder. Rerunnable: an existing complete cache is kept.
    max_seconds drops clips longer than that (one very long ayah makes a whole batch of padding)."""
    out = Path(out_dir)
    if (out / "index.jsonl").exists() and (out / "audio.npy").exists():
        return out
    out.mkdir(parents=True, exist_ok=True)
    for c in clips:
        c.targets = [t for s, a in c.verses for t in units.verse_ids(s, a)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        decoded = list(pool.map(_decode_one, [c.path for c in clips], chunksize=16))
    if max_seconds:
        kept = [(c, x) for c, x in zip(clips, decoded) if len(x) <= max_seconds * audio.SAMPLE_RATE]
        clips, decoded = [c for c, _ in kept], [x for _, x in kept]
    lengths = [len(x) for x in decoded]
    np.save(out / "audio.tmp.npy", np.concatenate(decoded) if decoded else np.zeros(0, np.int16))
    offset = 0
    with open(out / "index.tmp.jsonl", "w", encoding="utf-8") as f:
        for c, n in zip(clips, lengths):
            row = asdict(c) | {"offset": offset, "length": n}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
            offset += n
    (out / "audio.tmp.npy").rename(out / "audio.npy")
    (out / "index.tmp.jsonl").rename(out / "index.jsonl")
    return out


@dataclass
class Cache:
    audio: np.ndarray
    rows: list[dict]

    @staticmethod
    def load(folder: str | Path) -> "Cache":
        folder = Path(folder)
        rows = [json.loads(l) for l in (folder / "index.jsonl").read_text(encoding="utf-8").splitlines() if l]
        return Cache(audio=np.load(folder / "audio.npy", mmap_mode="r"), rows=rows)

    def samples(self, i: int) -> np.ndarray:
        r = self.rows[i]
        return np.asarray(self.audio[r["offset"]:r["offset"] + r["length"]])
