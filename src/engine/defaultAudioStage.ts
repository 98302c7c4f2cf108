import { decodeAudioBytes, decodeAudioFile, isSilent, planChunks, splitAtLongestPause } from '../audio/index.js';
import type { AudioStage } from './ports.js';

/** The audio stage every mode runs: decode, silence check, chunking (tests may stub it, see ports.ts). */
export const defaultAudioStage: AudioStage = {
  decode: (path, options) => decodeAudioFile(path, options),
  decodeBytes: (bytes, options) => decodeAudioBytes(bytes, options),
  isSilent: (samples, sampleRate) => isSilent(samples, sampleRate),
  planChunks: (samples, sampleRate, options) => planChunks(samples, sampleRate, options),
  splitAtLongestPause: (samples, sampleRate) => splitAtLongestPause(samples, sampleRate),
};
