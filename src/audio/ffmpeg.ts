/**
 * Any recording to 16 kHz mono float32 samples through an ffmpeg process.
 *
 * Why ffmpeg: one decoder for every container and codec people actually send
 * (wav, mp3, ogg/opus, flac, m4a/aac, webm, phone and browser recordings),
 * installed and patched by the OS package manager (Debian: `apt install
 * ffmpeg`). Its cost is the process start (most of the ~100 ms it takes for a
 * 10-s clip), so Ogg Opus, the most common format here, skips it (oggOpus.ts).
 */
import { spawn } from 'node:child_process';
import { endianness } from 'node:os';
import { AudioError } from './errors.js';
import { finishSamples, SAMPLE_RATE, tooLongError, type DecodedAudio } from './samples.js';

const BYTES_PER_SAMPLE = 4;

export interface FfmpegJob {
  readonly input: string;
  /** Which ffmpeg protocols the input may use (nothing from the network). */
  readonly protocols: string;
  readonly stdin?: Uint8Array;
  readonly label: string;
  readonly maxDurationS: number;
  readonly ffmpegPath: string;
}

const STDERR_KEEP = 16 * 1024;

/**
 * What ffmpeg says (at -v error, exit 0) when an MP4/M4A or Matroska/WebM file stops before its
 * end; it decodes what is there. Other formats it reads cut off without a word, or with errors
 * that damage in the middle of a file gives too.
 */
const ENDED_EARLY = /partial file|File ended prematurely/;

export function runFfmpeg(job: FfmpegJob): Promise<DecodedAudio> {
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
          reject(tooLongError(job.label, job.maxDurationS));
        } else if (signal) {
          reject(new AudioError('unreadable', `cannot read ${job.label}: ffmpeg was stopped by ${signal}`));
        } else if (exitCode !== 0) {
          reject(ffmpegError(stderr, job.label));
        } else if (byteCount < BYTES_PER_SAMPLE) {
          reject(new AudioError('empty', `cannot read ${job.label}: it contains no audio`));
        } else {
          const audio = finishSamples(joinSamples(chunks, byteCount));
          resolve(ENDED_EARLY.test(stderr) ? { ...audio, cutOff: true } : audio);
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

/** Concatenates ffmpeg's little-endian float chunks into host-order floats. */
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
  return samples;
}
