import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clipFeatures, clipFeatures64, FEATURE_DIM } from '../../src/embed/features.js';
import { RealPowerSpectrum } from '../../src/embed/fft.js';
import { speechLike } from '../cli/wav.js';
import { rng } from '../decode/synth.js';

describe('clip features (lightweight mode)', () => {
  it('the real power spectrum equals a direct DFT', () => {
    const r = rng(1);
    const n = 512;
    const frame = Float64Array.from({ length: n }, () => r() - 0.5);
    const out = new Float64Array(n / 2 + 1);
    new RealPowerSpectrum(n).power(frame, out);
    for (const k of [0, 1, 7, 100, 255, 256]) {
      let re = 0;
      let im = 0;
      for (let t = 0; t < n; t++) {
        re += frame[t]! * Math.cos((2 * Math.PI * k * t) / n);
        im -= frame[t]! * Math.sin((2 * Math.PI * k * t) / n);
      }
      assert.ok(Math.abs(out[k]! - (re * re + im * im)) < 1e-9 * (1 + out[k]!), `bin ${k}`);
    }
  });

  it('128 finite numbers for speech-like sound, silence, a few samples and nothing', () => {
    for (const [name, x] of [
      ['speech-like 3 s', speechLike(3)],
      ['silence 1 s', new Float32Array(16000)],
      ['100 samples', speechLike(100 / 16000)],
      ['empty', new Float32Array(0)],
    ] as const) {
      const f = clipFeatures(x);
      assert.equal(f.length, FEATURE_DIM, name);
      assert.ok(f.every(Number.isFinite), `${name}: ${Array.from(f).filter((v) => !Number.isFinite(v))}`);
    }
  });

  it('the last two features are ln(duration) and the share of active frames', () => {
    const f = clipFeatures64(speechLike(2.5));
    assert.ok(Math.abs(f[126]! - Math.log(2.5)) < 1e-12);
    assert.ok(f[127]! > 0 && f[127]! <= 1);
  });

  it('deterministic, and the same for a slice as for a copy', () => {
    const x = speechLike(4);
    const whole = new Float32Array(x.length + 100);
    whole.set(x, 100);
    assert.deepEqual(clipFeatures(x), clipFeatures(whole.subarray(100)));
  });

  it('speed: reported, not asserted (the benchmark holds the target)', () => {
    const x = speechLike(10);
    clipFeatures(x);
    const t = performance.now();
    for (let i = 0; i < 5; i++) clipFeatures(x);
    console.log(`clip features: ${((performance.now() - t) / 5).toFixed(1)} ms per 10 s of audio`);
  });
});
