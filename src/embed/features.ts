/**
 * Lightweight-mode clip features: MFCC and spectral summary statistics, 128 numbers per clip.
 *
 * The same computation lives in train/ayat_train/clap/features.py (the bridge is trained on
 * its output); test/embed/features-parity.test.ts checks both agree on the same audio. The
 * spec is in that file's docstring and in docs/clap.md; FEATURE_VERSION names it, and a bridge
 * model card must carry the same version. Arithmetic is float64 throughout.
 *
 * Written here rather than taken from a library (meyda): the bridge needs clip-level
 * statistics computed bit-for-bit like the Python trainer does, and a library's per-frame
 * conventions (its mel scale, DCT scaling, windowing) would have to be re-implemented in
 * Python anyway; this version is one small file, has no dependency, and takes a few ms per
 * 10-s clip (see test/embed/features.test.ts).
 */
import { RealPowerSpectrum } from './fft.js';

export const FEATURE_VERSION = 1;
export const FEATURE_DIM = 128;
export const FEATURE_SAMPLE_RATE = 16000;

const FRAME = 400;
const HOP = 160;
const N_FFT = 512;
const N_BINS = N_FFT / 2 + 1;
const N_MELS = 40;
const N_MFCC = 20;
const F_MIN = 20;
const F_MAX = 7600;
const PRE_EMPHASIS = 0.97;
const ACTIVE_DB = 40;
const ROLLOFF = 0.85;
const THIRDS_COEFFS = 4;
const SPECTRAL = 7;

interface Filter {
  readonly from: number;
  readonly weights: Float64Array;
}

interface Tables {
  readonly spectrum: RealPowerSpectrum;
  readonly window: Float64Array;
  readonly filters: readonly Filter[];
  readonly dct: Float64Array;
  readonly freqKhz: Float64Array;
}

let tables: Tables | undefined;

function hzToMel(f: number): number {
  return 2595 * Math.log10(1 + f / 700);
}

function buildTables(): Tables {
  const window = new Float64Array(FRAME);
  for (let n = 0; n < FRAME; n++) window[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / FRAME);
  const lo = hzToMel(F_MIN);
  const hi = hzToMel(F_MAX);
  const hz: number[] = [];
  for (let i = 0; i < N_MELS + 2; i++) hz.push(700 * (10 ** ((lo + ((hi - lo) * i) / (N_MELS + 1)) / 2595) - 1));
  const binHz = (k: number): number => k * (FEATURE_SAMPLE_RATE / N_FFT);
  const filters: Filter[] = [];
  for (let m = 0; m < N_MELS; m++) {
    const [a, b, c] = [hz[m]!, hz[m + 1]!, hz[m + 2]!];
    const w: number[] = [];
    let from = -1;
    for (let k = 0; k < N_BINS; k++) {
      const f = binHz(k);
      const v = Math.max(0, Math.min((f - a) / (b - a), (c - f) / (c - b)));
      if (v > 0 && from < 0) from = k;
      if (from >= 0) w.push(v);
    }
    while (w.length > 0 && w[w.length - 1] === 0) w.pop();
    filters.push({ from: Math.max(0, from), weights: Float64Array.from(w) });
  }
  const dct = new Float64Array(N_MFCC * N_MELS);
  for (let i = 0; i < N_MFCC; i++) {
    const scale = i === 0 ? Math.sqrt(1 / N_MELS) : Math.sqrt(2 / N_MELS);
    for (let m = 0; m < N_MELS; m++) dct[i * N_MELS + m] = scale * Math.cos((Math.PI * i * (m + 0.5)) / N_MELS);
  }
  const freqKhz = new Float64Array(N_BINS);
  for (let k = 0; k < N_BINS; k++) freqKhz[k] = binHz(k) / 1000;
  return { spectrum: new RealPowerSpectrum(N_FFT), window, filters, dct, freqKhz };
}

export function frameCount(n: number): number {
  return n < FRAME ? 1 : 1 + Math.floor((n - FRAME) / HOP);
}

/** 16 kHz mono samples → the 128 clip features (float64 values, returned as float32 for the bridge). */
export function clipFeatures(samples: Float32Array): Float32Array {
  return Float32Array.from(clipFeatures64(samples));
}

