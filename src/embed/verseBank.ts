import { sameTextKeys } from '../quran/sameText.js';
import type { VerseMatrixSpec } from './cardSchema.js';
import { EmbedModelError } from './errors.js';

/** A verse's place in the Quran (0..6235) and its cosine with the query. */
export interface VerseScore {
  readonly verse: number;
  readonly score: number;
}

/** The 6,236 verse embeddings of a model folder, unit-length rows, with cosine search. */
export class VerseBank {
  private constructor(
    readonly count: number,
    readonly dim: number,
    /** Row-major [count, dim], each row L2-normalised. */
    readonly rows: Float32Array,
    readonly sizeBytes: number,
  ) {}

  /** The matrix as the card's `verses` file holds it: int8 rows (Quran order), then one float32 scale per row. `where` names it in errors. */
  static fromBytes(raw: Uint8Array, spec: VerseMatrixSpec, where: string): VerseBank {
    const { count, dim } = spec;
    if (raw.length !== count * dim + 4 * count) {
      throw new EmbedModelError('bad_card', `${where} holds ${raw.length} bytes, expected ${count * dim + 4 * count} for ${count} × ${dim} int8 rows and their scales`);
    }
    const values = new Int8Array(raw.buffer, raw.byteOffset, count * dim);
    const scales = new DataView(raw.buffer, raw.byteOffset + count * dim, 4 * count);
    const rows = new Float32Array(count * dim);
    for (let v = 0; v < count; v++) {
      const scale = scales.getFloat32(4 * v, true);
      let norm = 0;
      for (let j = 0; j < dim; j++) {
        const x = values[v * dim + j]! * scale;
        rows[v * dim + j] = x;
        norm += x * x;
      }
      const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let j = 0; j < dim; j++) rows[v * dim + j]! *= inv;
    }
    return new VerseBank(count, dim, rows, raw.length);
  }

  /** Cosine of a query with every verse (the query need not be normalised). */
  scores(query: Float32Array): Float32Array {
    if (query.length !== this.dim) throw new EmbedModelError('inference_failed', `embedding has ${query.length} values, the verse bank ${this.dim}`);
    let norm = 0;
    for (let j = 0; j < this.dim; j++) norm += query[j]! * query[j]!;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    const out = new Float32Array(this.count);
    const { rows, dim } = this;
    for (let v = 0; v < this.count; v++) {
      let s = 0;
      const o = v * dim;
      for (let j = 0; j < dim; j++) s += rows[o + j]! * query[j]!;
      out[v] = s * inv;
    }
    return out;
  }
}

/**
 * The best `k` verses by score, one per unit sequence (the earliest verse stands for its
 * duplicates), best first; ties go to the earlier verse.
 */
export function topVerses(scores: Float32Array, k: number, keys: Int32Array = sameTextKeys()): VerseScore[] {
  const best: VerseScore[] = [];
  const seen = new Set<number>();
  const order = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]! || a - b);
  for (const v of order) {
    const key = keys[v]!;
    if (seen.has(key)) continue;
    seen.add(key);
    best.push({ verse: key, score: scores[v]! });
    if (best.length >= k) break;
  }
  return best;
}
