/**
 * What an Ogg stream's pages (RFC 3533) say without decoding them: whether it starts as Opus,
 * whether it ends with its last page, and how long an Opus stream is. Pure byte reading, so the
 * web app's in-browser path uses it too.
 */

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
export function opusDeclaredDurationS(bytes: Uint8Array): number | undefined {
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
