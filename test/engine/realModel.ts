/**
 * Locations the end-to-end tests need. They fail, never skip, when something is
 * missing: a green run must mean the trained model was actually exercised.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/acoustic/packageRoot.js';
import { CARD_FILE } from '../../src/acoustic/card.js';
import { resolveModel } from '../../src/acoustic/registry.js';

/** The bundled model folder (models/ayat-ctc), or an Error saying it is missing. */
export function realModelDir(): string {
  const { dir } = resolveModel(undefined, {});
  if (!existsSync(join(dir, CARD_FILE))) {
    throw new Error(
      `the trained acoustic model is missing: ${join(dir, CARD_FILE)} not found. ` +
        'These end-to-end tests need models/ayat-ctc (card.json + model.onnx); train and export it first.',
    );
  }
  return dir;
}

/** The dev clips: ../shared/data/dev next to the checkout. */
export function devDataDir(): string {
  const dir = join(packageRoot(), '..', 'shared', 'data', 'dev');
  if (!existsSync(join(dir, 'manifest.json'))) {
    throw new Error(`the dev data set is missing: ${join(dir, 'manifest.json')} not found (expected ../shared/data/dev beside the checkout)`);
  }
  return dir;
}

export function devClip(relative: string): string {
  const path = join(devDataDir(), relative);
  if (!existsSync(path)) throw new Error(`dev clip ${path} is missing`);
  return path;
}
