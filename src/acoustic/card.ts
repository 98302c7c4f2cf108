import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CARD_FILE, parseModelCard, type ModelCard } from './cardSchema.js';
import { ModelError } from './errors.js';

export * from './cardSchema.js';

/** Reads and validates `<dir>/card.json` (the model file itself is checked in AcousticModel.load). */
export async function readModelCard(dir: string): Promise<ModelCard> {
  const path = join(dir, CARD_FILE);
  const json = await readModelJson(path);
  if (json === undefined) {
    const isFile = existsSync(dir) && !statSync(dir).isDirectory();
    throw new ModelError('not_found', isFile ? `model path ${dir} is not a folder` : `no model card at ${path}`);
  }
  return parseModelCard(json, path);
}

/** A JSON file of a model folder, parsed; undefined when there is no such file. */
export async function readModelJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new ModelError('bad_card', `cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ModelError('bad_card', `${path} is not valid JSON: ${(err as Error).message}`);
  }
}
