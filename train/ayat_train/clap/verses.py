"""The 6,236 verses in Quran order, their unit ids, and a key per distinct unit sequence.

280 verses share their units with another verse (2:47 = 2:122 …): such verses cannot be told
apart by text, so they share a key; the loss treats clips of equal keys as positives of each
other and retrieval counts any verse of the right key as a hit.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .. import units

SURAHS_1_TO_5 = 789  # verses in surahs 1-5: the original QuranCLAP candidate set


@dataclass(frozen=True)
class VerseTable:
    refs: tuple[tuple[int, int], ...]  # (surah, ayah), index = position in the Quran (0..6235)
    ids: tuple[tuple[int, ...], ...]  # unit ids per verse (blank-free)
    key: tuple[int, ...]  # per verse: index of the first verse with identical units

    def index_of(self, surah: int, ayah: int) -> int:
        return _ref_index(self)[(surah, ayah)]

    def __len__(self) -> int:
        return len(self.refs)


@lru_cache(maxsize=1)
def verse_table() -> VerseTable:
    refs = tuple(sorted(units.verse_texts()))
    ids = tuple(tuple(units.verse_ids(s, a)) for s, a in refs)
    first: dict[tuple[int, ...], int] = {}
    key = tuple(first.setdefault(u, i) for i, u in enumerate(ids))
    return VerseTable(refs=refs, ids=ids, key=key)


_INDEX: dict[int, dict[tuple[int, int], int]] = {}


def _ref_index(t: VerseTable) -> dict[tuple[int, int], int]:
    d = _INDEX.get(id(t))
    if d is None:
        d = {r: i for i, r in enumerate(t.refs)}
        _INDEX[id(t)] = d
    return d


def clip_verse(row: dict) -> int | None:
    """The verse index of a single-verse cache row, None for multi-verse clips."""
    verses = row["verses"]
    if len(verses) != 1:
        return None
    s, a = verses[0]
    return verse_table().index_of(int(s), int(a))
