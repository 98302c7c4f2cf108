/**
 * RIFF WAVE with plain PCM or float samples, read in-process: no ffmpeg
 * process to start (about 100 ms) for the commonest uncompressed format.
 * Anything else inside a WAVE file (µ-law, ADPCM, ...) goes to ffmpeg.
 */
import { resample } from './resample.js';
import { finishSamples, SAMPLE_RATE, tooLongError, type DecodedAudio } from './samples.js';

const FORMAT_PCM = 0x0001;
const FORMAT_FLOAT = 0x0003;
const FORMAT_ALAW = 0x0006;
const FORMAT_MULAW = 0x0007;
const FORMAT_EXTENSIBLE = 0xfffe;

interface WavFormat {
  readonly encoding: 'int' | 'float';
  readonly bitsPerSample: 8 | 16 | 24 | 32 | 64;
  readonly channels: number;
  readonly sampleRate: number;
}

/** True when `head` (12 bytes or more) starts a RIFF WAVE file. */
export function isWav(head: Uint8Array): boolean {
  return ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WAVE';
}

/**
 * Decodes a WAVE file to 16 kHz mono (channels averaged). Resolves
 * `undefined` for what it does not read (compressed samples, no format or
 * data chunk, a header that makes no sense): ffmpeg then decides, so errors
 * read the same either way. Rejects only for too much audio.
 */
export function decodeWav(bytes: Uint8Array, label: string, maxDurationS: number): DecodedAudio | undefined {
  if (!isWav(bytes)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: WavFormat | undefined;
  for (const { id, body, size } of riffChunks(bytes)) {
    if (id === 'fmt ') {
      format = readFormat(view, body, size);
      if (!format) return undefined;
    } else if (id === 'data') {
      if (!format) return undefined;
      // Recorders that were cut off, or that stream, leave the size too big (often 0xFFFFFFFF): read what is there.
      const available = Math.min(size, bytes.length - body);
      const frameBytes = (format.bitsPerSample / 8) * format.channels;
      const frames = Math.floor(available / frameBytes);
      if (frames === 0) return undefined;
      if (frames > maxDurationS * format.sampleRate) throw tooLongError(label, maxDurationS);
      const mono = readMono(view, body, frames, format);
      return finishSamples(format.sampleRate === SAMPLE_RATE ? mono : resample(mono, format.sampleRate, SAMPLE_RATE));
    }
  }
  return undefined;
}

/**
 * A data size a recorder writes before it knows the length (streaming, or still recording):
 * zero, or the largest size the field holds, signed or not.
 */
const isPlaceholderSize = (size: number): boolean => size === 0 || size >= 0x7fff_f000;

/** Slack between the declared and the decoded length, for a resampler that ends a few samples short. */
const DECLARED_LENGTH_SLACK_S = 0.1;

/** Where a WAVE file's data chunk starts, its declared size, and the byte rate of the format chunk before it (see byteRate). */
interface DataChunk {
  readonly body: number;
  readonly size: number;
  readonly bytesPerSecond: number | undefined;
}

/** The first data chunk in `bytes` (a whole file or its first bytes), with the format chunk read on the way. */
function dataChunkOf(bytes: Uint8Array): DataChunk | undefined {
  if (!isWav(bytes)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let bytesPerSecond: number | undefined;
  for (const { id, body, size } of riffChunks(bytes)) {
    if (id === 'fmt ') bytesPerSecond = byteRate(view, body, size);
    else if (id === 'data') return { body, size, bytesPerSecond };
  }
  return undefined;
}

/**
 * The length a WAVE file's data chunk declares, in seconds, read from the first bytes up to that
 * chunk's header (`head`), for PCM, float and G.711 (µ-law, A-law) samples. Undefined for other
 * codecs, a streaming recorder's placeholder size, or a data chunk that starts beyond `head`.
 */
export function wavDeclaredDurationS(head: Uint8Array): number | undefined {
  const data = dataChunkOf(head);
  return data?.bytesPerSecond && !isPlaceholderSize(data.size) ? data.size / data.bytesPerSecond : undefined;
}

/**
 * How long the audio a WAVE file holds is, in seconds, without decoding it: its data chunk's
 * size, or the bytes there are if fewer (a cut-off file is heard, not refused); for the samples
 * wavDeclaredDurationS knows. Given only a file's first bytes, it says only what they hold.
 */
export function wavHeldDurationS(bytes: Uint8Array): number | undefined {
  const data = dataChunkOf(bytes);
  if (!data?.bytesPerSecond) return undefined;
  const held = Math.max(0, bytes.length - data.body);
  return (isPlaceholderSize(data.size) ? held : Math.min(data.size, held)) / data.bytesPerSecond;
}

/**
 * True when a WAVE file was cut off: its data chunk declares more than there is, and the size is
 * not a streaming recorder's placeholder. With the whole file (`whole`), the declared size is
 * checked against the bytes there are, for any codec; with its first bytes only (a file streamed
 * through ffmpeg), the declared length against the `decodedS` seconds decoded.
 */
export function wavEndsEarly(bytes: Uint8Array, decodedS: number, whole: boolean): boolean {
  if (!whole) {
    const declared = wavDeclaredDurationS(bytes);
    return declared !== undefined && decodedS < declared - DECLARED_LENGTH_SLACK_S;
  }
  const data = dataChunkOf(bytes);
  return data !== undefined && !isPlaceholderSize(data.size) && data.body + data.size > bytes.length;
}

/**
 * Bytes per second of the samples a format chunk describes, where they have a fixed size: PCM and
 * float (read in-process), G.711 µ-law and A-law (one byte a sample). Not from the header's own
 * byte-rate field: ffmpeg writes ADPCM's wrong (16,000 for 48-kHz IMA ADPCM, which takes 24,000).
 */
function byteRate(view: DataView, at: number, size: number): number | undefined {
  const format = readFormat(view, at, size);
  if (format) return (format.bitsPerSample / 8) * format.channels * format.sampleRate;
  if (size < 16 || at + size > view.byteLength) return undefined;
  const tag = view.getUint16(at, true);
  return tag === FORMAT_ALAW || tag === FORMAT_MULAW ? view.getUint16(at + 2, true) * view.getUint32(at + 4, true) : undefined;
}

function* riffChunks(bytes: Uint8Array): Generator<{ id: string; body: number; size: number }> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 12; at + 8 <= bytes.length; ) {
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    yield { id: ascii(bytes, at, 4), body, size };
    at = body + size + (size % 2); // chunks are padded to an even length
  }
}

