import { packageVersion } from '../src/acoustic/packageRoot.js';
import type { Identifier } from '../src/engine/identify.js';
import { calibrationSection, latencyDistributions, realTimeFactor, summarise, summariseBy, tenSecondClipLatency } from './aggregate.js';
import type { BenchSample } from './manifest.js';
import { toSampleRecord } from './record.js';
import type { BenchModelInfo, BenchReport, SampleRecord } from './report.js';

/** What the report says about the model(s): an AcousticModel fits, and so does a summary of several. */
export interface BenchModel {
  readonly card: { readonly name: string; readonly version: string; readonly sha256: string };
  readonly dir: string;
  readonly sizeBytes: number;
}

export interface BenchRun {
  readonly manifest: string;
  readonly mode: string;
  readonly filters: readonly string[];
  readonly limit: number | null;
  readonly samples: readonly BenchSample[];
  readonly identifier: Identifier;
  readonly model: BenchModel;
  /** Each model the mode loaded, when there are several (or for the record). */
  readonly models?: readonly BenchModelInfo[];
  readonly modelLoadMs: number;
  /** Called after each clip. */
  readonly onProgress?: (done: number, total: number, record: SampleRecord) => void;
}

/**
 * Runs every clip once, after one untimed warm-up run on the first clip (as the
 * offline-tarteel runner does: first-call costs such as lazy allocations are not latency).
 */
export async function runBench(run: BenchRun): Promise<{ report: BenchReport; records: SampleRecord[] }> {
  const first = run.samples[0];
  if (first) await run.identifier.identifyFile(first.path, first.file);

  const records: SampleRecord[] = [];
  for (const sample of run.samples) {
    const identification = await run.identifier.identifyFile(sample.path, sample.file);
    const record = toSampleRecord(sample, identification);
    records.push(record);
    run.onProgress?.(records.length, run.samples.length, record);
  }
  return { report: buildReport(run, records), records };
}

export function buildReport(run: Omit<BenchRun, 'samples' | 'identifier'>, records: readonly SampleRecord[]): BenchReport {
  const summary = summarise(records);
  const latency = latencyDistributions(records);
  return {
    tool: 'ayat bench',
    ayat_version: packageVersion(),
    created: new Date().toISOString(),
    manifest: run.manifest,
    mode: run.mode,
    filters: run.filters,
    ...(run.models ? { models: run.models } : {}),
    limit: run.limit,
    model: {
      name: run.model.card.name,
      version: run.model.card.version,
      dir: run.model.dir,
      sha256: run.model.card.sha256,
      size_bytes: run.model.sizeBytes,
      load_ms: Math.round(run.modelLoadMs),
    },
    summary: { ...summary, avg_latency: latency.total.mean / 1000, model_size: run.model.sizeBytes },
    by_category: summariseBy(records, (r) => r.category),
    by_source: summariseBy(records, (r) => r.source),
    by_reciter: summariseBy(records, (r) => r.reciter ?? 'unknown'),
    latency_ms: latency,
    latency_10s_clips_ms: tenSecondClipLatency(records),
    real_time_factor: realTimeFactor(records),
    audio_s: records.reduce((a, r) => a + r.audio_s, 0),
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    calibration: calibrationSection(records),
    samples: records,
  };
}
