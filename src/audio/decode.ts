/**
 * Any recording to 16 kHz mono float32 samples, through ffmpeg.
 *
 * Why ffmpeg: one decoder for every container and codec people actually send
 * (wav, mp3, ogg/opus, flac, m4a/aac, webm, phone and browser recordings),
 * installed and patched by the OS package manager (Debian: `apt install
 * ffmpeg`). The wasm/JS decoders each cover a few formats, so supporting the
 * same set would take several of them, and they lag on codec fixes.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { endianness, tmpdir } from 'node:os';
import { join } from 'node:path';
import { AudioError } from './errors.js';

export const SAMPLE_RATE = 16000;
export const DEFAULT_MAX_DURATION_S = 30 * 60;
const BYTES_PER_SAMPLE = 4;

export interface DecodedAudio {
  /** Mono samples in [-1, 1]. */
  readonly samples: Float32Array;
  readonly sampleRate: typeof SAMPLE_RATE;
  readonly durationS: number;
}

export interface DecodeOptions {
  /** Fail with code 'too_long' past this much audio, in seconds (default 30 minutes). */
  readonly maxDurationS?: number;
  /** The ffmpeg executable (default: $AYAT_FFMPEG, else `ffmpeg` on PATH, /usr/bin/ffmpeg on Debian). */
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
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new AudioError('unreadable', `cannot read ${label}: it is a directory, not an audio file`);
    if (info.isFile() && info.size === 0) throw new AudioError('empty', `cannot read ${label}: the file is empty`);
  } catch (e) {
    throw e instanceof AudioError ? e : fileSystemError(e, label);
  }
  // `file:` keeps ffmpeg from reading a path such as "concat:a|b" or "http://..." as a protocol.
  return runFfmpeg({ input: `file:${path}`, protocols: 'file', label, maxDurationS, ffmpegPath: ffmpegPathFor(opts) });
}

/** Decodes a whole recording held in memory (an upload, a fetch body). */
export async function decodeAudioBytes(bytes: Uint8Array, opts: DecodeBytesOptions = {}): Promise<DecodedAudio> {
  const maxDurationS = maxDurationFor(opts);
  const label = opts.name ?? 'audio data';
  if (bytes.length === 0) throw new AudioError('empty', `cannot read ${label}: it is empty`);
  const ffmpegPath = ffmpegPathFor(opts);
  if (!needsSeeking(bytes)) {
    return runFfmpeg({ input: 'pipe:0', protocols: 'pipe', stdin: bytes, label, maxDurationS, ffmpegPath });
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

interface FfmpegJob {
  readonly input: string;
  /** Which ffmpeg protocols the input may use (nothing from the network). */
  readonly protocols: string;
  readonly stdin?: Uint8Array;
  readonly label: string;
  readonly maxDurationS: number;
  readonly ffmpegPath: string;
}

const STDERR_KEEP = 16 * 1024;

function runFfmpeg(job: FfmpegJob): Promise<DecodedAudio> {
  const args = [
    '-nostdin', '-hide_banner', '-v', 'error',
    '-protocol_whitelist', job.protocols,
    '-i', job.input,
    '-map', '0:a:0', '-vn', '-sn', '-dn',
    // Averages channels (rematrix_maxval=1) where plain `-ac 1` sums stereo at
    // 1/sqrt(2) each, which would push full-scale audio past ±1.
    '-af', `aresample=${SAMPLE_RATE}:rematrix_maxval=1.0,aformat=sample_fmts=flt:channel_layouts=mono`,
    '-f', 'f32le', '-ac', '1', '-ar', String(SAMPLE_RATE), 'pipe:1',
  ];
  const maxBytes = Math.ceil(job.maxDurationS * SAMPLE_RATE) * BYTES_PER_SAMPLE;

  return new Promise<DecodedAudio>((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void): void => {
      if (!settled) {
        settled = true;
        f();
      }
    };
    const child = spawn(job.ffmpegPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });

    let chunks: Buffer[] = [];
    let byteCount = 0;
    let tooLong = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (tooLong) return;
      byteCount += chunk.length;
      if (byteCount > maxBytes) {
        // Stop here rather than buffer a 2-hour file into memory.
        tooLong = true;
        chunks = [];
        child.kill('SIGKILL');
        return;
      }
      chunks.push(chunk);
    });

    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      if (stderr.length < STDERR_KEEP) stderr += text;
    });

    // ffmpeg may stop reading early (bad data, or killed): EPIPE here is expected.
    child.stdin.on('error', () => {});
    if (job.stdin) child.stdin.end(job.stdin);
    else child.stdin.end();

    child.on('error', (e: NodeJS.ErrnoException) => {
      settle(() => reject(spawnError(e, job)));
    });

    child.on('close', (exitCode, signal) => {
      settle(() => {
        if (tooLong) {
          reject(new AudioError('too_long', `${job.label} is too long: over the ${describeLimit(job.maxDurationS)} limit`));
        } else if (signal) {
          reject(new AudioError('unreadable', `cannot read ${job.label}: ffmpeg was stopped by ${signal}`));
        } else if (exitCode !== 0) {
          reject(ffmpegError(stderr, job.label));
        } else if (byteCount < BYTES_PER_SAMPLE) {
          reject(new AudioError('empty', `cannot read ${job.label}: it contains no audio`));
        } else {
          const samples = joinSamples(chunks, byteCount);
          resolve({ samples, sampleRate: SAMPLE_RATE, durationS: samples.length / SAMPLE_RATE });
        }
      });
    });
  });
}

