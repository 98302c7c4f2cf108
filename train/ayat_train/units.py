"""Verse text -> recognition units, from the same rule table as src/quran/units.ts."""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
RULES_PATH = PROJECT_ROOT / "src" / "quran" / "units.json"
QURAN_PATH = Path(os.environ.get("AYAT_QURAN_JSON") or PROJECT_ROOT / "node_modules" / "quran-json" / "dist" / "quran.json")


@lru_cache(maxsize=1)
def rules() -> dict:
    return json.loads(RULES_PATH.read_text(encoding="utf-8"))


def vocab() -> list[str]:
    r = rules()
    return [r["blank"], *r["units"]]


def _graphemes(word: str) -> list[tuple[str, str]]:
    letters = rules()["letters"]
    out: list[list[str]] = []
    for ch in word:
        if ch in letters:
            out.append([ch, ""])
        elif not out:
            out.append(["", ch])
        else:
            out[-1][1] += ch
    return [(b, m) for b, m in out]


def word_units(word: str, spell_letters: bool = False) -> str:
    r = rules()
    s = ""
    for base, marks in _graphemes(word):
        if base and r["silentMark"] not in marks:
            s += r["muqattaat"]["names"].get(base, r["letters"][base]) if spell_letters else r["letters"][base]
        for m in marks:
            s += r["pronouncedMarks"].get(m, "")
    return s


def text_to_ids(text: str, muqattaat: bool = False) -> list[int]:
    index = {u: i for i, u in enumerate(vocab())}
    words = [w for w in text.replace("\u2009", " ").split() if w]
    ids: list[int] = []
    for w, word in enumerate(words):
        for u in word_units(word, muqattaat and w == 0):
            ids.append(index[u])
    return ids


@lru_cache(maxsize=1)
def verse_texts() -> dict[tuple[int, int], str]:
    if not QURAN_PATH.exists():
        raise SystemExit(f"verse text not found at {QURAN_PATH}: run `npm ci` in the project root first")
    chapters = json.loads(QURAN_PATH.read_text(encoding="utf-8"))
    return {(c["id"], v["id"]): v["text"] for c in chapters for v in c["verses"]}


def verse_ids(surah: int, ayah: int) -> list[int]:
    muq = f"{surah}:{ayah}" in set(rules()["muqattaat"]["verses"])
    return text_to_ids(verse_texts()[(surah, ayah)], muq)


def ids_to_text(ids) -> str:
    v = vocab()
    return "".join(v[i] for i in ids)


if __name__ == "__main__":
    # Dumps every verse's unit ids, one "surah:ayah id id id" line each (parity test with TypeScript).
    import sys
    for (s, a) in sorted(verse_texts()):
        sys.stdout.write(f"{s}:{a} {' '.join(map(str, verse_ids(s, a)))}\n")
