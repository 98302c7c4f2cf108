import { cutOffWarning, type DecodedAudio } from '../audio/samples.js';
import type { VerseRef } from '../quran/corpus.js';
import type { MatchResult } from '../match/types.js';
import type { HeardWord } from '../match/words.js';

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
  /** The answer's words as heard, in recited order; only when asked for (`--words`) and status is ok. */
  readonly words?: readonly WordJson[];
  /** One line on the input that the answer should be read with (a file cut off); never with status error. */
  readonly warning?: string;
}

export type IdentifyStatus = 'ok' | 'no_match' | 'error';

export interface VerseJson {
  readonly surah: number;
  readonly ayah: number;
}

/** One recited word (see src/match/words.ts). */
export interface WordJson {
  readonly surah: number;
  readonly ayah: number;
  /** 1-based position of the word in the verse. */
  readonly word: number;
  readonly text: string;
  readonly start_s: number;
  readonly end_s: number;
  readonly score: number;
  /** True when the word was probably not recited as written. */
  readonly flagged: boolean;
  /** Letters heard in or right after the word that the verse does not have there. */
  readonly extra_letters: number;
  /** True when something not in the verse was probably said in or right after the word (a word added or repeated). */
  readonly added: boolean;
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

const wordJson = (w: HeardWord): WordJson => ({
  surah: w.verse.surah,
  ayah: w.verse.ayah,
  word: w.word + 1,
  text: w.text,
  start_s: round(w.startS, 2),
  end_s: round(w.endS, 2),
  score: round(w.score, 2),
  flagged: w.flagged,
  extra_letters: w.extraLetters,
  added: w.added,
});

/** `words` (when given) are reported only with an answer. */
export function matchToResult(file: string, match: MatchResult, maxCandidates: number, words?: readonly HeardWord[]): IdentifyResult {
  const ok = match.status === 'ok' && match.verses.length > 0;
  return {
    file,
    status: ok ? 'ok' : 'no_match',
    verses: ok ? match.verses.map(verseJson) : [],
    confidence: round(match.confidence, 4),
    start_s: round(match.startS, 2),
    end_s: round(match.endS, 2),
    candidates: match.candidates.slice(0, maxCandidates).map((c) => ({ verses: c.verses.map(verseJson), score: round(c.score, 4) })),
    ...(words && ok ? { words: words.map(wordJson) } : {}),
  };
}

/** The result, warned that it comes from the part of a cut-off file that is there (see DecodedAudio.cutOff). */
export function withInputWarning(result: IdentifyResult, audio: Pick<DecodedAudio, 'cutOff' | 'durationS'>): IdentifyResult {
  const warning = cutOffWarning(audio);
  return warning && result.status !== 'error' ? { ...result, warning } : result;
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
