import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VerseRef } from '../../src/quran/corpus.js';
import { trimUnheardEdges, verseFit } from '../../src/match/edges.js';
import type { AlignedUnit } from '../../src/match/types.js';

/** Units of `verse`, each with relLogProb `fit`. */
function unitsOf(verse: VerseRef, fits: readonly number[]): AlignedUnit[] {
  return fits.map((fit, unit) => ({ verse, unit, startFrame: unit, endFrame: unit, startS: 0, endS: 0, relLogProb: fit, extraAfter: 0 }));
}

const v = (ayah: number): VerseRef => ({ surah: 112, ayah });

describe('verseFit', () => {
  it('is the mean relLogProb of the verse’s own units, 0 when it has none', () => {
    const units = [...unitsOf(v(1), [0, -1, -2]), ...unitsOf(v(2), [-4, -6])];
    assert.equal(verseFit(v(1), units), -1);
    assert.equal(verseFit(v(2), units), -5);
    assert.equal(verseFit(v(3), units), 0);
  });
});

describe('trimUnheardEdges', () => {
  it('drops badly heard verses at either end of the run', () => {
    const units = [...unitsOf(v(1), [-3, -4]), ...unitsOf(v(2), [-0.2, 0]), ...unitsOf(v(3), [-0.5]), ...unitsOf(v(4), [-3.5])];
    assert.deepEqual(trimUnheardEdges([v(1), v(2), v(3), v(4)], units, -2), [v(2), v(3)]);
  });

  it('keeps a badly heard verse inside the run, and the run as it is when its ends were heard', () => {
    const verses = [v(1), v(2), v(3)];
    const units = [...unitsOf(v(1), [-0.1]), ...unitsOf(v(2), [-5]), ...unitsOf(v(3), [-0.3])];
    assert.equal(trimUnheardEdges(verses, units, -2), verses);
  });

  it('keeps one verse however badly it was heard', () => {
    const units = [...unitsOf(v(1), [-3]), ...unitsOf(v(2), [-2.5])];
    assert.deepEqual(trimUnheardEdges([v(1), v(2)], units, -2), [v(2)]);
    assert.deepEqual(trimUnheardEdges([v(1)], units, -2), [v(1)]);
  });

  it('keeps Al-Fatiha’s basmala before 1:2 however unclearly it was heard, and trims it before other verses', () => {
    const f = (ayah: number): VerseRef => ({ surah: 1, ayah });
    const units = [...unitsOf(f(1), [-4, -3]), ...unitsOf(f(2), [-0.2]), ...unitsOf(f(3), [-0.1]), ...unitsOf(f(4), [-4])];
    assert.deepEqual(trimUnheardEdges([f(1), f(2), f(3), f(4)], units, -2), [f(1), f(2), f(3)]);
    const ahead = [...unitsOf(f(1), [-4, -3]), ...unitsOf(f(3), [-0.1])];
    assert.deepEqual(trimUnheardEdges([f(1), f(3)], ahead, -2), [f(3)]);
  });
});
