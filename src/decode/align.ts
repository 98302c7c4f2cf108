import type { Posteriors } from '../match/types.js';
import { CTC_BLANK, frameArgmax, frameMaxima } from './ctc.js';

/**
 * A unit chain to align against posteriors, with the ways a path may get in
 * and out of it. Costs are in nats (subtracted from the log score); Infinity
 * forbids the move.
 *
 * The path is: leading garbage → (enter at some unit) → CTC over the chain →
 * (leave after some unit) → trailing garbage. A second way in is the hub: the
 * end of any unit flagged `feedsHub` (an optional prefix such as the
 * isti'adha) may jump to a unit with `hubEntryCost`, as if the prefix had been
 * leading garbage but without paying for it.
 */
export interface AlignTarget {
  /** Unit ids (never the blank). */
  readonly ids: Int32Array;
  /** Cost of starting at unit j from leading garbage. */
  readonly entryCost: Float64Array;
  /** Cost of ending after unit j, the rest being trailing garbage. */
  readonly exitCost: Float64Array;
  /** 1 when unit j follows unit j-1 in the chain (0: j starts a segment reachable only by entry/hub/skip). */
  readonly linked: Uint8Array;
  /** -1, or a unit i < j-1 after which unit j may come directly (skipping an optional segment). */
  readonly skipFrom: Int32Array;
  /** 1 when the end of unit j feeds the hub. */
  readonly feedsHub: Uint8Array;
  /** Cost of starting at unit j from the hub. */
  readonly hubEntryCost: Float64Array;
}

export interface AlignOptions {
  /**
   * Cost per frame spent in garbage, relative to the frame's best label; a frame
   * whose best label is the blank costs nothing (silence is free outside the target).
   */
  readonly garbagePenalty: number;
  /**
   * Inside the target no frame costs more than this below its best label, so a
   * few badly recognised units cannot sink a long alignment. Infinity: exact CTC.
   */
  readonly floorPenalty: number;
}

/** Per-clip values shared by every alignment of that clip. */
export interface FrameStats {
  readonly frames: number;
  /** Best log-prob of each frame. */
  readonly max: Float64Array;
  /** Emission score of the garbage state per frame. */
  readonly garbage: Float64Array;
  /** Lowest emission score inside the target per frame. */
  readonly floor: Float64Array;
  /** Sum of `max`: the unconstrained best path. */
  readonly bestPathScore: number;
  /** All frames in garbage: the score of "no verse here". */
  readonly nullScore: number;
  /** restMax[t] = sum of max[t..T-1]: no path can gain more than this from frame t on. */
  readonly restMax: Float64Array;
}

export interface LocalAlignment {
  /** Log score of the whole path: garbage, costs and CTC emissions over all frames. */
  readonly score: number;
  /** First unit after the path's last entry (from garbage or the hub): prefixes excluded. */
  readonly firstUnit: number;
  /** Last unit before trailing garbage. */
  readonly lastUnit: number;
  /** Frame at which `firstUnit` starts. */
  readonly startFrame: number;
  /** Last frame (inclusive) of `lastUnit`. */
  readonly endFrame: number;
  /** With backtrace: per target unit, first frame it is emitted, or -1 when the path skips it. */
  readonly unitStart?: Int32Array;
  /** With backtrace: per target unit, last frame it is emitted, or -1. */
  readonly unitEnd?: Int32Array;
}

export function frameStats(post: Posteriors, opts: AlignOptions, blank = CTC_BLANK): FrameStats {
  const max = frameMaxima(post);
  const T = post.frames;
  const garbage = new Float64Array(T);
  const floor = new Float64Array(T);
  let bestPathScore = 0;
  let nullScore = 0;
  for (let t = 0; t < T; t++) {
    const m = max[t]!;
    const b = post.logProbs[t * post.vocabSize + blank]!;
    garbage[t] = Math.max(b, m - opts.garbagePenalty);
    floor[t] = m - opts.floorPenalty;
    bestPathScore += m;
    nullScore += garbage[t]!;
  }
  const restMax = new Float64Array(T + 1);
  for (let t = T - 1; t >= 0; t--) restMax[t] = restMax[t + 1]! + max[t]!;
  return { frames: T, max, garbage, floor, bestPathScore, nullScore, restMax };
}

/**
 * `stats` with the garbage of the first `frames` frames read from `raw`, the posteriors before a
 * blank penalty (withBlankPenalty): where the model's own best label there is the blank, the
 * frame is free as garbage again. See MatcherOptions.onsetS for why.
 */
