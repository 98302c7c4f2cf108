import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { planChunks, splitAtLongestPause } from '../../src/audio/chunks.js';
import { detectSpeech, type SpeechSegment } from '../../src/audio/vad.js';
import { concat, makeTempDir, speech } from './fixtures.js';

const RATE = 16000;
const silence = (s: number): Float32Array => new Float32Array(Math.round(s * RATE));

function assertWellFormed(chunks: readonly SpeechSegment[], maxChunkS: number): void {
  chunks.forEach((c, i) => {
    assert.ok(c.endS > c.startS, JSON.stringify(c));
    assert.ok(c.endS - c.startS <= maxChunkS + 1e-9, `chunk ${i} is ${c.endS - c.startS} s`);
    if (i > 0) assert.ok(c.startS >= chunks[i - 1]!.endS, 'in order, not overlapping');
  });
}

/** Every moment of detected speech lies in some chunk. */
function assertCovers(chunks: readonly SpeechSegment[], speechSegments: readonly SpeechSegment[]): void {
  for (const s of speechSegments) {
    for (let t = s.startS; t <= s.endS; t += 0.005) {
      assert.ok(chunks.some((c) => c.startS - 1e-9 <= t && t <= c.endS + 1e-9), `speech at ${t} s is in no chunk`);
    }
  }
}

function rmsAround(samples: Float32Array, t: number, halfS = 0.02): number {
  const from = Math.max(0, Math.round((t - halfS) * RATE));
  const to = Math.min(samples.length, Math.round((t + halfS) * RATE));
  let energy = 0;
  for (let i = from; i < to; i++) energy += samples[i]! * samples[i]!;
  return Math.sqrt(energy / (to - from));
}

describe('planChunks and splitAtLongestPause', () => {
  const tmp = makeTempDir();
  after(tmp.remove);
  let a: Float32Array = new Float32Array(0);
  let b: Float32Array = new Float32Array(0);
  before(async () => {
    a = await speech(tmp.dir, 'بسم الله الرحمن الرحيم', 'a');
    b = await speech(tmp.dir, 'الحمد لله رب العالمين', 'b');
  });

  it('cuts in the longest pause, like those between ayat', () => {
    // Three "ayat" of two phrases each, with 0.6 s pauses inside them and
    // 2.5 s, then 2 s, between them. Two chunks of at most 12 s can be cut at
    // either long pause or at the short pause inside the second ayah; filling
    // the first chunk as far as it goes would cut at the shorter 2 s pause.
    const ayah = (): Float32Array[] => [a, silence(0.6), b];
    const recording = concat([silence(0.5), ...ayah(), silence(2.5), ...ayah(), silence(2), ...ayah(), silence(0.5)]);
    const ayahS = (a.length + b.length) / RATE + 0.6;
    const chunks = planChunks(recording, RATE, { maxChunkS: 12 });
    assertWellFormed(chunks, 12);
    assertCovers(chunks, detectSpeech(recording, RATE));
    assert.equal(chunks.length, 2, JSON.stringify(chunks));
    const firstAyahEnd = 0.5 + ayahS;
    assert.ok(Math.abs(chunks[0]!.startS - 0.5) < 0.2, `first chunk starts at ${chunks[0]!.startS}`);
    assert.ok(Math.abs(chunks[0]!.endS - firstAyahEnd) < 0.2, `cut starts at ${chunks[0]!.endS}, not ${firstAyahEnd}`);
    assert.ok(Math.abs(chunks[1]!.startS - (firstAyahEnd + 2.5)) < 0.2, `cut ends at ${chunks[1]!.startS}`);
  });

  it('uses as few chunks as it can', () => {
    // The same ayat with 2 s pauses and a 10 s limit: two ayat and a pause
    // (about 11 s) never fit, yet two chunks do if one cut is inside an ayah.
    const ayah = (): Float32Array[] => [a, silence(0.6), b];
    const recording = concat([...ayah(), silence(2), ...ayah(), silence(2), ...ayah()]);
    const chunks = planChunks(recording, RATE, { maxChunkS: 10 });
    assertWellFormed(chunks, 10);
    assertCovers(chunks, detectSpeech(recording, RATE));
    assert.equal(chunks.length, 2, JSON.stringify(chunks));
  });

  it('keeps speech that fits in one chunk whole', () => {
    const recording = concat([silence(1), a, silence(0.8), b, silence(1)]);
    const found = detectSpeech(recording, RATE);
    assert.equal(found.length, 2);
    assert.deepEqual(planChunks(recording, RATE), [{ startS: found[0]!.startS, endS: found[1]!.endS }]);
  });

  it('cuts speech with no pause into the fewest chunks, at quiet moments', () => {
    // About 25 s of speech with only 0.1 s gaps, which the detector bridges.
    const parts: Float32Array[] = [];
    for (let i = 0; i < 12; i++) parts.push(i % 2 ? b : a, silence(0.1));
    const recording = concat(parts);
    const found = detectSpeech(recording, RATE);
    assert.equal(found.length, 1);
    const chunks = planChunks(recording, RATE, { maxChunkS: 8 });
    assertWellFormed(chunks, 8);
    assertCovers(chunks, found);
    const spanS = found[0]!.endS - found[0]!.startS;
    assert.equal(chunks.length, Math.ceil(spanS / 8));
    let speechEnergy = 0;
    for (const v of recording) speechEnergy += v * v;
    const speechRms = Math.sqrt(speechEnergy / recording.length);
    for (let i = 1; i < chunks.length; i++) {
      assert.equal(chunks[i]!.startS, chunks[i - 1]!.endS, 'pieces of one utterance touch');
      const cut = chunks[i]!.startS;
      assert.ok(rmsAround(recording, cut) < 0.2 * speechRms, `cut at ${cut} s is not quiet: ${rmsAround(recording, cut)}`);
    }
  });

  it('returns no chunks for silence and rejects a tiny maxChunkS', () => {
    assert.deepEqual(planChunks(silence(3), RATE), []);
    assert.throws(() => planChunks(silence(3), RATE, { maxChunkS: 0.5 }), RangeError);
  });

  it('splitAtLongestPause finds the longest pause between stretches of speech, and the speech either side', () => {
    const recording = concat([silence(0.5), a, silence(0.4), b, silence(1.2), a, silence(0.5), b, silence(0.5)]);
    const found = detectSpeech(recording, RATE);
    const split = splitAtLongestPause(recording, RATE);
    assert.ok(split);
    const longest = 0.5 + a.length / RATE + 0.4 + b.length / RATE;
    assert.ok(Math.abs(split.before.endS - longest) < 0.15, `before ends at ${split.before.endS}, the pause starts at ${longest}`);
    assert.ok(Math.abs(split.pauseS - 1.2) < 0.25, `pause ${split.pauseS} s`);
    assert.equal(split.before.startS, found[0]!.startS);
    assert.equal(split.after.endS, found[found.length - 1]!.endS);
    assert.equal(split.after.startS - split.before.endS, split.pauseS);
  });

  it('splitAtLongestPause is undefined for speech without a pause, and for silence', () => {
    assert.equal(splitAtLongestPause(concat([silence(0.5), a, silence(0.5)]), RATE), undefined);
    assert.equal(splitAtLongestPause(silence(2), RATE), undefined);
  });
});
