import type { TimeSpan } from './ports.js';

/**
 * Widens each chunk by `padS` on both sides, within the recording and never past
 * the middle of the gap to a neighbour: VAD cuts tight, and clipped onsets and
 * final consonants cost the acoustic model more than a little silence does.
 */
export function padSpans(spans: readonly TimeSpan[], durationS: number, padS: number): TimeSpan[] {
  return spans.map((span, i) => {
    const prev = spans[i - 1];
    const next = spans[i + 1];
    const floor = prev ? (prev.endS + span.startS) / 2 : 0;
    const ceiling = next ? (span.endS + next.startS) / 2 : durationS;
    return {
      startS: Math.max(floor, Math.min(span.startS, span.startS - padS)),
      endS: Math.min(ceiling, Math.max(span.endS, span.endS + padS)),
    };
  });
}
