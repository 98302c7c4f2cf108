/**
 * Sample-rate conversion and channel mixing for raw PCM that did not come
 * through ffmpeg (browser AudioBuffers, server streams).
 */

/** Sinc zero crossings on each side of the kernel: longer gives a sharper cutoff. */
const ZERO_CROSSINGS = 32;
/** Cutoff as a fraction of the lower Nyquist frequency (7.56 kHz when the output is 16 kHz). */
const ROLLOFF = 0.945;
/** Kaiser window shape: about 85 dB of stopband attenuation. */
const KAISER_BETA = 8.6;
/** Above this many filter phases the weights are computed per output sample instead of tabulated. */
const MAX_TABLE_PHASES = 4096;

/**
 * Band-limited resampling with a Kaiser-windowed sinc (polyphase for rational
 * ratios). Downsampling removes everything above the new Nyquist frequency
 * first, so it does not alias. Output sample k sits at input time k·from/to.
 */
export function resample(samples: Float32Array, fromRate: number, toRate: number): Float32Array {
  checkRate(fromRate, 'fromRate');
  checkRate(toRate, 'toRate');
  if (fromRate === toRate) return samples.slice();
  const g = gcd(fromRate, toRate);
  const up = toRate / g;
  const down = fromRate / g;

  // Cutoff in cycles per input sample, and kernel half-width in input samples.
  const cutoff = 0.5 * Math.min(1, toRate / fromRate) * ROLLOFF;
  const halfWidth = ZERO_CROSSINGS / (2 * cutoff);
  const reach = Math.ceil(halfWidth);
  const taps = 2 * reach;
  const kernel = new SincKernel(cutoff, halfWidth);

  const table = up <= MAX_TABLE_PHASES ? new Float32Array(up * taps) : undefined;
  if (table) for (let p = 0; p < up; p++) kernel.fill(table.subarray(p * taps, (p + 1) * taps), p / up, reach);
  const scratch = new Float32Array(taps);

  const n = samples.length;
  const out = new Float32Array(Math.ceil((n * up) / down));
  for (let k = 0; k < out.length; k++) {
    const position = k * down;
    const base = Math.floor(position / up);
    const phase = position - base * up;
    let weights: Float32Array;
    let offset = 0;
    if (table) {
      weights = table;
      offset = phase * taps;
    } else {
      weights = scratch;
      kernel.fill(scratch, phase / up, reach);
    }
    // Tap m reads input sample first + m; samples outside the signal count as 0.
    const first = base - reach + 1;
    const mStart = Math.max(0, -first);
    const mEnd = Math.min(taps, n - first);
    let acc = 0;
    for (let m = mStart; m < mEnd; m++) acc += weights[offset + m]! * samples[first + m]!;
    out[k] = acc;
  }
  return out;
}

/** Averages equally long channels into one. */
export function downmix(channels: readonly Float32Array[]): Float32Array {
  const first = channels[0];
  if (!first) throw new RangeError('downmix needs at least one channel');
  if (channels.some((c) => c.length !== first.length)) throw new RangeError('downmix needs channels of equal length');
  if (channels.length === 1) return first.slice();
  const out = new Float32Array(first.length);
  for (const channel of channels) for (let i = 0; i < out.length; i++) out[i]! += channel[i]!;
  const scale = 1 / channels.length;
  for (let i = 0; i < out.length; i++) out[i]! *= scale;
  return out;
}

/** Splits interleaved frames (L R L R ...) into one array per channel. */
export function deinterleave(interleaved: Float32Array, channelCount: number): Float32Array[] {
  if (!Number.isInteger(channelCount) || channelCount < 1) throw new RangeError(`channelCount must be a positive integer, got ${channelCount}`);
  if (interleaved.length % channelCount !== 0) {
    throw new RangeError(`${interleaved.length} samples do not split into ${channelCount} channels`);
  }
  const frames = interleaved.length / channelCount;
  const channels = Array.from({ length: channelCount }, () => new Float32Array(frames));
  for (let c = 0; c < channelCount; c++) {
    const channel = channels[c]!;
    for (let i = 0; i < frames; i++) channel[i] = interleaved[i * channelCount + c]!;
  }
  return channels;
}

/** Signed 16-bit PCM to floats in [-1, 1). */
export function int16ToFloat32(pcm: Int16Array): Float32Array {
  const out = new Float32Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = pcm[i]! / 32768;
  return out;
}

/** Lowpass sinc windowed by a Kaiser window; weights of one phase are normalised to unit DC gain. */
class SincKernel {
  private readonly i0Beta = besselI0(KAISER_BETA);

  constructor(
    private readonly cutoff: number,
    private readonly halfWidth: number,
  ) {}

  /** Weights for an output that lies `frac` (0 ≤ frac < 1) input samples past tap reach-1. */
  fill(weights: Float32Array, frac: number, reach: number): void {
    let sum = 0;
    for (let m = 0; m < weights.length; m++) {
      const w = this.at(frac + reach - 1 - m);
      weights[m] = w;
      sum += w;
    }
    for (let m = 0; m < weights.length; m++) weights[m]! /= sum;
  }

  private at(distance: number): number {
    const x = distance / this.halfWidth;
    if (x <= -1 || x >= 1) return 0;
    const window = besselI0(KAISER_BETA * Math.sqrt(1 - x * x)) / this.i0Beta;
    const arg = 2 * this.cutoff * distance;
    const sinc = arg === 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg);
    return 2 * this.cutoff * sinc * window;
  }
}

/** Modified Bessel function of the first kind, order 0 (power series). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 64 && term > sum * 1e-12; k++) {
    term *= q / (k * k);
    sum += term;
  }
  return sum;
}

function checkRate(rate: number, name: string): void {
  if (!Number.isInteger(rate) || rate <= 0) throw new RangeError(`${name} must be a positive whole number of Hz, got ${rate}`);
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
