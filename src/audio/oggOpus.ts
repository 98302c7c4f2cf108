/**
 * Ogg Opus decoded in-process with libopus compiled to WebAssembly
 * (ogg-opus-decoder), straight to 16 kHz.
 *
 * Why a second decoder beside ffmpeg: starting an ffmpeg process costs about
 * 100 ms, half the time it takes to identify a 10-s clip, while this decodes
 * the same clip in 10–20 ms. Ogg Opus is what the benchmark, the training data
 * and many phone and browser recorders use. libopus decodes at 16 kHz itself,
 * so nothing needs resampling. ffmpeg's own Opus decoder (which decoded the
 * training data) gives nearly the same samples for speech encoded at 16 kHz
 * (test/audio/decode.test.ts), less so for some 48 kHz recordings (README).
 */
import { OggOpusDecoder } from 'ogg-opus-decoder';
import { MonoCollector, runInProcess } from './collect.js';
import { refuseDeclaredTooLong, SAMPLE_RATE, type DecodedAudio } from './samples.js';

/** Bytes handed to the decoder at a time, so an over-long file stops early. */
const CHUNK_BYTES = 64 * 1024;

/** True when `head` (the first 64 bytes or more) starts an Ogg stream whose first packet is an Opus header (RFC 7845). */
export function isOggOpus(head: Uint8Array): boolean {
  if (head.length < 28 || !isOgg(head)) return false;
  const firstPacket = 27 + head[26]!; // page header, then one byte per segment
  return startsWith(head, firstPacket, 'OpusHead');
}

/**
 * True when the data ends with a whole Ogg page marked end-of-stream. A file
 * cut off mid-page goes to ffmpeg instead: ogg-opus-decoder (1.7.5) decodes
 * the torn page into seconds of noise, where ffmpeg stops at the cut.
 */
export function endsWithLastPage(bytes: Uint8Array): boolean {
  return lastPageAt(bytes) !== undefined;
}

/** Where the whole last page, marked end-of-stream, starts; undefined when the data does not end with one. */
function lastPageAt(bytes: Uint8Array): number | undefined {
  const MAX_PAGE_BYTES = 27 + 255 + 255 * 255;
  for (let at = bytes.length - 27; at >= Math.max(0, bytes.length - MAX_PAGE_BYTES); at--) {
    if (!startsWith(bytes, at, 'OggS')) continue;
    const segments = bytes[at + 26]!;
    let end = at + 27 + segments;
    if (end > bytes.length) return undefined;
    for (let i = 0; i < segments; i++) end += bytes[at + 27 + i]!;
    const endOfStream = (bytes[at + 5]! & 0x04) !== 0;
    return end === bytes.length && endOfStream ? at : undefined;
  }
  return undefined;
}

/** Opus counts granule positions at 48 kHz whatever the rate it was recorded at (RFC 7845). */
const OPUS_GRANULE_RATE = 48000;

/**
 * About how long the stream is, known without decoding it: from the end of its first audio page
 * to the end of its last page, by their granule positions. Never more than the stream holds (it
 * leaves out the first page's audio), also for a stream cut from a longer one, whose granule
 * positions start far from zero. Undefined without a last page or a first audio page.
 */
function declaredDurationS(bytes: Uint8Array): number | undefined {
  const last = lastPageAt(bytes);
  const first = firstAudioPageAt(bytes);
  if (last === undefined || first === undefined) return undefined;
  const span = granuleAt(bytes, last) - granuleAt(bytes, first);
  return span >= 0 ? span / OPUS_GRANULE_RATE : undefined;
}

/** A page's granule position: for Opus, the 48-kHz sample count at the end of its last packet; -1 for none. */
function granuleAt(bytes: Uint8Array, page: number): number {
  return Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigInt64(page + 6, true));
}

/** Where the first page with audio starts (the header pages' granule position is 0), looking at the first few pages. */
function firstAudioPageAt(bytes: Uint8Array): number | undefined {
  const PAGES_LOOKED_AT = 16;
  for (let at = 0, n = 0; n < PAGES_LOOKED_AT && at + 27 <= bytes.length && startsWith(bytes, at, 'OggS'); n++) {
    if (granuleAt(bytes, at) > 0) return at;
    const segments = bytes[at + 26]!;
    let next = at + 27 + segments;
    for (let i = 0; i < segments && at + 27 + i < bytes.length; i++) next += bytes[at + 27 + i]!;
    at = next;
  }
  return undefined;
}

/** True when the data starts with an Ogg page, of any codec. */
export function isOgg(head: Uint8Array): boolean {
  return startsWith(head, 0, 'OggS');
}

/** True for an Ogg stream (Opus or any other codec) that does not end with its last page: the file was cut off. */
export function oggEndsEarly(bytes: Uint8Array): boolean {
  return isOgg(bytes) && !endsWithLastPage(bytes);
}

function startsWith(bytes: Uint8Array, at: number, text: string): boolean {
  if (bytes.length < at + text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

/**
 * Decodes Ogg Opus to 16 kHz mono. Resolves `undefined` when the file is cut
 * off, or libopus reports damage or finds no audio: ffmpeg then decides what
 * to make of it, so both decoders fail with the same messages. Rejects only
 * for too much audio.
 */
export async function decodeOggOpus(bytes: Uint8Array, label: string, maxDurationS: number): Promise<DecodedAudio | undefined> {
  if (!endsWithLastPage(bytes)) return undefined;
  refuseDeclaredTooLong(declaredDurationS(bytes), label, maxDurationS);
  // ogg-opus-decoder's typings predate its sampleRate option, so the options go in as a variable.
  const options = { forceStereo: false, sampleRate: SAMPLE_RATE };
  return runInProcess(() => new OggOpusDecoder(options), async (decoder) => {
    await decoder.ready;
    const collector = new MonoCollector(label, maxDurationS);
    for (let at = 0; at <= bytes.length; at += CHUNK_BYTES) {
      const last = at + CHUNK_BYTES >= bytes.length;
      const decoded = await decoder.decode(bytes.subarray(at, at + CHUNK_BYTES));
      const flushed = last ? await decoder.flush() : undefined;
      for (const result of flushed ? [decoded, flushed] : [decoded]) {
        if (result.errors.length > 0) return undefined;
        // The collector counts the channels' samples, not samplesDecoded: on a stream cut off mid-page
        // the library adds the samples the last page promised but never decoded to samplesDecoded (1.7.5).
        if (!collector.add(result.channelData, result.sampleRate)) return undefined;
      }
      if (last) break;
    }
    return collector.finish();
  });
}