export function withRawOnset(stats: FrameStats, raw: Posteriors, frames: number, blank = CTC_BLANK): FrameStats {
  const n = Math.min(frames, stats.frames);
  if (n <= 0) return stats;
  const rawBest = frameArgmax({ ...raw, frames: n });
  const garbage = stats.garbage.slice();
  let nullScore = stats.nullScore;
  for (let t = 0; t < n; t++) {
    const g = rawBest[t] === blank ? stats.max[t]! : garbage[t]!;
    nullScore += g - garbage[t]!;
    garbage[t] = g;
  }
  return { ...stats, garbage, nullScore };
}

/** A target that must be aligned whole (entered at its first unit, left after its last). */
export function wholeTarget(ids: ArrayLike<number>): AlignTarget {
  return partialTarget(ids, Infinity);
}

/**
 * A target that may be entered/left at interior units for `boundaryCost`,
 * and at its ends for free.
 */
export function partialTarget(ids: ArrayLike<number>, boundaryCost: number): AlignTarget {
  const L = ids.length;
  const entryCost = new Float64Array(L).fill(boundaryCost);
  const exitCost = new Float64Array(L).fill(boundaryCost);
  if (L > 0) {
    entryCost[0] = 0;
    exitCost[L - 1] = 0;
  }
  const linked = new Uint8Array(L).fill(1);
  if (L > 0) linked[0] = 0;
  return {
    ids: Int32Array.from(ids),
    entryCost,
    exitCost,
    linked,
    skipFrom: new Int32Array(L).fill(-1),
    feedsHub: new Uint8Array(L),
    hubEntryCost: new Float64Array(L).fill(Infinity),
  };
}

// Backpointer codes of unit states (blank states: FROM_STAY or FROM_PREV = from their unit).
const FROM_STAY = 0;
const FROM_BLANK = 1;
const FROM_PREV = 2;
const FROM_SKIP_BLANK = 3;
const FROM_SKIP_UNIT = 4;
const FROM_GARBAGE = 5;
const FROM_HUB = 6;

/** Entry (unit, frame) packed in one float so it travels with a state at the cost of one copy. */
const FRAME_SPAN = 1 << 20;

/** Emission scores of frame t, floored, into em. */
function loadEmissions(em: Float64Array, lp: Float32Array, t: number, V: number, floor: number): void {
  const row = t * V;
  for (let v = 0; v < V; v++) {
    const e = lp[row + v]!;
    em[v] = e > floor ? e : floor;
  }
}

/** Per-unit transition facts, derived once per target. */
interface Topology {
  readonly canBlank: Uint8Array;
  readonly canPrev: Uint8Array;
  readonly skipK: Int32Array;
  readonly skipUnitOk: Uint8Array;
  readonly hubFeeds: Int32Array;
}

function topology(target: AlignTarget): Topology {
  const { ids, linked, skipFrom, feedsHub } = target;
  const L = ids.length;
  const canBlank = new Uint8Array(L);
  const canPrev = new Uint8Array(L);
  const skipK = new Int32Array(L).fill(-1);
  const skipUnitOk = new Uint8Array(L);
  const feeds: number[] = [];
  for (let j = 0; j < L; j++) {
    if (j > 0 && linked[j]) {
      canBlank[j] = 1;
      canPrev[j] = ids[j] !== ids[j - 1] ? 1 : 0;
    }
    const k = skipFrom[j]!;
    if (k >= 0 && k < j - 1) {
      skipK[j] = k;
      skipUnitOk[j] = ids[k] !== ids[j] ? 1 : 0;
    }
    if (feedsHub[j]) feeds.push(j);
  }
  return { canBlank, canPrev, skipK, skipUnitOk, hubFeeds: Int32Array.from(feeds) };
}

export interface AlignRun {
  /** Also return per-unit frames (costs T x states bytes). */
  readonly backtrace?: boolean;
  /**
   * Give up (return null) as soon as no path can end above this score: lets a
   * caller skip regions that cannot come near the best one found so far.
   */
  readonly abortBelow?: number;
  readonly blank?: number;
}

/**
 * Viterbi alignment of `target` against the clip with leading/trailing garbage
 * and entry/exit anywhere the target's costs allow (a local alignment in both
 * frames and units). Returns null when no path covers at least one unit.
 *
 * States: 2j+1 = unit j, 2j+2 = blank after unit j (state 0 is unused because
 * paths never enter at a blank: silence before the entry is garbage, and free).
 */
