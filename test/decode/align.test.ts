import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignLocal, frameStats, partialTarget, wholeTarget, withRawOnset, type AlignTarget } from '../../src/decode/align.js';
import { withBlankPenalty } from '../../src/decode/ctc.js';
import type { Posteriors } from '../../src/match/types.js';
import { framesFor, posteriorsFromLabels, rng } from './synth.js';

const OPTS = { garbagePenalty: 2, floorPenalty: 5 };

function randomUnits(r: () => number, n: number): number[] {
  return Array.from({ length: n }, () => 1 + Math.floor(r() * 31));
}

/** Frames where each unit of `units` is held, given the labels framesFor produced for them (after `offset` frames). */
function holdRanges(labels: readonly number[], offset: number, count: number): [number, number][] {
  const out: [number, number][] = [];
  let t = offset;
  while (out.length < count) {
    while (labels[t] === 0) t++;
    const s = t;
    while (labels[t + 1] === labels[s]) t++;
    out.push([s, t]);
    t++;
  }
  return out;
}

test('with no garbage cost beyond blanks and no floor, the score is the CTC best path (brute force)', () => {
  const r = rng(9);
  const V = 3;
  const T = 6;
  const logProbs = new Float32Array(T * V);
  for (let i = 0; i < logProbs.length; i += V) {
    const w = [r() + 0.05, r() + 0.05, r() + 0.05];
    const z = w[0]! + w[1]! + w[2]!;
    w.forEach((x, v) => (logProbs[i + v] = Math.log(x / z)));
  }
  const post: Posteriors = { logProbs, frames: T, vocabSize: V, frameShiftS: 0.04, offsetS: 0 };
  const stats = frameStats(post, { garbagePenalty: Infinity, floorPenalty: Infinity });
  for (const target of [[1], [1, 2], [2, 2], [1, 2, 1]]) {
    let best = -Infinity;
    for (let code = 0; code < V ** T; code++) {
      const path: number[] = [];
      let c = code;
      let lp = 0;
      for (let t = 0; t < T; t++) {
        path.push(c % V);
        c = Math.floor(c / V);
        lp += logProbs[t * V + path[t]!]!;
      }
      const collapsed = path.filter((p, i) => p !== 0 && p !== path[i - 1]);
      if (collapsed.join() === target.join()) best = Math.max(best, lp);
    }
    const al = alignLocal(post, stats, wholeTarget(target));
    assert.ok(al, `target ${target} aligns`);
    assert.ok(Math.abs(al.score - best) < 1e-5, `target ${target}: ${al.score} vs ${best}`);
  }
});

test('a target inside other speech: garbage absorbs the rest, span and unit frames are right', () => {
  const r = rng(21);
  for (let trial = 0; trial < 5; trial++) {
    const before = randomUnits(r, 10);
    const target = randomUnits(r, 15);
    const after = randomUnits(r, 8);
    const labels = framesFor([...before, ...target, ...after], r);
    const post = posteriorsFromLabels(labels, r);
    const stats = frameStats(post, OPTS);
    const al = alignLocal(post, stats, wholeTarget(target), { backtrace: true });
    assert.ok(al);
    const holds = holdRanges(labels, 0, before.length + target.length);
    const mine = holds.slice(before.length);
    assert.equal(al.firstUnit, 0);
    assert.equal(al.lastUnit, target.length - 1);
    assert.equal(al.startFrame, mine[0]![0]);
    assert.equal(al.endFrame, mine[mine.length - 1]![1]);
    mine.forEach(([s, e], j) => {
      assert.ok(al.unitStart![j]! >= s && al.unitStart![j]! <= e, `unit ${j} starts in its hold`);
      assert.ok(al.unitEnd![j]! >= al.unitStart![j]! && al.unitEnd![j]! <= e);
    });
    // The other speech costs about the garbage penalty per frame.
    const otherSpeech = labels.filter((l) => l !== 0).length - mine.reduce((a, [s, e]) => a + e - s + 1, 0);
    const rel = al.score - stats.bestPathScore;
    assert.ok(rel < -1.5 * otherSpeech && rel > -2.5 * otherSpeech, `rel ${rel} for ${otherSpeech} garbage frames`);
  }
});

