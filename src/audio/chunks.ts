/**
 * Splitting a long recording into pieces short enough for the acoustic model,
 * cutting in the pauses: reciters pause between ayat, so the longest pauses
 * are the likeliest verse boundaries.
 */
import { detectSpeech, frameLevels, speechInLevels, type FrameLevels, type SpeechSegment, type VadOptions } from './vad.js';

export interface ChunkOptions extends VadOptions {
  /** No chunk is longer than this. Default 30 s. */
  readonly maxChunkS?: number;
}

const MIN_CHUNK_LIMIT_S = 1;
const EPSILON_S = 1e-9;
/** Besides every dip in level, a cut may fall this often, so a cut always fits within MIN_CHUNK_LIMIT_S. */
const FALLBACK_CUT_EVERY_S = 0.25;

/**
 * Chunks that together hold all detected speech, in order and not
 * overlapping, each at most `maxChunkS` long. Each chunk spans from the start
 * of its first speech segment to the end of its last, so the pauses where it
 * was cut are left out. Uses as few chunks as possible, and among those cuts
 * in the longest pauses. Speech that runs longer than `maxChunkS` without a
 * pause is cut at its quietest moments (between words, as a rule).
 */
export function planChunks(samples: Float32Array, sampleRate: number, opts: ChunkOptions = {}): SpeechSegment[] {
  const maxChunkS = opts.maxChunkS ?? 30;
  if (!(maxChunkS >= MIN_CHUNK_LIMIT_S) || !Number.isFinite(maxChunkS)) {
    throw new RangeError(`maxChunkS must be at least ${MIN_CHUNK_LIMIT_S} s, got ${maxChunkS}`);
  }
  const levels = frameLevels(samples, sampleRate);
  const speech = speechInLevels(levels, opts);
  const tooLong = speech.some((s) => s.endS - s.startS > maxChunkS + EPSILON_S);
  const quiet = tooLong ? quietness(levels) : new Float32Array(0);
  const pieces = tooLong ? speech.flatMap((s) => splitLongSegment(s, levels, quiet, maxChunkS)) : speech;

  const fits = (from: number, to: number): boolean => pieces[to - 1]!.endS - pieces[from]!.startS <= maxChunkS + EPSILON_S;
  const pauseBefore = (i: number): number => pieces[i]!.startS - pieces[i - 1]!.endS;
  const starts = partition(pieces.length, fits, pauseBefore);
  return starts.map((from, c) => ({ startS: pieces[from]!.startS, endS: pieces[(starts[c + 1] ?? pieces.length) - 1]!.endS }));
}

/** The speech either side of a recording's longest pause, and how long that pause is. */
export interface PauseSplit {
  readonly before: SpeechSegment;
  readonly after: SpeechSegment;
  readonly pauseS: number;
}

/** Where the longest pause between two stretches of speech falls; undefined with fewer than two stretches. */
export function splitAtLongestPause(samples: Float32Array, sampleRate: number, opts: VadOptions = {}): PauseSplit | undefined {
  const speech = detectSpeech(samples, sampleRate, opts);
  if (speech.length < 2) return undefined;
  let at = 1;
  for (let i = 2; i < speech.length; i++) {
    if (speech[i]!.startS - speech[i - 1]!.endS > speech[at]!.startS - speech[at - 1]!.endS) at = i;
  }
  return {
    before: { startS: speech[0]!.startS, endS: speech[at - 1]!.endS },
    after: { startS: speech[at]!.startS, endS: speech[speech.length - 1]!.endS },
    pauseS: speech[at]!.startS - speech[at - 1]!.endS,
  };
}

/**
 * Cuts one segment into the fewest touching pieces of at most maxChunkS,
 * choosing among cut points (dips in level) those that are quietest overall.
 */
function splitLongSegment(segment: SpeechSegment, levels: FrameLevels, quiet: Float32Array, maxChunkS: number): SpeechSegment[] {
  const centre = (i: number): number => i * levels.hopS + levels.frameS / 2;
  const every = Math.max(1, Math.round(FALLBACK_CUT_EVERY_S / levels.hopS));
  const times = [segment.startS];
  const costs = [0];
  const first = Math.max(1, Math.floor((segment.startS - levels.frameS / 2) / levels.hopS) + 1);
  for (let i = first; i < quiet.length - 1 && centre(i) < segment.endS; i++) {
    if (centre(i) <= segment.startS) continue;
    const dip = quiet[i]! <= quiet[i - 1]! && quiet[i]! < quiet[i + 1]!;
    if (dip || i % every === 0) {
      times.push(centre(i));
      costs.push(quiet[i]!);
    }
  }
  times.push(segment.endS);

  // Item k is the stretch times[k]..times[k+1]; cutting before item k costs its level.
  const fits = (from: number, to: number): boolean => times[to]! - times[from]! <= maxChunkS + EPSILON_S;
  const starts = partition(times.length - 1, fits, (k) => -costs[k]!);
  return starts.map((from, p) => ({ startS: times[from]!, endS: times[starts[p + 1] ?? times.length - 1]! }));
}

/** Mean power over ~0.1 s around each frame, in dB: finds the gap between words, not a stop consonant. */
function quietness(levels: FrameLevels): Float32Array {
  const reach = Math.max(1, Math.round(0.05 / levels.hopS));
  const n = levels.db.length;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + 10 ** (levels.db[i]! / 10);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - reach);
    const b = Math.min(n, i + reach + 1);
    out[i] = 10 * Math.log10((prefix[b]! - prefix[a]!) / (b - a) + 1e-12);
  }
  return out;
}

/**
 * Splits items 0..n-1 into runs of consecutive items: the fewest runs such
 * that every run fits, then the largest total gain over the items where a run
 * starts (other than item 0). `fits(from, to)` says whether items from..to-1
 * make one run; it must stay false when `from` decreases. Returns where each
 * run starts. Dynamic programming over where the last run starts.
 */
function partition(n: number, fits: (from: number, to: number) => boolean, gainBefore: (item: number) => number): number[] {
  const runs = new Int32Array(n + 1);
  const gain = new Float64Array(n + 1);
  const lastStart = new Int32Array(n + 1);
  for (let to = 1; to <= n; to++) {
    runs[to] = -1;
    for (let from = to - 1; from >= 0 && fits(from, to); from--) {
      const r = runs[from]! + 1;
      const g = gain[from]! + (from > 0 ? gainBefore(from) : 0);
      if (runs[to] === -1 || r < runs[to]! || (r === runs[to] && g > gain[to]!)) {
        runs[to] = r;
        gain[to] = g;
        lastStart[to] = from;
      }
    }
    if (runs[to] === -1) throw new Error(`partition: item ${to - 1} does not fit on its own`);
  }
  const starts: number[] = [];
  for (let to = n; to > 0; to = lastStart[to]!) starts.push(lastStart[to]!);
  return starts.reverse();
}
