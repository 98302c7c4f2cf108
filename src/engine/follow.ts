import type { VerseRef } from '../quran/corpus.js';
import { Trail } from './trail.js';
import type { CallOptions } from './identify.js';
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
  identifySamples(samples: Float32Array, sampleRate: number, label: string, call: CallOptions): Promise<{ readonly result: IdentifyResult }>;
}

export class Follower {
  private readonly options: FollowOptions;
  private readonly windowSamples: number;
  private readonly stepSamples: number;
  private recent = new Float32Array(0);
  private heard = 0;
  private lookedAt = 0;
  private readonly trail = new Trail<VerseRef>();

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
    return this.trail.verses;
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

  /** Identifies the latest window; its answer extends the trail as Trail.take decides (a jump waits for confirmation). */
  private async look(atEnd = false): Promise<FollowEvent[]> {
    this.lookedAt = this.heard;
    if (!atEnd && this.heard < this.options.minHeardS * this.sampleRate) return [];
    const atS = this.heard / this.sampleRate;
    // One answer per window: its edges cut verses anywhere, and leftovers there would be pieces.
    const { result } = await this.identifier.identifySamples(this.recent, this.sampleRate, `${atS.toFixed(1)}s`, { matchLeftovers: false });
    const added = this.trail.take(result.status === 'ok' ? result.verses : [], atEnd);
    return added.map((verse) => ({ atS, verse, confidence: result.confidence }));
  }
}
