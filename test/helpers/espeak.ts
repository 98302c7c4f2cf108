import { spawnSync } from 'node:child_process';

/** Speaks diacritised Arabic text to a 16-bit wav with espeak-ng (a variant like "m3" changes the voice). */
export function speakArabic(text: string, outWav: string, variant = '', speed = 150): void {
  const voice = variant ? `ar+${variant}` : 'ar';
  const r = spawnSync('espeak-ng', ['-v', voice, '-s', String(speed), '-w', outWav, text], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`espeak-ng failed: ${r.error?.message ?? r.stderr}`);
}
