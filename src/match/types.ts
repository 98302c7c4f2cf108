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
  /** Alignment and confidence inputs behind the answer, when the matcher got that far. */
  readonly detail?: MatchDetail;
}

/** One verse unit of the answer and where the alignment put it (for word timing and mistake flagging). */
export interface AlignedUnit {
  readonly verse: VerseRef;
  /** Index into verseUnits(verse).ids (its word: verseUnits(verse).wordOf[unit]). */
  readonly unit: number;
  /** Frames (inclusive) the alignment gives the unit, relative to frame 0 of the posteriors. */
  readonly startFrame: number;
  readonly endFrame: number;
  /** The same frames in the recording's seconds (start of the first, end of the last). */
  readonly startS: number;
  readonly endS: number;
  /** Mean over those frames of log P(unit) − log P(best label): 0 when the model heard it, very negative when not. */
  readonly relLogProb: number;
  /**
   * Letters the model heard between this unit and the next unit of the answer that the alignment
   * gave to no unit (it passed those frames as blank): speech that is not in the verse, such as
   * a word added there. 0 after the answer's last unit.
   */
  readonly extraAfter: number;
}

/** How the matcher reached its answer; optional, for callers that want timing or to refit calibration. */
export interface MatchDetail {
  /** Confidence-model inputs of the best candidate (see src/match/confidence.ts). */
  readonly features: Readonly<Record<string, number>>;
  /** The answer's units in order, covered part only. */
  readonly units: readonly AlignedUnit[];
  /** Openings heard before the verses (never reported as verses). */
  readonly istiadha: boolean;
  readonly basmala: boolean;
  /** Where the openings recited right before the verses begin, in the recording's seconds; absent when there are none. */
  readonly openingStartS?: number;
}
