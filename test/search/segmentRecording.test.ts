import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { joinCutVerses, segmentSamples, DEFAULT_SEGMENTING } from '../../src/search/segmentRecording.js';
import { joinClips } from '../../bench/audioEdit.js';
import { speechLike } from '../cli/wav.js';
import { TableRecogniser } from '../helpers/fakeRecogniser.js';

const RATE = 16000;
const silence = (s: number): Float32Array => new Float32Array(Math.round(s * RATE));
const concat = (...parts: Float32Array[]): Float32Array => joinClips(parts);

describe('segmenting a long recording', () => {
  it('recognises each stretch of speech on its own, with times in the whole recording', async () => {
    // speech at 2-5 s and 9-12 s
    const samples = concat(silence(2), speechLike(3), silence(4), speechLike(3), silence(2));
    const fake = new TableRecogniser((_label, nth) => (nth === 0 ? [{ surah: 112, ayah: 1 }] : [{ surah: 112, ayah: 2 }]));
    const segments = await segmentSamples(samples, RATE, 'long.wav', fake, { ...DEFAULT_SEGMENTING, maxSegmentS: 5 });
    assert.equal(fake.calls.length, 2, 'two pieces, the silence between them never sent');
    assert.deepEqual(segments.map((s) => s.verses), [[{ surah: 112, ayah: 1 }], [{ surah: 112, ayah: 2 }]]);
    const [first, second] = segments;
    assert.ok(first!.startS >= 1.5 && first!.startS <= 2.5, `first starts at ${first!.startS}`);
    assert.ok(first!.endS >= 4.5 && first!.endS <= 5.5, `first ends at ${first!.endS}`);
    assert.ok(second!.startS >= 8.5 && second!.startS <= 9.5, `second starts at ${second!.startS}`);
    assert.ok(second!.endS >= 11.5 && second!.endS <= 12.5, `second ends at ${second!.endS}`);
    assert.equal(first!.confidence, 0.8);
  });

  it('leaves out pieces with no match, and silence gives no segments and no calls', async () => {
    const fake = new TableRecogniser(() => []);
    assert.deepEqual(await segmentSamples(concat(silence(1), speechLike(2), silence(1)), RATE, 'x', fake), []);
    assert.equal(fake.calls.length, 1);
    const quiet = new TableRecogniser(() => [{ surah: 1, ayah: 1 }]);
    assert.deepEqual(await segmentSamples(silence(5), RATE, 'silent', quiet), []);
    assert.equal(quiet.calls.length, 0);
  });

  it('cuts speech longer than the piece limit', async () => {
    const fake = new TableRecogniser(() => [{ surah: 2, ayah: 255 }]);
    await segmentSamples(speechLike(25), RATE, 'long', fake, { ...DEFAULT_SEGMENTING, maxSegmentS: 10 });
    assert.ok(fake.calls.length >= 3, `${fake.calls.length} pieces`);
    assert.ok(fake.calls.every((c) => c.durationS <= 10 + 2 * DEFAULT_SEGMENTING.padS + 0.01));
  });

  it('joins neighbours that share a verse cut between them', () => {
    const joined = joinCutVerses(
      [
        { startS: 0, endS: 10, verses: [{ surah: 2, ayah: 1 }, { surah: 2, ayah: 2 }], confidence: 0.9 },
        { startS: 10.5, endS: 20, verses: [{ surah: 2, ayah: 2 }, { surah: 2, ayah: 3 }], confidence: 0.7 },
        { startS: 30, endS: 40, verses: [{ surah: 2, ayah: 3 }], confidence: 0.9 },
      ],
      2,
    );
    assert.deepEqual(joined, [
      { startS: 0, endS: 20, verses: [{ surah: 2, ayah: 1 }, { surah: 2, ayah: 2 }, { surah: 2, ayah: 3 }], confidence: 0.7 },
      { startS: 30, endS: 40, verses: [{ surah: 2, ayah: 3 }], confidence: 0.9 },
    ]);
  });
});
