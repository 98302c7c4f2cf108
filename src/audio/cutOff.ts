/**
 * Whether a file was cut off (see DecodedAudio.cutOff), told by its format's own bytes: ffmpeg
 * decodes such files with exit code 0 and no word, and a browser's decoder says nothing either.
 * Pure byte reading, so the web app's in-browser path uses it too.
 */
import { adtsEndsEarly, isAdts } from './adts.js';
import { flacEndsEarly, isFlac } from './flac.js';
import { mp3EndsEarly, mayBeMp3 } from './mpegFrames.js';
import { isOgg, oggEndsEarly } from './oggPages.js';
import type { DecodedAudio } from './samples.js';
import { isWav, wavEndsEarly } from './wav.js';

/** How a format's own bytes tell that a file stops before its end, whichever decoder reads it. */
interface CutOffCheck {
  readonly sniff: (head: Uint8Array) => boolean;
  /** 'head': the first bytes can tell (any file); 'all': only the whole file can (files read into memory). */
  readonly reads: 'head' | 'all';
  /** Whether the data (`whole`: the whole file, else its first bytes), decoded to `decodedS` seconds, stops before the end its format declares. */
  readonly endsEarly: (bytes: Uint8Array, decodedS: number, whole: boolean) => boolean;
}

const CUT_OFF_CHECKS: readonly CutOffCheck[] = [
  { sniff: isOgg, reads: 'all', endsEarly: oggEndsEarly },
  { sniff: isWav, reads: 'head', endsEarly: wavEndsEarly },
  { sniff: mayBeMp3, reads: 'all', endsEarly: mp3EndsEarly },
  { sniff: isFlac, reads: 'head', endsEarly: flacEndsEarly },
  { sniff: isAdts, reads: 'all', endsEarly: adtsEndsEarly },
];

/** Whether audio decoded to `decodedS` seconds is less than the file declares (see DecodedAudio.cutOff). */
export type EndsEarly = (decodedS: number) => boolean;

/** The first bytes of a file that sniffing its format and the 'head' checks need (a WAVE file's data chunk may follow metadata). */
export const HEAD_BYTES = 4096;

/**
 * How to tell that a file was cut off, from its first bytes (`head`, HEAD_BYTES or all there are) or all of them
 * (`bytes`, when read); undefined where nothing tells.
 */
export function endsEarlyCheck(head: Uint8Array, bytes: Uint8Array | undefined): EndsEarly | undefined {
  const check = cutOffCheckFor(head);
  if (!check) return undefined;
  if (bytes) return (s) => check.endsEarly(bytes, s, true);
  return check.reads === 'head' ? (s) => check.endsEarly(head, s, false) : undefined;
}

export function cutOffCheckFor(head: Uint8Array): CutOffCheck | undefined {
  return CUT_OFF_CHECKS.find((c) => c.sniff(head));
}

/** Marks audio whose file stops early, where its format says so (ffmpeg marks what it reports itself). */
export function withCutOff(audio: DecodedAudio, endsEarly: EndsEarly | undefined): DecodedAudio {
  return endsEarly?.(audio.durationS) ? { ...audio, cutOff: true } : audio;
}
