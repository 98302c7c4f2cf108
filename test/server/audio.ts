/** Silence and noise for server tests (espeak-ng recitations: espeakLibrary.ts). */
import { join } from 'node:path';
import { noise } from '../audio/fixtures.js';
import { writeWav } from '../cli/wav.js';

const RATE = 16000;

export function silenceWav(dir: string, name: string, seconds: number): string {
  const path = join(dir, `${name}.wav`);
  writeWav(path, new Float32Array(Math.round(seconds * RATE)), RATE);
  return path;
}

export function noiseWav(dir: string, name: string, seconds: number, amplitude = 0.3): string {
  const path = join(dir, `${name}.wav`);
  writeWav(path, noise(Math.round(seconds * RATE), amplitude, 7), RATE);
  return path;
}

