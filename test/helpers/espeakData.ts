import path from 'node:path';
import { mustRunPython } from './python.js';

/**
 * espeak-ng recitations of a few verses in EveryAyah layout, one folder per voice variant (`''`,
 * `'m3'`, …), written by train/synthesize.py at one fixed rate and pitch. Returns the folders by variant.
 */
export function espeakFolders(dir: string, verses: readonly (readonly [number, number])[], variants: readonly string[]): Record<string, string> {
  const folders: Record<string, string> = {};
  for (const variant of variants) {
    const folder = path.join(dir, 'audio', `espeak-ar${variant}`);
    mustRunPython([
      'train/synthesize.py', folder, '--voice', variant ? `ar+${variant}` : 'ar',
      ...verses.flatMap(([s, a]) => ['--verse', `${s}:${a}`]), '--speed', '150', '150', '--pitch', '50', '50',
    ]);
    folders[variant] = folder;
  }
  return folders;
}

/** espeakFolders, each prepared into an audio cache by train/prepare.py. Returns the cache folders by variant. */
export function espeakCaches(dir: string, verses: readonly (readonly [number, number])[], voices: readonly string[]): Record<string, string> {
  const folders = espeakFolders(dir, verses, voices);
  const caches: Record<string, string> = {};
  for (const voice of voices) {
    const folder = folders[voice]!;
    caches[voice] = path.join(dir, `cache-${voice || 'default'}`);
    mustRunPython(['train/prepare.py', 'everyayah', folder, caches[voice]!, '--workers', '1']);
  }
  return caches;
}
