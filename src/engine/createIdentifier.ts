import type { AcousticModel } from '../acoustic/model.js';
import { OpenOnce } from '../acoustic/openOnce.js';
import { decodeAudioBytes, decodeAudioFile, isSilent, planChunks, splitAtLongestPause } from '../audio/index.js';
import { loadDefaultMatcher } from './defaultMatcher.js';
import { Identifier, type IdentifyOptions } from './identify.js';
import { loadModel } from './loadModel.js';
import type { AudioStage, MatchStage } from './ports.js';

export interface EngineOptions extends Partial<IdentifyOptions> {
  /** Model folder or bundled model name (see resolveModel); ignored when `acousticModel` is given. */
  readonly model?: string | undefined;
  /** An already loaded model, or one loading (the bench loads it first to time it; the server shares one load). */
  readonly acousticModel?: AcousticModel | Promise<AcousticModel>;
  readonly matcher?: () => Promise<MatchStage>;
}

export const defaultAudioStage: AudioStage = {
  decode: (path, options) => decodeAudioFile(path, options),
  decodeBytes: (bytes, options) => decodeAudioBytes(bytes, options),
  isSilent: (samples, sampleRate) => isSilent(samples, sampleRate),
  planChunks: (samples, sampleRate, options) => planChunks(samples, sampleRate, options),
  splitAtLongestPause: (samples, sampleRate) => splitAtLongestPause(samples, sampleRate),
};

/** The full pipeline with the default stages; the model and matcher load on first need, once (a failed model load is tried again for the next file). */
export function createIdentifier(options: EngineOptions = {}): Identifier {
  const { model, acousticModel, matcher, ...identifyOptions } = options;
  const acoustic = new OpenOnce(async () => acousticModel ?? loadModel(model));
  return new Identifier(
    {
      audio: defaultAudioStage,
      acoustic: () => acoustic.get(),
      matcher: matcher ?? loadDefaultMatcher,
    },
    identifyOptions,
  );
}
