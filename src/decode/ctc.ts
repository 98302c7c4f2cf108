import type { Posteriors } from '../match/types.js';

/** The CTC blank's column in every posterior row. */
export const CTC_BLANK = 0;

/** Best-path transcript: one entry per emitted unit. */
export interface GreedyPath {
  /** Unit ids, repeats collapsed and blanks dropped. */
  readonly ids: Int32Array;
  /** First frame of each unit's run. */
  readonly startFrames: Int32Array;
  /** Last frame (inclusive) of each unit's run. */
  readonly endFrames: Int32Array;
  /** Frames whose best label is not the blank. */
  readonly speechFrames: number;
}

function checkShape(post: Posteriors): void {
  if (post.logProbs.length < post.frames * post.vocabSize) {
    throw new RangeError(`posteriors hold ${post.logProbs.length} values, expected ${post.frames} x ${post.vocabSize}`);
  }
}

/** Per frame, the largest log-probability (the unconstrained best path's score, frame by frame). */
export function frameMaxima(post: Posteriors): Float64Array {
  checkShape(post);
  const { logProbs, frames, vocabSize: V } = post;
  const out = new Float64Array(frames);
  for (let t = 0; t < frames; t++) {
    let m = -Infinity;
    const row = t * V;
    for (let v = 0; v < V; v++) if (logProbs[row + v]! > m) m = logProbs[row + v]!;
    out[t] = m;
  }
  return out;
}

/** Per frame, the index of the largest log-probability (lowest index on ties). */
export function frameArgmax(post: Posteriors): Int32Array {
  checkShape(post);
  const { logProbs, frames, vocabSize: V } = post;
  const out = new Int32Array(frames);
  for (let t = 0; t < frames; t++) {
    let best = 0;
    const row = t * V;
    for (let v = 1; v < V; v++) if (logProbs[row + v]! > logProbs[row + best]!) best = v;
    out[t] = best;
  }
  return out;
}

/** The posteriors with `penalty` nats taken off the blank's log-probability in every frame (the same object when 0). */
export function withBlankPenalty(post: Posteriors, penalty: number, blank = CTC_BLANK): Posteriors {
  if (penalty === 0) return post;
  checkShape(post);
  const logProbs = post.logProbs.slice(0, post.frames * post.vocabSize);
  for (let t = 0; t < post.frames; t++) logProbs[t * post.vocabSize + blank]! -= penalty;
  return { ...post, logProbs };
}

/** Greedy (best-path) CTC decoding: argmax per frame, collapse repeats, drop blanks. */
export function greedyDecode(post: Posteriors, blank = CTC_BLANK): GreedyPath {
  const arg = frameArgmax(post);
  const ids: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let speechFrames = 0;
  let prev = -1;
  for (let t = 0; t < arg.length; t++) {
    const a = arg[t]!;
    if (a !== blank) {
      speechFrames++;
      if (a === prev) ends[ends.length - 1] = t;
      else {
        ids.push(a);
        starts.push(t);
        ends.push(t);
      }
    }
    prev = a;
  }
  return {
    ids: Int32Array.from(ids),
    startFrames: Int32Array.from(starts),
    endFrames: Int32Array.from(ends),
    speechFrames,
  };
}

export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/**
 * log P(target | frames [frameStart, frameEnd)) under CTC: the log-sum over every
 * frame labelling that collapses to `targetIds` (standard forward recursion over
 * the blank-interleaved target). -Infinity when the frames cannot hold the target.
 */
export function ctcLogLikelihood(
  post: Posteriors,
  targetIds: ArrayLike<number>,
  frameStart = 0,
  frameEnd = post.frames,
  blank = CTC_BLANK,
): number {
  checkShape(post);
  if (frameStart < 0 || frameEnd > post.frames || frameStart > frameEnd) {
    throw new RangeError(`frame range [${frameStart}, ${frameEnd}) outside 0..${post.frames}`);
  }
  const { logProbs, vocabSize: V } = post;
  const L = targetIds.length;
  const S = 2 * L + 1;
  const T = frameEnd - frameStart;
  if (T === 0) return L === 0 ? 0 : -Infinity;
  const label = (s: number): number => (s & 1 ? targetIds[(s - 1) >> 1]! : blank);
  let prev = new Float64Array(S).fill(-Infinity);
  let cur = new Float64Array(S).fill(-Infinity);
  const row0 = frameStart * V;
  prev[0] = logProbs[row0 + blank]!;
  if (L > 0) prev[1] = logProbs[row0 + label(1)]!;
  for (let t = 1; t < T; t++) {
    const row = (frameStart + t) * V;
    for (let s = 0; s < S; s++) {
      let a = prev[s]!;
      if (s >= 1) a = logAddExp(a, prev[s - 1]!);
      if (s >= 2 && s & 1 && label(s) !== label(s - 2)) a = logAddExp(a, prev[s - 2]!);
      cur[s] = a === -Infinity ? a : a + logProbs[row + label(s)]!;
    }
    [prev, cur] = [cur, prev];
  }
  return L === 0 ? prev[0]! : logAddExp(prev[S - 1]!, prev[S - 2]!);
}
