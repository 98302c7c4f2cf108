/** A verse's address, and the one test of two being the same (imports nothing: the browser bundle takes it). */
export interface VerseKey {
  readonly surah: number;
  readonly ayah: number;
}

export const sameVerse = (a: VerseKey, b: VerseKey): boolean => a.surah === b.surah && a.ayah === b.ayah;
