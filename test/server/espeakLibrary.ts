/** A small library folder of espeak-ng recitations plus silence and noise, with where each verse lies. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeAudioFile } from '../../src/audio/decode.js';
import { loadQuran, type VerseRef } from '../../src/quran/corpus.js';
import { writeWav } from '../cli/wav.js';
import { speakArabic } from '../helpers/espeak.js';
import { noiseWav, silenceWav } from './audio.js';

const RATE = 16000;

export interface VerseSpan extends VerseRef {
  readonly startS: number;
  readonly endS: number;
}

/** Speaks the verses into one wav, `gapS` of silence around each; returns the file and each verse's span. */
export async function reciteToWav(dir: string, name: string, refs: readonly VerseRef[], gapS = 1.2): Promise<{ path: string; spans: VerseSpan[] }> {
  const quran = loadQuran();
  const gap = new Float32Array(Math.round(gapS * RATE));
  const parts: Float32Array[] = [gap];
  const spans: VerseSpan[] = [];
  let at = gap.length;
  for (const [i, ref] of refs.entries()) {
    const tmp = join(dir, `.${name}-part${i}.wav`);
    speakArabic(quran.get(ref).text, tmp);
    const { samples } = await decodeAudioFile(tmp);
    spans.push({ ...ref, startS: at / RATE, endS: (at + samples.length) / RATE });
    parts.push(samples, gap);
    at += samples.length + gap.length;
  }
  const out = new Float32Array(at);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  const path = join(dir, `${name}.wav`);
  writeWav(path, out, RATE);
  return { path, spans };
}

export interface EspeakLibrary {
  readonly folder: string;
  readonly ikhlas: { path: string; spans: VerseSpan[] };
  readonly fatiha: { path: string; spans: VerseSpan[] };
}

/** folder/ikhlas.wav (112:1-4), folder/more/fatiha.wav (1:1-7), folder/silence.wav, folder/noise.wav */
export async function makeEspeakLibrary(folder: string): Promise<EspeakLibrary> {
  mkdirSync(join(folder, 'more'), { recursive: true });
  const range = (surah: number, n: number): VerseRef[] => Array.from({ length: n }, (_, i) => ({ surah, ayah: i + 1 }));
  const ikhlas = await reciteToWav(folder, 'ikhlas', range(112, 4));
  const fatiha = await reciteToWav(join(folder, 'more'), 'fatiha', range(1, 7));
  silenceWav(folder, 'silence', 5);
  noiseWav(folder, 'noise', 5);
  return { folder, ikhlas, fatiha };
}

export const overlaps = (a: { startS: number; endS: number }, start: number, end: number): boolean => start < a.endS && end > a.startS;
