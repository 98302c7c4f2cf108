import { loadQuran, type VerseRef } from './corpus.js';
import { unitsToString, verseUnits } from './units.js';

let sharedKeys: Int32Array | undefined;

/**
 * For each verse (Quran order), the index of the first verse spelled with exactly the same
 * units (2:47 = 2:122, 109:3 = 109:5, حمٓ as 40:1-46:1): a recording cannot tell such verses apart.
 */
export function sameTextKeys(): Int32Array {
  if (sharedKeys) return sharedKeys;
  const first = new Map<string, number>();
  const verses = loadQuran().verses;
  const keys = new Int32Array(verses.length);
  verses.forEach((v, i) => {
    const u = unitsToString(verseUnits(v).ids);
    const k = first.get(u);
    if (k === undefined) first.set(u, i);
    keys[i] = k ?? i;
  });
  sharedKeys = keys;
  return keys;
}

/** The other verses spelled with exactly the same units as `ref`, in Quran order. */
export function versesWithSameText(ref: VerseRef): VerseRef[] {
  const quran = loadQuran();
  const keys = sameTextKeys();
  const own = quran.get(ref).index;
  return quran.verses.filter((v) => v.index !== own && keys[v.index] === keys[own]).map((v) => ({ surah: v.surah, ayah: v.ayah }));
}
