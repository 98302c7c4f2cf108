/**
 * MPEG audio (MP3, and MP2/MP1) decoded in-process with mpg123 compiled to
 * WebAssembly (mpg123-decoder), then resampled to 16 kHz: no ffmpeg process
 * to start (about 100 ms) for the format most recitation sites publish.
 * Encoder delay and padding are trimmed from the LAME/Xing header, as ffmpeg does.
 */
import { MPEGDecoder } from 'mpg123-decoder';
import { MonoCollector, runInProcess } from './collect.js';
import { firstFrameAt } from './mpegFrames.js';
import type { DecodedAudio } from './samples.js';

/** Bytes handed to the decoder at a time, so an over-long file stops early. */
const CHUNK_BYTES = 64 * 1024;

/**
 * Decodes MPEG audio to 16 kHz mono. Resolves `undefined` when the data is
 * not MPEG audio after all, or mpg123 reports damage or finds no audio:
 * ffmpeg then decides, so errors read the same either way. Rejects only for
 * too much audio.
 */
export async function decodeMp3(bytes: Uint8Array, label: string, maxDurationS: number): Promise<DecodedAudio | undefined> {
  if (firstFrameAt(bytes) === undefined) return undefined;
  return runInProcess(() => new MPEGDecoder(), async (decoder) => {
    await decoder.ready;
    const collector = new MonoCollector(label, maxDurationS);
    for (let at = 0; at < bytes.length; at += CHUNK_BYTES) {
      const result = quietly(() => decoder.decode(bytes.subarray(at, at + CHUNK_BYTES)));
      if (result.errors.length > 0) return undefined;
      // A stream that changes rate part way is left to ffmpeg.
      if (!collector.add(result.channelData, result.sampleRate)) return undefined;
    }
    return collector.finish();
  });
}

/**
 * Runs `decode` with console.error silenced: mpg123-decoder (1.0.3) logs each
 * error it also returns, and those errors only send the data to ffmpeg.
 */
function quietly<T>(decode: () => T): T {
  const log = console.error;
  console.error = () => {};
  try {
    return decode();
  } finally {
    console.error = log;
  }
}

