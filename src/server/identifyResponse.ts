import type { Identification } from '../engine/identify.js';
import type { IdentifyResult, VerseJson } from '../engine/result.js';
import { groupSameText } from '../match/sameText.js';
import { verseDetails, type VerseDetails } from '../search/verseInfo.js';

/** A candidate with the verse runs of identical text (which a recording cannot tell apart) folded into it. */
export interface CandidateGroupJson {
  readonly verses: readonly VerseJson[];
  readonly score: number;
  readonly same_text: readonly (readonly VerseJson[])[];
}

/**
 * The body of an identify answer: the engine's IdentifyResult (the same object as `ayat identify
 * --json`) plus verse details, timings, the mode, and the candidates with verses of identical text
 * folded together (`candidate_groups`). POST /identify sends it; the web app builds the same when
 * it identifies in the browser (web/src/inBrowser), so one page renders both.
 */
export interface IdentifyResponse extends IdentifyResult {
  readonly mode: string;
  /** Length of the recording, seconds. */
  readonly audio_s: number;
  readonly verse_details: readonly VerseDetails[];
  readonly candidate_groups: readonly CandidateGroupJson[];
  readonly timings_ms: { readonly decode: number; readonly acoustic: number; readonly match: number; readonly total: number };
}

export interface IdentifyResponseOptions {
  readonly mode: string;
  /** Candidates kept. */
  readonly top: number;
  readonly audioS: number;
  readonly decodeMs: number;
  /** From the request's arrival (or the user's drop) to the answer. */
  readonly totalMs: number;
}

const ms = (x: number): number => Math.round(x * 10) / 10;

export function identifyResponse({ result, timings }: Identification, o: IdentifyResponseOptions): IdentifyResponse {
  return {
    ...result,
    candidates: result.candidates.slice(0, o.top),
    mode: o.mode,
    audio_s: Math.round(o.audioS * 100) / 100,
    verse_details: result.verses.map(verseDetails),
    // Grouped before the cut to `top`, so twins (حم is 40:1-46:1) do not crowd out the real runners-up.
    candidate_groups: groupSameText(result.candidates)
      .slice(0, o.top)
      .map((g) => ({ verses: g.verses, score: g.score, same_text: g.sameText })),
    timings_ms: {
      decode: ms(o.decodeMs),
      acoustic: ms(timings.acousticMs),
      match: ms(timings.matchMs),
      total: ms(o.totalMs),
    },
  };
}
