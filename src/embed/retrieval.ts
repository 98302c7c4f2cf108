import type { ChunkRecogniser } from '../engine/ports.js';
import { timed } from '../engine/timing.js';
import type { Candidate, MatchResult } from '../match/types.js';
import { loadQuran } from '../quran/corpus.js';
import type { BridgeCard, ClapCard, RetrievalCalibration } from './cardSchema.js';
import type { ClipEmbedder } from './embedder.js';
import { sameTextKeys } from '../quran/sameText.js';
import { topVerses, type VerseScore } from './verseBank.js';

/** Without a fitted calibration: the softmax probability of the best verse at this logit scale… */
export const UNCALIBRATED_BRIDGE_SCALE = 20;
/** …answered from this probability on. */
export const UNCALIBRATED_THRESHOLD = 0.5;

export interface RetrievalFeatures {
  /** Cosine of the best verse. */
  readonly top1: number;
  /** Its lead over the best verse with other units. */
  readonly margin: number;
}

export function retrievalFeatures(top: readonly VerseScore[]): RetrievalFeatures {
  const first = top[0]?.score ?? 0;
  const second = top[1]?.score ?? first;
  return { top1: first, margin: first - second };
}

/** Softmax probability of the best verse over all distinct verses at `scale`. */
export function softmaxTop(scores: Float32Array, scale: number, keys: Int32Array = sameTextKeys()): number {
  let max = -Infinity;
  for (let v = 0; v < scores.length; v++) if (keys[v] === v) max = Math.max(max, scores[v]!);
  let sum = 0;
  for (let v = 0; v < scores.length; v++) if (keys[v] === v) sum += Math.exp(scale * (scores[v]! - max));
  return 1 / sum;
}

/** P(the best verse is right), and the threshold below which the answer is "no verse found". */
export function retrievalConfidence(
  scores: Float32Array,
  features: RetrievalFeatures,
  calibration: RetrievalCalibration | null,
  uncalibratedScale: number,
): { confidence: number; threshold: number } {
  if (!calibration) return { confidence: softmaxTop(scores, uncalibratedScale), threshold: UNCALIBRATED_THRESHOLD };
  const z = calibration.bias + calibration.weights[0] * features.top1 + calibration.weights[1] * features.margin;
  return { confidence: 1 / (1 + Math.exp(-z)), threshold: calibration.threshold };
}

/** What retrieval reads from a model card. */
export type RetrievalCard = Pick<ClapCard, 'format' | 'logit_scale' | 'calibration'> | Pick<BridgeCard, 'format' | 'calibration'>;

/** A chunk's answer from its embedding's cosine scores against every verse. */
export function retrievalResult(
  scores: Float32Array,
  embedder: { readonly card: RetrievalCard },
  span: { startS: number; endS: number },
  maxCandidates: number,
): MatchResult {
  const quran = loadQuran();
  const top = topVerses(scores, Math.max(2, maxCandidates));
  const features = retrievalFeatures(top);
  const scale = embedder.card.format === 'clap-onnx' ? Math.exp(embedder.card.logit_scale) : UNCALIBRATED_BRIDGE_SCALE;
  const { confidence, threshold } = retrievalConfidence(scores, features, embedder.card.calibration, scale);
  const candidates: Candidate[] = top.slice(0, maxCandidates).map((t) => {
    const v = quran.verses[t.verse]!;
    return { verses: [{ surah: v.surah, ayah: v.ayah }], score: t.score };
  });
  const ok = confidence >= threshold && candidates.length > 0;
  return {
    status: ok ? 'ok' : 'no_match',
    verses: ok ? candidates[0]!.verses : [],
    confidence,
    startS: span.startS,
    endS: span.endS,
    candidates,
    detail: { features: { ...features }, units: [], istiadha: false, basmala: false },
  };
}

/** Clap and lightweight modes: clip → embedding → cosine top-k over the 6,236 verses. */
export class EmbeddingRecogniser implements ChunkRecogniser {
  constructor(
    readonly embedder: ClipEmbedder,
    private readonly sampleRate = 16000,
  ) {}

  async recognise(samples: Float32Array, offsetS: number, options: { maxCandidates: number }, timings: Parameters<ChunkRecogniser['recognise']>[3]): Promise<MatchResult> {
    const embedding = await timed(timings, 'acousticMs', () => this.embedder.embedClip(samples));
    return timed(timings, 'matchMs', () =>
      retrievalResult(
        this.embedder.verses.scores(embedding),
        this.embedder,
        { startS: offsetS, endS: offsetS + samples.length / this.sampleRate },
        options.maxCandidates,
      ),
    );
  }
}