test('audio covering only the middle of a target enters and leaves it at interior units', () => {
  const r = rng(5);
  const a = randomUnits(r, 10);
  const b = randomUnits(r, 12);
  const c = randomUnits(r, 10);
  const post = posteriorsFromLabels(framesFor(b, r), r);
  const stats = frameStats(post, OPTS);
  const partial = alignLocal(post, stats, partialTarget([...a, ...b, ...c], 6));
  assert.ok(partial);
  assert.equal(partial.firstUnit, a.length);
  assert.equal(partial.lastUnit, a.length + b.length - 1);
  const rel = partial.score - stats.bestPathScore;
  assert.ok(rel < -11 && rel > -14, `two boundary costs of 6, got ${rel}`);
  const whole = alignLocal(post, stats, wholeTarget([...a, ...b, ...c]));
  assert.ok(whole === null || whole.score < partial.score - 20);
});

test('a full match is preferred over a partial one when the audio covers the whole target', () => {
  const r = rng(6);
  const units = randomUnits(r, 30);
  const post = posteriorsFromLabels(framesFor(units, r), r);
  const stats = frameStats(post, OPTS);
  const al = alignLocal(post, stats, partialTarget(units, 3));
  assert.ok(al);
  assert.equal(al.firstUnit, 0);
  assert.equal(al.lastUnit, units.length - 1);
  assert.ok(al.score - stats.bestPathScore > -1);
});

test('an optional segment (skipFrom) is skipped when absent and used when present', () => {
  const r = rng(8);
  const x = randomUnits(r, 8);
  const opt = randomUnits(r, 6);
  const y = randomUnits(r, 8);
  const base = wholeTarget([...x, ...opt, ...y]);
  const skipFrom = new Int32Array(base.ids.length).fill(-1);
  skipFrom[x.length + opt.length] = x.length - 1;
  const target: AlignTarget = { ...base, skipFrom };
  for (const withOpt of [false, true]) {
    const post = posteriorsFromLabels(framesFor(withOpt ? [...x, ...opt, ...y] : [...x, ...y], r), r);
    const stats = frameStats(post, OPTS);
    const al = alignLocal(post, stats, target, { backtrace: true });
    assert.ok(al);
    assert.ok(al.score - stats.bestPathScore > -1, `with optional=${withOpt}: ${al.score - stats.bestPathScore}`);
    for (let j = x.length; j < x.length + opt.length; j++) assert.equal(al.unitStart![j]! >= 0, withOpt);
    assert.ok(al.unitStart![x.length + opt.length]! > al.unitStart![x.length - 1]!);
    // Without the skip the absent segment must be forced in.
    if (!withOpt) assert.ok(alignLocal(post, stats, base)!.score < al.score - 10);
  }
});

test('a prefix feeding the hub is aligned but excluded from the reported span', () => {
  const r = rng(12);
  const prefix = randomUnits(r, 7);
  const body = randomUnits(r, 12);
  const L = prefix.length + body.length;
  const t0 = wholeTarget([...prefix, ...body]);
  const linked = Uint8Array.from(t0.linked);
  linked[prefix.length] = 0;
  const feedsHub = new Uint8Array(L);
  feedsHub[prefix.length - 1] = 1;
  const hubEntryCost = new Float64Array(L).fill(Infinity);
  hubEntryCost[prefix.length] = 0;
  const entryCost = new Float64Array(L).fill(Infinity);
  entryCost[0] = 0;
  entryCost[prefix.length] = 0;
  const target: AlignTarget = { ...t0, linked, feedsHub, hubEntryCost, entryCost };
  const labels = framesFor([...prefix, ...body], r);
  const post = posteriorsFromLabels(labels, r);
  const stats = frameStats(post, OPTS);
  const al = alignLocal(post, stats, target, { backtrace: true });
  assert.ok(al);
  assert.ok(al.score - stats.bestPathScore > -1);
  assert.equal(al.firstUnit, prefix.length);
  assert.equal(al.startFrame, holdRanges(labels, 0, prefix.length + 1)[prefix.length]![0]);
  for (let j = 0; j < L; j++) assert.ok(al.unitStart![j]! >= 0, `unit ${j} emitted`);
  // Same clip without the prefix: entered straight from garbage.
  const post2 = posteriorsFromLabels(framesFor(body, r), r);
  const stats2 = frameStats(post2, OPTS);
  const al2 = alignLocal(post2, stats2, target, { backtrace: true });
  assert.ok(al2 && al2.firstUnit === prefix.length && al2.unitStart![0] === -1);
});

