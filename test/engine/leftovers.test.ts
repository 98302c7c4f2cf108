import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { leftoverSpans, versesHeard } from '../../src/engine/leftovers.js';
import type { AlignedUnit, MatchResult } from '../../src/match/types.js';

describe('leftoverSpans', () => {
  it('gives the stretches before and after the answer that last long enough', () => {
    assert.deepEqual(leftoverSpans({ startS: 0, endS: 30 }, { startS: 12, endS: 25 }, 2), [
      { startS: 0, endS: 12 },
      { startS: 25, endS: 30 },
    ]);
    assert.deepEqual(leftoverSpans({ startS: 0, endS: 30 }, { startS: 1.5, endS: 29 }, 2), []);
    assert.deepEqual(leftoverSpans({ startS: 10, endS: 30 }, { startS: 10, endS: 20 }, 2), [{ startS: 20, endS: 30 }]);
  });

  it('clips an answer reaching past the chunk to it', () => {
    assert.deepEqual(leftoverSpans({ startS: 5, endS: 15 }, { startS: 0, endS: 9 }, 2), [{ startS: 9, endS: 15 }]);
  });
});

describe('versesHeard', () => {
  const unit = (startS: number, endS: number): AlignedUnit => ({
    verse: { surah: 1, ayah: 2 },
    unit: 0,
    startFrame: 0,
    endFrame: 0,
    startS,
    endS,
    relLogProb: 0,
    extraAfter: 0,
  });
  const result = (units?: AlignedUnit[]): MatchResult => ({
    status: 'no_match',
    verses: [],
    confidence: 0.2,
    startS: 0,
    endS: 30,
    candidates: [],
    ...(units ? { detail: { features: {}, units, istiadha: false, basmala: true } } : {}),
  });

  it('runs from the first aligned verse unit to the last, answered or not', () => {
    assert.deepEqual(versesHeard(result([unit(4, 4.1), unit(6, 6.2), unit(9, 9.4)])), { startS: 4, endS: 9.4 });
  });

  it('is undefined when nothing was aligned (embedding modes, too little speech)', () => {
    assert.equal(versesHeard(result()), undefined);
    assert.equal(versesHeard(result([])), undefined);
  });
});