export function alignLocal(
  post: Posteriors,
  stats: FrameStats,
  target: AlignTarget,
  run: AlignRun = {},
): LocalAlignment | null {
  const backtrace = run.backtrace ?? false;
  const blank = run.blank ?? CTC_BLANK;
  const abortBelow = run.abortBelow ?? -Infinity;
  const T = post.frames;
  const L = target.ids.length;
  if (T === 0 || L === 0) return null;
  if (T >= FRAME_SPAN) throw new RangeError(`clip of ${T} frames is too long to align in one piece`);
  const V = post.vocabSize;
  const lp = post.logProbs;
  const { ids, entryCost, exitCost, hubEntryCost } = target;
  const { canBlank, canPrev, skipK, skipUnitOk, hubFeeds } = topology(target);
  const S = 2 * L + 1;
  let prev = new Float64Array(S).fill(-Infinity);
  let cur = new Float64Array(S).fill(-Infinity);
  // Where the path through each state last entered the target (unit * FRAME_SPAN + frame).
  let prevE = new Float64Array(S);
  let curE = new Float64Array(S);
  const em = new Float64Array(V);
  const bp = backtrace ? new Uint8Array(T * S) : undefined;
  const g1From = backtrace ? new Int32Array(T).fill(-1) : undefined;
  const hubArg = backtrace ? new Int32Array(T).fill(-1) : undefined;
  const garbage = stats.garbage;

  // t = 0: only entries from garbage (nothing precedes frame 0).
  loadEmissions(em, lp, 0, V, stats.floor[0]!);
  for (let j = 0; j < L; j++) {
    const c = entryCost[j]!;
    if (c === Infinity) continue;
    const s = 2 * j + 1;
    cur[s] = em[ids[j]!]! - c;
    curE[s] = j * FRAME_SPAN;
    if (bp) bp[s] = FROM_GARBAGE;
  }
  let [hub, hubState] = bestHubFeed(cur, hubFeeds);
  if (hubArg) hubArg[0] = hubState;
  let g0 = garbage[0]!;
  let g1 = -Infinity;
  let g1E = 0;
  let g1XU = -1;
  let g1XF = -1;

  for (let t = 1; t < T; t++) {
    [prev, cur] = [cur, prev];
    [prevE, curE] = [curE, prevE];
    loadEmissions(em, lp, t, V, stats.floor[t]!);
    const blankEmit = em[blank]!;
    const bpRow = t * S;
    const entryE = t;
    let bestExit = g1;
    let exitFrom = -1;
    let frameBest = g0;
    for (let j = 0; j < L; j++) {
      const s = 2 * j + 1;
      const pu = prev[s]!;
      // Leave after unit j (emitted at t-1) for trailing garbage.
      const x = pu - exitCost[j]!;
      if (x > bestExit) {
        bestExit = x;
        exitFrom = j;
      }
      let best = pu;
      let code = FROM_STAY;
      let e = prevE[s]!;
      if (canBlank[j]) {
        const pb = prev[s - 1]!;
        if (pb > best) {
          best = pb;
          code = FROM_BLANK;
          e = prevE[s - 1]!;
        }
        if (canPrev[j]) {
          const pp = prev[s - 2]!;
          if (pp > best) {
            best = pp;
            code = FROM_PREV;
            e = prevE[s - 2]!;
          }
        }
      }
      const k = skipK[j]!;
      if (k >= 0) {
        const kb = 2 * k + 2;
        if (prev[kb]! > best) {
          best = prev[kb]!;
          code = FROM_SKIP_BLANK;
          e = prevE[kb]!;
        }
        if (skipUnitOk[j] && prev[kb - 1]! > best) {
          best = prev[kb - 1]!;
          code = FROM_SKIP_UNIT;
          e = prevE[kb - 1]!;
        }
      }
      const fromG = g0 - entryCost[j]!;
      if (fromG > best) {
        best = fromG;
        code = FROM_GARBAGE;
        e = j * FRAME_SPAN + entryE;
      }
      const fromH = hub - hubEntryCost[j]!;
      if (fromH > best) {
        best = fromH;
        code = FROM_HUB;
        e = j * FRAME_SPAN + entryE;
      }
      const vs = best + em[ids[j]!]!;
      cur[s] = vs;
      curE[s] = e;
      if (vs > frameBest) frameBest = vs;
      // Blank after unit j: stay, or come from the unit.
      const b = s + 1;
      const pbl = prev[b]!;
      if (pbl >= pu) {
        cur[b] = pbl + blankEmit;
        curE[b] = prevE[b]!;
        if (bp) {
          bp[bpRow + s] = code;
          bp[bpRow + b] = FROM_STAY;
        }
      } else {
        cur[b] = pu + blankEmit;
        curE[b] = prevE[s]!;
        if (bp) {
          bp[bpRow + s] = code;
          bp[bpRow + b] = FROM_PREV;
        }
      }
    }
    if (exitFrom >= 0) {
      g1E = prevE[2 * exitFrom + 1]!;
      g1XU = exitFrom;
      g1XF = t - 1;
    }
    if (g1From) g1From[t] = exitFrom;
    g1 = bestExit + garbage[t]!;
    g0 += garbage[t]!;
    // Blank states never beat their unit's best by more than the blank's own frames, which restMax covers.
    if (Math.max(frameBest, g1) + stats.restMax[t + 1]! < abortBelow) {
      let blanksBest = -Infinity;
      for (let b = 2; b < S; b += 2) if (cur[b]! > blanksBest) blanksBest = cur[b]!;
      if (blanksBest + stats.restMax[t + 1]! < abortBelow) return null;
    }
    [hub, hubState] = bestHubFeed(cur, hubFeeds);
    if (hubArg) hubArg[t] = hubState;
  }

  // End: in trailing garbage, or still in a unit that may be left.
  let score = g1;
  let endUnit = -1;
  let endE = g1E;
  let xu = g1XU;
  let xf = g1XF;
  for (let j = 0; j < L; j++) {
    const v = cur[2 * j + 1]! - exitCost[j]!;
    if (v > score) {
      score = v;
      endUnit = j;
      endE = curE[2 * j + 1]!;
      xu = j;
      xf = T - 1;
    }
  }
  if (score === -Infinity || xu < 0) return null;
  const firstUnit = Math.floor(endE / FRAME_SPAN);
  const startFrame = endE - firstUnit * FRAME_SPAN;
  if (!bp) return { score, firstUnit, lastUnit: xu, startFrame, endFrame: xf };
  const { unitStart, unitEnd } = backtrack(bp, g1From!, hubArg!, skipK, T, S, L, endUnit);
  return { score, firstUnit, lastUnit: xu, startFrame, endFrame: xf, unitStart, unitEnd };
}

