import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changeTempo } from '../../src/audio/tempo.js';
import { measureAmplitude, measureFrequency, sine } from './fixtures.js';

describe('changeTempo', () => {
  for (const factor of [0.9, 1.1, 1.2]) {
    it(`plays a 440 Hz tone ${factor}× as fast: ${Math.round(440 * factor)} Hz, ${factor}× shorter, same level`, () => {
      const out = changeTempo(sine(440, 16000, 2), 16000, factor);
      assert.ok(Math.abs(out.length - 32000 / factor) <= 1, `length ${out.length}`);
      assert.ok(Math.abs(measureFrequency(out, 16000) - 440 * factor) < 1, `pitch ${measureFrequency(out, 16000)}`);
      assert.ok(Math.abs(measureAmplitude(out, 16000) - 0.5) < 0.005, `level ${measureAmplitude(out, 16000)}`);
    });
  }

  it('leaves the samples alone at factor 1', () => {
    const tone = sine(440, 16000, 0.5);
    assert.equal(changeTempo(tone, 16000, 1), tone);
  });

  it('refuses a factor that is not a positive number', () => {
    for (const factor of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => changeTempo(new Float32Array(10), 16000, factor), /factor must be a positive number/);
    }
  });
});
