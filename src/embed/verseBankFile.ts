import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Bytes } from '../acoustic/hash.js';
import type { VerseMatrixSpec } from './cardSchema.js';
import { EmbedModelError } from './errors.js';
import { VerseBank } from './verseBank.js';

/** The verse bank a card names, from its model folder, checked against the card's SHA-256. */
export async function loadVerseBank(dir: string, spec: VerseMatrixSpec): Promise<VerseBank> {
  const path = join(dir, spec.file);
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch {
    throw new EmbedModelError('not_found', `verse embeddings ${path} (named in card.json) are missing`);
  }
  const actual = sha256Bytes(raw);
  if (actual !== spec.sha256) {
    throw new EmbedModelError('hash_mismatch', `${path} does not match card.json (sha256 ${actual.slice(0, 12)}…, card says ${spec.sha256.slice(0, 12)}…)`);
  }
  return VerseBank.fromBytes(raw, spec, path);
}
