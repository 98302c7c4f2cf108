import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hitInTopK, scoreSample, scoreSequence } from '../../bench/scoring.js';

const v = (ref: string): { surah: number; ayah: number } => {
  const [surah, ayah] = ref.split(':').map(Number);
  return { surah: surah!, ayah: ayah! };
};
const seq = (...refs: string[]) => refs.map(v);

describe('scoreSequence (offline-tarteel rules)', () => {
  it('exact sequence: everything 1', () => {
    assert.deepEqual(scoreSequence(seq('112:1', '112:2'), seq('112:1', '112:2')), { recall: 1, precision: 1, sequenceAccuracy: 1 });
  });

  it('partial: missing verses lower recall only', () => {
    assert.deepEqual(scoreSequence(seq('113:1', '113:2', '113:3', '113:4'), seq('113:2', '113:3')), {
      recall: 0.5,
      precision: 1,
      sequenceAccuracy: 0,
    });
  });

  it('extra verses lower precision only', () => {
    assert.deepEqual(scoreSequence(seq('1:2'), seq('1:1', '1:2', '1:3', '1:4')), { recall: 1, precision: 0.25, sequenceAccuracy: 0 });
  });

  it('wrong verse scores 0', () => {
    assert.deepEqual(scoreSequence(seq('2:255'), seq('3:255')), { recall: 0, precision: 0, sequenceAccuracy: 0 });
  });

  it('order matters: the match is greedy and in order', () => {
    // 1:2 is found first; 1:1 would have to come after it, so only one hit.
    assert.deepEqual(scoreSequence(seq('1:1', '1:2'), seq('1:2', '1:1')), { recall: 0.5, precision: 0.5, sequenceAccuracy: 0 });
    // An expected verse that is missing does not move the search position.
    assert.deepEqual(scoreSequence(seq('1:1', '9:9', '1:2'), seq('1:1', '1:2')), { recall: 2 / 3, precision: 1, sequenceAccuracy: 0 });
  });

  it('a repeated prediction is counted once', () => {
    assert.deepEqual(scoreSequence(seq('1:1'), seq('1:1', '1:1')), { recall: 1, precision: 0.5, sequenceAccuracy: 0 });
  });

  it('empty prediction scores 0, empty expectation scores 1', () => {
    assert.deepEqual(scoreSequence(seq('1:1'), []), { recall: 0, precision: 0, sequenceAccuracy: 0 });
    assert.deepEqual(scoreSequence([], seq('1:1')), { recall: 1, precision: 1, sequenceAccuracy: 1 });
  });
});

describe('scoreSample with also_accept', () => {
  it('uses an alternative that is an exact match', () => {
    const s = scoreSample(seq('3:23'), [seq('4:44')], seq('4:44'));
    assert.equal(s.sequenceAccuracy, 1);
    assert.equal(s.recall, 1);
    assert.deepEqual(s.scoredAgainst, seq('4:44'));
  });

  it('keeps the main expectation unless an alternative has strictly better sequence accuracy', () => {
    // Alternative gives better recall but is no exact match either: main score is kept.
    const s = scoreSample(seq('3:23', '3:24'), [seq('4:44')], seq('4:44', '4:45'));
    assert.deepEqual(s.scoredAgainst, seq('3:23', '3:24'));
    assert.equal(s.recall, 0);
  });

  it('the first exact alternative wins', () => {
    const s = scoreSample(seq('1:1'), [seq('2:2'), seq('2:2')], seq('2:2'));
    assert.equal(s.sequenceAccuracy, 1);
  });
});

describe('hitInTopK', () => {
  const candidates = [seq('1:1'), seq('1:2'), seq('1:3'), seq('1:4'), seq('1:5'), seq('1:6')].map((verses, i) => ({ verses, score: -i }));

  it('finds the expected sequence among the first k candidates only', () => {
    assert.equal(hitInTopK(seq('1:5'), [], candidates, 5), true);
    assert.equal(hitInTopK(seq('1:6'), [], candidates, 5), false);
  });

  it('needs the whole sequence and accepts alternatives', () => {
    assert.equal(hitInTopK(seq('1:1', '1:2'), [], candidates, 5), false);
    assert.equal(hitInTopK(seq('9:9'), [seq('1:3')], candidates, 5), true);
  });
});
