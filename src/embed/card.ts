import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BRIDGE_FORMAT, CLAP_FORMAT, EMBED_CARD_FILE, parseEmbedCard, type BridgeCard, type ClapCard, type EmbedCard } from './cardSchema.js';
import { EmbedModelError } from './errors.js';

export * from './cardSchema.js';

export async function readEmbedCard(dir: string, format: typeof CLAP_FORMAT): Promise<ClapCard>;
export async function readEmbedCard(dir: string, format: typeof BRIDGE_FORMAT): Promise<BridgeCard>;
export async function readEmbedCard(dir: string, format: EmbedCard['format']): Promise<EmbedCard> {
  const path = join(dir, EMBED_CARD_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new EmbedModelError('not_found', `no model card at ${path}`);
    throw new EmbedModelError('bad_card', `cannot read ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new EmbedModelError('bad_card', `${path} is not valid JSON: ${(err as Error).message}`);
  }
  return parseEmbedCard(json, path, format);
}