test('backtrace and the forward pass agree on the span', () => {
  const r = rng(30);
  for (let trial = 0; trial < 8; trial++) {
    const ids = randomUnits(r, 25);
    const cut0 = Math.floor(r() * 8);
    const cut1 = ids.length - Math.floor(r() * 8);
    const post = posteriorsFromLabels(framesFor([...randomUnits(r, 4), ...ids.slice(cut0, cut1)], r), r);
    const stats = frameStats(post, OPTS);
    // Below the ~3 nats of forcing a missing unit onto a garbage frame, so the cut points are exact.
    const target = partialTarget(ids, 2);
    const fwd = alignLocal(post, stats, target)!;
    const bt = alignLocal(post, stats, target, { backtrace: true })!;
    assert.equal(bt.score, fwd.score);
    assert.deepEqual(
      [bt.firstUnit, bt.lastUnit, bt.startFrame, bt.endFrame],
      [fwd.firstUnit, fwd.lastUnit, fwd.startFrame, fwd.endFrame],
    );
    assert.equal(bt.firstUnit, cut0);
    assert.equal(bt.lastUnit, cut1 - 1);
    let prevStart = -1;
    for (let j = bt.firstUnit; j <= bt.lastUnit; j++) {
      assert.ok(bt.unitStart![j]! > prevStart, 'units are emitted in order');
      prevStart = bt.unitEnd![j]!;
    }
  }
});

test('abortBelow gives up on hopeless targets and changes nothing otherwise', () => {
  const r = rng(14);
  const units = randomUnits(r, 20);
  const post = posteriorsFromLabels(framesFor(units, r), r);
  const stats = frameStats(post, OPTS);
  const target = partialTarget(units, 6);
  const free = alignLocal(post, stats, target)!;
  assert.deepEqual(alignLocal(post, stats, target, { abortBelow: free.score - 1 }), free);
  assert.equal(alignLocal(post, stats, target, { abortBelow: free.score + 1 }), null);
  const wrong = partialTarget(randomUnits(r, 20), 6);
  assert.equal(alignLocal(post, stats, wrong, { abortBelow: free.score - 10 }), null);
});

test('withRawOnset frees the garbage of onset frames the model itself hears as blank, and only those', () => {
  const V = 3;
  const rows = [
    [0.6, 0.3, 0.1], // blank best, letter 1 best once the blank is penalised
    [0.2, 0.7, 0.1], // a letter heard
    [0.6, 0.3, 0.1], // like frame 0, but past the onset
  ];
  const raw: Posteriors = { logProbs: Float32Array.from(rows.flat().map(Math.log)), frames: 3, vocabSize: V, frameShiftS: 0.06, offsetS: 0 };
  const penalised = withBlankPenalty(raw, 2.5);
  const stats = frameStats(penalised, OPTS);
  assert.ok(stats.garbage[0]! < stats.max[0]!, 'penalised, the first frame costs something as garbage');
  const onset = withRawOnset(stats, raw, 2);
  assert.equal(onset.garbage[0], stats.max[0]);
  assert.equal(onset.garbage[1], stats.garbage[1], 'a letter the model heard keeps its cost');
  assert.equal(onset.garbage[2], stats.garbage[2], 'past the onset nothing changes');
  assert.ok(Math.abs(onset.nullScore - (stats.nullScore + stats.max[0]! - stats.garbage[0]!)) < 1e-9);
  assert.equal(withRawOnset(stats, raw, 0), stats);
});
