export { AudioError, isAudioError, type AudioErrorCode } from './errors.js';
export {
  decodeAudioFile,
  decodeAudioBytes,
  SAMPLE_RATE,
  DEFAULT_MAX_DURATION_S,
  type DecodedAudio,
  type DecodeOptions,
  type DecodeBytesOptions,
} from './decode.js';
export { cutOffWarning } from './samples.js';
export { resample, downmix, deinterleave, int16ToFloat32 } from './resample.js';
export { changeTempo } from './tempo.js';
export { detectSpeech, isSilent, type SpeechSegment, type VadOptions } from './vad.js';
export { planChunks, splitAtLongestPause, type ChunkOptions, type PauseSplit } from './chunks.js';