/** The best state (unit or its trailing blank) among the hub's feeders, and its score. */
function bestHubFeed(arr: Float64Array, hubFeeds: Int32Array): [number, number] {
  let hub = -Infinity;
  let hubState = -1;
  for (let i = 0; i < hubFeeds.length; i++) {
    const s = 2 * hubFeeds[i]! + 1;
    if (arr[s]! > hub) {
      hub = arr[s]!;
      hubState = s;
    }
    if (arr[s + 1]! > hub) {
      hub = arr[s + 1]!;
      hubState = s + 1;
    }
  }
  return [hub, hubState];
}

/** Follows the backpointers from the end: per unit, the first and last frame it is emitted. */
function backtrack(
  bp: Uint8Array,
  g1From: Int32Array,
  hubArg: Int32Array,
  skipK: Int32Array,
  T: number,
  S: number,
  L: number,
  endUnit: number,
): { unitStart: Int32Array; unitEnd: Int32Array } {
  const unitStart = new Int32Array(L).fill(-1);
  const unitEnd = new Int32Array(L).fill(-1);
  let s = endUnit >= 0 ? 2 * endUnit + 1 : -1;
  let t = T - 1;
  // Trailing garbage first.
  while (s < 0 && t > 0) {
    const from = g1From[t]!;
    t--;
    if (from >= 0) s = 2 * from + 1;
  }
  while (s >= 0 && t >= 0) {
    const code = bp[t * S + s]!;
    if ((s & 1) === 0) {
      if (code !== FROM_STAY) s -= 1;
      t--;
      continue;
    }
    const j = (s - 1) >> 1;
    unitStart[j] = t;
    if (unitEnd[j]! < 0) unitEnd[j] = t;
    if (code === FROM_GARBAGE || t === 0) break;
    if (code === FROM_HUB) s = hubArg[t - 1]!;
    else if (code === FROM_BLANK) s -= 1;
    else if (code === FROM_PREV) s -= 2;
    else if (code === FROM_SKIP_BLANK) s = 2 * skipK[j]! + 2;
    else if (code === FROM_SKIP_UNIT) s = 2 * skipK[j]! + 1;
    t--;
  }
  return { unitStart, unitEnd };
}
