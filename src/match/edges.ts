import type { VerseRef } from '../quran/corpus.js';
import { isBasmalaAlone } from '../quran/basmala.js';
import { sameVerse } from '../quran/verseKey.js';
import type { AlignedUnit } from './types.js';

/** Mean relLogProb of the units the alignment gave `verse` (0 when it gave none). */
export function verseFit(verse: VerseRef, units: readonly AlignedUnit[]): number {
  const mine = units.filter((u) => sameVerse(u.verse, verse));
  return mine.length === 0 ? 0 : mine.reduce((s, u) => s + u.relLogProb, 0) / mine.length;
}

/**
 * The answer's run without the verses at either end that were not heard: a verse whose units fit
 * worse than `minFit` on average (nats below the model's best label per frame). Garbage frames
 * and a badly heard verse cost the alignment about the same, so a run can stretch over other
 * speech into the ayat before or after it (2:1 after 1:7 over a basmala and another surah's first
 * ayah); those frames are better left for another answer. The run keeps at least one verse.
 * Al-Fatiha's basmala is not trimmed off 1:2: it is that surah's ayah 1, and a reciter's basmala is
 * often heard less clearly than the ayat after it (Dosari's fits at -2.7 to -4.5 in dev's sessions).
 */
export function trimUnheardEdges(verses: readonly VerseRef[], units: readonly AlignedUnit[], minFit: number): readonly VerseRef[] {
  let from = 0;
  let to = verses.length;
  while (to - from > 1 && !opensAlFatiha(verses, from) && verseFit(verses[from]!, units) < minFit) from++;
  while (to - from > 1 && verseFit(verses[to - 1]!, units) < minFit) to--;
  return from === 0 && to === verses.length ? verses : verses.slice(from, to);
}

/** Whether verses[at] is the basmala as Al-Fatiha's ayah 1, followed by its ayah 2. */
function opensAlFatiha(verses: readonly VerseRef[], at: number): boolean {
  const next = verses[at + 1];
  return isBasmalaAlone([verses[at]!]) && next !== undefined && next.surah === 1 && next.ayah === 2;
}
