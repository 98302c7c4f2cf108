import type { VerseRef } from '../quran/corpus.js';

/**
 * CTC posteriors of one audio segment: `frames` rows of `vocabSize` natural-log
 * probabilities, row-major. Column 0 is the blank (see src/quran/units.ts VOCAB).
 */
export interface Posteriors {
  readonly logProbs: Float32Array;
  readonly frames: number;
  readonly vocabSize: number;
  /** Seconds per output frame (e.g. 0.04). */
  readonly frameShiftS: number;
  /** Where frame 0 starts in the original recording, in seconds. */
  readonly offsetS: number;
}

/** One hypothesis: a run of consecutive verses (possibly a single one). */
export interface Candidate {
  /** Consecutive verses in recited order. */
  readonly verses: readonly VerseRef[];
  /** Higher is better; comparable between candidates of the same clip only. */
  readonly score: number;
}

export type MatchStatus = 'ok' | 'no_match';

/** What the matcher says about one recording. */
export interface MatchResult {
  readonly status: MatchStatus;
  /** The recognised verse sequence, in order; empty when status is no_match. */
  readonly verses: readonly VerseRef[];
  /** Calibrated probability that `verses` is right (0..1). */
  readonly confidence: number;
  /** Time range of the recognised recitation within the recording, seconds. */
  readonly startS: number;
  readonly endS: number;
  /** Best hypotheses, best first (the first is the answer when status is ok). */
  readonly candidates: readonly Candidate[];
}
