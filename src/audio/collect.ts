/**
 * What the in-process decoders (oggOpus.ts, mp3.ts) share: gathering their
 * output into 16 kHz mono piece by piece, and handing failures to ffmpeg.
 */
import { isAudioError } from './errors.js';
import { downmix, StreamResampler } from './resample.js';
import { finishSamples, SAMPLE_RATE, tooLongError, type DecodedAudio } from './samples.js';

/**
 * Channels averaged and resampled as they come, so a long recording is never
 * held whole at its original rate and channel count; the length limit is
 * checked on the way.
 */
export class MonoCollector {
  private readonly parts: Float32Array[] = [];
  private collected = 0;
  private received = 0;
  private rate = 0;
  private resampler: StreamResampler | undefined;

  constructor(
    private readonly label: string,
    private readonly maxDurationS: number,
  ) {}

  /**
   * Adds decoded channels (equally long) at `sampleRate`. Returns false when
   * the rate differs from the earlier pieces': the caller gives up on the stream.
   * Throws a too_long AudioError past the limit.
   */
  add(channels: readonly Float32Array[], sampleRate: number): boolean {
    const frames = channels[0]?.length ?? 0;
    if (frames === 0) return true;
    if (this.rate === 0) {
      this.rate = sampleRate;
      if (sampleRate !== SAMPLE_RATE) this.resampler = new StreamResampler(sampleRate, SAMPLE_RATE);
    } else if (sampleRate !== this.rate) {
      return false;
    }
    this.received += frames;
    if (this.received > this.maxDurationS * this.rate) throw tooLongError(this.label, this.maxDurationS);
    const mono = downmix(channels); // a copy: decoders reuse their buffers
    this.keep(this.resampler ? this.resampler.push(mono) : mono);
    return true;
  }

  /** The whole recording, or undefined when no samples came. */
  finish(): DecodedAudio | undefined {
    if (this.received === 0) return undefined;
    if (this.resampler) this.keep(this.resampler.end());
    const out = new Float32Array(this.collected);
    let at = 0;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.length;
    }
    return finishSamples(out);
  }

  private keep(samples: Float32Array): void {
    this.parts.push(samples);
    this.collected += samples.length;
  }
}

/**
 * Makes an in-process decoder and runs it. Anything either step throws but an
 * AudioError (too long) resolves undefined, which hands the data to ffmpeg;
 * the decoder's WebAssembly memory is freed either way.
 */
export async function runInProcess<D extends { free(): unknown }>(
  create: () => D,
  decode: (decoder: D) => Promise<DecodedAudio | undefined>,
): Promise<DecodedAudio | undefined> {
  let decoder: D | undefined;
  try {
    decoder = create();
    return await decode(decoder);
  } catch (e) {
    if (isAudioError(e)) throw e;
    return undefined;
  } finally {
    decoder?.free();
  }
}