function readFormat(view: DataView, at: number, size: number): WavFormat | undefined {
  if (size < 16 || at + size > view.byteLength) return undefined;
  let tag = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const bitsPerSample = view.getUint16(at + 14, true);
  if (tag === FORMAT_EXTENSIBLE) {
    if (size < 40) return undefined;
    tag = view.getUint16(at + 24, true); // the sub-format GUID starts with the plain format tag
  }
  if (channels === 0 || sampleRate === 0) return undefined;
  if (tag === FORMAT_PCM && (bitsPerSample === 8 || bitsPerSample === 16 || bitsPerSample === 24 || bitsPerSample === 32)) {
    return { encoding: 'int', bitsPerSample, channels, sampleRate };
  }
  if (tag === FORMAT_FLOAT && (bitsPerSample === 32 || bitsPerSample === 64)) {
    return { encoding: 'float', bitsPerSample, channels, sampleRate };
  }
  return undefined;
}

/** Interleaved frames to one channel, averaged, with integers scaled to [-1, 1) as ffmpeg does. */
function readMono(view: DataView, at: number, frames: number, format: WavFormat): Float32Array {
  const read = sampleReader(view, format);
  const sampleBytes = format.bitsPerSample / 8;
  const out = new Float32Array(frames);
  const scale = 1 / format.channels;
  let offset = at;
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < format.channels; c++, offset += sampleBytes) sum += read(offset);
    out[i] = sum * scale;
  }
  return out;
}

function sampleReader(view: DataView, { encoding, bitsPerSample }: WavFormat): (offset: number) => number {
  if (encoding === 'float') return bitsPerSample === 32 ? (o) => view.getFloat32(o, true) : (o) => view.getFloat64(o, true);
  switch (bitsPerSample) {
    case 8:
      return (o) => (view.getUint8(o) - 128) / 128; // 8-bit WAVE is unsigned
    case 16:
      return (o) => view.getInt16(o, true) / 32768;
    case 24:
      return (o) => ((view.getInt8(o + 2) << 16) | (view.getUint8(o + 1) << 8) | view.getUint8(o)) / 8388608;
    default:
      return (o) => view.getInt32(o, true) / 2147483648;
  }
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  if (bytes.length < at + length) return '';
  return String.fromCharCode(...bytes.subarray(at, at + length));
}
