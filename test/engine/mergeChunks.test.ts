import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MatchResult } from '../../src/match/types.js';
import { joinSequences, mergeChunkResults, withoutOpeningBasmalas } from '../../src/engine/mergeChunks.js';
import { appendWithoutOverlap } from '../../src/engine/trail.js';
import { padSpans } from '../../src/engine/padSpans.js';

const refs = (...xs: string[]) =>
  xs.map((x) => {
    const [surah, ayah] = x.split(':').map(Number);
    return { surah: surah!, ayah: ayah! };
  });

function chunk(verses: string[], score: number, confidence: number, startS: number, endS: number, alts: [string[], number][] = []): MatchResult {
  const answer = refs(...verses);
  return {
    status: verses.length > 0 ? 'ok' : 'no_match',
    verses: answer,
    confidence,
    startS,
    endS,
    candidates: [...(verses.length > 0 ? [{ verses: answer, score }] : []), ...alts.map(([v, s]) => ({ verses: refs(...v), score: s }))],
  };
}

describe('joining chunk sequences', () => {
  it('drops the longest repeated overlap at the seam', () => {
    assert.deepEqual(appendWithoutOverlap(refs('2:1', '2:2', '2:3'), refs('2:3', '2:4')), refs('2:1', '2:2', '2:3', '2:4'));
    assert.deepEqual(appendWithoutOverlap(refs('2:1', '2:2', '2:3'), refs('2:2', '2:3', '2:4')), refs('2:1', '2:2', '2:3', '2:4'));
    assert.deepEqual(appendWithoutOverlap(refs('2:1'), refs('2:2')), refs('2:1', '2:2'));
  });

  it('a long verse split across three chunks appears once', () => {
    assert.deepEqual(joinSequences([refs('2:282'), refs('2:282'), refs('2:282', '2:283')]), refs('2:282', '2:283'));
  });

  it('keeps a verse that comes back later (not at the seam)', () => {
    assert.deepEqual(joinSequences([refs('55:12', '55:13'), refs('55:14', '55:15'), refs('55:16')]), refs('55:12', '55:13', '55:14', '55:15', '55:16'));
  });
});

describe('mergeChunkResults', () => {
  it('passes a single chunk through', () => {
    const one = chunk(['112:1'], -3, 0.9, 0.2, 2.5);
    assert.equal(mergeChunkResults([one], 5), one);
  });

  it('joins answered chunks in order, weakest confidence, whole time range', () => {
    const merged = mergeChunkResults(
      [chunk(['113:1', '113:2'], -10, 0.95, 0.5, 20), chunk(['113:2', '113:3'], -8, 0.8, 19, 35), chunk([], 0, 0.1, 36, 37)],
      5,
    );
    assert.equal(merged.status, 'ok');
    assert.deepEqual(merged.verses, refs('113:1', '113:2', '113:3'));
    assert.equal(merged.confidence, 0.8);
    assert.equal(merged.startS, 0.5);
    assert.equal(merged.endS, 35);
  });

  it('builds runners-up by swapping one chunk for its own runner-up', () => {
    const merged = mergeChunkResults(
      [chunk(['1:1'], -5, 0.9, 0, 5, [[['27:30'], -6]]), chunk(['1:2'], -4, 0.9, 6, 10, [[['1:3'], -9], [['6:45'], -4.5]])],
      3,
    );
    assert.deepEqual(
      merged.candidates.map((c) => [c.verses.map((v) => `${v.surah}:${v.ayah}`).join(' '), c.score]),
      [
        ['1:1 1:2', -9],
        ['1:1 6:45', -9.5],
        ['27:30 1:2', -10],
      ],
    );
  });

  it('no answered chunk: no_match with the most confident chunk', () => {
    const merged = mergeChunkResults([chunk([], 0, 0.2, 0, 1, [[['1:1'], -50]]), chunk([], 0, 0.3, 2, 3, [[['1:2'], -40]])], 5);
    assert.equal(merged.status, 'no_match');
    assert.equal(merged.confidence, 0.3);
    assert.deepEqual(merged.verses, []);
    assert.equal(mergeChunkResults([], 5).status, 'no_match');
  });
});

describe('padSpans', () => {
  it('pads within the recording and stops halfway to a neighbour', () => {
    assert.deepEqual(padSpans([{ startS: 0.1, endS: 2 }, { startS: 2.2, endS: 5.9 }], 6, 0.25), [
      { startS: 0, endS: 2.1 },
      { startS: 2.1, endS: 6 },
    ]);
  });
});

describe('the basmala before a surah', () => {
  it('heard alone as 1:1 right before a surah’s first ayah, it is that surah’s opening, not a verse', () => {
    const merged = mergeChunkResults([chunk(['1:6', '1:7'], -5, 0.9, 0, 20), chunk(['1:1'], -2, 0.95, 20, 25), chunk(['112:1', '112:2'], -3, 0.9, 25, 35)], 5);
    assert.deepEqual(merged.verses, refs('1:6', '1:7', '112:1', '112:2'));
  });

  it('Al-Fatiha’s own first ayah, and a 1:1 before no surah start, stay', () => {
    assert.deepEqual(withoutOpeningBasmalas([chunk(['1:1'], -2, 0.95, 0, 5), chunk(['1:2', '1:3'], -3, 0.9, 5, 15)]).length, 2);
    assert.deepEqual(withoutOpeningBasmalas([chunk(['1:1'], -2, 0.95, 0, 5), chunk(['2:5'], -3, 0.9, 5, 15)]).length, 2);
    assert.deepEqual(withoutOpeningBasmalas([chunk(['1:1'], -2, 0.95, 0, 5), chunk(['9:1'], -3, 0.9, 5, 15)]).length, 2, 'surah 9 opens with no basmala');
    assert.deepEqual(withoutOpeningBasmalas([chunk(['113:5'], -2, 0.95, 0, 5), chunk(['1:1'], -3, 0.9, 5, 10)]).length, 2, 'nothing follows it');
    assert.deepEqual(withoutOpeningBasmalas([chunk(['1:1', '1:2'], -2, 0.95, 0, 5), chunk(['112:1'], -3, 0.9, 5, 10)]).length, 2, 'not the basmala alone');
  });
});
