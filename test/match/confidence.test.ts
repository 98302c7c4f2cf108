import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  confidenceOf,
  DEFAULT_CALIBRATION,
  FEATURE_NAMES,
  featureVector,
  fitCalibration,
  logistic,
  RISING_FEATURES,
  sampleFrom,
  withFit,
  type CalibrationSample,
  type ConfidenceFeatures,
} from '../../src/match/confidence.js';
import { gaussian, rng } from '../decode/synth.js';
import { HYBRID_CALIBRATION } from '../../src/engine/hybrid.js';

test('fitCalibration recovers a known logistic relation', () => {
  const r = rng(77);
  const trueBias = 0.7;
  const trueW = [-2, 1.2, 0.5];
  const samples: CalibrationSample[] = [];
  for (let i = 0; i < 4000; i++) {
    const x = [gaussian(r), gaussian(r), 2 * r()];
    samples.push({ features: x, correct: r() < logistic(x, trueBias, trueW) });
  }
  const fit = fitCalibration(samples, { l2: 0 });
  assert.ok(Math.abs(fit.bias - trueBias) < 0.25, `bias ${fit.bias}`);
  fit.weights.forEach((w, i) => assert.ok(Math.abs(w - trueW[i]!) < 0.25, `w${i} ${w} vs ${trueW[i]}`));
  // Fitted beats a model off by a lot.
  const nll = (b: number, w: number[]): number =>
    samples.reduce((a, s) => a - Math.log(s.correct ? logistic(s.features, b, w) : 1 - logistic(s.features, b, w)), 0) / samples.length;
  assert.ok(Math.abs(fit.loss - nll(fit.bias, fit.weights)) < 1e-9);
  assert.ok(fit.loss < nll(0, [0, 0, 0]) - 0.1);
});

test('fitCalibration stays finite on separable data', () => {
  const samples: CalibrationSample[] = [];
  for (let i = 0; i < 50; i++) samples.push({ features: [i / 10], correct: i >= 25 });
  const fit = fitCalibration(samples);
  assert.ok(Number.isFinite(fit.bias) && Number.isFinite(fit.weights[0]!));
  assert.ok(fit.weights[0]! > 0);
  assert.ok(logistic([4], fit.bias, fit.weights) > 0.99);
  assert.ok(logistic([0.5], fit.bias, fit.weights) < 0.01);
});

test('default calibration: names match, confidence rises with fit and margin', () => {
  assert.deepEqual(DEFAULT_CALIBRATION.featureNames, [...FEATURE_NAMES]);
  const base: ConfidenceFeatures = { frameScore: -0.3, margin: 10, coverage: 0.9, transcriptUnits: 40 };
  assert.equal(featureVector(base).length, FEATURE_NAMES.length);
  const c = confidenceOf(base, DEFAULT_CALIBRATION);
  assert.ok(confidenceOf({ ...base, margin: 30 }, DEFAULT_CALIBRATION) > c);
  assert.ok(confidenceOf({ ...base, frameScore: -1.5 }, DEFAULT_CALIBRATION) < c);
  assert.ok(confidenceOf({ ...base, coverage: 0.2 }, DEFAULT_CALIBRATION) <= c, 'explaining less of the clip never makes it surer');
  for (const cal of [DEFAULT_CALIBRATION, HYBRID_CALIBRATION]) {
    for (const i of RISING_FEATURES) assert.ok(cal.weights[i]! >= 0, `${FEATURE_NAMES[i]} weight`);
  }
  assert.ok(confidenceOf({ frameScore: 0, margin: 40, coverage: 1, transcriptUnits: 50 }, DEFAULT_CALIBRATION) > 0.9);
  assert.ok(confidenceOf({ frameScore: -1.8, margin: 1, coverage: 0.2, transcriptUnits: 200 }, DEFAULT_CALIBRATION) < 0.2);
});

test('sampleFrom turns a result\'s detail.features into a fitting sample; withFit makes the new calibration', () => {
  const f: ConfidenceFeatures = { frameScore: -0.5, margin: 12, coverage: 0.8, transcriptUnits: 30 };
  const s = sampleFrom({ ...f }, true);
  assert.deepEqual(s.features, featureVector(f));
  assert.throws(() => sampleFrom({ frameScore: 1 }, false));
  const samples: CalibrationSample[] = [];
  for (let i = 0; i < 40; i++) samples.push(sampleFrom({ ...f, margin: i, frameScore: -i / 20 }, i % 3 !== 0 && i > 10));
  const cal = withFit(DEFAULT_CALIBRATION, fitCalibration(samples), 0.6);
  assert.equal(cal.threshold, 0.6);
  assert.equal(cal.weights.length, FEATURE_NAMES.length);
  assert.equal(cal.minSpeechFrames, DEFAULT_CALIBRATION.minSpeechFrames);
});

test('fitCalibration can keep chosen weights from going negative: such a weight is held at 0, the rest refitted', () => {
  // Feature 0 predicts the label; feature 1 is (weakly) anti-correlated with it in this sample.
  const r = rng(5);
  const samples: CalibrationSample[] = [];
  for (let i = 0; i < 300; i++) {
    const correct = r() < 0.6;
    samples.push({ features: [(correct ? 1 : -1) + r() - 0.5, (correct ? -0.3 : 0.3) + r(), r()], correct });
  }
  const free = fitCalibration(samples);
  assert.ok(free.weights[1]! < 0, 'unconstrained, the weight follows the sample');
  const kept = fitCalibration(samples, { nonNegative: [0, 1] });
  assert.equal(kept.weights[1], 0);
  assert.ok(kept.weights[0]! > 0);
  assert.ok(kept.loss >= free.loss - 1e-12, 'a constrained fit cannot beat the free one');
  const alone = fitCalibration(samples.map((x) => ({ features: [x.features[0]!, 0, x.features[2]!], correct: x.correct })));
  assert.ok(Math.abs(alone.weights[0]! - kept.weights[0]!) < 1e-6, 'the same as fitting without that feature');
  assert.deepEqual(RISING_FEATURES.map((i) => FEATURE_NAMES[i]), ['frameScore', 'logMargin', 'coverage']);
});
