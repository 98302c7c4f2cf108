import calibrationJson from './calibration.json' with { type: 'json' };

/** What the confidence model looks at, for the best candidate of one clip. */
export interface ConfidenceFeatures {
  /** (best alignment score − unconstrained best path) per speech frame; ≤ 0, near 0 when the verse explains the audio. */
  readonly frameScore: number;
  /** Nats between the best candidate and the runner-up that spells different units (or "no verse", if closer). */
  readonly margin: number;
  /** Share of speech frames inside the aligned span (the rest went to garbage). */
  readonly coverage: number;
  /** Units in the greedy transcript. */
  readonly transcriptUnits: number;
}

/** The logistic model and the no-match rules (src/match/calibration.json). */
export interface Calibration {
  readonly version: number;
  readonly featureNames: readonly string[];
  readonly bias: number;
  readonly weights: readonly number[];
  /** Below this confidence the answer is no_match. */
  readonly threshold: number;
  /** Clips with fewer non-blank frames are no_match without matching. */
  readonly minSpeechFrames: number;
  /** Clips whose greedy transcript has fewer units are no_match without matching. */
  readonly minTranscriptUnits: number;
}

export const FEATURE_NAMES = ['frameScore', 'logMargin', 'coverage', 'logUnits'] as const;

/**
 * Features that may only raise confidence: a better fit, a wider margin, more of the speech
 * explained. A fit kept to this (fitCalibration's `nonNegative`) cannot grow surer of an answer
 * because it explains less of the clip, whatever a small dev set happens to say.
 */
export const RISING_FEATURES: readonly number[] = (['frameScore', 'logMargin', 'coverage'] as const).map((name) => FEATURE_NAMES.indexOf(name));

/** Model inputs, in FEATURE_NAMES order. */
export function featureVector(f: ConfidenceFeatures): number[] {
  return [f.frameScore, Math.log1p(Math.max(0, f.margin)), f.coverage, Math.log1p(f.transcriptUnits)];
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

export function logistic(x: readonly number[], bias: number, weights: readonly number[]): number {
  let z = bias;
  for (let i = 0; i < weights.length; i++) z += weights[i]! * (x[i] ?? 0);
  return sigmoid(z);
}

export function confidenceOf(f: ConfidenceFeatures, cal: Calibration): number {
  return logistic(featureVector(f), cal.bias, cal.weights);
}

export function validateCalibration(cal: Calibration): Calibration {
  const json = cal as unknown as Record<string, unknown>;
  for (const key of ['bias', 'threshold', 'minSpeechFrames', 'minTranscriptUnits'] as const) {
    if (typeof json[key] !== 'number' || !Number.isFinite(json[key])) throw new Error(`calibration "${key}" must be a number`);
  }
  if (!Array.isArray(json.featureNames) || !Array.isArray(json.weights) || !json.weights.every((w) => typeof w === 'number')) {
    throw new Error('calibration needs "featureNames" and numeric "weights" arrays');
  }
  const names = cal.featureNames.join(',');
  if (names !== FEATURE_NAMES.join(',') || cal.weights.length !== FEATURE_NAMES.length) {
    throw new Error(`calibration features [${names}] do not match [${FEATURE_NAMES.join(',')}]`);
  }
  return cal;
}

export const DEFAULT_CALIBRATION: Calibration = validateCalibration(calibrationJson as Calibration);

export interface CalibrationSample {
  readonly features: readonly number[];
  readonly correct: boolean;
}

/** A matched clip's detail.features (MatchResult.detail) and whether its answer was right, as a fitting sample. */
export function sampleFrom(features: Readonly<Record<string, number>>, correct: boolean): CalibrationSample {
  const f = features as Partial<ConfidenceFeatures>;
  const { frameScore, margin, coverage, transcriptUnits } = f;
  if (frameScore === undefined || margin === undefined || coverage === undefined || transcriptUnits === undefined) {
    throw new Error(`not confidence features: ${Object.keys(features).join(',')}`);
  }
  return { features: featureVector({ frameScore, margin, coverage, transcriptUnits }), correct };
}

/** `base` with a fit's coefficients (and optionally a new threshold): what to write to calibration.json. */
export function withFit(base: Calibration, fit: LogisticFit, threshold = base.threshold): Calibration {
  return { ...base, bias: fit.bias, weights: [...fit.weights], threshold };
}

export interface FitOptions {
  /** L2 penalty on the weights (not the bias). */
  readonly l2?: number;
  readonly maxIterations?: number;
  /** Feature indices whose weights must not be negative: one that comes out negative is held at 0 and the rest refitted. */
  readonly nonNegative?: readonly number[];
}

export interface LogisticFit {
  readonly bias: number;
  readonly weights: number[];
  readonly iterations: number;
  /** Mean negative log-likelihood at the fit. */
  readonly loss: number;
}

/** Solves A x = b (A symmetric positive definite, small) by Gaussian elimination with pivoting. */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    const piv = M[c]![c]!;
    if (Math.abs(piv) < 1e-12) continue;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r]![c]! / piv;
      if (f !== 0) for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  return M.map((row, i) => (Math.abs(row[i]!) < 1e-12 ? 0 : row[n]! / row[i]!));
}

