/**
 * Scoring rules of the public offline-tarteel benchmark (yazinsai/offline-tarteel,
 * benchmark/runner.py: score_sequence and the also_accept loop in run_experiment),
 * re-implemented:
 *
 * - Walk the expected verses in order; each one is looked for in the predicted list
 *   from just after the previous hit onward (greedy ordered subsequence match).
 * - recall = hits / expected count; precision = predicted verses that were hit /
 *   predicted count; sequence accuracy = 1 only when the predicted list equals the
 *   expected list exactly (same verses, same order, nothing extra), else 0.
 * - An empty expected list scores 1/1/1; an empty prediction (no match, error)
 *   scores 0/0/0.
 * - `also_accept` lists alternative expected sequences (identical verses such as
 *   3:23 and 4:44). Each is scored the same way, and replaces the current score only
 *   when its sequence accuracy is strictly higher; the first such wins.
 */

import { sameVerse, type VerseKey } from '../src/quran/verseKey.js';

export type { VerseKey };

export interface SequenceScore {
  readonly recall: number;
  readonly precision: number;
  readonly sequenceAccuracy: number;
}


export function scoreSequence(expected: readonly VerseKey[], predicted: readonly VerseKey[]): SequenceScore {
  if (expected.length === 0) return { recall: 1, precision: 1, sequenceAccuracy: 1 };
  if (predicted.length === 0) return { recall: 0, precision: 0, sequenceAccuracy: 0 };

  let hits = 0;
  let from = 0;
  for (const want of expected) {
    for (let j = from; j < predicted.length; j++) {
      if (sameVerse(predicted[j]!, want)) {
        hits++;
        from = j + 1;
        break;
      }
    }
  }
  // Each hit consumes a distinct predicted position, so hit positions = hits.
  return {
    recall: hits / expected.length,
    precision: hits / predicted.length,
    sequenceAccuracy: sequencesEqual(expected, predicted) ? 1 : 0,
  };
}

export function sequencesEqual(a: readonly VerseKey[], b: readonly VerseKey[]): boolean {
  return a.length === b.length && a.every((v, i) => sameVerse(v, b[i]!));
}

export interface SampleScore extends SequenceScore {
  /** The expected sequence the score was taken against (the main one or an also_accept). */
  readonly scoredAgainst: readonly VerseKey[];
}

/** Scores against `expected`, switching to an `alsoAccept` sequence only if it is an exact match where the main one is not. */
export function scoreSample(
  expected: readonly VerseKey[],
  alsoAccept: readonly (readonly VerseKey[])[],
  predicted: readonly VerseKey[],
): SampleScore {
  let best: SampleScore = { ...scoreSequence(expected, predicted), scoredAgainst: expected };
  for (const alternative of alsoAccept) {
    const score = scoreSequence(alternative, predicted);
    if (score.sequenceAccuracy > best.sequenceAccuracy) best = { ...score, scoredAgainst: alternative };
  }
  return best;
}

/** True when some accepted sequence is exactly one of the first `k` candidate sequences. */
export function hitInTopK(
  expected: readonly VerseKey[],
  alsoAccept: readonly (readonly VerseKey[])[],
  candidates: readonly { readonly verses: readonly VerseKey[] }[],
  k: number,
): boolean {
  const accepted = [expected, ...alsoAccept];
  return candidates.slice(0, k).some((c) => accepted.some((a) => sequencesEqual(a, c.verses)));
}
