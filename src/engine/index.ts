export { createIdentifier, defaultAudioStage, type EngineOptions } from './createIdentifier.js';
export { DEFAULT_IDENTIFY_OPTIONS, Identifier, posteriorRecogniser, type Identification, type IdentifierStages, type IdentifyOptions } from './identify.js';
export { loadModel } from './loadModel.js';
export { appendWithoutOverlap, joinSequences, mergeChunkResults } from './mergeChunks.js';
export type { AcousticStage, AudioStage, ChunkRecogniser, DecodedAudio, MatchStage, TimeSpan } from './ports.js';
export { errorResult, oneLineMessage, type CandidateJson, type IdentifyResult, type IdentifyStatus, type VerseJson } from './result.js';
export type { StageTimings } from './timing.js';
export { DEFAULT_HYBRID, HybridRecogniser, type HybridOptions } from './hybrid.js';
export { lazyModeIdentifier, loadModeModels, MODE_MODELS, MODES, modeIdentifier, modeInstalled, modelInfos, modelLocation, modeRecogniser, ModeUnavailableError, type Mode, type ModeModelOptions, type ModeModels, type ModelInfo, type ModelRole } from './modes.js';
