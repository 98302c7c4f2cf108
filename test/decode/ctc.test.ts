import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctcLogLikelihood, frameArgmax, greedyDecode, logAddExp, withBlankPenalty } from '../../src/decode/ctc.js';
import type { Posteriors } from '../../src/match/types.js';
import { framesFor, posteriorsFromLabels, rng, SYNTH, synthPosteriors } from './synth.js';

/** Random posteriors over a tiny vocabulary. */
function tinyPosteriors(frames: number, vocab: number, seed: number): Posteriors {
  const r = rng(seed);
  const logProbs = new Float32Array(frames * vocab);
  for (let t = 0; t < frames; t++) {
    const w = Array.from({ length: vocab }, () => r() + 0.05);
    const z = w.reduce((a, b) => a + b, 0);
    w.forEach((x, v) => (logProbs[t * vocab + v] = Math.log(x / z)));
  }
  return { logProbs, frames, vocabSize: vocab, frameShiftS: 0.04, offsetS: 0 };
}

function collapse(path: readonly number[]): number[] {
  const out: number[] = [];
  path.forEach((p, i) => {
    if (p !== 0 && p !== path[i - 1]) out.push(p);
  });
  return out;
}

/** log P(target) by summing over every labelling of frames [from, to). */
function bruteForce(post: Posteriors, target: readonly number[], from: number, to: number): number {
  const V = post.vocabSize;
  const T = to - from;
  let total = -Infinity;
  const path = new Array<number>(T).fill(0);
  for (let code = 0; code < V ** T; code++) {
    let c = code;
    let lp = 0;
    for (let t = 0; t < T; t++) {
      path[t] = c % V;
      c = Math.floor(c / V);
      lp += post.logProbs[(from + t) * V + path[t]!]!;
    }
    if (collapse(path).join(',') === target.join(',')) total = logAddExp(total, lp);
  }
  return total;
}

test('ctcLogLikelihood equals brute-force enumeration on tiny cases', () => {
  const post = tinyPosteriors(6, 3, 11);
  for (const target of [[1], [1, 2], [1, 1], [2, 1, 2], [2, 2, 1]]) {
    const want = bruteForce(post, target, 0, 6);
    const got = ctcLogLikelihood(post, target);
    assert.ok(Math.abs(got - want) < 1e-9, `target ${target}: ${got} vs ${want}`);
  }
});

test('ctcLogLikelihood on a frame sub-range equals brute force on those frames', () => {
  const post = tinyPosteriors(9, 3, 5);
  const want = bruteForce(post, [2, 1], 2, 8);
  assert.ok(Math.abs(ctcLogLikelihood(post, [2, 1], 2, 8) - want) < 1e-9);
  assert.notEqual(Math.round(want * 1e6), Math.round(ctcLogLikelihood(post, [2, 1]) * 1e6));
});

test('ctcLogLikelihood is -Infinity when the frames cannot hold the target', () => {
  const post = tinyPosteriors(3, 3, 2);
  // 1,1 needs a blank between: 3 frames; 1,1,1 needs 5.
  assert.ok(Number.isFinite(ctcLogLikelihood(post, [1, 1])));
  assert.equal(ctcLogLikelihood(post, [1, 1, 1]), -Infinity);
  assert.equal(ctcLogLikelihood(post, [1], 1, 1), -Infinity);
});

test('ctcLogLikelihood prefers the recited units over a one-unit change', () => {
  const r = rng(3);
  const units = [5, 9, 9, 12, 3, 20];
  const post = synthPosteriors(units, r);
  const right = ctcLogLikelihood(post, units);
  const wrong = ctcLogLikelihood(post, [5, 9, 9, 13, 3, 20]);
  assert.ok(right > -5, `clean clip scores ${right}`);
  assert.ok(right - wrong > 5, `${right} vs ${wrong}`);
});

test('greedyDecode round-trips synthetic clips, repeats included', () => {
  const r = rng(42);
  for (let trial = 0; trial < 20; trial++) {
    const units = Array.from({ length: 5 + Math.floor(r() * 40) }, () => 1 + Math.floor(r() * 31));
    const labels = framesFor(units, r);
    const post = posteriorsFromLabels(labels, r);
    const g = greedyDecode(post);
    assert.deepEqual(Array.from(g.ids), units);
    // Each unit's run lies where the clip holds it.
    for (let i = 0; i < units.length; i++) {
      assert.equal(labels[g.startFrames[i]!], units[i]);
      assert.equal(labels[g.endFrames[i]!], units[i]);
      assert.equal(labels[g.startFrames[i]! - 1], 0);
    }
    assert.equal(g.speechFrames, labels.filter((l) => l !== 0).length);
  }
});

test('greedyDecode of an all-blank clip is empty', () => {
  const post = posteriorsFromLabels(new Array<number>(30).fill(0), rng(1));
  const g = greedyDecode(post);
  assert.equal(g.ids.length, 0);
  assert.equal(g.speechFrames, 0);
  assert.deepEqual(Array.from(frameArgmax(post)), new Array<number>(30).fill(0));
  assert.equal(SYNTH.vocab, post.vocabSize);
});

test('withBlankPenalty lowers the blank column only, and leaves the posteriors alone at 0', () => {
  const post: Posteriors = { logProbs: Float32Array.from([-0.1, -3, -4, -0.5, -1, -3]), frames: 2, vocabSize: 3, frameShiftS: 0.06, offsetS: 1 };
  assert.equal(withBlankPenalty(post, 0), post);
  const lowered = withBlankPenalty(post, 2);
  assert.deepEqual(Array.from(lowered.logProbs), Array.from(Float32Array.from([-2.1, -3, -4, -2.5, -1, -3])));
  assert.deepEqual(Array.from(post.logProbs), Array.from(Float32Array.from([-0.1, -3, -4, -0.5, -1, -3])), 'the input is not changed');
  assert.equal(lowered.offsetS, 1);
  assert.deepEqual(Array.from(frameArgmax(post)), [0, 0]);
  assert.deepEqual(Array.from(frameArgmax(lowered)), [0, 1], 'the second frame now hears its letter');
});
