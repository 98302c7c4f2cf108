import { SAMPLE_RATE } from '../src/audio/index.js';

/** The sample index of a time in a 16-kHz clip. */
export const sampleAt = (s: number): number => Math.max(0, Math.round(s * SAMPLE_RATE));

/** A 16-kHz clip with [fromS, toS) replaced by `insert` (nothing: that stretch cut out), e.g. a word edited into a mistake. */
export function splice(samples: Float32Array, fromS: number, toS: number, insert: Float32Array = new Float32Array(0)): Float32Array {
  const a = Math.min(samples.length, sampleAt(fromS));
  const b = Math.min(samples.length, sampleAt(toS));
  const out = new Float32Array(a + insert.length + samples.length - b);
  out.set(samples.subarray(0, a), 0);
  out.set(insert, a);
  out.set(samples.subarray(b), a + insert.length);
  return out;
}

/** Clips joined end to end. */
export function joinClips(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
