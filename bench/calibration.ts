import { mean } from './stats.js';

/** One answered clip: the confidence the engine gave and whether its top answer was right. */
export interface ConfidencePoint {
  readonly confidence: number;
  readonly correct: boolean;
}

export interface ReliabilityBin {
  /** Confidence range [lo, hi) (the last bin includes 1). */
  readonly lo: number;
  readonly hi: number;
  readonly count: number;
  readonly meanConfidence: number;
  readonly accuracy: number;
}

export interface Reliability {
  readonly bins: readonly ReliabilityBin[];
  /** Expected calibration error: count-weighted mean |accuracy − confidence| over bins. */
  readonly ece: number;
  /** Mean squared error of confidence as a probability of being right. */
  readonly brier: number;
}

export function reliability(points: readonly ConfidencePoint[], binCount = 10): Reliability {
  const bins: ReliabilityBin[] = [];
  let weightedGap = 0;
  for (let b = 0; b < binCount; b++) {
    const lo = b / binCount;
    const hi = (b + 1) / binCount;
    const inBin = points.filter((p) => p.confidence >= lo && (p.confidence < hi || (b === binCount - 1 && p.confidence <= 1)));
    const meanConfidence = mean(inBin.map((p) => p.confidence));
    const accuracy = mean(inBin.map((p) => (p.correct ? 1 : 0)));
    bins.push({ lo, hi, count: inBin.length, meanConfidence, accuracy });
    weightedGap += inBin.length * Math.abs(accuracy - meanConfidence);
  }
  const n = points.length;
  return {
    bins,
    ece: n === 0 ? 0 : weightedGap / n,
    brier: mean(points.map((p) => (p.confidence - (p.correct ? 1 : 0)) ** 2)),
  };
}

export interface ThresholdRow {
  readonly threshold: number;
  /** Share of clips that would be answered (confidence ≥ threshold). */
  readonly coverage: number;
  /** Accuracy among answered clips. */
  readonly selectiveAccuracy: number;
  /** Wrong answers given, as a share of all clips. */
  readonly wrongAnswerRate: number;
  /** Right answers withheld, as a share of all clips. */
  readonly rightRejectedRate: number;
}

/** What answering only at confidence ≥ t would give, for each t. */
export function thresholdSweep(points: readonly ConfidencePoint[], thresholds: readonly number[]): ThresholdRow[] {
  const n = points.length;
  return thresholds.map((threshold) => {
    const answered = points.filter((p) => p.confidence >= threshold);
    const right = answered.filter((p) => p.correct).length;
    const rightRejected = points.filter((p) => p.confidence < threshold && p.correct).length;
    return {
      threshold,
      coverage: n === 0 ? 0 : answered.length / n,
      selectiveAccuracy: answered.length === 0 ? 0 : right / answered.length,
      wrongAnswerRate: n === 0 ? 0 : (answered.length - right) / n,
      rightRejectedRate: n === 0 ? 0 : rightRejected / n,
    };
  });
}
