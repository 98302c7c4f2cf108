import type { Verse, VerseRef } from '../quran/corpus.js';
import { verseUnits } from '../quran/units.js';

/** Every verse's units laid end to end in Quran order, with the verse boundaries. */
export interface UnitStream {
  readonly ids: Int32Array;
  /** verseStart[v] is the stream position of verse v's first unit; verseStart[verses.length] = ids.length. */
  readonly verseStart: Int32Array;
  /** Verse index of each stream position. */
  readonly verseOfPos: Int32Array;
  readonly verses: readonly Verse[];
}

export function buildUnitStream(verses: readonly Verse[]): UnitStream {
  const parts = verses.map((v) => verseUnits(v).ids);
  const verseStart = new Int32Array(verses.length + 1);
  for (let v = 0; v < parts.length; v++) verseStart[v + 1] = verseStart[v]! + parts[v]!.length;
  const total = verseStart[verses.length]!;
  const ids = new Int32Array(total);
  const verseOfPos = new Int32Array(total);
  for (let v = 0; v < parts.length; v++) {
    ids.set(parts[v]!, verseStart[v]!);
    verseOfPos.fill(v, verseStart[v]!, verseStart[v + 1]!);
  }
  return { ids, verseStart, verseOfPos, verses };
}

export function verseLength(stream: UnitStream, v: number): number {
  return stream.verseStart[v + 1]! - stream.verseStart[v]!;
}

export function refOf(stream: UnitStream, v: number): VerseRef {
  const verse = stream.verses[v]!;
  return { surah: verse.surah, ayah: verse.ayah };
}

/** True when the verse runs [a0..a1] and [b0..b1] (inclusive indices) spell the same units. */
export function sameUnits(stream: UnitStream, a0: number, a1: number, b0: number, b1: number): boolean {
  const as = stream.verseStart[a0]!;
  const ae = stream.verseStart[a1 + 1]!;
  const bs = stream.verseStart[b0]!;
  const be = stream.verseStart[b1 + 1]!;
  if (ae - as !== be - bs) return false;
  for (let i = 0; i < ae - as; i++) if (stream.ids[as + i] !== stream.ids[bs + i]) return false;
  return true;
}

/**
 * For each verse that has twins (other verses spelling exactly the same units, e.g. 109:3 and
 * 109:5, or the 31 times of 55:13), all of them in Quran order, itself included.
 */
export function identicalVerses(stream: UnitStream): Map<number, readonly number[]> {
  const byUnits = new Map<string, number[]>();
  for (let v = 0; v < stream.verses.length; v++) {
    const key = stream.ids.subarray(stream.verseStart[v]!, stream.verseStart[v + 1]!).join(',');
    const group = byUnits.get(key);
    if (group) group.push(v);
    else byUnits.set(key, [v]);
  }
  const out = new Map<number, readonly number[]>();
  for (const group of byUnits.values()) if (group.length > 1) for (const v of group) out.set(v, group);
  return out;
}
