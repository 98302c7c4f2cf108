import { writeFile } from 'node:fs/promises';
import { DEFAULT_CALIBRATION, FEATURE_NAMES, featureVector, fitCalibration, RISING_FEATURES, type Calibration, type ConfidenceFeatures } from '../src/match/confidence.js';
import type { SampleRecord } from './report.js';

/** Fewer labelled clips than this give a fit that mostly reflects the ridge penalty. */
export const MIN_CALIBRATION_CLIPS = 20;

export interface CalibrationFitResult {
  readonly calibration: Calibration & { readonly _doc: string };
  readonly clips: number;
  readonly correct: number;
  readonly loss: number;
}

/**
 * Refits the matcher's logistic confidence on bench clips: features of the clip's
 * deciding chunk vs. whether its best hypothesis was right. Threshold and no-match
 * rules are kept from the current calibration.
 */
export function fitCalibrationOnRecords(
  records: readonly SampleRecord[],
  base: Calibration = DEFAULT_CALIBRATION,
  /** Features of answers to recordings that recite no verse (bench/notRecitation.ts): wrong answers, whatever they said. */
  notRecitation: readonly ConfidenceFeatures[] = [],
): CalibrationFitResult {
  const labelled = records.filter((r) => r.status !== 'error' && r.features !== undefined);
  if (labelled.length < MIN_CALIBRATION_CLIPS) {
    const why = records.length > 0 && labelled.length === 0 ? ' (the matcher attached no confidence features to its results)' : '';
    throw new Error(`calibration needs at least ${MIN_CALIBRATION_CLIPS} clips with confidence features, got ${labelled.length}${why}`);
  }
  const samples = [
    ...labelled.map((r) => ({ features: featureVector(r.features!), correct: r.top1_correct })),
    ...notRecitation.map((f) => ({ features: featureVector(f), correct: false })),
  ];
  const fit = fitCalibration(samples, { nonNegative: RISING_FEATURES });
  const correct = samples.filter((s) => s.correct).length;
  return {
    calibration: {
      _doc: `Fitted by ayat bench on ${labelled.length} clips (${correct} with the best hypothesis right)${notRecitation.length > 0 ? ` and ${notRecitation.length} recordings that recite no verse` : ''}, ${new Date().toISOString().slice(0, 10)}; mean log loss ${fit.loss.toFixed(4)}.`,
      version: base.version,
      featureNames: [...FEATURE_NAMES],
      bias: fit.bias,
      weights: fit.weights,
      threshold: base.threshold,
      minSpeechFrames: base.minSpeechFrames,
      minTranscriptUnits: base.minTranscriptUnits,
    },
    clips: labelled.length,
    correct,
    loss: fit.loss,
  };
}

export async function writeCalibration(result: CalibrationFitResult, outPath: string): Promise<void> {
  await writeFile(outPath, JSON.stringify(result.calibration, null, 2) + '\n');
}
