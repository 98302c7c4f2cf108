/**
 * Ogg Opus decoded in-process with libopus compiled to WebAssembly
 * (ogg-opus-decoder), straight to 16 kHz.
 *
 * Why a second decoder beside ffmpeg: starting an ffmpeg process costs about
 * 100 ms, half the time it takes to identify a 10-s clip, while this decodes
 * the same clip in 10–20 ms. Ogg Opus is what the benchmark, the training data
 * and many phone and browser recorders use. libopus decodes at 16 kHz itself,
 * so nothing needs resampling. ffmpeg's own Opus decoder (which decoded the
 * training data) gives nearly the same samples for speech encoded at 16 kHz
 * (test/audio/decode.test.ts), less so for some 48 kHz recordings (README).
 */
import { OggOpusDecoder } from 'ogg-opus-decoder';
import { MonoCollector, runInProcess } from './collect.js';
import { endsWithLastPage } from './oggPages.js';
import { SAMPLE_RATE, type DecodedAudio } from './samples.js';

/** Bytes handed to the decoder at a time, so an over-long file stops early. */
const CHUNK_BYTES = 64 * 1024;

/**
 * Decodes Ogg Opus to 16 kHz mono. Resolves `undefined` when the file is cut
 * off, or libopus reports damage or finds no audio: ffmpeg then decides what
 * to make of it, so both decoders fail with the same messages. Rejects only
 * for too much audio.
 */
export async function decodeOggOpus(bytes: Uint8Array, label: string, maxDurationS: number): Promise<DecodedAudio | undefined> {
  if (!endsWithLastPage(bytes)) return undefined;
  // ogg-opus-decoder's typings predate its sampleRate option, so the options go in as a variable.
  const options = { forceStereo: false, sampleRate: SAMPLE_RATE };
  return runInProcess(() => new OggOpusDecoder(options), async (decoder) => {
    await decoder.ready;
    const collector = new MonoCollector(label, maxDurationS);
    for (let at = 0; at <= bytes.length; at += CHUNK_BYTES) {
      const last = at + CHUNK_BYTES >= bytes.length;
      const decoded = await decoder.decode(bytes.subarray(at, at + CHUNK_BYTES));
      const flushed = last ? await decoder.flush() : undefined;
      for (const result of flushed ? [decoded, flushed] : [decoded]) {
        if (result.errors.length > 0) return undefined;
        // The collector counts the channels' samples, not samplesDecoded: on a stream cut off mid-page
        // the library adds the samples the last page promised but never decoded to samplesDecoded (1.7.5).
        if (!collector.add(result.channelData, result.sampleRate)) return undefined;
      }
      if (last) break;
    }
    return collector.finish();
  });
}
