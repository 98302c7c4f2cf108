import type { ConfidenceFeatures } from '../src/match/confidence.js';
import type { MatchResult } from '../src/match/types.js';

const FEATURE_KEYS = ['frameScore', 'margin', 'coverage', 'transcriptUnits'] as const;

/** The confidence-model inputs behind a matcher result, when it got far enough to compute them. */
export function featuresOf(match: MatchResult): ConfidenceFeatures | undefined {
  const f = match.detail?.features;
  if (!f || !FEATURE_KEYS.every((k) => typeof f[k] === 'number' && Number.isFinite(f[k]))) return undefined;
  return { frameScore: f.frameScore!, margin: f.margin!, coverage: f.coverage!, transcriptUnits: f.transcriptUnits! };
}

/**
 * The features behind a clip's confidence: the only chunk's, else the weakest
 * answered chunk's (it sets the merged confidence), else the most confident chunk's.
 */
export function clipFeatures(chunks: readonly MatchResult[]): ConfidenceFeatures | undefined {
  if (chunks.length === 0) return undefined;
  const answered = chunks.filter((c) => c.status === 'ok');
  const pick = answered.length > 0
    ? answered.reduce((a, b) => (b.confidence < a.confidence ? b : a))
    : chunks.reduce((a, b) => (b.confidence > a.confidence ? b : a));
  return featuresOf(pick);
}
