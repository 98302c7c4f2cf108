/**
 * FLAC is decoded by ffmpeg, which reads a FLAC file cut off without a word; its first metadata
 * block (STREAMINFO, RFC 9639) says how many samples the whole stream holds.
 */

/** Bytes from the start of the file to the end of STREAMINFO's sample count. */
const FLAC_HEAD_BYTES = 26;

/** Slack between the declared and the decoded length, for decoders that drop a partial last frame. */
const SLACK_S = 0.1;

export function isFlac(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x66 && head[1] === 0x4c && head[2] === 0x61 && head[3] === 0x43; // "fLaC"
}

/** The length STREAMINFO declares, in seconds; undefined when it is missing or says "unknown" (0 samples). */
export function flacDeclaredDurationS(head: Uint8Array): number | undefined {
  if (!isFlac(head) || head.length < FLAC_HEAD_BYTES || (head[4]! & 0x7f) !== 0) return undefined; // block type 0: STREAMINFO
  // After the block header (4 bytes) and the block and frame sizes (10 bytes): sample rate (20 bits),
  // channels (3), bits per sample (5), total samples (36).
  const at = 18;
  const sampleRate = (head[at]! << 12) | (head[at + 1]! << 4) | (head[at + 2]! >> 4);
  const low = ((head[at + 4]! << 24) | (head[at + 5]! << 16) | (head[at + 6]! << 8) | head[at + 7]!) >>> 0;
  const total = (head[at + 3]! & 0x0f) * 2 ** 32 + low;
  return sampleRate > 0 && total > 0 ? total / sampleRate : undefined;
}

/** True when FLAC decoded to `decodedS` seconds is shorter than its STREAMINFO says: the file was cut off. */
export function flacEndsEarly(head: Uint8Array, decodedS: number): boolean {
  const declared = flacDeclaredDurationS(head);
  return declared !== undefined && decodedS < declared - SLACK_S;
}
