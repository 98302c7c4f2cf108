import type { IdentifyResponse, VerseRef } from './api';
import { wavBlob, type PcmTap } from './pcmTap';
import { Trail } from '../../src/engine/trail';

/** Seconds of the latest audio sent each time: enough for a short ayah and the start of the next. */
const WINDOW_S = 8;
const EVERY_MS = 2000;
/** Nothing is sent before this much has been heard. */
const MIN_HEARD_S = 1.5;

export interface LiveUpdate {
  /** The answer about the latest seconds. */
  readonly answer: IdentifyResponse;
  /** Every verse recognised since recording began, in recited order. */
  readonly trail: readonly VerseRef[];
}

/**
 * Identifies one window of the recording with one run of ayat per chunk (leftovers=0): on the
 * server (POST /identify) or in the browser, as the page chose.
 */
export type WindowIdentifier = (wav: Blob, name: string) => Promise<IdentifyResponse>;

/**
 * Follows a recitation while it is recorded: every 2 s the latest 8 s are identified (one
 * at a time), and each answer updates the trail of verses recited so far.
 */
export class LiveFollower {
  /** The same rule as `ayat follow`: an answer that does not carry the trail on waits for the next one to confirm it. */
  private readonly trail = new Trail<VerseRef>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private busy = false;
  private stopped = false;

  constructor(
    private readonly tap: PcmTap,
    private readonly identifyWindow: WindowIdentifier,
    private readonly onUpdate: (update: LiveUpdate) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), EVERY_MS);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.busy || this.stopped || this.tap.heardS < MIN_HEARD_S) return;
    this.busy = true;
    try {
      const answer = await this.identifyWindow(wavBlob(this.tap.latest(WINDOW_S), this.tap.sampleRate), 'live.wav');
      if (this.stopped) return;
      this.trail.take(answer.status === 'ok' ? answer.verses : []);
      this.onUpdate({ answer, trail: this.trail.verses });
    } catch {
      // A failed live request is dropped; the next tick asks again, and stopping identifies the whole recording.
    } finally {
      this.busy = false;
    }
  }
}
