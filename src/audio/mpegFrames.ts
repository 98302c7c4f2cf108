/**
 * What MPEG audio's frame headers (ISO/IEC 11172-3, 13818-3) and a LAME/Xing header say without
 * decoding: where the first frame starts, how long the file declares it is, and whether its last
 * frame is whole. Pure byte reading, so the web app's in-browser path uses it too.
 */

const ID3_HEADER_BYTES = 10;
/** Sample rates by version (MPEG-1, MPEG-2, MPEG-2.5) and the header's 2-bit index. */
const SAMPLE_RATES = { mpeg1: [44100, 48000, 32000], mpeg2: [22050, 24000, 16000], mpeg25: [11025, 12000, 8000] } as const;

/**
 * True when `head` starts like MPEG audio: an ID3v2 tag (the frame after it
 * is checked once the whole file is read) or an MPEG audio frame header.
 */
export function mayBeMp3(head: Uint8Array): boolean {
  return startsWithId3(head) || frameHeaderAt(head, 0) !== undefined;
}

function startsWithId3(bytes: Uint8Array): boolean {
  return bytes.length >= ID3_HEADER_BYTES && bytes[0] === 0x49 && bytes[1] === 0x44 && bytes[2] === 0x33; // "ID3"
}

/** Slack between the length a header declares and the length decoded: the header counts the encoder's padding too. */
const DECLARED_LENGTH_SLACK_S = 0.5;

/**
 * True when MPEG audio decoded to `decodedS` seconds was cut off: it is shorter than its
 * LAME/Xing header says, or its last frame is torn (the frames, walked by their headers' lengths,
 * run past the end of the data). Encoders write whole frames; a file cut at a byte picked at
 * random tears one unless it falls exactly between two. Anything after the frames that is not
 * a frame (an ID3v1 or APE tag) ends the walk without a verdict.
 */
export function mp3EndsEarly(bytes: Uint8Array, decodedS: number): boolean {
  const first = firstFrameAt(bytes);
  if (first === undefined) return false;
  const declared = mpegDeclaredDurationS(bytes);
  return (declared !== undefined && decodedS < declared - DECLARED_LENGTH_SLACK_S) || lastFrameTorn(bytes, first);
}

function lastFrameTorn(bytes: Uint8Array, first: number): boolean {
  let at = first;
  while (at < bytes.length) {
    const header = frameHeaderAt(bytes, at);
    // No frame here: a tag after the frames (no verdict), or a header torn in two (fewer than its 4 bytes left, starting like one).
    if (!header) return bytes.length - at < 4 && bytes[at] === 0xff;
    if (header.frameBytes === 0) return false; // free format: the frame's length is not in its header
    if (at + header.frameBytes > bytes.length) return true;
    at += header.frameBytes;
  }
  return false;
}

/** Where the first frame starts (after any ID3v2 tag); undefined when no frame header is there. */
export function firstFrameAt(bytes: Uint8Array): number | undefined {
  const at = firstFrameOffset(bytes);
  return frameHeaderAt(bytes, at) ? at : undefined;
}

/** Where the first frame should start: after the ID3v2 tag, if there is one. */
function firstFrameOffset(bytes: Uint8Array): number {
  if (!startsWithId3(bytes)) return 0;
  // The tag size is 4 "syncsafe" bytes of 7 bits each, not counting the header or an optional footer.
  const size = ((bytes[6]! & 0x7f) << 21) | ((bytes[7]! & 0x7f) << 14) | ((bytes[8]! & 0x7f) << 7) | (bytes[9]! & 0x7f);
  const hasFooter = (bytes[5]! & 0x10) !== 0;
  return ID3_HEADER_BYTES + size + (hasFooter ? ID3_HEADER_BYTES : 0);
}

/** What an MPEG audio frame header says. */
export interface FrameHeader {
  readonly mpeg1: boolean;
  /** 1, 2 or 3. */
  readonly layer: number;
  readonly sampleRate: number;
  readonly mono: boolean;
  readonly samplesPerFrame: number;
  /** The whole frame's length, header included; 0 for free format, whose length no header gives. */
  readonly frameBytes: number;
}

/** Bit rates in kb/s by the header's 4-bit index (15 is reserved). */
const BIT_RATES = {
  mpeg1: [
    [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  ],
  mpeg2: [
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  ],
} as const;

/** The frame header at `at`: 11 sync bits, then no reserved version, layer, bit rate or sample rate; undefined otherwise. */
export function frameHeaderAt(bytes: Uint8Array, at: number): FrameHeader | undefined {
  if (bytes.length < at + 4) return undefined;
  const [b0, b1, b2, b3] = [bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!];
  const version = (b1 >> 3) & 3; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5, 1: reserved
  const layerBits = (b1 >> 1) & 3; // 0 is reserved in MPEG audio, and is what AAC's ADTS headers carry
  const bitRateIndex = b2 >> 4;
  const sampleRateIndex = (b2 >> 2) & 3;
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0 || version === 1 || layerBits === 0 || bitRateIndex === 15 || sampleRateIndex === 3) return undefined;
  const mpeg1 = version === 3;
  const layer = 4 - layerBits; // the header counts down: 3 is layer I
  const sampleRate = (mpeg1 ? SAMPLE_RATES.mpeg1 : version === 2 ? SAMPLE_RATES.mpeg2 : SAMPLE_RATES.mpeg25)[sampleRateIndex]!;
  const bitRate = (mpeg1 ? BIT_RATES.mpeg1 : BIT_RATES.mpeg2)[layer - 1]![bitRateIndex]! * 1000;
  const padding = (b2 >> 1) & 1;
  const samplesPerFrame = layer === 1 ? 384 : layer === 2 || mpeg1 ? 1152 : 576;
  const frameBytes = layer === 1 ? (Math.floor((12 * bitRate) / sampleRate) + padding) * 4 : Math.floor((samplesPerFrame / 8) * bitRate / sampleRate) + padding;
  return { mpeg1, layer, sampleRate, mono: b3 >> 6 === 3, samplesPerFrame, frameBytes };
}

/**
 * The length a LAME/Xing ("Xing" or "Info") header in the first frame (after any ID3v2 tag)
 * declares, from its frame count; undefined when there is no such frame or header.
 */
export function mpegDeclaredDurationS(bytes: Uint8Array): number | undefined {
  const at = firstFrameOffset(bytes);
  const header = frameHeaderAt(bytes, at);
  if (!header) return undefined;
  // The header follows the frame header and the layer III side information.
  const sideInfo = header.mpeg1 ? (header.mono ? 17 : 32) : header.mono ? 9 : 17;
  const tag = at + 4 + sideInfo;
  if (bytes.length < tag + 12) return undefined;
  const id = String.fromCharCode(bytes[tag]!, bytes[tag + 1]!, bytes[tag + 2]!, bytes[tag + 3]!);
  if (id !== 'Xing' && id !== 'Info') return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset + tag + 4, 8);
  const hasFrameCount = (view.getUint32(0) & 1) !== 0;
  return hasFrameCount ? (view.getUint32(4) * header.samplesPerFrame) / header.sampleRate : undefined;
}
