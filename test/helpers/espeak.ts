import { spawnSync } from 'node:child_process';
import { trainPythonJson } from './python.js';

/**
 * Speaks Uthmani verse text to a 16-bit wav with espeak-ng (a variant like "m3" changes the voice).
 * The text is first given the reading the trainer's synthetic recitation uses
 * (`train/ayat_train/readings.py`, `espeak_arabic`): given raw Uthmani text, espeak-ng spells out
 * each sign it does not know ("letter 0653"), which is speech no verse holds.
 */
export function speakArabic(text: string, outWav: string, variant = '', speed = 150): void {
  const voice = variant ? `ar+${variant}` : 'ar';
  const r = spawnSync('espeak-ng', ['-v', voice, '-s', String(speed), '-w', outWav, espeakReading(text)], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`espeak-ng failed: ${r.error?.message ?? r.stderr}`);
}

function espeakReading(text: string): string {
  return trainPythonJson<string>(
    `from ayat_train.readings import espeak_arabic\nprint(json.dumps(espeak_arabic(${JSON.stringify(text)})))`,
  );
}