function spawnError(e: NodeJS.ErrnoException, job: FfmpegJob): AudioError {
  if (e.code === 'ENOENT' || e.code === 'EACCES') {
    return new AudioError(
      'decoder_missing',
      `cannot decode ${job.label}: ffmpeg not found at "${job.ffmpegPath}" (install it: apt install ffmpeg)`,
      { cause: e },
    );
  }
  return new AudioError('decoder_missing', `cannot decode ${job.label}: ffmpeg failed to start (${e.code ?? e.message})`, { cause: e });
}

function ffmpegError(stderr: string, label: string): AudioError {
  const cause = new Error(stderr.trim() || 'ffmpeg failed without a message');
  if (/matches no streams|does not contain any stream/.test(stderr)) {
    return new AudioError('empty', `cannot read ${label}: it contains no audio track`, { cause });
  }
  if (/No such file or directory/.test(stderr)) return new AudioError('not_found', `cannot read ${label}: no such file`, { cause });
  if (/Permission denied/.test(stderr)) return new AudioError('unreadable', `cannot read ${label}: permission denied`, { cause });
  if (/Is a directory/.test(stderr)) {
    return new AudioError('unreadable', `cannot read ${label}: it is a directory, not an audio file`, { cause });
  }
  return new AudioError('unreadable', `cannot read ${label}: not an audio file or the file is damaged`, { cause });
}

const HOST_IS_LITTLE_ENDIAN = endianness() === 'LE';

/** Concatenates ffmpeg's little-endian float chunks, clamped to [-1, 1] and with NaN as 0. */
function joinSamples(chunks: readonly Buffer[], byteCount: number): Float32Array {
  const samples = new Float32Array(Math.floor(byteCount / BYTES_PER_SAMPLE));
  const bytes = new Uint8Array(samples.buffer);
  let offset = 0;
  for (const chunk of chunks) {
    const n = Math.min(chunk.length, bytes.length - offset);
    bytes.set(chunk.subarray(0, n), offset);
    offset += n;
  }
  if (!HOST_IS_LITTLE_ENDIAN) {
    for (let i = 0; i < bytes.length; i += 4) {
      const b0 = bytes[i]!;
      const b1 = bytes[i + 1]!;
      bytes[i] = bytes[i + 3]!;
      bytes[i + 1] = bytes[i + 2]!;
      bytes[i + 2] = b1;
      bytes[i + 3] = b0;
    }
  }
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]!;
    if (v > 1) samples[i] = 1;
    else if (v < -1) samples[i] = -1;
    else if (v !== v) samples[i] = 0;
  }
  return samples;
}

/** "30-minute", "2-second": reads as an adjective before "limit". */
function describeLimit(s: number): string {
  return s >= 60 && s % 60 === 0 ? `${s / 60}-minute` : `${s}-second`;
}
