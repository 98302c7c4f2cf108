/**
 * How long a file says it is, read from its own bytes before any decoding: so a 2-hour recording
 * is refused at once rather than after decoding 30 minutes of it (or, in a browser, after
 * decoding all of it into memory). Pure byte reading, so the web app's in-browser path uses it too.
 */
import { flacDeclaredDurationS, isFlac } from './flac.js';
import { mayBeMp3, mpegDeclaredDurationS } from './mpegFrames.js';
import { isOggOpus, opusDeclaredDurationS } from './oggPages.js';
import { isWav, wavHeldDurationS } from './wav.js';

/**
 * The length declared by an Ogg Opus stream's granule positions, an MP3's LAME/Xing frame count
 * or FLAC's STREAMINFO, or the length of the samples a WAVE file holds; undefined for other
 * formats or where the header does not say. `bytes` is the whole file (FLAC's first bytes are
 * enough).
 */
export function declaredDurationS(bytes: Uint8Array): number | undefined {
  if (isOggOpus(bytes)) return opusDeclaredDurationS(bytes);
  if (isFlac(bytes)) return flacDeclaredDurationS(bytes);
  if (isWav(bytes)) return wavHeldDurationS(bytes);
  if (mayBeMp3(bytes)) return mpegDeclaredDurationS(bytes);
  return undefined;
}
