import type { GraphOutput } from '../acoustic/graphIo.js';
import type { BridgeCard, ClapCard } from './cardSchema.js';
import { EmbedModelError } from './errors.js';
import type { VerseBank } from './verseBank.js';

/** What retrieval needs from an embedding model: one vector per clip, and the verses' vectors. */
export interface ClipEmbedder {
  readonly dir: string;
  readonly card: ClapCard | BridgeCard;
  readonly verses: VerseBank;
  /** Bytes on disk of everything the model loads (graphs and verse matrix). */
  readonly sizeBytes: number;
  embedClip(samples: Float32Array): Promise<Float32Array>;
}

/** An embedding graph's output as a vector: float32 [1, D], or a one-line error naming `what` gave it. */
export function embeddingOf(out: GraphOutput | undefined, output: string, what: string): Float32Array {
  if (!out || out.type !== 'float32' || out.dims.length !== 2 || out.dims[0] !== 1) {
    throw new EmbedModelError('inference_failed', `${what}: output "${output}" is not float32 [1, D]`);
  }
  return out.data as Float32Array;
}
