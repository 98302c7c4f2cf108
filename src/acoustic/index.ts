export { AcousticModel, INTRA_OP_THREADS, MIN_INPUT_S, type EncoderOutput, type HiddenStates } from './model.js';
export { CARD_FILE, MODEL_FORMAT, MODEL_SAMPLE_RATE, parseModelCard, readModelCard, type ModelCard } from './card.js';
export { ModelError, type ModelErrorCode } from './errors.js';
export { sha256File } from './hash.js';
export { packageRoot, packageVersion } from './packageRoot.js';
export {
  DEFAULT_MODEL_NAME,
  MODEL_ENV_VAR,
  holdsAcousticModel,
  listBundledModels,
  modelsDir,
  resolveModel,
  type ModelLocation,
  type ModelSource,
} from './registry.js';
