import { fromBuckwalter } from '../quran/buckwalter.js';
import { BLANK, VOCAB, wordUnits } from '../quran/units.js';
import type { UnitMapping } from './cardSchema.js';

/**
 * A CTC model trained on its own vocabulary (a Hugging Face wav2vec2 fine-tune, say) emits
 * tokens, not ayat's units. Each token is read with the unit rules (src/quran/units.json), as a
 * verse's letters are: a letter becomes its unit (أ → ء, like the verses), a token that is no
 * letter (the word separator `|`, a vowel mark, `<unk>`) joins the blank. Its posteriors then
 * land on ayat's units and the matcher runs unchanged.
 */
export interface UnitMap {
  /** How the tokens were read: Arabic script, or Buckwalter transliteration. */
  readonly script: UnitMapping;
  /** Per model column, the ayat unit it feeds (BLANK for the blank and for tokens that are no letter). */
  readonly unitOf: Int32Array;
  /** Tokens that are no letter, folded into the blank. */
  readonly folded: readonly string[];
  /** Tokens that spell more than one unit (آ = ءا): one frame can emit only one, so they feed their first. */
  readonly truncated: readonly string[];
  /** Ayat units no token feeds. */
  readonly missing: readonly string[];
  /** Ayat's letter units some token feeds (all of them less `missing`). */
  readonly letters: number;
}

/** Fewer letters than this and the model is not an Arabic character-level CTC model. */
export const MIN_COVERED_UNITS = 20;

export class VocabularyError extends Error {
  override readonly name = 'VocabularyError';
}

/** Maps a model's tokens (column order) onto ayat's units; `blank` is the model's blank column. */
export function mapVocabulary(tokens: readonly string[], blank: number, script: UnitMapping = 'letters'): UnitMap {
  if (!Number.isInteger(blank) || blank < 0 || blank >= tokens.length) {
    throw new VocabularyError(`blank index ${blank} is outside the vocabulary (${tokens.length} tokens)`);
  }
  const unitId = new Map(VOCAB.map((u, i) => [u, i]));
  const unitOf = new Int32Array(tokens.length);
  const folded: string[] = [];
  const truncated: string[] = [];
  tokens.forEach((token, column) => {
    if (column === blank) return;
    const text = token.trim();
    const units = [...wordUnits(script === 'buckwalter' ? fromBuckwalter(text) : text)];
    if (units.length === 0) {
      folded.push(token);
      return;
    }
    if (units.length > 1) truncated.push(token);
    unitOf[column] = unitId.get(units[0]!)!;
  });
  const covered = new Set(unitOf);
  const missing = VOCAB.filter((_, id) => id !== BLANK && !covered.has(id));
  const letters = VOCAB.length - 1 - missing.length;
  if (letters < MIN_COVERED_UNITS) {
    throw new VocabularyError(
      `the model's ${tokens.length} tokens spell only ${letters} of ayat's ${VOCAB.length - 1} letter units${script === 'buckwalter' ? ' (read as Buckwalter)' : ''}; ayat needs an Arabic character-level CTC model`,
    );
  }
  return { script, unitOf, folded, truncated, missing, letters };
}

/** Floor for units no token feeds: finite, so alignment arithmetic stays finite. */
const MISSING_LOG_PROB = -50;

function logSumExp(values: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.exp(values[i]! - max);
  return max + Math.log(sum);
}

/**
 * One model output, `frames` × `columns` row-major, as ayat unit log-posteriors (`frames` ×
 * VOCAB.length): log-softmax first when the model gives raw logits, then each unit gets the
 * probability of every column that feeds it.
 */
export function toUnitLogProbs(
  output: Float32Array,
  frames: number,
  columns: number,
  map: UnitMap,
  kind: 'log_probs' | 'logits',
): Float32Array {
  if (map.unitOf.length !== columns) {
    throw new VocabularyError(`the model emits ${columns} columns per frame, its vocabulary has ${map.unitOf.length} tokens`);
  }
  const V = VOCAB.length;
  const out = new Float32Array(frames * V);
  const feeding: number[][] = Array.from({ length: V }, () => []);
  for (let t = 0; t < frames; t++) {
    const row = output.subarray(t * columns, (t + 1) * columns);
    const norm = kind === 'logits' ? logSumExp(row) : 0;
    for (const list of feeding) list.length = 0;
    for (let c = 0; c < columns; c++) feeding[map.unitOf[c]!]!.push(row[c]! - norm);
    for (let u = 0; u < V; u++) out[t * V + u] = feeding[u]!.length === 0 ? MISSING_LOG_PROB : logSumExp(feeding[u]!);
  }
  return out;
}

/**
 * Every `factor` frames as one (the last group may be shorter), for models whose frames are
 * finer than the matcher's costs were tuned for (wav2vec2: 20 ms, ayat's model: 60 ms). A CTC
 * model marks a letter with a spike among blanks, so a letter keeps its best frame of the group
 * and the blank its weakest: a letter spoken anywhere in the group wins the pooled frame, and a
 * group of blanks stays blank. Rows are renormalised.
 */
export function poolFrames(logProbs: Float32Array, frames: number, factor: number): { logProbs: Float32Array; frames: number } {
  if (factor === 1) return { logProbs, frames };
  const V = VOCAB.length;
  const pooled = Math.ceil(frames / factor);
  const out = new Float32Array(pooled * V);
  const row = new Array<number>(V);
  for (let p = 0; p < pooled; p++) {
    const from = p * factor;
    const to = Math.min(frames, from + factor);
    for (let u = 0; u < V; u++) row[u] = u === BLANK ? Infinity : -Infinity;
    for (let t = from; t < to; t++) {
      for (let u = 0; u < V; u++) {
        const v = logProbs[t * V + u]!;
        if (u === BLANK ? v < row[u]! : v > row[u]!) row[u] = v;
      }
    }
    const norm = logSumExp(row);
    for (let u = 0; u < V; u++) out[p * V + u] = row[u]! - norm;
  }
  return { logProbs: out, frames: pooled };
}

/** Zero mean, unit variance over the segment: the input wav2vec2-style models were trained on. */
export function zeroMeanUnitVariance(samples: Float32Array): Float32Array {
  let mean = 0;
  for (const x of samples) mean += x;
  mean /= Math.max(1, samples.length);
  let variance = 0;
  for (const x of samples) variance += (x - mean) ** 2;
  variance /= Math.max(1, samples.length);
  const scale = 1 / Math.sqrt(variance + 1e-7);
  return samples.map((x) => (x - mean) * scale);
}
