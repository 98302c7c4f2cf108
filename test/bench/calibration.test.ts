import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reliability, thresholdSweep } from '../../bench/calibration.js';
import { distribution, percentile } from '../../bench/stats.js';

describe('reliability bins', () => {
  it('bins by confidence and compares with accuracy', () => {
    const points = [
      { confidence: 0.95, correct: true },
      { confidence: 0.92, correct: true },
      { confidence: 0.91, correct: false },
      { confidence: 1, correct: true },
      { confidence: 0.15, correct: false },
    ];
    const r = reliability(points, 10);
    const top = r.bins[9]!;
    assert.equal(top.count, 4, 'confidence 1 falls in the last bin');
    assert.equal(top.accuracy, 0.75);
    assert.ok(Math.abs(top.meanConfidence - 0.945) < 1e-9);
    assert.equal(r.bins[1]!.count, 1);
    assert.equal(r.bins[1]!.accuracy, 0);
    const expectedEce = (4 * Math.abs(0.75 - 0.945) + 1 * 0.15) / 5;
    assert.ok(Math.abs(r.ece - expectedEce) < 1e-9);
  });

  it('handles no data', () => {
    assert.equal(reliability([]).ece, 0);
  });
});

describe('threshold sweep', () => {
  it('coverage and accuracy of answering at confidence ≥ t', () => {
    const points = [
      { confidence: 0.9, correct: true },
      { confidence: 0.8, correct: false },
      { confidence: 0.4, correct: true },
      { confidence: 0.1, correct: false },
    ];
    const [t0, t5] = thresholdSweep(points, [0, 0.5]);
    assert.deepEqual(t0, { threshold: 0, coverage: 1, selectiveAccuracy: 0.5, wrongAnswerRate: 0.5, rightRejectedRate: 0 });
    assert.deepEqual(t5, { threshold: 0.5, coverage: 0.5, selectiveAccuracy: 0.5, wrongAnswerRate: 0.25, rightRejectedRate: 0.25 });
  });
});

describe('percentiles', () => {
  it('interpolates between ranks', () => {
    assert.equal(percentile([1, 2, 3, 4], 50), 2.5);
    assert.equal(percentile([5], 95), 5);
    assert.equal(percentile([], 50), 0);
    assert.ok(Math.abs(percentile([10, 20, 30, 40, 50], 95) - 48) < 1e-9);
    assert.deepEqual(distribution([3, 1, 2]), { mean: 2, p50: 2, p95: 2.9, max: 3 });
  });
});
