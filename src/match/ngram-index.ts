import type { UnitStream } from './stream.js';

/** Unit ids are 1..31, so a k-gram packs into base-32 digits. */
const BASE = 32;

/** Positions of every k-gram of the stream, grouped by gram (CSR layout). */
interface NgramTable {
  readonly k: number;
  /** positions[offsets[g] .. offsets[g+1]) are the stream positions where gram g starts. */
  readonly offsets: Int32Array;
  readonly positions: Int32Array;
}

export interface NgramIndex {
  readonly stream: UnitStream;
  readonly tables: readonly NgramTable[];
}

export interface RetrievalOptions {
  /** Regions returned at most. */
  readonly topK: number;
  /** Diagonal bin width in units (indel drift tolerated within a bin and its neighbours). */
  readonly binWidth: number;
  /** Grams occurring more often than this carry no vote (they are everywhere). */
  readonly maxPostings: number;
  /** Extra units added on each side of a region, as a share of the query length (and at least `minMargin`). */
  readonly marginShare: number;
  readonly minMargin: number;
  /** A region edge this close to a verse boundary is moved to it, so whole verses can be aligned. */
  readonly snap: number;
}

export const DEFAULT_RETRIEVAL: RetrievalOptions = {
  topK: 300,
  binWidth: 8,
  maxPostings: 6000,
  marginShare: 0.15,
  minMargin: 8,
  snap: 40,
};

/** A stretch of the stream [lo, hi) that may hold what was recited. */
export interface CandidateRegion {
  readonly lo: number;
  readonly hi: number;
  /** IDF-weighted n-gram votes; ranks regions of one query only. */
  readonly votes: number;
}

function gramCode(ids: ArrayLike<number>, at: number, k: number): number {
  let c = 0;
  for (let i = 0; i < k; i++) c = c * BASE + ids[at + i]!;
  return c;
}

function buildTable(stream: UnitStream, k: number): NgramTable {
  const { ids } = stream;
  const n = Math.max(0, ids.length - k + 1);
  const buckets = BASE ** k;
  const offsets = new Int32Array(buckets + 1);
  const codes = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    const c = gramCode(ids, p, k);
    codes[p] = c;
    offsets[c + 1]!++;
  }
  for (let g = 0; g < buckets; g++) offsets[g + 1]! += offsets[g]!;
  const fill = offsets.slice(0, buckets);
  const positions = new Int32Array(n);
  for (let p = 0; p < n; p++) positions[fill[codes[p]!]!++] = p;
  return { k, offsets, positions };
}

/**
 * Built once per process: a few hundred ms for the whole Quran. Bigrams, though common, still
 * vote: on a noisy transcript they are often the only grams left intact (on dev, adding them
 * raised top-1 from 83.3 % to 86.5 % with the same model and 200 regions; grams over classes of
 * often-swapped letters, tried too, lowered it).
 */
export function buildNgramIndex(stream: UnitStream, sizes: readonly number[] = [2, 3, 4]): NgramIndex {
  return { stream, tables: sizes.map((k) => buildTable(stream, k)) };
}

interface BinVotes {
  score: Float64Array;
  dMin: Int32Array;
  dMax: Int32Array;
  touched: number[];
}

/**
 * Diagonal voting: each query gram found at stream position p from query
 * offset i votes for diagonal p - i (where the query would start), weighted by
 * the gram's rarity. Correct stretches of a noisy transcript all vote for about
 * the same diagonal; indels only shift it by a few units, which the bins absorb.
 */
function voteDiagonals(index: NgramIndex, query: ArrayLike<number>, opts: RetrievalOptions): BinVotes {
  const n = query.length;
  const N = index.stream.ids.length;
  const W = opts.binWidth;
  // Diagonals run from -n (query starts before the stream) to N.
  const nBins = Math.ceil((N + n + 1) / W) + 2;
  const score = new Float64Array(nBins);
  const dMin = new Int32Array(nBins).fill(2147483647);
  const dMax = new Int32Array(nBins).fill(-2147483648);
  const lastVoter = new Int32Array(nBins).fill(-1);
  const touched: number[] = [];
  for (const table of index.tables) {
    const k = table.k;
    for (let i = 0; i + k <= n; i++) {
      const g = gramCode(query, i, k);
      const from = table.offsets[g]!;
      const to = table.offsets[g + 1]!;
      const df = to - from;
      if (df === 0 || df > opts.maxPostings) continue;
      const w = Math.log(N / df);
      const voter = i * 8 + k;
      for (let h = from; h < to; h++) {
        const d = table.positions[h]! - i;
        const b = Math.floor((d + n) / W) + 1;
        if (lastVoter[b] === voter) continue;
        lastVoter[b] = voter;
        if (score[b] === 0) touched.push(b);
        score[b]! += w;
        if (d < dMin[b]!) dMin[b] = d;
        if (d > dMax[b]!) dMax[b] = d;
      }
    }
  }
  return { score, dMin, dMax, touched };
}

/** Top stream regions for a (noisy) transcript, best first; overlapping regions are merged. */
export function retrieveRegions(
  index: NgramIndex,
  query: ArrayLike<number>,
  opts: RetrievalOptions = DEFAULT_RETRIEVAL,
): CandidateRegion[] {
  const n = query.length;
  if (n === 0) return [];
  const { stream } = index;
  const N = stream.ids.length;
  const { score, dMin, dMax, touched } = voteDiagonals(index, query, opts);
  const smooth = (b: number): number => (score[b - 1] ?? 0) + score[b]! + (score[b + 1] ?? 0);
  const ranked = touched.map((b) => ({ b, s: smooth(b) })).sort((x, y) => y.s - x.s || x.b - y.b);
  const taken = new Set<number>();
  const margin = Math.max(opts.minMargin, Math.round(opts.marginShare * n));
  const picked: { lo: number; hi: number; votes: number }[] = [];
  for (const { b, s } of ranked) {
    if (picked.length >= opts.topK * 2) break;
    if (taken.has(b)) continue;
    for (let x = b - 2; x <= b + 2; x++) taken.add(x);
    let lo = Infinity;
    let hi = -Infinity;
    for (let x = b - 1; x <= b + 1; x++) {
      if (!(score[x]! > 0)) continue;
      lo = Math.min(lo, dMin[x]!);
      hi = Math.max(hi, dMax[x]!);
    }
    picked.push({ lo: Math.max(0, lo - margin), hi: Math.min(N, hi + n + margin), votes: s });
  }
  for (const r of picked) {
    const vLo = stream.verseOfPos[Math.min(r.lo, N - 1)]!;
    if (r.lo - stream.verseStart[vLo]! <= opts.snap) r.lo = stream.verseStart[vLo]!;
    const vHi = stream.verseOfPos[Math.max(0, r.hi - 1)]!;
    if (stream.verseStart[vHi + 1]! - r.hi <= opts.snap) r.hi = stream.verseStart[vHi + 1]!;
  }
  picked.sort((x, y) => x.lo - y.lo);
  const merged: CandidateRegion[] = [];
  for (const r of picked) {
    const last = merged[merged.length - 1];
    if (last && r.lo <= last.hi) {
      merged[merged.length - 1] = { lo: last.lo, hi: Math.max(last.hi, r.hi), votes: Math.max(last.votes, r.votes) };
    } else merged.push({ ...r });
  }
  return merged.sort((x, y) => y.votes - x.votes || x.lo - y.lo).slice(0, opts.topK);
}
