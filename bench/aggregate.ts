import { reliability, thresholdSweep, type ConfidencePoint } from './calibration.js';
import type { AccuracySummary, BenchReport, SampleRecord } from './report.js';
import { distribution, groupBy, mean } from './stats.js';

export const SWEEP_THRESHOLDS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95];

/** Means over all clips, errors and no-matches included (they score 0), as offline-tarteel does. */
export function summarise(records: readonly SampleRecord[]): AccuracySummary {
  return {
    total: records.length,
    recall: mean(records.map((r) => r.recall)),
    precision: mean(records.map((r) => r.precision)),
    sequence_accuracy: mean(records.map((r) => r.sequence_accuracy)),
    top1_rate: mean(records.map((r) => (r.top1_correct ? 1 : 0))),
    top5_hit_rate: mean(records.map((r) => (r.top5_hit ? 1 : 0))),
    top10_hit_rate: mean(records.map((r) => (r.top10_hit ? 1 : 0))),
    no_match_rate: mean(records.map((r) => (r.status === 'no_match' ? 1 : 0))),
    error_count: records.filter((r) => r.status === 'error').length,
  };
}

export function summariseBy(records: readonly SampleRecord[], key: (r: SampleRecord) => string): Record<string, AccuracySummary> {
  const out: Record<string, AccuracySummary> = {};
  const groups = [...groupBy(records, key)].sort(([a], [b]) => a.localeCompare(b));
  for (const [name, group] of groups) out[name] = summarise(group);
  return out;
}

export function latencyDistributions(records: readonly SampleRecord[]): BenchReport['latency_ms'] {
  const processed = records.filter((r) => r.status !== 'error');
  return {
    total: distribution(processed.map((r) => r.latency_ms.total)),
    decode: distribution(processed.map((r) => r.latency_ms.decode)),
    acoustic: distribution(processed.map((r) => r.latency_ms.acoustic)),
    match: distribution(processed.map((r) => r.latency_ms.match)),
  };
}

/**
 * Clip lengths that count as "a 10-s clip" for the per-clip latency targets. Real clips of about
 * that length, not a per-second rate: part of the cost (process start of the decoder, search over
 * 6,236 verses) does not grow with length, so scaling short clips up would overstate it.
 */
export const TEN_SECOND_CLIP_S: readonly [number, number] = [8, 12];

/** Latency on the clips TEN_SECOND_CLIP_S long: total (decoding included), and model + search. */
export function tenSecondClipLatency(records: readonly SampleRecord[]): BenchReport['latency_10s_clips_ms'] {
  const [lo, hi] = TEN_SECOND_CLIP_S;
  const clips = records.filter((r) => r.status !== 'error' && r.audio_s >= lo && r.audio_s <= hi);
  return {
    clips: clips.length,
    from_s: lo,
    to_s: hi,
    total: distribution(clips.map((r) => r.latency_ms.total)),
    recognition: distribution(clips.map((r) => r.latency_ms.acoustic + r.latency_ms.match)),
  };
}

export function realTimeFactor(records: readonly SampleRecord[]): number {
  const processed = records.filter((r) => r.status !== 'error');
  const audioS = processed.reduce((a, r) => a + r.audio_s, 0);
  const workS = processed.reduce((a, r) => a + r.latency_ms.total, 0) / 1000;
  return audioS === 0 ? 0 : workS / audioS;
}

export function confidencePoints(records: readonly SampleRecord[]): ConfidencePoint[] {
  return records.filter((r) => r.status !== 'error').map((r) => ({ confidence: r.confidence, correct: r.top1_correct }));
}

export function calibrationSection(records: readonly SampleRecord[]): BenchReport['calibration'] {
  const points = confidencePoints(records);
  const processed = records.filter((r) => r.status !== 'error');
  const n = processed.length;
  const answered = processed.filter((r) => r.status === 'ok');
  const right = answered.filter((r) => r.sequence_accuracy === 1).length;
  const rejectedRight = processed.filter((r) => r.status === 'no_match' && r.top1_correct).length;
  return {
    points: points.length,
    reliability: reliability(points),
    at_engine_threshold: {
      answered_rate: n === 0 ? 0 : answered.length / n,
      accuracy_when_answered: answered.length === 0 ? 0 : right / answered.length,
      wrong_answer_rate: n === 0 ? 0 : (answered.length - right) / n,
      right_but_rejected_rate: n === 0 ? 0 : rejectedRight / n,
    },
    threshold_sweep: thresholdSweep(points, SWEEP_THRESHOLDS),
  };
}
