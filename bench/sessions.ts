/**
 * Recitations as people record them, built from one reciter's single-ayah clips: a whole surah
 * opened with the basmala, Al-Fatiha then a short surah as in prayer, a jump over a surah, two
 * surahs in reverse order. Each script is a list of clips joined end to end.
 */
import type { VerseKey } from './scoring.js';

/** One piece of a session: a verse's clip, or the basmala (the reciter's 1:1 clip) opening a surah. */
export type SessionPart = VerseKey | 'basmala';

export interface SessionScript {
  readonly name: string;
  readonly parts: readonly SessionPart[];
}

const BASMALA_VERSE: VerseKey = { surah: 1, ayah: 1 };

/** Surah `surah`, ayat `from`..`to`, opened with the basmala when `from` is 1 (Al-Fatiha's is its own ayah 1). */
export function surahParts(surah: number, from: number, to: number): SessionPart[] {
  const verses: SessionPart[] = [];
  for (let ayah = from; ayah <= to; ayah++) verses.push({ surah, ayah });
  return from === 1 && surah !== 1 ? ['basmala', ...verses] : verses;
}

export const SESSION_SCRIPTS: readonly SessionScript[] = [
  { name: 'surah 82', parts: surahParts(82, 1, 19) },
  { name: 'Al-Fatiha, 112', parts: [...surahParts(1, 1, 7), ...surahParts(112, 1, 4)] },
  { name: 'Al-Fatiha, 113', parts: [...surahParts(1, 1, 7), ...surahParts(113, 1, 5)] },
  { name: 'Al-Fatiha, 111', parts: [...surahParts(1, 1, 7), ...surahParts(111, 1, 5)] },
  { name: '109, 111 (110 skipped)', parts: [...surahParts(109, 1, 6), ...surahParts(111, 1, 5)] },
  { name: '111, 112, 113', parts: [...surahParts(111, 1, 5), ...surahParts(112, 1, 4), ...surahParts(113, 1, 5)] },
  { name: '113, 112 (reverse order)', parts: [...surahParts(113, 1, 5), ...surahParts(112, 1, 4)] },
];

/** The verse whose clip plays a part. */
export function clipVerse(part: SessionPart): VerseKey {
  return part === 'basmala' ? BASMALA_VERSE : part;
}

/** The verses a session recites, in order: the basmala that opens a surah is no verse of it. */
export function sessionVerses(parts: readonly SessionPart[]): VerseKey[] {
  return parts.filter((p): p is VerseKey => p !== 'basmala');
}
