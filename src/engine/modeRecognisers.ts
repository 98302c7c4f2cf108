import type { ClipEmbedder } from '../embed/embedder.js';
import type { Calibration } from '../match/confidence.js';
import { defaultMatcher } from '../match/matcher.js';
import type { Posteriors } from '../match/types.js';
import { HybridRecogniser, rememberLastClip, type HybridOptions } from './hybrid.js';
import { posteriorRecogniser } from './identify.js';
import type { AcousticStage, ChunkRecogniser } from './ports.js';
import { withTempoRetry, type TempoRetryOptions } from './tempoRetry.js';

/**
 * How full and hybrid mode are put together over stages already loaded: the same on the server
 * (modes.ts, models read from their folders) and in the browser (web/src/inBrowser/worker.ts,
 * models fetched from the server).
 */

/** Full mode: the matcher over the whole Quran, with the acoustic model's own calibration where it has one; unsure chunks heard again at other tempos. */
export function fullRecogniser(acoustic: AcousticStage, calibration: Calibration | undefined, tempoRetry?: TempoRetryOptions | false): ChunkRecogniser {
  const matcher = defaultMatcher();
  const stage = {
    matchPosteriors: (post: Posteriors, o: { maxCandidates: number }) => matcher.match(post, calibration ? { ...o, calibration } : o),
  };
  return withTempoRetry((a) => posteriorRecogniser(a, stage), acoustic, tempoRetry);
}

/** Hybrid mode: the embedder's shortlist fused with the acoustic model's alignment; the embedder hears each chunk once, whatever its tempo retries. */
export function hybridRecogniser(
  acoustic: AcousticStage,
  embedder: ClipEmbedder,
  options: Partial<HybridOptions>,
  tempoRetry?: TempoRetryOptions | false,
): ChunkRecogniser {
  const clap = rememberLastClip(embedder);
  const matcher = defaultMatcher();
  return withTempoRetry((a) => new HybridRecogniser(a, clap, matcher, options), acoustic, tempoRetry);
}
