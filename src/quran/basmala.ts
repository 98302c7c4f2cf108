/**
 * Where the basmala stands (imports only a type: the browser bundle takes it with src/engine/trail.ts).
 * Reciters say it before each surah but At-Tawba; in Al-Fatiha it is ayah 1 itself, so heard alone
 * it reads as 1:1.
 */
import type { VerseKey } from './verseKey.js';

/** Surahs whose ayah 1 is not preceded by a recited basmala (1: it is ayah 1 itself; 9: none). */
const NO_BASMALA_BEFORE = new Set([1, 9]);

/** Whether a recited basmala opens this verse: ayah 1 of any surah but 1 and 9. */
export function basmalaOpens(verse: VerseKey): boolean {
  return verse.ayah === 1 && !NO_BASMALA_BEFORE.has(verse.surah);
}

/** Whether verses are the basmala alone: Al-Fatiha's ayah 1, whose text it is. */
export function isBasmalaAlone(verses: readonly VerseKey[]): boolean {
  return verses.length === 1 && verses[0]!.surah === 1 && verses[0]!.ayah === 1;
}
