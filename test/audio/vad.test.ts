import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { detectSpeech, isSilent, type SpeechSegment } from '../../src/audio/vad.js';
import { concat, makeTempDir, noise, speech } from './fixtures.js';

const RATE = 16000;
const silence = (s: number): Float32Array => new Float32Array(Math.round(s * RATE));
const add = (a: Float32Array, b: Float32Array): Float32Array => a.map((v, i) => v + b[i]!);
const scale = (a: Float32Array, k: number): Float32Array => a.map((v) => v * k);

function assertNear(found: readonly SpeechSegment[], truth: readonly SpeechSegment[], toleranceS: number): void {
  assert.equal(found.length, truth.length, JSON.stringify(found));
  found.forEach((s, i) => {
    assert.ok(Math.abs(s.startS - truth[i]!.startS) <= toleranceS, `start ${s.startS} vs ${truth[i]!.startS}`);
    assert.ok(Math.abs(s.endS - truth[i]!.endS) <= toleranceS, `end ${s.endS} vs ${truth[i]!.endS}`);
  });
}

describe('detectSpeech', () => {
  const tmp = makeTempDir();
  after(tmp.remove);
  // silence 1 s + speech + silence 1.5 s + speech + silence 1 s
  let recording: Float32Array = new Float32Array(0);
  let truth: SpeechSegment[] = [];
  before(async () => {
    const first = await speech(tmp.dir, 'بسم الله الرحمن الرحيم', 'bismillah');
    const second = await speech(tmp.dir, 'الحمد لله رب العالمين', 'hamd');
    recording = concat([silence(1), first, silence(1.5), second, silence(1)]);
    const firstEnd = 1 + first.length / RATE;
    truth = [
      { startS: 1, endS: firstEnd },
      { startS: firstEnd + 1.5, endS: firstEnd + 1.5 + second.length / RATE },
    ];
  });

  it('finds two utterances separated by silence, within 0.2 s', () => {
    assertNear(detectSpeech(recording, RATE), truth, 0.2);
    assert.equal(isSilent(recording, RATE), false);
  });

  it('finds them in steady background noise', () => {
    const noisy = add(recording, noise(recording.length, 0.03, 7));
    assertNear(detectSpeech(noisy, RATE), truth, 0.2);
  });

  it('finds them when recorded 26 dB too quietly', () => {
    assertNear(detectSpeech(scale(recording, 0.05), RATE), truth, 0.2);
  });

  it('finds speech that fills the recording edge to edge', () => {
    const durationS = truth[0]!.endS - truth[0]!.startS;
    const only = recording.subarray(RATE, RATE + Math.round(durationS * RATE));
    assertNear(detectSpeech(only, RATE), [{ startS: 0, endS: only.length / RATE }], 0.1);
  });

  it('bridges pauses shorter than minSilenceS and splits at longer ones', () => {
    const gapS = truth[1]!.startS - truth[0]!.endS;
    assert.equal(detectSpeech(recording, RATE, { minSilenceS: gapS + 0.5 }).length, 1);
    assert.equal(detectSpeech(recording, RATE, { minSilenceS: gapS - 0.5 }).length, 2);
  });

  it('pads segments by paddingS', () => {
    const bare = detectSpeech(recording, RATE, { paddingS: 0 });
    const padded = detectSpeech(recording, RATE, { paddingS: 0.3 });
    assert.ok(Math.abs(bare[0]!.startS - padded[0]!.startS - 0.3) < 1e-9);
    assert.ok(Math.abs(padded[1]!.endS - bare[1]!.endS - 0.3) < 1e-9);
  });

  it('ignores a click shorter than minSpeechS', () => {
    const click = concat([silence(1), noise(160, 0.8), silence(1)]);
    assert.deepEqual(detectSpeech(click, RATE), []);
  });

  it('reports no speech for digital silence', () => {
    assert.deepEqual(detectSpeech(silence(5), RATE), []);
    assert.equal(isSilent(silence(5)), true);
    assert.equal(isSilent(new Float32Array(0)), true);
  });

  it('reports no speech for very quiet noise', () => {
    const hiss = noise(5 * RATE, 0.002, 3);
    assert.deepEqual(detectSpeech(hiss, RATE), []);
    assert.equal(isSilent(hiss, RATE), true);
  });

  it('reports no speech for steady noise, however loud', () => {
    assert.equal(isSilent(noise(5 * RATE, 0.1, 5), RATE), true);
  });

  it('uses the sample rate it is given', () => {
    // The same recording at 8 kHz (every other sample) has the same timing.
    const half = recording.filter((_, i) => i % 2 === 0);
    assertNear(detectSpeech(half, RATE / 2), truth, 0.2);
  });
});
