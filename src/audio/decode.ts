/**
 * Any recording to 16 kHz mono float32 samples: Ogg Opus, WAVE and MP3
 * in-process (oggOpus.ts, wav.ts, mp3.ts: no process to start), everything
 * else through ffmpeg (ffmpeg.ts). An in-process decoder that finds the data
 * is not what the first bytes promised, or damaged, hands it to ffmpeg.
 */
import { mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cutOffCheckFor, endsEarlyCheck, HEAD_BYTES, withCutOff, type EndsEarly } from './cutOff.js';
import { declaredDurationS } from './declaredLength.js';
import { AudioError } from './errors.js';
import { runFfmpeg } from './ffmpeg.js';
import { decodeMp3 } from './mp3.js';
import { mayBeMp3 } from './mpegFrames.js';
import { decodeOggOpus } from './oggOpus.js';
import { isOggOpus } from './oggPages.js';
import { refuseDeclaredTooLong, type DecodedAudio } from './samples.js';
import { decodeWav, isWav } from './wav.js';

export { SAMPLE_RATE, type DecodedAudio } from './samples.js';
export const DEFAULT_MAX_DURATION_S = 30 * 60;
/** Files up to this size are read into memory and decoded in-process; larger ones stream through ffmpeg. */
const IN_PROCESS_MAX_BYTES = 64 * 1024 * 1024;

interface InProcessDecoder {
  /** Whether the first bytes (HEAD_BYTES, or all there are) look like this decoder's format. */
  readonly sniff: (head: Uint8Array) => boolean;
  /** `undefined` hands the data to ffmpeg. */
  readonly decode: (bytes: Uint8Array, label: string, maxDurationS: number) => Promise<DecodedAudio | undefined> | DecodedAudio | undefined;
}

const IN_PROCESS_DECODERS: readonly InProcessDecoder[] = [
  { sniff: isOggOpus, decode: decodeOggOpus },
  { sniff: isWav, decode: decodeWav },
  { sniff: mayBeMp3, decode: decodeMp3 },
];

export interface DecodeOptions {
  /** Fail with code 'too_long' past this much audio, in seconds (default 30 minutes). */
  readonly maxDurationS?: number;
  /** The ffmpeg executable (default: $AYAT_FFMPEG, else `ffmpeg` on PATH, /usr/bin/ffmpeg on Debian). Ogg Opus, WAVE and MP3 do not need it. */
  readonly ffmpegPath?: string;
}

export interface DecodeBytesOptions extends DecodeOptions {
  /** What to call the data in error messages, e.g. an upload's file name (default "audio data"). */
  readonly name?: string;
}

/** Decodes the audio file at `path`. Rejects with an AudioError that says what is wrong. */
export async function decodeAudioFile(path: string, opts: DecodeOptions = {}): Promise<DecodedAudio> {
  const maxDurationS = maxDurationFor(opts);
  const label = path;
  let endsEarly: EndsEarly | undefined;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new AudioError('unreadable', `cannot read ${label}: it is a directory, not an audio file`);
    if (info.isFile() && info.size === 0) throw new AudioError('empty', `cannot read ${label}: the file is empty`);
    const start = info.isFile() ? await readStart(path, info.size <= IN_PROCESS_MAX_BYTES) : undefined;
    if (start) refuseDeclaredTooLong(declaredDurationS(start.bytes ?? start.head), label, maxDurationS);
    endsEarly = start && endsEarlyCheck(start.head, start.bytes);
    const decoded = start?.bytes && (await decodeInProcess(start.head, start.bytes, label, maxDurationS));
    if (decoded) return withCutOff(decoded, endsEarly);
  } catch (e) {
    throw e instanceof AudioError ? e : fileSystemError(e, label);
  }
  // `file:` keeps ffmpeg from reading a path such as "concat:a|b" or "http://..." as a protocol.
  return withCutOff(await runFfmpeg({ input: `file:${path}`, protocols: 'file', label, maxDurationS, ffmpegPath: ffmpegPathFor(opts) }), endsEarly);
}

