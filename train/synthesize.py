#!/usr/bin/env python3
"""Stage 0, synthesise: espeak-ng recitations of verses in EveryAyah layout, as extra training voices.

  /usr/bin/python3 train/synthesize.py /tmp/synth/espeak-ar-f2 --voice ar+f2 --random 350 --seed 1
  /usr/bin/python3 train/synthesize.py /tmp/synth/mbrola-ar1 --voice mb-ar1 --random 1000 --seed 101
  /usr/bin/python3 train/synthesize.py /tmp/synth/held-ar1 --voice mb-ar1 --random 100 --exclude /tmp/synth/mbrola-ar1
  /usr/bin/python3 train/synthesize.py /tmp/synth/espeak-ar --verse 112:1 --verse 112:2 --speed 150 150 --pitch 50 50
  /usr/bin/python3 train/synthesize.py /tmp/synth/accent-id --voice id --reading latin --random 400 --exclude ../shared/data/dev/manifest.json
then: /usr/bin/python3 train/prepare.py everyayah /tmp/synth/mbrola-ar1 .cache/mbrola-ar1

Writes one `SSSAAA.wav` per verse into the output folder, whose name becomes the voice's reciter name.
Each verse gets its own speaking rate and pitch, drawn from --speed and --pitch.
The Arabic voices get the Uthmani text with the signs espeak-ng would spell out ("letter 0653")
rewritten or dropped (`--reading arabic`, the default; `uthmani` gives the text as it is).
--reading gives voices of other languages a text they can read (ayat_train/readings.py): `plain`
Arabic script for the Persian voice `fa`, a Latin transliteration for `id`, `ms`, `tr`, `sw`, `en-us`,
`fr`…: recitation with a non-Arab reader's accent, labelled with the verse's units all the same.
`mb-ar1` and `mb-ar2` are MBROLA voices, diphones cut from recordings of two men. They are not
espeak-ng's formant synthesis. Debian ships them in contrib: `apt install mbrola mbrola-ar1 mbrola-ar2`.
"""
from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ayat_train import data, readings, units  # noqa: E402


class SynthesisError(RuntimeError):
    pass


def parse_verse(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d+):(\d+)", text)
    if not m:
        raise argparse.ArgumentTypeError(f"expected SURAH:AYAH, got {text!r}")
    return int(m.group(1)), int(m.group(2))


def choose_verses(known: list[tuple[int, int]], asked: list[tuple[int, int]], count: int | None,
                  excluded: set[tuple[int, int]], rng: random.Random) -> list[tuple[int, int]]:
    """The verses named, else `count` random ones, never one of `excluded`."""
    known_set = set(known)
    unknown = [v for v in asked if v not in known_set]
    if unknown:
        raise SynthesisError(f"no such verse: {unknown[0][0]}:{unknown[0][1]}")
    pool = [v for v in (asked or known) if v not in excluded]
    return pool if asked else rng.sample(pool, min(count, len(pool)))


def excluded_verses(source: str) -> set[tuple[int, int]]:
    """The verses of an EveryAyah-style folder, or of a benchmark manifest.json."""
    if source.endswith(".json"):
        return {v for clip in data.read_benchmark_manifest(source) for v in clip.verses}
    return {clip.verses[0] for clip in data.read_everyayah_folder(source)}


def speak(text: str, voice: str, speed: int, pitch: int, wav: Path) -> None:
    r = subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", str(wav), text],
                       capture_output=True, text=True)
    if r.returncode != 0 or not wav.exists() or wav.stat().st_size <= 44:
        hint = " (MBROLA voices: apt install mbrola mbrola-ar1 mbrola-ar2, from Debian contrib)" if voice.startswith("mb-") else ""
        raise SynthesisError(f"espeak-ng could not speak with voice {voice!r}{hint}: {r.stderr.strip()[-300:]}")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out", help="folder to write SSSAAA.wav into, named after the voice (e.g. .../mbrola-ar1)")
    p.add_argument("--voice", default="ar", help="espeak-ng voice: ar, ar+f2, ar+m3, …, mb-ar1, mb-ar2 (default ar)")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--verse", type=parse_verse, action="append", default=[], help="SURAH:AYAH (repeatable)")
    which.add_argument("--random", type=int, metavar="N", help="N verses drawn at random (seeded by --seed)")
    p.add_argument("--exclude", action="append", default=[], metavar="FOLDER|MANIFEST",
                   help="skip verses that already have a file there (a held-out set on other ayat), or the verses of "
                        "a benchmark manifest.json (repeatable)")
    p.add_argument("--reading", choices=sorted(readings.READINGS), default="arabic",
                   help="the text the voice is given: arabic (Arabic voices: the Uthmani text without the signs espeak-ng "
                        "would spell out), uthmani (as it is, as the shipped model's espeak-ng sets were made), plain "
                        "(Arabic script without marks: fa), latin (a transliteration: id, ms, tr, sw, en-us, fr…)")
    p.add_argument("--speed", type=int, nargs=2, default=[110, 170], metavar=("LO", "HI"), help="words per minute")
    p.add_argument("--pitch", type=int, nargs=2, default=[10, 90], metavar=("LO", "HI"), help="espeak-ng pitch, 0-99")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    if shutil.which("espeak-ng") is None:
        print("synthesize: espeak-ng is not installed (apt install espeak-ng)", file=sys.stderr)
        return 1
    rng = random.Random(args.seed)
    texts = units.verse_texts()
    excluded = {v for source in args.exclude for v in excluded_verses(source)}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    try:
        verses = choose_verses(sorted(texts), args.verse, args.random, excluded, rng)
        read = readings.READINGS[args.reading]
        spelled = set(units.rules()["muqattaat"]["verses"])
        for s, a in verses:
            speak(read(texts[(s, a)], f"{s}:{a}" in spelled), args.voice, rng.randint(*args.speed), rng.randint(*args.pitch), out / f"{s:03d}{a:03d}.wav")
    except SynthesisError as e:
        print(f"synthesize: {e}", file=sys.stderr)
        return 1
    print(f"synthesize: {len(verses)} verses, voice {args.voice} -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
