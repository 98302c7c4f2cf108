/**
 * Energy-based voice-activity detection: where in a recording someone speaks.
 *
 * A frame is speech when it is loud enough in absolute terms and well above
 * the local noise floor. The floor is the quietest stretch within a few
 * seconds around each frame, so it follows slow changes in background noise
 * while steady noise (hiss, hum, fans) never counts as speech.
 */

/** A stretch of the recording, in seconds from its start. */
export interface SpeechSegment {
  readonly startS: number;
  readonly endS: number;
}

export interface VadOptions {
  /** Frames quieter than this RMS level (dB full scale) are never speech. Default -55. */
  readonly minLevelDb?: number;
  /** Speech starts this many dB above the local noise floor. Default 10. */
  readonly startAboveFloorDb?: number;
  /** Once started, speech lasts while this many dB above the floor. Default 5. */
  readonly stayAboveFloorDb?: number;
  /** Shorter bursts (clicks, coughs) are dropped. Default 0.2 s. */
  readonly minSpeechS?: number;
  /** Shorter pauses are bridged: gaps between words are not segment breaks. Default 0.3 s. */
  readonly minSilenceS?: number;
  /** Added before and after each segment so soft onsets and endings are kept. Default 0.1 s. */
  readonly paddingS?: number;
}

const DEFAULTS: Required<VadOptions> = {
  minLevelDb: -55,
  startAboveFloorDb: 10,
  stayAboveFloorDb: 5,
  minSpeechS: 0.2,
  minSilenceS: 0.3,
  paddingS: 0.1,
};

const FRAME_S = 0.025;
const HOP_S = 0.01;
/** The noise floor at a frame is the quietest level within this many seconds either side. */
const FLOOR_REACH_S = 6;
/** Levels are averaged over this many frames before taking the floor, so one quiet frame is not "the floor". */
const FLOOR_SMOOTH_FRAMES = 5;
/** Below this a frame is digital silence (zeros, or dither at most), not room noise. */
const DIGITAL_SILENCE_DB = -100;
const LEVEL_EPSILON = 1e-12;

/** Per-frame RMS levels in dBFS: frame i covers samples [i·hop, i·hop + frame). */
export interface FrameLevels {
  readonly db: Float32Array;
  readonly hopS: number;
  readonly frameS: number;
  readonly durationS: number;
}

export function frameLevels(samples: Float32Array, sampleRate: number): FrameLevels {
  if (!(sampleRate > 0)) throw new RangeError(`sampleRate must be positive, got ${sampleRate}`);
  const frame = Math.max(1, Math.round(FRAME_S * sampleRate));
  const hop = Math.max(1, Math.round(HOP_S * sampleRate));
  const count = samples.length === 0 ? 0 : samples.length <= frame ? 1 : Math.floor((samples.length - frame) / hop) + 1;
  const db = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const start = i * hop;
    const end = Math.min(samples.length, start + frame);
    let energy = 0;
    for (let j = start; j < end; j++) energy += samples[j]! * samples[j]!;
    db[i] = 10 * Math.log10(energy / (end - start) + LEVEL_EPSILON);
  }
  return { db, hopS: hop / sampleRate, frameS: frame / sampleRate, durationS: samples.length / sampleRate };
}

/** The stretches of `samples` that hold speech, in order, not overlapping. */
export function detectSpeech(samples: Float32Array, sampleRate: number, opts: VadOptions = {}): SpeechSegment[] {
  return speechInLevels(frameLevels(samples, sampleRate), opts);
}

/** True when the recording holds no speech at all: digital silence, very quiet or steady noise. */
export function isSilent(samples: Float32Array, sampleRate = 16000, opts: VadOptions = {}): boolean {
  return detectSpeech(samples, sampleRate, opts).length === 0;
}

export function speechInLevels(levels: FrameLevels, opts: VadOptions = {}): SpeechSegment[] {
  const o = { ...DEFAULTS, ...opts };
  const { db, hopS, frameS, durationS } = levels;
  const floor = noiseFloor(db, Math.round(FLOOR_REACH_S / hopS));

  // Hysteresis: start above the higher threshold, stay while above the lower
  // one; a start reaches back over the frames just before it that were
  // already above the lower threshold (the rising edge of the syllable).
  const runs: [number, number][] = [];
  let runStart = -1;
  let aboveStaySince = 0;
  for (let i = 0; i < db.length; i++) {
    const level = db[i]!;
    const stays = level >= Math.max(o.minLevelDb, floor[i]! + o.stayAboveFloorDb);
    if (runStart < 0) {
      if (!stays) aboveStaySince = i + 1;
      else if (level >= Math.max(o.minLevelDb, floor[i]! + o.startAboveFloorDb)) runStart = aboveStaySince;
    } else if (!stays) {
      runs.push([runStart, i - 1]);
      runStart = -1;
      aboveStaySince = i + 1;
    }
  }
  if (runStart >= 0) runs.push([runStart, db.length - 1]);

  // Frame i is centred at i·hop + frame/2 and stands for one hop around it.
  const timed = runs.map(([a, b]) => ({
    startS: a * hopS + frameS / 2 - hopS / 2,
    endS: b * hopS + frameS / 2 + hopS / 2,
  }));
  const bridged = mergeCloserThan(timed, o.minSilenceS);
  const kept = bridged.filter((s) => s.endS - s.startS >= o.minSpeechS);
  const padded = kept.map((s) => ({
    startS: Math.max(0, s.startS - o.paddingS),
    endS: Math.min(durationS, s.endS + o.paddingS),
  }));
  return mergeCloserThan(padded, 0);
}

/**
 * For each frame, the lowest smoothed level within `reach` frames either side,
 * ignoring digital silence (which would put the floor at -120 dB and make any
 * faint noise next to it look like speech).
 */
function noiseFloor(db: Float32Array, reach: number): Float32Array {
  const n = db.length;
  const smoothed = new Float32Array(n);
  const half = Math.floor(FLOOR_SMOOTH_FRAMES / 2);
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - half);
    const b = Math.min(n - 1, i + half);
    let power = 0;
    for (let j = a; j <= b; j++) power += 10 ** (db[j]! / 10);
    const level = 10 * Math.log10(power / (b - a + 1));
    smoothed[i] = level < DIGITAL_SILENCE_DB ? Infinity : level;
  }
  const floor = slidingMin(smoothed, reach);
  for (let i = 0; i < n; i++) if (floor[i] === Infinity) floor[i] = -120;
  return floor;
}

/** out[i] = min(values[i - reach .. i + reach]), in linear time (monotonic deque). */
function slidingMin(values: Float32Array, reach: number): Float32Array {
  const n = values.length;
  const out = new Float32Array(n);
  const deque = new Int32Array(n);
  let head = 0;
  let tail = 0;
  let next = 0;
  for (let i = 0; i < n; i++) {
    const right = Math.min(n - 1, i + reach);
    for (; next <= right; next++) {
      while (tail > head && values[deque[tail - 1]!]! >= values[next]!) tail--;
      deque[tail++] = next;
    }
    while (deque[head]! < i - reach) head++;
    out[i] = values[deque[head]!]!;
  }
  return out;
}

/** Joins segments whose gap is at most `gapS`. Expects them sorted by start. */
function mergeCloserThan(segments: readonly SpeechSegment[], gapS: number): SpeechSegment[] {
  const out: SpeechSegment[] = [];
  for (const s of segments) {
    const last = out[out.length - 1];
    if (last && s.startS - last.endS <= gapS) out[out.length - 1] = { startS: last.startS, endS: Math.max(last.endS, s.endS) };
    else out.push(s);
  }
  return out;
}