/** As clipFeatures, without the final rounding to float32 (parity tests). */
export function clipFeatures64(samples: Float32Array): Float64Array {
  const t = (tables ??= buildTables());
  const n = samples.length;
  const padded = Math.max(n, FRAME);
  const y = new Float64Array(padded);
  for (let i = 0; i < n; i++) y[i] = i === 0 ? samples[0]! : samples[i]! - PRE_EMPHASIS * samples[i - 1]!;
  const frames = frameCount(n);

  const logMel = new Float64Array(frames * N_MELS);
  const mfcc = new Float64Array(frames * N_MFCC);
  const db = new Float64Array(frames);
  const spectral = new Float64Array(frames * SPECTRAL); // centroid, bandwidth, rolloff, flatness, flux, rel energy, zcr
  const frame = new Float64Array(N_FFT);
  const power = new Float64Array(N_BINS);
  let prevUnit = new Float64Array(N_BINS);
  let unit = new Float64Array(N_BINS);

  for (let f = 0; f < frames; f++) {
    const start = f * HOP;
    let crossings = 0;
    for (let i = 0; i < FRAME; i++) {
      const v = y[start + i]!;
      frame[i] = v * t.window[i]!;
      if (i > 0 && v >= 0 !== y[start + i - 1]! >= 0) crossings++;
    }
    t.spectrum.power(frame, power);
    let energy = 0;
    let weighted = 0;
    let logSum = 0;
    // ln of a product of 8 terms, not 8 lns: (1e-12)^8 and (1e4)^8 stay well inside float64
    let product = 1;
    for (let k = 0; k < N_BINS; k++) {
      const p = power[k]! / N_FFT;
      power[k] = p;
      energy += p;
      weighted += p * t.freqKhz[k]!;
      product *= p + 1e-12;
      if ((k & 7) === 7 || k === N_BINS - 1) {
        logSum += Math.log(product);
        product = 1;
      }
    }
    const magSq = energy;
    const total = energy + 1e-12;
    const centroid = weighted / total;
    let spread = 0;
    let cum = 0;
    let rolloff = -1;
    for (let k = 0; k < N_BINS; k++) {
      const d = t.freqKhz[k]! - centroid;
      spread += power[k]! * d * d;
    }
    const target = ROLLOFF * energyCumulative(power);
    for (let k = 0; k < N_BINS; k++) {
      cum += power[k]!;
      if (rolloff < 0 && cum >= target) rolloff = t.freqKhz[k]!;
    }
    const norm = Math.sqrt(magSq) + 1e-12;
    let flux = 0;
    for (let k = 0; k < N_BINS; k++) {
      unit[k] = Math.sqrt(power[k]!) / norm;
      if (f > 0) flux += (unit[k]! - prevUnit[k]!) ** 2;
    }
    [prevUnit, unit] = [unit, prevUnit];

    for (let m = 0; m < N_MELS; m++) {
      const { from, weights } = t.filters[m]!;
      let s = 0;
      for (let j = 0; j < weights.length; j++) s += power[from + j]! * weights[j]!;
      logMel[f * N_MELS + m] = Math.log(s + 1e-10);
    }
    for (let i = 0; i < N_MFCC; i++) {
      let s = 0;
      for (let m = 0; m < N_MELS; m++) s += t.dct[i * N_MELS + m]! * logMel[f * N_MELS + m]!;
      mfcc[f * N_MFCC + i] = s;
    }
    db[f] = 10 * Math.log10(energy + 1e-12);
    const o = f * SPECTRAL;
    spectral[o] = centroid;
    spectral[o + 1] = Math.sqrt(spread / total);
    spectral[o + 2] = Math.max(0, rolloff);
    spectral[o + 3] = Math.exp(logSum / N_BINS) / (energy / N_BINS + 1e-12);
    spectral[o + 4] = flux;
    spectral[o + 6] = crossings / (FRAME - 1);
  }

  let top = -Infinity;
  for (let f = 0; f < frames; f++) top = Math.max(top, db[f]!);
  const active: number[] = [];
  for (let f = 0; f < frames; f++) {
    spectral[f * SPECTRAL + 5] = (db[f]! - top) / 10;
    if (db[f]! >= top - ACTIVE_DB) active.push(f);
  }

  const delta = new Float64Array(frames * N_MFCC);
  for (let f = 0; f < frames; f++) {
    const next = Math.min(frames - 1, f + 1);
    const prev = Math.max(0, f - 1);
    for (let i = 0; i < N_MFCC; i++) delta[f * N_MFCC + i] = (mfcc[next * N_MFCC + i]! - mfcc[prev * N_MFCC + i]!) / 2;
  }

  const out = new Float64Array(FEATURE_DIM);
  let at = 0;
  const put = (v: number): void => {
    out[at++] = v;
  };
  const stats = (data: Float64Array, width: number, col: number): { mean: number; std: number } => {
    let s = 0;
    for (const f of active) s += data[f * width + col]!;
    const mean = s / active.length;
    let v = 0;
    for (const f of active) v += (data[f * width + col]! - mean) ** 2;
    return { mean, std: Math.sqrt(v / active.length) };
  };
  for (let i = 0; i < N_MFCC; i++) put(stats(mfcc, N_MFCC, i).mean);
  for (let i = 0; i < N_MFCC; i++) put(stats(mfcc, N_MFCC, i).std);
  for (let i = 0; i < N_MFCC; i++) put(stats(delta, N_MFCC, i).std);
  for (let m = 0; m < N_MELS; m++) put(stats(logMel, N_MELS, m).mean);
  for (let j = 0; j < SPECTRAL; j++) {
    const s = stats(spectral, SPECTRAL, j);
    put(s.mean);
    put(s.std);
  }
  const count = active.length;
  for (let part = 0; part < 3; part++) {
    const sel = active.filter((_, r) => Math.floor((r * 3) / count) === part);
    for (let c = 1; c <= THIRDS_COEFFS; c++) {
      let s = 0;
      for (const f of sel) s += mfcc[f * N_MFCC + c]!;
      put(sel.length > 0 ? s / sel.length : 0);
    }
  }
  put(Math.log(Math.max(n, 1) / FEATURE_SAMPLE_RATE));
  put(count / frames);
  if (at !== FEATURE_DIM) throw new Error(`internal: ${at} features, expected ${FEATURE_DIM}`);
  return out;
}

/** Total power of a frame summed bin by bin, in the order numpy's cumsum reaches its last value. */
function energyCumulative(power: Float64Array): number {
  let s = 0;
  for (let k = 0; k < power.length; k++) s += power[k]!;
  return s;
}
