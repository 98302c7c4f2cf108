import { resample } from './resample.js';

/**
 * The recording played `factor` times faster, as a tape would be: tempo and pitch both scale
 * by `factor` (1.1: 10 % faster and 1.65 semitones higher) and the length divides by it.
 * The samples are read as if taken at sampleRate × factor (rounded to whole hertz) and
 * resampled back to sampleRate, band-limited like any other resampling.
 */
export function changeTempo(samples: Float32Array, sampleRate: number, factor: number): Float32Array {
  if (!Number.isFinite(factor) || factor <= 0) throw new RangeError(`changeTempo: factor must be a positive number, got ${factor}`);
  const playedAt = Math.round(sampleRate * factor);
  if (playedAt === sampleRate) return samples;
  return resample(samples, playedAt, sampleRate);
}
