import { AudioError } from '../../../src/audio/errors';
import { finishSamples, SAMPLE_RATE, tooLongError, type DecodedAudio } from '../../../src/audio/samples';

/**
 * A recording as 16 kHz mono samples, decoded by the browser (Web Audio decodes and resamples to
 * the context's rate); channels are averaged. Runs on the page: workers have no Web Audio. The
 * page puts the file's name before the messages ("clip.m4a: this browser cannot decode it…").
 */
export async function decodeInBrowser(file: Blob, maxDurationS: number): Promise<DecodedAudio> {
  const bytes = await file.arrayBuffer();
  if (bytes.byteLength === 0) throw new AudioError('empty', 'it is empty');
  let buffer: AudioBuffer;
  try {
    buffer = await new OfflineAudioContext(1, 1, SAMPLE_RATE).decodeAudioData(bytes);
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
  return finishSamples(mono);
}
