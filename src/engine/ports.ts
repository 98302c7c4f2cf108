import type { MatchResult, Posteriors } from '../match/types.js';
import type { StageTimings } from './timing.js';

/** What the pipeline needs from each stage; the defaults live in defaultAudioStage.ts and modes.ts, tests may stub them. */

export interface DecodedAudio {
  readonly samples: Float32Array;
  readonly sampleRate: number;
  readonly durationS: number;
}

export interface TimeSpan {
  readonly startS: number;
  readonly endS: number;
}

export interface AudioStage {
  decode(path: string, options: { maxDurationS: number }): Promise<DecodedAudio>;
  /** A whole recording held in memory (e.g. read from stdin); `name` is what error messages call it. */
  decodeBytes(bytes: Uint8Array, options: { maxDurationS: number; name: string }): Promise<DecodedAudio>;
  isSilent(samples: Float32Array, sampleRate: number): boolean;
  planChunks(samples: Float32Array, sampleRate: number, options: { maxChunkS: number }): readonly TimeSpan[];
  /** The speech either side of the longest pause (times within `samples`); undefined with no pause. */
  splitAtLongestPause(samples: Float32Array, sampleRate: number): { readonly before: TimeSpan; readonly after: TimeSpan; readonly pauseS: number } | undefined;
}

export interface AcousticStage {
  posteriors(samples: Float32Array, offsetS: number): Promise<Posteriors>;
}

export interface MatchStage {
  /** `maxCandidates`: hypotheses to list in the result, the answer included. */
  matchPosteriors(posteriors: Posteriors, options: { maxCandidates: number }): MatchResult;
}

/**
 * Any way of answering one chunk of audio (a mode): full mode's posteriors + matcher, an
 * embedding model's retrieval, or both fused. Model time goes to timings.acousticMs, search
 * and scoring to timings.matchMs.
 */
export interface ChunkRecogniser {
  recognise(samples: Float32Array, offsetS: number, options: { maxCandidates: number }, timings: StageTimings): Promise<MatchResult>;
}
