import type { Identification } from '../src/engine/identify.js';
import { clipFeatures } from './features.js';
import type { BenchSample } from './manifest.js';
import type { SampleRecord } from './report.js';
import { hitInTopK, scoreSample, sequencesEqual } from './scoring.js';

export const TOP_K = 5;
export const TOP_K_WIDE = 10;

const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Scores one identification against its manifest entry. */
export function toSampleRecord(sample: BenchSample, identification: Identification): SampleRecord {
  const { result, timings } = identification;
  const predicted = result.status === 'ok' ? result.verses : [];
  const score = scoreSample(sample.expected, sample.alsoAccept, predicted);
  const hypothesis = result.status === 'ok' ? result.verses : (result.candidates[0]?.verses ?? []);
  const accepted = [sample.expected, ...sample.alsoAccept];
  const features = clipFeatures(identification.chunkMatches);
  return {
    id: sample.id,
    file: sample.file,
    category: sample.category,
    source: sample.source,
    reciter: sample.reciter,
    expected: sample.expected,
    scored_against: score.scoredAgainst,
    status: result.status,
    predicted,
    confidence: result.confidence,
    candidates: result.candidates,
    recall: score.recall,
    precision: score.precision,
    sequence_accuracy: score.sequenceAccuracy,
    top5_hit: hitInTopK(sample.expected, sample.alsoAccept, result.candidates, TOP_K),
    top10_hit: hitInTopK(sample.expected, sample.alsoAccept, result.candidates, TOP_K_WIDE),
    top1_correct: hypothesis.length > 0 && accepted.some((a) => sequencesEqual(a, hypothesis)),
    audio_s: round(identification.audioS, 3),
    chunks: identification.chunkMatches.length,
    latency_ms: {
      total: round(timings.totalMs),
      decode: round(timings.decodeMs),
      acoustic: round(timings.acousticMs),
      match: round(timings.matchMs),
    },
    ...(features === undefined ? {} : { features }),
    ...(result.error === undefined ? {} : { error: result.error }),
  };
}
