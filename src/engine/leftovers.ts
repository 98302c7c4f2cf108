import type { MatchResult } from '../match/types.js';
import type { TimeSpan } from './ports.js';

/**
 * The stretches of a chunk before and after the part its answer covers, each kept if it lasts at
 * least `minS`. One answer is one run of consecutive ayat, so a chunk holding a jump (Al-Fatiha,
 * then a short surah, as in prayer; or 109 then 111) is answered with one run and the other
 * recitation is left over: it is matched on its own.
 */
export function leftoverSpans(chunk: TimeSpan, answered: TimeSpan, minS: number): TimeSpan[] {
  const before = { startS: chunk.startS, endS: Math.min(chunk.endS, answered.startS) };
  const after = { startS: Math.max(chunk.startS, answered.endS), endS: chunk.endS };
  return [before, after].filter((s) => s.endS - s.startS >= minS);
}

/**
 * Where the best hypothesis's verses were heard, from their aligned units and the openings
 * recited right before them (isti'adha, basmala), whether it was answered or not; undefined when
 * nothing was aligned. Left over, an isti'adha would be matched alone, and 16:98, whose words it
 * shares, could claim it.
 */
export function versesHeard(result: MatchResult): TimeSpan | undefined {
  const units = result.detail?.units;
  if (!units || units.length === 0) return undefined;
  return { startS: result.detail?.openingStartS ?? units[0]!.startS, endS: units[units.length - 1]!.endS };
}
