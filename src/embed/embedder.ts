import type { BridgeCard, ClapCard } from './cardSchema.js';
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
