import type { ClipEmbedder } from '../embed/embedder.js';
import { topVerses } from '../embed/verseBank.js';
import { validateCalibration, type Calibration } from '../match/confidence.js';
import hybridCalibrationJson from './hybrid-calibration.json' with { type: 'json' };
import type { VerseMatcher } from '../match/matcher.js';
import type { MatchResult } from '../match/types.js';
import type { AcousticStage, ChunkRecogniser } from './ports.js';
import { rememberLast } from './rememberLast.js';
import { timed, type StageTimings } from './timing.js';

export interface HybridOptions {
  /** Verses the embedding model proposes for CTC rescoring. */
  readonly shortlist: number;
  /** Verses either side of each shortlisted one, aligned with it (a clip may hold a few). */
  readonly neighbours: number;
  /** N-gram regions still searched from the CTC transcript (full mode searches DEFAULT_RETRIEVAL.topK). */
  readonly ngramRegions: number;
  /** Score fusion: nats added per unit of cosine, relative to the best verse's cosine (0 = CTC score alone). */
  readonly priorWeight: number;
  /** Confidence model: fused scores widen margins, so hybrid has its own fit (hybrid-calibration.json). */
  readonly calibration: Calibration;
}

export const HYBRID_CALIBRATION: Calibration = validateCalibration(hybridCalibrationJson as Calibration);

/**
 * Tuned on dev (`npm run bench:tune-matcher -- --clap-model models/ayat-clap --grid …`, which
 * now runs hybrid with the tempo retry, as identify does): QuranCLAP's 40 verses (±1 neighbour)
 * and 150 n-gram regions instead of full's 300, fused at weight 2. Re-tuned 2026-11-23 with the
 * matcher's blank penalty: top-1 94.6 % (the earlier 100 regions at weight 3: 93.9 %); 300
 * regions reached 94.8 % while aligning all of full mode's regions on top of the shortlist, so
 * hybrid would lose its speed over full.
 */
export const DEFAULT_HYBRID: HybridOptions = { shortlist: 40, neighbours: 1, ngramRegions: 150, priorWeight: 2, calibration: HYBRID_CALIBRATION };

/**
 * The embedder, answering a second request for the very same samples (a tempo retry of one
 * chunk: only the acoustic model hears it shifted) without running the model again.
 */
export function rememberLastClip(embedder: ClipEmbedder): ClipEmbedder {
  return {
    dir: embedder.dir,
    card: embedder.card,
    verses: embedder.verses,
    sizeBytes: embedder.sizeBytes,
    embedClip: rememberLast((samples) => embedder.embedClip(samples)),
  };
}

/**
 * Hybrid mode: the acoustic model's posteriors and QuranCLAP's clip embedding; the matcher
 * aligns the embedding's shortlist plus a third of full mode's n-gram regions, and ranks
 * candidates by CTC score + priorWeight × (cosine − best cosine).
 */
export class HybridRecogniser implements ChunkRecogniser {
  readonly options: HybridOptions;

  constructor(
    private readonly acoustic: AcousticStage,
    private readonly embedder: ClipEmbedder,
    private readonly matcher: VerseMatcher,
    options: Partial<HybridOptions> = {},
  ) {
    this.options = { ...DEFAULT_HYBRID, ...options };
  }

  async recognise(samples: Float32Array, offsetS: number, options: { maxCandidates: number }, timings: StageTimings): Promise<MatchResult> {
    const post = await timed(timings, 'acousticMs', () => this.acoustic.posteriors(samples, offsetS));
    const embedding = await timed(timings, 'acousticMs', () => this.embedder.embedClip(samples));
    return timed(timings, 'matchMs', () => {
      const o = this.options;
      const scores = this.embedder.verses.scores(embedding);
      const shortlist = topVerses(scores, o.shortlist);
      const best = shortlist[0]?.score ?? 0;
      const prior = new Float32Array(scores.length);
      for (let v = 0; v < scores.length; v++) prior[v] = o.priorWeight * (scores[v]! - best);
      return this.matcher.match(post, {
        maxCandidates: options.maxCandidates,
        calibration: o.calibration,
        retrieval: { ...this.matcher.options.retrieval, topK: o.ngramRegions },
        shortlist: { verses: shortlist.map((s) => s.verse), neighbours: o.neighbours, prior },
      });
    });
  }
}
