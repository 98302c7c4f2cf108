import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deinterleave, downmix, int16ToFloat32, resample, StreamResampler } from '../../src/audio/resample.js';
import { measureAmplitude, measureFrequency, noise, sine } from './fixtures.js';

describe('resample', () => {
  for (const fromRate of [44100, 48000, 22050, 8000]) {
    it(`keeps a 440 Hz tone's pitch and level from ${fromRate} Hz to 16 kHz`, () => {
      const out = resample(sine(440, fromRate, 2), fromRate, 16000);
      assert.equal(out.length, 32000);
      assert.ok(Math.abs(measureFrequency(out, 16000) - 440) < 1, `pitch ${measureFrequency(out, 16000)}`);
      assert.ok(Math.abs(measureAmplitude(out, 16000) - 0.5) < 0.005, `level ${measureAmplitude(out, 16000)}`);
    });
  }

  it('passes 7 kHz from 48 kHz to 16 kHz', () => {
    const out = resample(sine(7000, 48000, 1), 48000, 16000);
    assert.ok(measureAmplitude(out, 16000) > 0.5 * 0.9, `level ${measureAmplitude(out, 16000)}`);
    assert.ok(Math.abs(measureFrequency(out, 16000) - 7000) < 1);
  });

  it('removes 10 kHz rather than letting it alias to 6 kHz', () => {
    const out = resample(sine(10000, 48000, 1), 48000, 16000);
    assert.ok(measureAmplitude(out, 16000) < 0.5 * 1e-3, `level ${measureAmplitude(out, 16000)}`);
  });

  it('removes 9 kHz from 44.1 kHz to 16 kHz', () => {
    const out = resample(sine(9000, 44100, 1), 44100, 16000);
    assert.ok(measureAmplitude(out, 16000) < 0.5 * 1e-3, `level ${measureAmplitude(out, 16000)}`);
  });

  it('adds no image above the old Nyquist frequency when upsampling', () => {
    // 3 kHz at 8 kHz upsampled naively would also hold 5 kHz; all of the level must be the 3 kHz tone.
    const out = resample(sine(3000, 8000, 1), 8000, 16000);
    const middle = out.subarray(1600, 14400);
    let at3k = 0;
    for (let i = 0; i < middle.length; i++) at3k += middle[i]! * Math.sin((2 * Math.PI * 3000 * (i + 1600)) / 16000);
    const toneAmplitude = (2 * at3k) / middle.length;
    assert.ok(Math.abs(toneAmplitude - 0.5) < 0.01, `3 kHz component ${toneAmplitude}`);
    assert.ok(Math.abs(measureAmplitude(out, 16000) - toneAmplitude) < 0.005, 'nothing but the tone');
  });

  it('keeps output sample k at input time k·from/to', () => {
    const input = new Float32Array(4800);
    input[2400] = 1; // an impulse at 50 ms
    const out = resample(input, 48000, 16000);
    let peak = 0;
    for (let i = 1; i < out.length; i++) if (Math.abs(out[i]!) > Math.abs(out[peak]!)) peak = i;
    assert.equal(peak, 800);
  });

  it('copies when the rates are equal, and rejects bad rates', () => {
    const input = sine(100, 16000, 0.1);
    const out = resample(input, 16000, 16000);
    assert.deepEqual(out, input);
    assert.notEqual(out, input);
    assert.throws(() => resample(input, 0, 16000), RangeError);
    assert.throws(() => resample(input, 44100.5, 16000), RangeError);
    assert.equal(resample(new Float32Array(0), 44100, 16000).length, 0);
  });
});

describe('StreamResampler', () => {
  // Pieces shorter and longer than the kernel, and empty ones.
  const PIECES = [1, 0, 7, 150, 4096, 3, 900, 0, 12345, 31];

  for (const [fromRate, toRate] of [[44100, 16000], [48000, 16000], [8000, 16000], [16000, 16000], [44101, 16000]] as const) {
    it(`gives exactly what resample() gives, piece by piece, ${fromRate} → ${toRate} Hz`, () => {
      const input = noise(fromRate === 44101 ? 3000 : 40000, 0.5, 7);
      const resampler = new StreamResampler(fromRate, toRate);
      const outputs: number[] = [];
      for (let at = 0, i = 0; at < input.length; i++) {
        const size = PIECES[i % PIECES.length]!;
        outputs.push(...resampler.push(input.subarray(at, at + size)));
        at += size;
      }
      outputs.push(...resampler.end());
      assert.deepEqual(outputs, [...resample(input, fromRate, toRate)]);
    });
  }

  it('refuses input after end()', () => {
    const resampler = new StreamResampler(44100, 16000);
    resampler.end();
    assert.throws(() => resampler.push(new Float32Array(10)), /after end/);
  });
});

describe('downmix and friends', () => {
  it('averages channels', () => {
    const mixed = downmix([Float32Array.of(1, 0.5, -1), Float32Array.of(0, 0.5, -1)]);
    assert.deepEqual([...mixed], [0.5, 0.5, -1]);
    assert.throws(() => downmix([]), RangeError);
    assert.throws(() => downmix([new Float32Array(2), new Float32Array(3)]), RangeError);
  });

  it('splits interleaved frames into channels', () => {
    const [left, right] = deinterleave(Float32Array.of(1, -1, 2, -2, 3, -3), 2);
    assert.deepEqual([...left!], [1, 2, 3]);
    assert.deepEqual([...right!], [-1, -2, -3]);
    assert.throws(() => deinterleave(new Float32Array(5), 2), RangeError);
  });

  it('scales 16-bit PCM to [-1, 1)', () => {
    assert.deepEqual([...int16ToFloat32(Int16Array.of(-32768, 0, 16384))], [-1, 0, 0.5]);
  });
});
