import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crossValidate, groupOf, sentenceOf } from '../../bench/heldOutCalibration.js';
import type { NotRecitationRecord } from '../../bench/notRecitation.js';
import type { SampleRecord } from '../../bench/report.js';
import { DEFAULT_CALIBRATION } from '../../src/match/confidence.js';

const features = (frameScore: number) => ({ frameScore, margin: 5, coverage: 1, transcriptUnits: 20 });

/** The fields the cross-validation reads; `answered` is what the shipped calibration said. */
function clip(reciter: string | null, frameScore: number, right: boolean, answered: boolean): SampleRecord {
  return { source: reciter ? 'pro' : 'crowd', reciter, status: answered ? 'ok' : 'no_match', confidence: answered ? 0.9 : 0.1, top1_correct: right, features: features(frameScore) } as unknown as SampleRecord;
}

describe('confidence held out by group', () => {
  it('groups clips by reciter, else by source, and recordings that recite no verse by sentence', () => {
    assert.equal(groupOf({ source: 'tajweedai', reciter: 'husary' }), 'husary');
    assert.equal(groupOf({ source: 'everyayah', reciter: 'husary' }), 'husary');
    assert.equal(groupOf({ source: 'retasy', reciter: null }), 'retasy');
    assert.equal(sentenceOf('/tmp/neg/not-quran-07-ar-f2.wav'), '07');
  });

  it("scores each group by a fit that never saw it: a voice the other groups' clips do not vouch for loses its answers", () => {
    // Reciter a and the crowd: right answers fit well (−1), wrong ones badly (−4). Reciter b is right
    // while fitting as badly as their wrong answers: fitted on everything, b's answers were given; held out, not.
    const records = [
      ...Array.from({ length: 30 }, () => clip('a', -1, true, true)),
      ...Array.from({ length: 30 }, () => clip('a', -4, false, false)),
      ...Array.from({ length: 10 }, () => clip('b', -4, true, true)),
      ...Array.from({ length: 10 }, () => clip(null, -1, true, true)),
      ...Array.from({ length: 10 }, () => clip(null, -4, false, false)),
    ];
    const negatives: NotRecitationRecord[] = ['01-ar', '01-en', '02-ar', '02-en'].map((v) => ({ file: `not-quran-${v}.wav`, status: 'no_match', answered: [], confidence: 0.1, features: features(-4) }));
    const cv = crossValidate(records, negatives, DEFAULT_CALIBRATION);
    const b = cv.rows.find((r) => r.group === 'b')!;
    assert.deepEqual([b.clips, b.inSampleRight, b.heldOutRight], [10, 10, 0]);
    assert.equal(cv.inSampleRight, 50);
    assert.deepEqual(cv.rows.map((r) => r.group), ['a', 'b', 'crowd']);
    assert.equal(cv.heldOutRight, cv.rows.reduce((s, r) => s + r.heldOutRight, 0));
    assert.ok(cv.heldOutRight < cv.inSampleRight);
    assert.equal(cv.negatives, 4);
    assert.equal(cv.negativesAnsweredHeldOut, 0, 'a fit without a sentence still refuses it: it fits like the wrong answers');
  });
});
