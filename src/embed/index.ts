export { BRIDGE_FORMAT, CLAP_FORMAT, parseEmbedCard, readEmbedCard, type BridgeCard, type ClapCard, type RetrievalCalibration } from './card.js';
export { EmbedModelError, type EmbedModelErrorCode } from './errors.js';
export { clipFeatures, clipFeatures64, FEATURE_DIM, FEATURE_VERSION } from './features.js';
export type { ClipEmbedder } from './embedder.js';
export { BridgeModel, ClapModel } from './models.js';
export { EMBED_DEFAULTS, resolveEmbedModel, type EmbedKind } from './registry.js';
export { EmbeddingRecogniser, retrievalConfidence, retrievalFeatures, retrievalResult, softmaxTop } from './retrieval.js';
export { topVerses, VerseBank, type VerseScore } from './verseBank.js';
export { loadVerseBank } from './verseBankFile.js';
