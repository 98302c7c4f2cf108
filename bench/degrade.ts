/**
 * Degradations a recording meets outside the studio, for benchmarks (bench/noiseCheck.ts): noise
 * at a chosen signal-to-noise ratio, a telephone band, a room's echo, a few seconds cut from the middle of a
 * recitation (someone who starts recording late and stops early), and speech before it (a word
 * of introduction). Deterministic for a given random source.
 */
import { resample, SAMPLE_RATE } from '../src/audio/index.js';
import { Fft } from '../src/embed/fft.js';
import { joinClips, sampleAt } from './audioEdit.js';

/** 20-ms frames: the unit over which speech level is measured. */
const FRAME = Math.round(0.02 * SAMPLE_RATE);

/** Frames more than this many dB below the clip's loud frames are pauses, not speech. */
const ACTIVE_RANGE_DB = 25;

/**
 * The clip's speech level as a mean power over its active 20-ms frames: those within
 * ACTIVE_RANGE_DB of its loud frames (the 95th percentile), so pauses and silence around the
 * speech do not dilute it (a simple stand-in for ITU-T P.56 active speech level).
 */
export function speechPower(samples: Float32Array): number {
  const powers: number[] = [];
  for (let at = 0; at + FRAME <= samples.length; at += FRAME) {
    let sum = 0;
    for (let i = at; i < at + FRAME; i++) sum += samples[i]! * samples[i]!;
    powers.push(sum / FRAME);
  }
  const sorted = [...powers].sort((a, b) => a - b);
  const loud = sorted[Math.floor(0.95 * (sorted.length - 1))] ?? 0;
  const active = powers.filter((p) => p > 0 && p >= loud * 10 ** (-ACTIVE_RANGE_DB / 10));
  return active.length === 0 ? 0 : active.reduce((a, b) => a + b, 0) / active.length;
}

export const meanPower = (x: Float32Array): number => x.reduce((a, v) => a + v * v, 0) / Math.max(1, x.length);

/** Standard normal numbers from a uniform [0, 1) source (Box–Muller). */
function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export function whiteNoise(length: number, random: () => number): Float32Array {
  const next = gaussian(random);
  return Float32Array.from({ length }, next);
}

/** Noise with power falling 3 dB per octave, like much room and street noise (Paul Kellet's filter over white noise). */
export function pinkNoise(length: number, random: () => number): Float32Array {
  const next = gaussian(random);
  const out = new Float32Array(length);
  let b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
  for (let i = 0; i < length; i++) {
    const w = next();
    b0 = 0.99886 * b0 + w * 0.0555179;
    b1 = 0.99332 * b1 + w * 0.0750759;
    b2 = 0.969 * b2 + w * 0.153852;
    b3 = 0.8665 * b3 + w * 0.3104856;
    b4 = 0.55 * b4 + w * 0.5329522;
    b5 = -0.7616 * b5 - w * 0.016898;
    out[i] = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362;
    b6 = w * 0.115926;
  }
  return out;
}

/** `samples` with `noise` added at `snrDb` below the clip's speech level (speechPower); the noise is as long as the clip. */
export function addNoise(samples: Float32Array, noise: Float32Array, snrDb: number): Float32Array {
  if (noise.length !== samples.length) throw new RangeError(`noise has ${noise.length} samples, the clip ${samples.length}`);
  const signal = speechPower(samples);
  const power = meanPower(noise);
  const gain = signal > 0 && power > 0 ? Math.sqrt(signal / (power * 10 ** (snrDb / 10))) : 0;
  return samples.map((v, i) => v + gain * noise[i]!);
}

/** A second-order Butterworth high-pass (bilinear transform) at `cutoffHz`. */
function highPass(samples: Float32Array, cutoffHz: number, rate: number): Float32Array {
  const k = Math.tan((Math.PI * cutoffHz) / rate);
  const norm = 1 / (1 + Math.SQRT2 * k + k * k);
  const b0 = norm, b1 = -2 * norm, b2 = norm;
  const a1 = 2 * (k * k - 1) * norm, a2 = (1 - Math.SQRT2 * k + k * k) * norm;
  const out = new Float32Array(samples.length);
  let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  for (let i = 0; i < samples.length; i++) {
    const x = samples[i]!;
    const y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    out[i] = y;
    x2 = x1;
    x1 = x;
    y2 = y1;
    y1 = y;
  }
  return out;
}

/** The telephone band (about 300–3,400 Hz): a high-pass at 300 Hz and a trip through 8 kHz, back at 16 kHz. */
export function phoneBand(samples: Float32Array): Float32Array {
  const narrow = resample(highPass(samples, 300, SAMPLE_RATE), SAMPLE_RATE, 8000);
  const out = new Float32Array(samples.length);
  out.set(resample(narrow, 8000, SAMPLE_RATE).subarray(0, samples.length));
  return out;
}

/** Echo arrives this long after the direct sound (a few metres of path). */
const ECHO_DELAY_S = 0.01;

/**
 * The clip as heard in a room whose echo dies away by 60 dB in `rt60S` seconds (a living room
 * about 0.5, a large mosque 2 or more), from where the echo is as loud as the direct sound (0 dB
 * direct-to-reverberant ratio: a few metres from the reciter or a loudspeaker). The echo is
 * decaying noise, the textbook model of a diffuse room; the level is kept.
 */
