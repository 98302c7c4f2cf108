/** A verse's address, and the one test of two being the same (imports nothing: the browser bundle takes it). */
export interface VerseKey {
  readonly surah: number;
  readonly ayah: number;
}

export const sameVerse = (a: VerseKey, b: VerseKey): boolean => a.surah === b.surah && a.ayah === b.ayah;

/** "112:1-4", or "2:285-286, 3:1" when the run crosses surahs or skips; `dash` joins a run's ends. */
export function formatVerseRuns(verses: readonly VerseKey[], dash = '-'): string {
  const runs: string[] = [];
  let i = 0;
  while (i < verses.length) {
    const first = verses[i]!;
    let j = i;
    while (j + 1 < verses.length && verses[j + 1]!.surah === first.surah && verses[j + 1]!.ayah === verses[j]!.ayah + 1) j++;
    runs.push(j === i ? `${first.surah}:${first.ayah}` : `${first.surah}:${first.ayah}${dash}${verses[j]!.ayah}`);
    i = j + 1;
  }
  return runs.join(', ');
}