/**
 * Logistic regression by Newton's method (IRLS) with a small ridge, so
 * separable data still gives finite weights. Feature vectors are used as given
 * (see featureVector); the result drops into calibration.json's bias/weights.
 */
export function fitCalibration(samples: readonly CalibrationSample[], opts: FitOptions = {}): LogisticFit {
  if (samples.length === 0) throw new Error('fitCalibration needs samples');
  const held = new Set<number>();
  for (;;) {
    const fit = fitHolding(samples, opts, held);
    const negative = (opts.nonNegative ?? []).filter((i) => !held.has(i) && fit.weights[i]! < 0);
    if (negative.length === 0) return fit;
    // The most negative first: dropping one feature can lift another's weight back above 0.
    held.add(negative.reduce((a, b) => (fit.weights[b]! < fit.weights[a]! ? b : a)));
  }
}

/** Newton's method with the weights of `held` (feature indices) kept at 0. */
function fitHolding(samples: readonly CalibrationSample[], opts: FitOptions, held: ReadonlySet<number>): LogisticFit {
  const d = samples[0]!.features.length;
  const l2 = opts.l2 ?? 1e-3;
  const maxIt = opts.maxIterations ?? 50;
  const n = samples.length;
  // Parameter 0 is the bias; 1..d the weights.
  let theta = new Array<number>(d + 1).fill(0);
  const lossAt = (th: number[]): number => {
    let loss = 0;
    for (const s of samples) {
      const p = Math.min(1 - 1e-15, Math.max(1e-15, logistic(s.features, th[0]!, th.slice(1))));
      loss -= s.correct ? Math.log(p) : Math.log(1 - p);
    }
    return loss / n;
  };
  const objective = (th: number[]): number => lossAt(th) + (l2 / 2) * th.slice(1).reduce((a, v) => a + v * v, 0);
  let it = 0;
  for (; it < maxIt; it++) {
    const g = new Array<number>(d + 1).fill(0);
    const H = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    for (const s of samples) {
      const x = [1, ...s.features];
      const p = logistic(s.features, theta[0]!, theta.slice(1));
      const r = p - (s.correct ? 1 : 0);
      const w = Math.max(p * (1 - p), 1e-9);
      for (let i = 0; i <= d; i++) {
        g[i]! += (r * x[i]!) / n;
        for (let k = 0; k <= d; k++) H[i]![k]! += (w * x[i]! * x[k]!) / n;
      }
    }
    for (let i = 1; i <= d; i++) {
      g[i]! += l2 * theta[i]!;
      H[i]![i]! += l2;
    }
    for (const f of held) {
      g[f + 1] = 0;
      for (let k = 0; k <= d; k++) H[f + 1]![k] = H[k]![f + 1] = 0;
      H[f + 1]![f + 1] = 1;
    }
    H[0]![0]! += 1e-9;
    const step = solve(H, g);
    // Damped step: halve until the loss does not increase.
    const before = objective(theta);
    let scale = 1;
    let next = theta.map((v, i) => v - step[i]!);
    while (scale > 1e-4 && objective(next) > before + 1e-12) {
      scale /= 2;
      next = theta.map((v, i) => v - scale * step[i]!);
    }
    const moved = Math.max(...next.map((v, i) => Math.abs(v - theta[i]!)));
    theta = next;
    if (moved < 1e-8) {
      it++;
      break;
    }
  }
  return { bias: theta[0]!, weights: theta.slice(1), iterations: it, loss: lossAt(theta) };
}
