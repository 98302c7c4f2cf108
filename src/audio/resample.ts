/**
 * Sample-rate conversion and channel mixing for raw PCM that did not come
 * through ffmpeg (browser AudioBuffers, server streams).
 */

/**
 * Sinc zero crossings on each side of the kernel: longer gives a sharper cutoff.
 * 20 keeps 8.5 kHz 60 dB down from 44.1 kHz (it would fold onto 7.5 kHz) and
 * 7 kHz within 0.5 dB; 32 bought 30 dB more there at 1.6 times the time.
 */
const ZERO_CROSSINGS = 20;
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
  const resampler = new StreamResampler(fromRate, toRate);
  const head = resampler.push(samples);
  const tail = resampler.end();
  if (tail.length === 0) return head;
  const out = new Float32Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

/**
 * resample() for a recording that arrives in pieces, so a long one need not be
 * held whole at its original rate: the outputs of every push() and of end(),
 * joined, are exactly resample() of the joined input.
 */
export class StreamResampler {
  private readonly up: number;
  private readonly down: number;
  private readonly reach: number;
  private readonly taps: number;
  private readonly kernel: SincKernel | undefined;
  private readonly table: Float32Array | undefined;
  private readonly scratch: Float32Array;
  /** Input from absolute index `pendingStart` up to `received`. */
  private pending = new Float32Array(0);
  private pendingStart = 0;
  private received = 0;
  /** The next output sample to compute. */
  private next = 0;
  private ended = false;

  constructor(fromRate: number, toRate: number) {
    checkRate(fromRate, 'fromRate');
    checkRate(toRate, 'toRate');
    const g = gcd(fromRate, toRate);
    this.up = toRate / g;
    this.down = fromRate / g;
    // Cutoff in cycles per input sample, and kernel half-width in input samples.
    const cutoff = 0.5 * Math.min(1, toRate / fromRate) * ROLLOFF;
    const halfWidth = ZERO_CROSSINGS / (2 * cutoff);
    this.reach = Math.ceil(halfWidth);
    this.taps = 2 * this.reach;
    this.scratch = new Float32Array(this.taps);
    if (this.up === this.down) return;
    this.kernel = new SincKernel(cutoff, halfWidth);
    if (this.up <= MAX_TABLE_PHASES) {
      this.table = new Float32Array(this.up * this.taps);
      for (let p = 0; p < this.up; p++) this.kernel.fill(this.table.subarray(p * this.taps, (p + 1) * this.taps), p / this.up, this.reach);
    }
  }

  /** Takes the next piece of input; returns the output samples it completes. */
  push(samples: Float32Array): Float32Array {
    if (this.ended) throw new Error('StreamResampler: push() after end()');
    this.received += samples.length;
    if (this.up === this.down) return samples.slice();
    const kept = this.pending.subarray(Math.max(0, this.firstInputOf(this.next) - this.pendingStart));
    const pending = new Float32Array(kept.length + samples.length);
    pending.set(kept);
    pending.set(samples, kept.length);
    this.pendingStart = this.received - pending.length;
    this.pending = pending;
    // Output k is complete once its last tap, input firstInputOf(k) + taps - 1, has arrived.
    let last = this.next;
    while (this.firstInputOf(last) + this.taps <= this.received) last++;
    return this.produce(last);
  }

  /** Ends the input (what would follow counts as silence); returns the outputs still owed. */
  end(): Float32Array {
    if (this.ended) throw new Error('StreamResampler: end() called twice');
    this.ended = true;
    if (this.up === this.down) return new Float32Array(0);
    return this.produce(Math.ceil((this.received * this.up) / this.down));
  }

  /** The first input sample that output k weighs. */
  private firstInputOf(k: number): number {
    return Math.floor((k * this.down) / this.up) - this.reach + 1;
  }

  /** Output samples next … last-1; input outside what has been received counts as 0. */
  private produce(last: number): Float32Array {
    const { up, down, taps, pending, pendingStart } = this;
    const out = new Float32Array(Math.max(0, last - this.next));
    for (let i = 0; i < out.length; i++) {
      const k = this.next + i;
      const position = k * down;
      const base = Math.floor(position / up);
      const phase = position - base * up;
      let weights: Float32Array;
      let offset = 0;
      if (this.table) {
        weights = this.table;
        offset = phase * taps;
      } else {
        weights = this.scratch;
        this.kernel!.fill(weights, phase / up, this.reach);
      }
      // Tap m reads input sample first + m, held at pending[first + m - pendingStart].
      const first = base - this.reach + 1;
      const at = first - pendingStart;
      const mStart = Math.max(0, -first);
      const mEnd = Math.min(taps, this.received - first);
      let acc = 0;
      for (let m = mStart; m < mEnd; m++) acc += weights[offset + m]! * pending[at + m]!;
      out[i] = acc;
    }
    this.next = last;
    return out;
  }
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
