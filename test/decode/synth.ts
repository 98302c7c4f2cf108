import type { Posteriors } from '../../src/match/types.js';

/** Small seeded PRNG (mulberry32) so every test run sees the same clips. */
export { seededRandom as rng } from '../../bench/random.js';

export function gaussian(r: () => number): number {
  const u = Math.max(r(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

export function randInt(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

export interface SynthOptions {
  readonly minHold: number;
  readonly maxHold: number;
  /** Blank frames between units: 1..maxGap. */
  readonly maxGap: number;
  /** Logit added to the frame's label (the rest are N(0, noise)). */
  readonly peak: number;
  readonly noise: number;
  readonly leadSilence: number;
  readonly tailSilence: number;
  readonly vocab: number;
  readonly frameShiftS: number;
}

export const SYNTH: SynthOptions = {
  minHold: 2,
  maxHold: 4,
  maxGap: 2,
  peak: 7,
  noise: 1,
  leadSilence: 4,
  tailSilence: 4,
  vocab: 32,
  frameShiftS: 0.04,
};

/** Log-softmax rows from per-frame labels: each frame's label gets `peak` extra logit. */
export function posteriorsFromLabels(labels: readonly number[], r: () => number, o: SynthOptions = SYNTH): Posteriors {
  const V = o.vocab;
  const logProbs = new Float32Array(labels.length * V);
  const row = new Float64Array(V);
  labels.forEach((lab, t) => {
    let m = -Infinity;
    for (let v = 0; v < V; v++) {
      row[v] = o.noise * gaussian(r) + (v === lab ? o.peak : 0);
      m = Math.max(m, row[v]!);
    }
    let z = 0;
    for (let v = 0; v < V; v++) z += Math.exp(row[v]! - m);
    const lz = m + Math.log(z);
    for (let v = 0; v < V; v++) logProbs[t * V + v] = row[v]! - lz;
  });
  return { logProbs, frames: labels.length, vocabSize: V, frameShiftS: o.frameShiftS, offsetS: 0 };
}

/** Frame labels for a unit sequence: silence, each unit held 2–4 frames with blanks between, silence. */
export function framesFor(units: ArrayLike<number>, r: () => number, o: SynthOptions = SYNTH): number[] {
  const labels: number[] = new Array<number>(o.leadSilence).fill(0);
  for (let i = 0; i < units.length; i++) {
    const hold = randInt(r, o.minHold, o.maxHold);
    for (let h = 0; h < hold; h++) labels.push(units[i]!);
    const gap = randInt(r, 1, o.maxGap);
    for (let g = 0; g < gap; g++) labels.push(0);
  }
  for (let i = 0; i < o.tailSilence; i++) labels.push(0);
  return labels;
}

/** Synthetic CTC posteriors of a clip reciting `units`. */
export function synthPosteriors(units: ArrayLike<number>, r: () => number, o: Partial<SynthOptions> = {}): Posteriors {
  const opts = { ...SYNTH, ...o };
  return posteriorsFromLabels(framesFor(units, r, opts), r, opts);
}

/** A recogniser's mistakes: `rate` of the units substituted or deleted (half each). */
export function corruptUnits(units: ArrayLike<number>, rate: number, r: () => number, vocab = 32): number[] {
  const out: number[] = [];
  for (let i = 0; i < units.length; i++) {
    const u = units[i]!;
    if (r() >= rate) out.push(u);
    else if (r() < 0.5) out.push(1 + ((u - 1 + randInt(r, 1, vocab - 2)) % (vocab - 1)));
  }
  return out;
}

/** Posteriors with no speech content: random logits everywhere. */
export function noisePosteriors(frames: number, r: () => number, std = 2, vocab = 32): Posteriors {
  const labels = new Array<number>(frames).fill(-1);
  return posteriorsFromLabels(labels, r, { ...SYNTH, vocab, noise: std, peak: 0 });
}

/** Posteriors of silence: the blank wins every frame. */
export function blankPosteriors(frames: number, r: () => number, vocab = 32): Posteriors {
  return posteriorsFromLabels(new Array<number>(frames).fill(0), r, { ...SYNTH, vocab });
}

export function concatUnits(...parts: ArrayLike<number>[]): number[] {
  return parts.flatMap((p) => Array.from(p));
}
