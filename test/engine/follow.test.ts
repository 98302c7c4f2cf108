import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Follower, type WindowIdentifier } from '../../src/engine/follow.js';
import type { IdentifyResult } from '../../src/engine/result.js';
import { pcmFrom } from '../../src/cli/followCommand.js';

const RATE = 100; // samples per second, small so windows are easy to check
const ref = (ayah: number) => ({ surah: 112, ayah });

function answer(verses: number[], confidence = 0.9): IdentifyResult {
  const ok = verses.length > 0;
  return { file: '', status: ok ? 'ok' : 'no_match', verses: verses.map(ref), confidence, start_s: 0, end_s: 0, candidates: [] };
}

/** Records every window it is asked about and answers from a script. */
class ScriptedIdentifier implements WindowIdentifier {
  readonly windows: Float32Array[] = [];
  constructor(private readonly script: number[][] = []) {}
  async identifySamples(samples: Float32Array): Promise<{ result: IdentifyResult }> {
    this.windows.push(samples.slice());
    return { result: answer(this.script[this.windows.length - 1] ?? []) };
  }
}

/** Samples whose values are their own index, so a window shows which stretch it holds. */
const ramp = (from: number, n: number) => Float32Array.from({ length: n }, (_, i) => from + i);

describe('following a recitation as it arrives', () => {
  it('looks at the latest 8 s every 2 s, once 1.5 s have been heard', async () => {
    const identifier = new ScriptedIdentifier();
    const follower = new Follower(identifier, RATE);
    for (let at = 0; at < 12 * RATE; at += 30) await follower.push(ramp(at, 30));
    // Boundaries at 2, 4, ..., 12 s; each window ends at its boundary and holds at most 8 s.
    assert.deepEqual(
      identifier.windows.map((w) => [w[0], w[w.length - 1]]),
      [2, 4, 6, 8, 10, 12].map((s) => [Math.max(0, s - 8) * RATE, s * RATE - 1]),
    );
  });

  it('a long push is looked at step by step, as the same audio in small pieces', async () => {
    const whole = new ScriptedIdentifier();
    const pieces = new ScriptedIdentifier();
    await new Follower(whole, RATE).push(ramp(0, 9 * RATE));
    const follower = new Follower(pieces, RATE);
    for (let at = 0; at < 9 * RATE; at += 7) await follower.push(ramp(at, Math.min(7, 9 * RATE - at)));
    assert.deepEqual(whole.windows, pieces.windows);
    assert.equal(whole.windows.length, 4);
  });

  it('nothing before 1.5 s; the end of the input gets a last look', async () => {
    const identifier = new ScriptedIdentifier([[1]]);
    const follower = new Follower(identifier, RATE);
    assert.deepEqual(await follower.push(ramp(0, RATE)), []);
    assert.equal(identifier.windows.length, 0);
    const events = await follower.end();
    assert.equal(identifier.windows.length, 1, 'the 1-s input is looked at once it ends');
    assert.deepEqual(events, [{ atS: 1, verse: ref(1), confidence: 0.9 }]);
    assert.deepEqual(await follower.end(), [], 'nothing new since');
  });

  it('each verse is reported once, when first heard, in recited order', async () => {
    // Overlapping windows repeat verses; a window with no answer adds nothing.
    const follower = new Follower(new ScriptedIdentifier([[1], [1, 2], [], [2], [2, 3], [3, 4]]), RATE);
    const events = await follower.push(ramp(0, 12 * RATE));
    assert.deepEqual(
      events.map((e) => [e.atS, e.verse.ayah]),
      [[4, 1], [4, 2], [10, 3], [12, 4]],
      'the first answer waits for the next window to carry it on',
    );
    assert.deepEqual(follower.verses, [1, 2, 3, 4].map(ref));
  });

  it('an answer that does not carry on from the verses so far waits for the next window to confirm it', async () => {
    // 4 first, then 1: neither confirmed. [1, 2] carries 1 on. 4 after 2 is a jump, and the next
    // window goes on from 2, so it is dropped.
    const follower = new Follower(new ScriptedIdentifier([[4], [1], [1, 2], [4], [2, 3], [3, 4]]), RATE);
    const events = await follower.push(ramp(0, 12 * RATE));
    assert.deepEqual(
      events.map((e) => [e.atS, e.verse.ayah]),
      [[6, 1], [6, 2], [10, 3], [12, 4]],
    );
    const jumpAtEnd = new Follower(new ScriptedIdentifier([[1], [1, 2], [4]]), RATE);
    await jumpAtEnd.push(ramp(0, 6 * RATE));
    assert.deepEqual(await jumpAtEnd.end(), []);
    assert.deepEqual(jumpAtEnd.verses, [1, 2].map(ref), 'a jump no window confirmed is never reported');
  });
});

describe('raw PCM from stdin', () => {
  it('reads little-endian 16-bit samples, an odd byte carried to the next chunk', async () => {
    const bytes = Buffer.alloc(6);
    [0, 16384, -32768].forEach((v, i) => bytes.writeInt16LE(v, i * 2));
    async function* chunks() {
      yield bytes.subarray(0, 3);
      yield bytes.subarray(3);
    }
    const out: number[] = [];
    for await (const samples of pcmFrom(chunks())) out.push(...samples);
    assert.deepEqual(out, [0, 0.5, -1]);
  });

  it('refuses an audio file piped in instead of raw samples', async () => {
    async function* wav() {
      yield Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1');
    }
    await assert.rejects(async () => {
      for await (const _ of pcmFrom(wav())) void _;
    }, /stdin holds a WAV file, not raw PCM: give its path instead/);
  });
});
