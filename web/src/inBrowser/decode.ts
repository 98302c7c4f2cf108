import { endsEarlyCheck, withCutOff } from '../../../src/audio/cutOff';
import { AudioError } from '../../../src/audio/errors';
import { declaredDurationS } from '../../../src/audio/declaredLength';
import { finishSamples, refuseDeclaredTooLong, SAMPLE_RATE, tooLongError, type DecodedAudio } from '../../../src/audio/samples';

/**
 * A recording as 16 kHz mono samples, decoded by the browser (Web Audio decodes and resamples to
 * the context's rate); channels are averaged, and a file cut off is marked as the server marks it
 * (cutOff.ts: the browser decodes what there is without a word). Runs on the page: workers have
 * no Web Audio. The page puts the file's name before the messages ("clip.m4a: this browser cannot
 * decode it…").
 */
export async function decodeInBrowser(file: Blob, maxDurationS: number): Promise<DecodedAudio> {
  const bytes = await file.arrayBuffer();
  if (bytes.byteLength === 0) throw new AudioError('empty', 'it is empty');
  const data = new Uint8Array(bytes);
  // Before decoding: the browser would hold all of a 2-hour recording in memory to find out.
  refuseDeclaredTooLong(declaredDurationS(data), 'it', maxDurationS);
  let buffer: AudioBuffer;
  try {
    // decodeAudioData takes its buffer away (detaches it): it gets a copy, the cut-off check the bytes.
    buffer = await new OfflineAudioContext(1, 1, SAMPLE_RATE).decodeAudioData(bytes.slice(0));
  } catch {
    throw new AudioError('unreadable', `this browser cannot decode it (not audio, damaged, or a format it does not play); untick “In this browser” to let the server decode it`);
  }
  if (buffer.duration > maxDurationS) throw tooLongError('it', maxDurationS);
  if (buffer.length === 0) throw new AudioError('empty', 'it holds no audio');
  const mono = new Float32Array(buffer.length);
  for (let c = 0; c < buffer.numberOfChannels; c++) {
    const channel = buffer.getChannelData(c);
    for (let i = 0; i < mono.length; i++) mono[i]! += channel[i]! / buffer.numberOfChannels;
  }
  return withCutOff(finishSamples(mono), endsEarlyCheck(data, data));
}
