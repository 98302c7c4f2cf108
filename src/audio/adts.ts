/**
 * Raw AAC (ADTS: one header per frame, ISO/IEC 13818-7) is decoded by ffmpeg, which reads a
 * file cut off with only the decoding errors that damage inside a file gives too. Each header
 * holds its frame's length, so walking the frames tells whether the last one is whole.
 */

const HEADER_BYTES = 7;

/** True when the data starts with an ADTS header: 12 sync bits, then layer 0. */
export function isAdts(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0xff && (head[1]! & 0xf6) === 0xf0;
}

/**
 * True when the frames, walked by their headers' lengths, run past the end of the data: the
 * last one was torn. Anything after the frames that is not a frame ends the walk without a verdict.
 */
export function adtsEndsEarly(bytes: Uint8Array): boolean {
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < HEADER_BYTES) return bytes[at] === 0xff; // a header torn in two
    if (!isAdts(bytes.subarray(at, at + 2))) return false;
    const frameBytes = ((bytes[at + 3]! & 0x03) << 11) | (bytes[at + 4]! << 3) | (bytes[at + 5]! >> 5);
    if (frameBytes < HEADER_BYTES) return false;
    if (at + frameBytes > bytes.length) return true;
    at += frameBytes;
  }
  return false;
}
