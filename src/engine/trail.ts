/**
 * The verses recited so far, as a recitation is followed window by window: by `ayat follow`
 * (src/engine/follow.ts) and by the web app's live panel (web/src/liveFollow.ts). This file
 * imports only src/quran/basmala.ts and verseKey.ts, which import nothing else, so the browser
 * bundle takes all three.
 */
import { isBasmalaAlone } from '../quran/basmala.js';
import { sameVerse, type VerseKey } from '../quran/verseKey.js';

export type { VerseKey };

/**
 * Appends `next` to `sequence`, dropping the longest prefix of `next` that repeats the end of
 * `sequence`: a verse cut by a chunk boundary, or heard by two overlapping windows, is
 * recognised twice.
 */
export function appendWithoutOverlap<V extends VerseKey>(sequence: readonly V[], next: readonly V[]): V[] {
  for (let k = Math.min(sequence.length, next.length); k > 0; k--) {
    const tail = sequence.slice(sequence.length - k);
    if (tail.every((v, i) => sameVerse(v, next[i]!))) return [...sequence, ...next.slice(k)];
  }
  return [...sequence, ...next];
}

/**
 * What `answer` adds to `before` when it carries it on, undefined when it does not. It carries it
 * on when it starts on the ayah after before's last, or on one of before's last three verses (an
 * 8-s window looked at every 2 s hears much of what the last one did) and agrees with what follows
 * there: then only the verses past before's end are new (none when the answer lies inside it, as
 * a window that hears 109:5 and answers its twin 109:3 does). A new surah does not carry it on:
 * its first answer waits for confirmation like any jump.
 */
export function newVerses<V extends VerseKey>(before: readonly V[], answer: readonly V[]): V[] | undefined {
  const first = answer[0];
  const last = before[before.length - 1];
  if (!first || !last) return undefined;
  if (first.surah === last.surah && first.ayah === last.ayah + 1) return [...answer];
  for (let i = Math.max(0, before.length - 3); i < before.length; i++) {
    let k = 0;
    while (k < answer.length && i + k < before.length && sameVerse(before[i + k]!, answer[k]!)) k++;
    if (k === answer.length) return [];
    if (k > 0 && i + k === before.length) return answer.slice(k);
  }
  return undefined;
}

export function continuesTrail(before: readonly VerseKey[], answer: readonly VerseKey[]): boolean {
  return newVerses(before, answer) !== undefined;
}

/** Unconfirmed answers kept for the next windows to confirm: two, so one stray window between (37:182 for 1:2) does not lose the answer before it. */
const PENDING_KEPT = 2;

/**
 * The trail of verses recited so far. A window's answer that carries it on is taken at once. Any
 * other — the first answer, or a jump elsewhere — waits for a later window's answer to carry it
 * on: a window cut in the middle of a verse can look like the start of another one (113:1 for
 * 114:1, حمٓ inside الٓمٓ). The basmala heard alone always waits: before a surah it opens that
 * surah and is no verse; only Al-Fatiha's 1:2 after it makes it 1:1.
 */
export class Trail<V extends VerseKey> {
  private trail: V[] = [];
  /** Unconfirmed answers, oldest first. */
  private pending: (readonly V[])[] = [];

  get verses(): readonly V[] {
    return this.trail;
  }

  /**
   * Takes a window's answer (empty: nothing recognised) and returns the verses it added.
   * `last`: no window will follow, so an input that never had a trail keeps this answer.
   */
  take(answer: readonly V[], last = false): V[] {
    if (answer.length === 0) return [];
    const keepAtEnd = last && this.trail.length === 0;
    const added =
      isBasmalaAlone(answer) && !keepAtEnd
        ? undefined
        : (newVerses(this.trail, answer) ?? this.confirmedWaiting(answer) ?? (keepAtEnd ? [...answer] : undefined));
    if (!added) {
      this.pending = [...this.pending, answer].slice(-PENDING_KEPT);
      return [];
    }
    this.pending = [];
    this.trail = [...this.trail, ...added];
    return added;
  }

  /** The newest waiting answer that `answer` carries on, with what it adds, as new verses of the trail. */
  private confirmedWaiting(answer: readonly V[]): V[] | undefined {
    for (const waiting of [...this.pending].reverse()) {
      const after = newVerses(waiting, answer);
      if (after) return appendWithoutOverlap(this.trail, [...waiting, ...after]).slice(this.trail.length);
    }
    return undefined;
  }
}
