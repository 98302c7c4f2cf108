/**
 * The verses recited so far, as a recitation is followed window by window: by `ayat follow`
 * (src/engine/follow.ts) and by the web app's live panel (web/src/liveFollow.ts). This file
 * imports nothing, so the browser bundle takes it as it is.
 */
export interface VerseKey {
  readonly surah: number;
  readonly ayah: number;
}

const sameVerse = (a: VerseKey, b: VerseKey): boolean => a.surah === b.surah && a.ayah === b.ayah;

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
 * Whether `answer` carries on from `before`: it starts on one of before's last three verses (an
 * 8-s window looked at every 2 s hears much of what the last one did) or on the ayah after its
 * last. A new surah does not: its first answer waits for confirmation like any jump.
 */
export function continuesTrail(before: readonly VerseKey[], answer: readonly VerseKey[]): boolean {
  const first = answer[0];
  const last = before[before.length - 1];
  if (!first || !last) return false;
  return before.slice(-3).some((v) => sameVerse(v, first)) || (first.surah === last.surah && first.ayah === last.ayah + 1);
}

/**
 * The trail of verses recited so far. A window's answer that carries it on is taken at once. Any
 * other — the first answer, or a jump elsewhere — waits for the next window's answer to carry
 * it on: a window cut in the middle of a verse can look like the start of another one (113:1
 * for 114:1, حمٓ inside الٓمٓ).
 */
export class Trail<V extends VerseKey> {
  private trail: V[] = [];
  private pending: readonly V[] | undefined;

  get verses(): readonly V[] {
    return this.trail;
  }

  /**
   * Takes a window's answer (empty: nothing recognised) and returns the verses it added.
   * `last`: no window will follow, so an input that never had a trail keeps this answer.
   */
  take(answer: readonly V[], last = false): V[] {
    if (answer.length === 0) return [];
    let taken: readonly V[] | undefined;
    if (continuesTrail(this.trail, answer)) taken = answer;
    else if (this.pending && continuesTrail(this.pending, answer)) taken = appendWithoutOverlap(this.pending, answer);
    else if (last && this.trail.length === 0) taken = answer;
    this.pending = taken ? undefined : answer;
    if (!taken) return [];
    const before = this.trail.length;
    this.trail = appendWithoutOverlap(this.trail, taken);
    return this.trail.slice(before);
  }
}