/** Decodes a whole recording held in memory (an upload, a fetch body). */
export async function decodeAudioBytes(bytes: Uint8Array, opts: DecodeBytesOptions = {}): Promise<DecodedAudio> {
  const maxDurationS = maxDurationFor(opts);
  const label = opts.name ?? 'audio data';
  if (bytes.length === 0) throw new AudioError('empty', `cannot read ${label}: it is empty`);
  const head = bytes.subarray(0, HEAD_BYTES);
  refuseDeclaredTooLong(declaredDurationS(bytes), label, maxDurationS);
  const endsEarly = endsEarlyCheck(head, bytes);
  const decoded = await decodeInProcess(head, bytes, label, maxDurationS);
  if (decoded) return withCutOff(decoded, endsEarly);
  const ffmpegPath = ffmpegPathFor(opts);
  if (!needsSeeking(bytes)) {
    return withCutOff(await runFfmpeg({ input: 'pipe:0', protocols: 'pipe', stdin: bytes, label, maxDurationS, ffmpegPath }), endsEarly);
  }
  const dir = await mkdtemp(join(tmpdir(), 'ayat-audio-'));
  try {
    const file = join(dir, 'input');
    await writeFile(file, bytes);
    return await runFfmpeg({ input: `file:${file}`, protocols: 'file', label, maxDurationS, ffmpegPath });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function inProcessDecoderFor(head: Uint8Array): InProcessDecoder | undefined {
  return IN_PROCESS_DECODERS.find((d) => d.sniff(head));
}

/** The audio, decoded in-process; undefined where the data is left to ffmpeg. */
async function decodeInProcess(head: Uint8Array, bytes: Uint8Array, label: string, maxDurationS: number): Promise<DecodedAudio | undefined> {
  return inProcessDecoderFor(head)?.decode(bytes, label, maxDurationS);
}

/**
 * The file's first bytes, and when it starts like a format decoded in-process or one whose cut-off
 * check reads it all (and `whole` allows), the whole file; nothing more is read otherwise.
 */
async function readStart(path: string, whole: boolean): Promise<{ head: Uint8Array; bytes?: Uint8Array }> {
  const file = await open(path, 'r');
  try {
    const buffer = new Uint8Array(HEAD_BYTES);
    const { bytesRead } = await file.read(buffer, 0, HEAD_BYTES, 0);
    const head = buffer.subarray(0, bytesRead);
    const readAll = whole && (inProcessDecoderFor(head) !== undefined || cutOffCheckFor(head)?.reads === 'all');
    return readAll ? { head, bytes: await file.readFile() } : { head };
  } finally {
    await file.close();
  }
}

/**
 * MP4/M4A/MOV files often keep their index ('moov' box) after the audio, and
 * ffmpeg cannot seek back in a pipe to read it; those go through a temp file.
 */
function needsSeeking(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  const box = String.fromCharCode(bytes[4]!, bytes[5]!, bytes[6]!, bytes[7]!);
  return ['ftyp', 'moov', 'mdat', 'wide', 'free', 'skip'].includes(box);
}

function maxDurationFor(opts: DecodeOptions): number {
  const maxDurationS = opts.maxDurationS ?? DEFAULT_MAX_DURATION_S;
  if (!(maxDurationS > 0) || !Number.isFinite(maxDurationS)) {
    throw new RangeError(`maxDurationS must be a positive number of seconds, got ${maxDurationS}`);
  }
  return maxDurationS;
}

function ffmpegPathFor(opts: DecodeOptions): string {
  return opts.ffmpegPath ?? (process.env['AYAT_FFMPEG'] || 'ffmpeg');
}

function fileSystemError(e: unknown, label: string): AudioError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new AudioError('not_found', `cannot read ${label}: no such file`, { cause: e });
  if (code === 'EACCES' || code === 'EPERM') return new AudioError('unreadable', `cannot read ${label}: permission denied`, { cause: e });
  return new AudioError('unreadable', `cannot read ${label}: ${code ?? 'unknown error'}`, { cause: e });
}

