/** Test inputs made on the fly with ffmpeg and espeak-ng, and measurements on samples. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../../bench/random.js';
import { decodeAudioFile } from '../../src/audio/decode.js';

export function makeTempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ayat-audio-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function ffmpeg(...args: string[]): void {
  execFileSync('ffmpeg', ['-nostdin', '-hide_banner', '-v', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Writes a sine tone with ffmpeg's lavfi source; extra args go before the output path (codec, channels). */
export function writeTone(path: string, o: { frequency?: number; durationS: number; sampleRate?: number }, ...encode: string[]): void {
  const source = `sine=frequency=${o.frequency ?? 440}:duration=${o.durationS}:sample_rate=${o.sampleRate ?? 44100}`;
  ffmpeg('-f', 'lavfi', '-i', source, ...encode, path);
}

/** Arabic speech from espeak-ng at 16 kHz, with espeak's own leading and trailing silence cut off. */
export async function speech(dir: string, text: string, name: string): Promise<Float32Array> {
  const path = join(dir, `${name}.wav`);
  execFileSync('espeak-ng', ['-v', 'ar', '-w', path, text]);
  const { samples } = await decodeAudioFile(path);
  let first = 0;
  let last = samples.length - 1;
  while (first < last && Math.abs(samples[first]!) < 0.01) first++;
  while (last > first && Math.abs(samples[last]!) < 0.01) last--;
  return samples.slice(first, last + 1);
}

export function sine(frequency: number, sampleRate: number, durationS: number, amplitude = 0.5): Float32Array {
  const out = new Float32Array(Math.round(sampleRate * durationS));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate);
  return out;
}


/** Uniform white noise in [-amplitude, amplitude], the same for the same seed. */
export function noise(length: number, amplitude: number, seed = 1): Float32Array {
  const next = seededRandom(seed);
  return Float32Array.from({ length }, () => amplitude * (next() * 2 - 1));
}

export function randomBytes(length: number, seed = 1): Uint8Array {
  const next = seededRandom(seed);
  return Uint8Array.from({ length }, () => Math.floor(next() * 256));
}

export { joinClips as concat } from '../../bench/audioEdit.js';

/** Frequency from upward zero crossings, interpolated between samples; skips `edgeS` at both ends. */
export function measureFrequency(samples: Float32Array, sampleRate: number, edgeS = 0.1): number {
  const from = Math.round(edgeS * sampleRate);
  const to = samples.length - from;
  const crossings: number[] = [];
  for (let i = from; i < to - 1; i++) {
    const a = samples[i]!;
    const b = samples[i + 1]!;
    if (a < 0 && b >= 0) crossings.push(i + a / (a - b));
  }
  if (crossings.length < 2) return 0;
  return ((crossings.length - 1) * sampleRate) / (crossings[crossings.length - 1]! - crossings[0]!);
}

/** Amplitude of a steady sine: RMS·√2, skipping `edgeS` at both ends. */
export function measureAmplitude(samples: Float32Array, sampleRate: number, edgeS = 0.1): number {
  const from = Math.round(edgeS * sampleRate);
  const to = samples.length - from;
  let energy = 0;
  for (let i = from; i < to; i++) energy += samples[i]! * samples[i]!;
  return Math.sqrt(energy / (to - from)) * Math.SQRT2;
}
