import type { RegionTarget } from './target.js';
import { UnitRole } from './target.js';
import type { UnitStream } from './stream.js';
import { verseLength } from './stream.js';

/** When a verse only partly covered by the alignment counts as recited. */
export interface SpanRule {
  /** Covered share of the verse's units that suffices. */
  readonly minShare: number;
  /** Covered unit count that suffices (long verses are rarely recited whole in a clip). */
  readonly minUnits: number;
}

export const DEFAULT_SPAN_RULE: SpanRule = { minShare: 0.5, minUnits: 20 };

/** Inclusive stream positions [first, last] an alignment covers. */
export interface StreamSpan {
  readonly first: number;
  readonly last: number;
}

/**
 * The verse units of target units [firstUnit, lastUnit], as a stream span;
 * null when that stretch holds only openings (isti'adha / basmala).
 */
export function streamSpanOf(rt: RegionTarget, firstUnit: number, lastUnit: number): StreamSpan | null {
  let a = firstUnit;
  while (a <= lastUnit && rt.role[a] !== UnitRole.Verse) a++;
  let b = lastUnit;
  while (b >= a && rt.role[b] !== UnitRole.Verse) b--;
  if (a > b) return null;
  return { first: rt.streamPos[a]!, last: rt.streamPos[b]! };
}

/**
 * Verse indices recited, in order, for a covered stream span: inner verses are
 * whole; an edge verse counts when enough of it is covered. When no verse
 * qualifies (a short clip inside a long verse) the most covered one is reported.
 */
export function coveredVerses(stream: UnitStream, span: StreamSpan, rule: SpanRule = DEFAULT_SPAN_RULE): number[] {
  const v0 = stream.verseOfPos[span.first]!;
  const v1 = stream.verseOfPos[span.last]!;
  const out: number[] = [];
  let bestV = v0;
  let bestCovered = -1;
  for (let v = v0; v <= v1; v++) {
    const start = stream.verseStart[v]!;
    const end = stream.verseStart[v + 1]! - 1;
    const covered = Math.min(end, span.last) - Math.max(start, span.first) + 1;
    const len = verseLength(stream, v);
    if (covered >= rule.minUnits || covered >= rule.minShare * len) out.push(v);
    if (covered > bestCovered) {
      bestCovered = covered;
      bestV = v;
    }
  }
  return out.length > 0 ? out : [bestV];
}