export function reverberate(samples: Float32Array, rt60S: number, random: () => number): Float32Array {
  const tailLength = Math.round(rt60S * SAMPLE_RATE);
  const delay = Math.round(ECHO_DELAY_S * SAMPLE_RATE);
  const next = gaussian(random);
  const tail = Float64Array.from({ length: tailLength }, (_, n) => next() * Math.exp((-6.9 * n) / tailLength));
  const tailGain = 1 / Math.sqrt(tail.reduce((a, v) => a + v * v, 0));
  let size = 2;
  while (size < samples.length + delay + tailLength) size *= 2;
  const fft = new Fft(size);
  const [xr, xi, hr, hi] = [new Float64Array(size), new Float64Array(size), new Float64Array(size), new Float64Array(size)];
  xr.set(samples);
  hr[0] = 1;
  for (let n = 0; n < tailLength; n++) hr[delay + n] = tail[n]! * tailGain;
  fft.transform(xr, xi);
  fft.transform(hr, hi);
  // Multiply the spectra, conjugated, so one more forward transform gives the (conjugated) inverse.
  for (let k = 0; k < size; k++) {
    const re = xr[k]! * hr[k]! - xi[k]! * hi[k]!;
    const im = xr[k]! * hi[k]! + xi[k]! * hr[k]!;
    xr[k] = re;
    xi[k] = -im;
  }
  fft.transform(xr, xi);
  const out = Float32Array.from({ length: samples.length }, (_, i) => xr[i]! / size);
  const gain = Math.sqrt(meanPower(samples) / Math.max(1e-20, meanPower(out)));
  return out.map((v) => v * gain);
}

/**
 * A window of `seconds` at a random place in the clip (the whole clip when it is shorter): a
 * piece of a verse, usually starting and ending inside a word.
 */
export function cutWindow(samples: Float32Array, seconds: number, random: () => number): Float32Array {
  const length = Math.round(seconds * SAMPLE_RATE);
  if (samples.length <= length) return samples;
  const start = Math.floor(random() * (samples.length - length + 1));
  return samples.slice(start, start + length);
}

/** Silence between the speech put before a clip and the clip (see prependSpeech). */
export const INTRO_PAUSE_S = 0.5;

/** `speech` (a few words of introduction, a question), INTRO_PAUSE_S of silence, then the clip. */
export function prependSpeech(samples: Float32Array, speech: Float32Array): Float32Array {
  return joinClips([speech, new Float32Array(sampleAt(INTRO_PAUSE_S)), samples]);
}

/** What some conditions need besides the clip: `intro`'s recordings of speech that is no verse. */
export interface DegradationContext {
  readonly intros?: readonly Float32Array[];
}

/** A named way of degrading a 16-kHz clip; `random` drives any noise in it. */
export interface Degradation {
  readonly name: string;
  readonly apply: (samples: Float32Array, random: () => number) => Float32Array;
}

type Step = Degradation['apply'];

function parseStep(part: string, context: DegradationContext): Step {
  if (part === 'phone') return (x) => phoneBand(x);
  if (part === 'intro') {
    const intros = context.intros ?? [];
    if (intros.length === 0) throw new Error('condition "intro" needs recordings of speech to put first (--intro DIR)');
    return (x, random) => prependSpeech(x, intros[Math.floor(random() * intros.length)]!);
  }
  const noise = /^(pink|white)(-?\d+(?:\.\d+)?)$/.exec(part);
  if (noise) {
    const make = noise[1] === 'pink' ? pinkNoise : whiteNoise;
    const snrDb = Number(noise[2]);
    return (x, random) => addNoise(x, make(x.length, random), snrDb);
  }
  const reverb = /^reverb(\d+(?:\.\d+)?)$/.exec(part);
  if (reverb && Number(reverb[1]) > 0) {
    const rt60S = Number(reverb[1]);
    return (x, random) => reverberate(x, rt60S, random);
  }
  const cut = /^cut(\d+(?:\.\d+)?)$/.exec(part);
  if (cut && Number(cut[1]) > 0) {
    const seconds = Number(cut[1]);
    return (x, random) => cutWindow(x, seconds, random);
  }
  throw new Error(`unknown condition "${part}" (clean, phone, pink<dB>, white<dB>, reverb<seconds>, cut<seconds>, intro, joined by +)`);
}

/**
 * Degradations from a comma-separated list: `clean` (as recorded), `phone` (phoneBand),
 * `pink<dB>` or `white<dB>` (that noise, so many dB below the speech level), `reverb<seconds>`
 * (reverberate: a room whose echo dies away in so many seconds), `cut<seconds>`
 * (cutWindow), `intro` (one of `context.intros`, seeded, put first: prependSpeech), or several
 * joined by `+`, applied left to right (`phone+pink10`, `cut2+pink10`).
 */
export function parseDegradations(spec: string, context: DegradationContext = {}): Degradation[] {
  return spec
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '')
    .map((name) => {
      const steps = name === 'clean' ? [] : name.split('+').map((part) => parseStep(part, context));
      return { name, apply: (samples, random) => steps.reduce((x, step) => step(x, random), samples) };
    });
}
