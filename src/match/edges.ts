import type { VerseRef } from '../quran/corpus.js';
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
 */
export function trimUnheardEdges(verses: readonly VerseRef[], units: readonly AlignedUnit[], minFit: number): readonly VerseRef[] {
  let from = 0;
  let to = verses.length;
  while (to - from > 1 && verseFit(verses[from]!, units) < minFit) from++;
  while (to - from > 1 && verseFit(verses[to - 1]!, units) < minFit) to--;
  return from === 0 && to === verses.length ? verses : verses.slice(from, to);
}
