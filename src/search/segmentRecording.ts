import { cutOffWarning, decodeAudioFile, planChunks } from '../audio/index.js';
import { appendWithoutOverlap } from '../engine/trail.js';
import type { IdentifyResult } from '../engine/result.js';
import { sameVerse, type VerseKey } from '../quran/verseKey.js';
import type { IndexedRecording, Segment } from './types.js';

/** What indexing needs from the engine: Identifier satisfies it. */
export interface SegmentRecogniser {
  identifySamples(samples: Float32Array, sampleRate: number, label: string): Promise<{ readonly result: IdentifyResult }>;
}

export interface SegmentingOptions {
  /**
   * Longest piece recognised at once, seconds; pieces are cut in the longest
   * pauses. Shorter than the engine's 30 s chunks: a search hit plays from its
   * piece's start, so pieces of a few verses make the time ranges useful.
   */
  readonly maxSegmentS: number;
  /** Longer recordings fail to index. */
  readonly maxDurationS: number;
  /** Silence kept either side of a piece so onsets are not clipped, seconds. */
  readonly padS: number;
  /** Neighbouring segments sharing a verse across a gap this short are joined, seconds. */
  readonly joinGapS: number;
}

export const DEFAULT_SEGMENTING: SegmentingOptions = { maxSegmentS: 12, maxDurationS: 3 * 3600, padS: 0.2, joinGapS: 2 };

const sameDefinedVerse = (a: VerseKey | undefined, b: VerseKey | undefined): boolean => a !== undefined && b !== undefined && sameVerse(a, b);

/**
 * Joins a segment to the previous one when a verse was cut between them (the
 * previous ends with the verse the next begins with) and the gap is short.
 */
export function joinCutVerses(segments: readonly Segment[], joinGapS: number): Segment[] {
  const out: Segment[] = [];
  for (const s of segments) {
    const prev = out[out.length - 1];
    if (prev && s.startS - prev.endS <= joinGapS && sameDefinedVerse(prev.verses[prev.verses.length - 1], s.verses[0])) {
      out[out.length - 1] = {
        startS: prev.startS,
        endS: Math.max(prev.endS, s.endS),
        verses: appendWithoutOverlap(prev.verses, s.verses),
        confidence: Math.min(prev.confidence, s.confidence),
      };
    } else {
      out.push(s);
    }
  }
  return out;
}

/**
 * Recognises a long recording piece by piece: VAD finds the speech, cuts it
 * into pieces of at most `maxSegmentS` in the pauses, and each piece is
 * identified on its own. Pieces with no match are left out. Throws the
 * signal's reason when aborted between pieces.
 */
export async function segmentSamples(
  samples: Float32Array,
  sampleRate: number,
  label: string,
  recogniser: SegmentRecogniser,
  options: SegmentingOptions = DEFAULT_SEGMENTING,
  signal?: AbortSignal,
): Promise<Segment[]> {
  const durationS = samples.length / sampleRate;
  const pieces = planChunks(samples, sampleRate, { maxChunkS: options.maxSegmentS });
  const segments: Segment[] = [];
  for (const piece of pieces) {
    signal?.throwIfAborted();
    const fromS = Math.max(0, piece.startS - options.padS);
    const toS = Math.min(durationS, piece.endS + options.padS);
    const from = Math.floor(fromS * sampleRate);
    const to = Math.ceil(toS * sampleRate);
    if (to <= from) continue;
    const { result } = await recogniser.identifySamples(samples.subarray(from, to), sampleRate, label);
    if (result.status !== 'ok' || result.verses.length === 0) continue;
    const offsetS = from / sampleRate;
    const hasSpan = result.end_s > result.start_s;
    segments.push({
      startS: round2(hasSpan ? offsetS + result.start_s : fromS),
      endS: round2(hasSpan ? offsetS + result.end_s : toS),
      verses: result.verses.map((v) => ({ surah: v.surah, ayah: v.ayah })),
      confidence: result.confidence,
    });
  }
  return joinCutVerses(segments, options.joinGapS);
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Decodes a file and segments it (see segmentSamples). Throws AudioError for unreadable or too long files. */
export async function segmentRecordingFile(
  path: string,
  recogniser: SegmentRecogniser,
  options: SegmentingOptions = DEFAULT_SEGMENTING,
  signal?: AbortSignal,
): Promise<IndexedRecording> {
  const audio = await decodeAudioFile(path, { maxDurationS: options.maxDurationS });
  const segments = await segmentSamples(audio.samples, audio.sampleRate, path, recogniser, options, signal);
  const warning = cutOffWarning(audio);
  return { durationS: audio.durationS, segments, ...(warning ? { warning } : {}) };
}
