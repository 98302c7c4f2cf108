import { loadQuran, type VerseRef } from '../quran/corpus.js';
import { appendWithoutOverlap } from './mergeChunks.js';
import type { IdentifyResult } from './result.js';

/**
 * Following a recitation while it is heard: every `stepS` seconds of new audio, the latest
 * `windowS` seconds are identified, and each answer extends the trail of verses recited so far.
 * The web app's live panel asks the server the same way (web/src/liveFollow.ts).
 */
export interface FollowOptions {
  readonly windowS: number;
  readonly stepS: number;
  /** Nothing is identified before this much has been heard (unless the input ends sooner). */
  readonly minHeardS: number;
}

/** A window of 8 s holds a short ayah and the start of the next; every 2 s keeps up with a reciter. */
export const DEFAULT_FOLLOW: FollowOptions = { windowS: 8, stepS: 2, minHeardS: 1.5 };

/** A verse newly added to the trail. */
export interface FollowEvent {
  /** Seconds of audio heard when it was recognised. */
  readonly atS: number;
  readonly verse: VerseRef;
  /** Confidence of the window's answer that added it. */
  readonly confidence: number;
}

export interface WindowIdentifier {
  identifySamples(samples: Float32Array, sampleRate: number, label: string): Promise<{ readonly result: IdentifyResult }>;
}

export class Follower {
  private readonly options: FollowOptions;
  private readonly windowSamples: number;
  private readonly stepSamples: number;
  private recent = new Float32Array(0);
  private heard = 0;
  private lookedAt = 0;
  private trail: VerseRef[] = [];
  /** An answer that did not continue the trail, waiting for the next window to confirm it. */
  private pending: readonly VerseRef[] | undefined;

  constructor(
    private readonly identifier: WindowIdentifier,
    private readonly sampleRate: number,
    options: Partial<FollowOptions> = {},
  ) {
    this.options = { ...DEFAULT_FOLLOW, ...options };
    this.windowSamples = Math.round(this.options.windowS * sampleRate);
    this.stepSamples = Math.round(this.options.stepS * sampleRate);
  }

  /** The verses recognised so far, in recited order. */
  get verses(): readonly VerseRef[] {
    return this.trail;
  }

  /** Takes the next samples; returns the verses they completed, if any. */
  async push(samples: Float32Array): Promise<FollowEvent[]> {
    const events: FollowEvent[] = [];
    let at = 0;
    while (at < samples.length) {
      // Feed up to the next step boundary, so a long push is looked at every step, as live audio would be.
      const boundary = this.lookedAt + this.stepSamples;
      const take = Math.min(samples.length - at, Math.max(1, boundary - this.heard));
      this.append(samples.subarray(at, at + take));
      at += take;
      if (this.heard >= boundary) events.push(...(await this.look()));
    }
    return events;
  }

  /** The input ended: a last look at whatever came after the last one, however little was heard. */
  async end(): Promise<FollowEvent[]> {
    return this.heard > this.lookedAt ? this.look(true) : [];
  }

  private append(samples: Float32Array): void {
    const keep = Math.min(this.recent.length, this.windowSamples - samples.length);
    const next = new Float32Array(Math.max(0, keep) + Math.min(samples.length, this.windowSamples));
    if (keep > 0) next.set(this.recent.subarray(this.recent.length - keep));
    next.set(samples.subarray(Math.max(0, samples.length - this.windowSamples)), Math.max(0, keep));
    this.recent = next;
    this.heard += samples.length;
  }

  /**
   * A window's answer that continues the trail is taken at once. Any other — the first answer, or
   * a jump elsewhere — waits for the next window's answer to continue it: a window cut in the
   * middle of a verse can look like the start of another one (113:1 for 114:1, حمٓ inside الٓمٓ).
   * An input too short for a second look keeps its one answer.
   */
  private async look(atEnd = false): Promise<FollowEvent[]> {
    this.lookedAt = this.heard;
    if (!atEnd && this.heard < this.options.minHeardS * this.sampleRate) return [];
    const atS = this.heard / this.sampleRate;
    const { result } = await this.identifier.identifySamples(this.recent, this.sampleRate, `${atS.toFixed(1)}s`);
    if (result.status !== 'ok' || result.verses.length === 0) return [];
    let taken: readonly VerseRef[] | undefined;
    if (continues(this.trail, result.verses)) taken = result.verses;
    else if (this.pending && continues(this.pending, result.verses)) taken = appendWithoutOverlap(this.pending, result.verses);
    else if (atEnd && this.trail.length === 0) taken = result.verses;
    this.pending = taken ? undefined : result.verses;
    if (!taken) return [];
    const before = this.trail.length;
    this.trail = appendWithoutOverlap(this.trail, taken);
    return this.trail.slice(before).map((verse) => ({ atS, verse, confidence: result.confidence }));
  }
}

const sameVerse = (a: VerseRef, b: VerseRef): boolean => a.surah === b.surah && a.ayah === b.ayah;

/**
 * Whether `answer` carries on from `before`: it starts on one of before's last three verses (an
 * 8-s window looked at every 2 s hears much of what the last one did), on the verse after its
 * last, or on the first verse of the next surah after the last one of its own.
 */
function continues(before: readonly VerseRef[], answer: readonly VerseRef[]): boolean {
  const first = answer[0];
  const last = before[before.length - 1];
  if (!first || !last) return false;
  return (
    before.slice(-3).some((v) => sameVerse(v, first)) ||
    (first.surah === last.surah && first.ayah === last.ayah + 1) ||
    (first.surah === last.surah + 1 && first.ayah === 1 && last.ayah === loadQuran().surah(last.surah).verseCount)
  );
}
