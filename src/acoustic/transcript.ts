import type { Posteriors } from '../match/types.js';
import { BLANK, textToUnits, VOCAB } from '../quran/units.js';

/**
 * A transcriber (Whisper) gives text, not per-frame posteriors. The text is turned into the
 * posteriors of a model that heard exactly its letters, so the verse matcher (retrieval,
 * alignment, spans, partial verses, confidence, the word check) runs on it unchanged: each
 * unit gets a frame where it is likely, then a blank frame (CTC needs one between repeated
 * letters, as in الله). The transcript has no times, so its frames are spread evenly over the
 * segment: times in the answer are the segment's, word times only rough.
 */

/** Probability of the transcribed unit in its frame, and of the blank in the frame after it. */
export const TRANSCRIPT_UNIT_P = 0.8;

/**
 * A transcript in plain spelling, brought nearer the verses' units: the definite article's
 * alef (also after و ف ب ك) is silent in connected recitation, and the verses' Uthmani text
 * writes it as alef wasla, which has no unit (units.md): الله → لله, والعصر → ولعصر (vowel
 * marks, where a transcriber writes them, may sit between).
 */
export function transcriptText(text: string): string {
  return text
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .map((w) => w.replace(/^([وفبك]\p{M}*)?ال(?=\p{M}*\p{L})/u, '$1ل'))
    .join(' ');
}

/** Posteriors of `text` over a segment of `durationS` seconds starting at `offsetS`. */
export function transcriptPosteriors(text: string, durationS: number, offsetS: number): Posteriors {
  const units = textToUnits(transcriptText(text)).ids;
  const V = VOCAB.length;
  const frames = Math.max(1, 2 * units.length);
  const sure = Math.log(TRANSCRIPT_UNIT_P);
  const rest = Math.log((1 - TRANSCRIPT_UNIT_P) / (V - 1));
  const logProbs = new Float32Array(frames * V).fill(rest);
  for (let t = 0; t < frames; t++) {
    const label = t % 2 === 0 && t / 2 < units.length ? units[t / 2]! : BLANK;
    logProbs[t * V + label] = sure;
  }
  return { logProbs, frames, vocabSize: V, frameShiftS: Math.max(durationS, 0.01) / frames, offsetS };
}
