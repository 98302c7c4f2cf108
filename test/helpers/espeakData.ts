import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { loadQuran } from '../../src/quran/corpus.js';
import { speakArabic } from './espeak.js';
import { mustRunPython } from './python.js';

/**
 * espeak-ng recitations of a few verses in EveryAyah layout (one folder per voice, `SSSAAA.wav`),
 * each prepared into an audio cache by train/prepare.py. Returns the cache folders by voice.
 */
export function espeakCaches(dir: string, verses: readonly (readonly [number, number])[], voices: readonly string[]): Record<string, string> {
  const quran = loadQuran();
  const caches: Record<string, string> = {};
  for (const voice of voices) {
    const folder = path.join(dir, 'audio', `espeak-ar${voice}`);
    mkdirSync(folder, { recursive: true });
    for (const [s, a] of verses) {
      const id = `${String(s).padStart(3, '0')}${String(a).padStart(3, '0')}`;
      speakArabic(quran.get({ surah: s, ayah: a }).text, path.join(folder, `${id}.wav`), voice);
    }
    caches[voice] = path.join(dir, `cache-${voice || 'default'}`);
    mustRunPython(['train/prepare.py', 'everyayah', folder, caches[voice]!, '--workers', '1']);
  }
  return caches;
}
