import type { NotRecitationSummary } from './notRecitation.js';
import type { ConfidenceFeatures } from '../src/match/confidence.js';
import type { Reliability, ThresholdRow } from './calibration.js';
import type { VerseKey } from './scoring.js';
import type { Distribution } from './stats.js';

/** Accuracy figures over a set of clips; the first four keys match offline-tarteel's results JSON. */
export interface AccuracySummary {
  readonly total: number;
  readonly recall: number;
  readonly precision: number;
  readonly sequence_accuracy: number;
  /** The best hypothesis is right, answered or not (the retrieval "top-1"). */
  readonly top1_rate: number;
  /** An accepted sequence is among the first 5 candidates. */
  readonly top5_hit_rate: number;
  /** An accepted sequence is among the first 10 candidates. */
  readonly top10_hit_rate: number;
  readonly no_match_rate: number;
  readonly error_count: number;
}

export interface LatencyMs {
  readonly total: number;
  readonly decode: number;
  readonly acoustic: number;
  readonly match: number;
}

export interface SampleRecord {
  readonly id: string;
  readonly file: string;
  readonly category: string;
  readonly source: string;
  readonly reciter: string | null;
  readonly expected: readonly VerseKey[];
  /** The accepted sequence the score was taken against (differs from expected when an also_accept won). */
  readonly scored_against: readonly VerseKey[];
  readonly status: 'ok' | 'no_match' | 'error';
  readonly predicted: readonly VerseKey[];
  readonly confidence: number;
  readonly candidates: readonly { readonly verses: readonly VerseKey[]; readonly score: number }[];
  readonly recall: number;
  readonly precision: number;
  readonly sequence_accuracy: number;
  readonly top5_hit: boolean;
  readonly top10_hit: boolean;
  /** The best hypothesis is right, whether or not it cleared the no-match threshold. */
  readonly top1_correct: boolean;
  readonly audio_s: number;
  readonly chunks: number;
  readonly latency_ms: LatencyMs;
  /** What the matcher based the confidence on, when it reports it (used to refit calibration). */
  readonly features?: ConfidenceFeatures;
  readonly error?: string;
}

export interface BenchModelInfo {
  readonly role: string;
  readonly name: string;
  readonly version: string;
  readonly dir: string;
  readonly sha256: string;
  readonly size_bytes: number;
}

export interface BenchReport {
  readonly tool: 'ayat bench';
  readonly ayat_version: string;
  readonly created: string;
  readonly manifest: string;
  readonly mode: string;
  readonly filters: readonly string[];
  /** Every model the mode loaded (acoustic, QuranCLAP, bridge); `model` sums them up. */
  readonly models?: readonly BenchModelInfo[];
  readonly limit: number | null;
  readonly model: {
    readonly name: string;
    readonly version: string;
    readonly dir: string;
    readonly sha256: string;
    readonly size_bytes: number;
    readonly load_ms: number;
  };
  readonly summary: AccuracySummary & {
    /** Mean per-clip latency in seconds, as offline-tarteel reports it. */
    readonly avg_latency: number;
    readonly model_size: number;
  };
  readonly by_category: Readonly<Record<string, AccuracySummary>>;
  readonly by_source: Readonly<Record<string, AccuracySummary>>;
  readonly by_reciter: Readonly<Record<string, AccuracySummary>>;
  readonly latency_ms: { readonly [K in keyof LatencyMs]: Distribution };
  /** The same on the clips about 10 s long (the per-clip targets are for 10-s clips). */
  readonly latency_10s_clips_ms: {
    readonly clips: number;
    readonly from_s: number;
    readonly to_s: number;
    /** Decoding included. */
    readonly total: Distribution;
    /** Model and search only. */
    readonly recognition: Distribution;
  };
  /** Processing time / audio time, over all clips (below 1 is faster than real time). */
  readonly real_time_factor: number;
  readonly audio_s: number;
  readonly peak_rss_mb: number;
  readonly calibration: {
    /** Clips with a hypothesis (errors left out): confidence vs. top hypothesis right. */
    readonly points: number;
    readonly reliability: Reliability;
    /** As the engine decided: answered (status ok) vs no_match. */
    readonly at_engine_threshold: {
      readonly answered_rate: number;
      readonly accuracy_when_answered: number;
      readonly wrong_answer_rate: number;
      /** no_match although the best hypothesis was right. */
      readonly right_but_rejected_rate: number;
    };
    readonly threshold_sweep: readonly ThresholdRow[];
  };
  readonly samples: readonly SampleRecord[];
  /** With --negatives: recordings that recite no verse, and what was made of them. */
  readonly not_recitation?: NotRecitationSummary;
}
