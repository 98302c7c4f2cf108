import type { VerseRef } from '../quran/corpus.js';
import type { MatchResult } from '../match/types.js';

/**
 * The per-file answer, exactly as `ayat identify --json` prints it (one object per
 * line). This is a stable contract: add fields, never rename or remove them.
 */
export interface IdentifyResult {
  readonly file: string;
  readonly status: IdentifyStatus;
  /** Recognised verses in recited order; empty unless status is ok. */
  readonly verses: readonly VerseJson[];
  /** Calibrated probability (0..1) that `verses` is right. */
  readonly confidence: number;
  /** Where the recognised recitation lies in the clip, seconds. */
  readonly start_s: number;
  readonly end_s: number;
  /** Best hypotheses, best first. */
  readonly candidates: readonly CandidateJson[];
  /** One-line reason, only when status is error. */
  readonly error?: string;
}

export type IdentifyStatus = 'ok' | 'no_match' | 'error';

export interface VerseJson {
  readonly surah: number;
  readonly ayah: number;
}

export interface CandidateJson {
  readonly verses: readonly VerseJson[];
  readonly score: number;
}

const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

const verseJson = (v: VerseRef): VerseJson => ({ surah: v.surah, ayah: v.ayah });

export function matchToResult(file: string, match: MatchResult, maxCandidates: number): IdentifyResult {
  const ok = match.status === 'ok' && match.verses.length > 0;
  return {
    file,
    status: ok ? 'ok' : 'no_match',
    verses: ok ? match.verses.map(verseJson) : [],
    confidence: round(match.confidence, 4),
    start_s: round(match.startS, 2),
    end_s: round(match.endS, 2),
    candidates: match.candidates.slice(0, maxCandidates).map((c) => ({ verses: c.verses.map(verseJson), score: round(c.score, 4) })),
  };
}

export function noMatchResult(file: string): IdentifyResult {
  return { file, status: 'no_match', verses: [], confidence: 0, start_s: 0, end_s: 0, candidates: [] };
}

export function errorResult(file: string, error: unknown): IdentifyResult {
  return { file, status: 'error', verses: [], confidence: 0, start_s: 0, end_s: 0, candidates: [], error: oneLineMessage(error) };
}

/** The first line of an error's message: users get a sentence, never a stack trace. */
export function oneLineMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n', 1)[0]!.trim();
  return line === '' ? (error instanceof Error ? error.name : 'unknown error') : line;
}
