import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClipEmbedder } from '../../src/embed/embedder.js';
import { rememberLastClip } from '../../src/engine/hybrid.js';
import type { AcousticStage, ChunkRecogniser } from '../../src/engine/ports.js';
import { atTempo, withTempoRetry } from '../../src/engine/tempoRetry.js';
import { emptyTimings } from '../../src/engine/timing.js';
import type { MatchResult, Posteriors } from '../../src/match/types.js';

const SR = 16000;

/** Posteriors at 40 ms a frame whose length says how many samples the model heard. */
const acoustic: AcousticStage = {
  posteriors: async (samples, offsetS): Promise<Posteriors> => {
    const frames = Math.round(samples.length / 640);
    return { logProbs: new Float32Array(frames * 2), frames, vocabSize: 2, frameShiftS: 0.04, offsetS };
  },
};

/**
 * A recogniser whose confidence depends on how many frames it got (so on the tempo it heard):
 * `confidenceByFrames` maps frame counts to confidences; it logs each call's frame count.
 */
function recogniserBy(confidenceByFrames: Record<number, number>, calls: number[]) {
  return (stage: AcousticStage): ChunkRecogniser => ({
    async recognise(samples, offsetS) {
      const post = await stage.posteriors(samples, offsetS);
      calls.push(post.frames);
      const confidence = confidenceByFrames[post.frames] ?? 0.1;
      const endS = post.offsetS + post.frames * post.frameShiftS;
      const verses = [{ surah: 112, ayah: post.frames }];
      return { status: 'ok', verses, confidence, startS: post.offsetS, endS, candidates: [{ verses, score: -1 }] } satisfies MatchResult;
    },
  });
}

const tenSeconds = new Float32Array(SR * 10);
const options = { maxCandidates: 3 };
// 10 s heard at 1, 1.1, 0.9 and 1.2 times the speed: 250, 227, 278 and 208 frames.
const FRAMES = { 1: 250, 1.1: 227, 0.9: 278, 1.2: 208 } as const;
const retry = { below: 0.8, tempos: [1.1, 0.9, 1.2] };

describe('withTempoRetry', () => {
  it('keeps a confident first answer without hearing the chunk again', async () => {
    const calls: number[] = [];
    const r = withTempoRetry(recogniserBy({ [FRAMES[1]]: 0.85 }, calls), acoustic, retry);
    const result = await r.recognise(tenSeconds, 0, options, emptyTimings());
    assert.deepEqual(calls, [FRAMES[1]]);
    assert.equal(result.confidence, 0.85);
  });

  it('retries an unsure answer at each tempo in turn and stops at the first confident one', async () => {
    const calls: number[] = [];
    const r = withTempoRetry(recogniserBy({ [FRAMES[1]]: 0.3, [FRAMES[1.1]]: 0.5, [FRAMES[0.9]]: 0.9, [FRAMES[1.2]]: 0.95 }, calls), acoustic, retry);
    const result = await r.recognise(tenSeconds, 0, options, emptyTimings());
    assert.deepEqual(calls, [FRAMES[1], FRAMES[1.1], FRAMES[0.9]]);
    assert.equal(result.confidence, 0.9);
    assert.deepEqual(result.verses, [{ surah: 112, ayah: FRAMES[0.9] }]);
  });

  it('keeps the surest answer when no tempo reaches the threshold, the first one on a tie', async () => {
    const calls: number[] = [];
    const r = withTempoRetry(recogniserBy({ [FRAMES[1]]: 0.4, [FRAMES[1.1]]: 0.6, [FRAMES[0.9]]: 0.2, [FRAMES[1.2]]: 0.6 }, calls), acoustic, retry);
    const result = await r.recognise(tenSeconds, 0, options, emptyTimings());
    assert.equal(calls.length, 4);
    assert.equal(result.confidence, 0.6);
    assert.deepEqual(result.verses, [{ surah: 112, ayah: FRAMES[1.1] }]);
  });

  it('reports times in the original recording whatever tempo the answer came from', async () => {
    const r = withTempoRetry(recogniserBy({ [FRAMES[0.9]]: 0.9 }, []), acoustic, retry);
    const result = await r.recognise(tenSeconds, 3, options, emptyTimings());
    assert.equal(result.startS, 3);
    assert.ok(Math.abs(result.endS - 13) < 0.05, `endS ${result.endS}`);
  });

  it('with false, is the plain recogniser', async () => {
    const calls: number[] = [];
    const r = withTempoRetry(recogniserBy({}, calls), acoustic, false);
    await r.recognise(tenSeconds, 0, options, emptyTimings());
    assert.deepEqual(calls, [FRAMES[1]]);
  });
});

describe('atTempo', () => {
  it('hands the model the chunk played faster and stretches frame times back', async () => {
    const post = await atTempo(acoustic, 1.25).posteriors(tenSeconds, 2);
    assert.equal(post.frames, 200);
    assert.equal(post.frameShiftS, 0.05);
    assert.equal(post.offsetS, 2);
  });
});

describe('rememberLastClip', () => {
  it('embeds the same chunk once however often it is asked, and a new chunk again', async () => {
    let runs = 0;
    const embedder = {
      dir: 'd',
      card: {} as ClipEmbedder['card'],
      verses: {} as ClipEmbedder['verses'],
      sizeBytes: 1,
      embedClip: async (samples: Float32Array) => {
        runs++;
        return new Float32Array([samples.length]);
      },
    } satisfies ClipEmbedder;
    const remembered = rememberLastClip(embedder);
    const a = new Float32Array(5);
    assert.deepEqual(await remembered.embedClip(a), new Float32Array([5]));
    await remembered.embedClip(a);
    assert.equal(runs, 1);
    assert.deepEqual(await remembered.embedClip(new Float32Array(7)), new Float32Array([7]));
    assert.equal(runs, 2);
  });
});
