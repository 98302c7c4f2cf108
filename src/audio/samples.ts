/** What every decoder returns, and the checks they share. */
import { AudioError } from './errors.js';

export const SAMPLE_RATE = 16000;

export interface DecodedAudio {
  /** Mono samples in [-1, 1]. */
  readonly samples: Float32Array;
  readonly sampleRate: typeof SAMPLE_RATE;
  readonly durationS: number;
  /**
   * True when the file stops before the end its own header or container declares (a download
   * or copy cut off): the samples are what was there.
   */
  readonly cutOff?: boolean;
}

/** Wraps 16 kHz mono samples, clamped to [-1, 1] in place, with NaN as 0. */
export function finishSamples(samples: Float32Array): DecodedAudio {
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]!;
    if (v > 1) samples[i] = 1;
    else if (v < -1) samples[i] = -1;
    else if (v !== v) samples[i] = 0;
  }
  return { samples, sampleRate: SAMPLE_RATE, durationS: samples.length / SAMPLE_RATE };
}

/** What to tell a user about audio decoded from a file cut off (see cutOff), or undefined. */
export function cutOffWarning(audio: Pick<DecodedAudio, 'cutOff' | 'durationS'>): string | undefined {
  return audio.cutOff ? `the file is cut off: only the ${audio.durationS.toFixed(1)} s it holds were heard` : undefined;
}

/**
 * Refuses at once audio whose header declares more than the limit: decoding 30 minutes to find
 * out takes seconds. A second's slack, as headers count the encoder's padding too.
 */
export function refuseDeclaredTooLong(declaredS: number | undefined, label: string, maxDurationS: number): void {
  if ((declaredS ?? 0) > maxDurationS + 1) throw tooLongError(label, maxDurationS);
}

export function tooLongError(label: string, maxDurationS: number): AudioError {
  return new AudioError('too_long', `${label} is too long: over the ${describeLimit(maxDurationS)} limit`);
}

/** "30-minute", "2-second": reads as an adjective before "limit". */
function describeLimit(s: number): string {
  return s >= 60 && s % 60 === 0 ? `${s / 60}-minute` : `${s}-second`;
}
