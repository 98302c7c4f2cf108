/**
 * Tunes the verse matcher on a benchmark manifest: every clip is decoded and run through the
 * acoustic model once, then each matcher setting of a grid re-matches the cached posteriors.
 *   node dist/bench/tuneMatcher.js --manifest ../shared/data/dev/manifest.json [--grid grid.json] [--out report.json] [--clap-model DIR]
 * A grid file is a JSON object { "name": { ...Partial<MatcherOptions> }, ... }; nested option
 * groups (align, retrieval) are merged into the defaults. Settings are ranked by top-1 over
 * all clips: the confidence calibration is fitted afterwards for the chosen setting.
 * With --clap-model DIR the settings run hybrid mode: a setting may also hold "hybrid" options
 * (shortlist, neighbours, ngramRegions, priorWeight), and the clip embeddings are cached too.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultAudioStage } from '../src/engine/defaultAudioStage.js';
import { DEFAULT_HYBRID, HybridRecogniser, type HybridOptions } from '../src/engine/hybrid.js';
import { Identifier } from '../src/engine/identify.js';
import { withTempoRetry } from '../src/engine/tempoRetry.js';
import { loadModel } from '../src/engine/loadModel.js';
import type { AcousticStage, AudioStage, DecodedAudio } from '../src/engine/ports.js';
import type { ClipEmbedder } from '../src/embed/embedder.js';
import { ClapModel } from '../src/embed/models.js';
import { DEFAULT_MATCHER_OPTIONS, VerseMatcher, type MatcherOptions } from '../src/match/matcher.js';
import type { Posteriors } from '../src/match/types.js';
import { loadQuran } from '../src/quran/corpus.js';
import { summarise, summariseBy } from './aggregate.js';
import { applyFilters, loadManifest, parseFilter } from './manifest.js';
import { toSampleRecord } from './record.js';
import type { AccuracySummary } from './report.js';

type Setting = Partial<Omit<MatcherOptions, 'align' | 'retrieval'>> & {
  align?: Partial<MatcherOptions['align']>;
  retrieval?: Partial<MatcherOptions['retrieval']>;
  /** Hybrid mode only (--clap-model). */
  hybrid?: Partial<HybridOptions>;
};

/** Each knob moved alone from the defaults, both ways. */
const DEFAULT_GRID: Record<string, Setting> = {
  default: {},
  'boundary 3': { boundaryPenalty: 3 },
  'boundary 10': { boundaryPenalty: 10 },
  'garbage 1': { align: { garbagePenalty: 1 } },
  'garbage 3': { align: { garbagePenalty: 3 } },
  'floor 3': { align: { floorPenalty: 3 } },
  'floor 8': { align: { floorPenalty: 8 } },
  'topK 60': { retrieval: { topK: 60 } },
  'margin 0.3': { retrieval: { marginShare: 0.3 } },
};

function resolveSetting({ hybrid: _hybrid, ...s }: Setting): MatcherOptions {
  const d = DEFAULT_MATCHER_OPTIONS;
  return { ...d, ...s, align: { ...d.align, ...s.align }, retrieval: { ...d.retrieval, ...s.retrieval } };
}

/** A cheap fingerprint of a chunk: its length, offset and a sparse sample of its values. */
function chunkKey(samples: Float32Array, offsetS: number): string {
  let h = 2166136261;
  for (let i = 0; i < samples.length; i += 97) h = Math.imul(h ^ Math.round(samples[i]! * 32768), 16777619);
  return `${samples.length}:${offsetS.toFixed(3)}:${h >>> 0}`;
}

/** The value cached under `key`, made (once) when missing. */
function cached<V>(cache: Map<string, V>, key: string, make: () => V): V {
  let v = cache.get(key);
  if (v === undefined) cache.set(key, (v = make()));
  return v;
}

function cachingAudio(inner: AudioStage): AudioStage {
  const decoded = new Map<string, Promise<DecodedAudio>>();
  return { ...inner, decode: (path, options) => cached(decoded, path, () => inner.decode(path, options)) };
}

function cachingAcoustic(inner: AcousticStage): AcousticStage {
  const posteriors = new Map<string, Promise<Posteriors>>();
  return { posteriors: (samples, offsetS) => cached(posteriors, chunkKey(samples, offsetS), () => inner.posteriors(samples, offsetS)) };
}

function cachingEmbedder(inner: ClipEmbedder): ClipEmbedder {
  const embeddings = new Map<string, Promise<Float32Array>>();
  return {
    dir: inner.dir,
    card: inner.card,
    verses: inner.verses,
    sizeBytes: inner.sizeBytes,
    embedClip: (samples) => cached(embeddings, chunkKey(samples, 0), () => inner.embedClip(samples)),
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}`.padStart(5);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      manifest: { type: 'string' },
      model: { type: 'string' },
      'clap-model': { type: 'string' },
      grid: { type: 'string' },
      filter: { type: 'string', multiple: true },
      out: { type: 'string' },
    },
  });
  if (!values.manifest) throw new Error('missing --manifest <manifest.json>');
  const grid: Record<string, Setting> = values.grid ? (JSON.parse(await readFile(values.grid, 'utf8')) as Record<string, Setting>) : DEFAULT_GRID;
  const samples = applyFilters(await loadManifest(resolve(values.manifest)), (values.filter ?? []).map(parseFilter));
  const audio = cachingAudio(defaultAudioStage);
  const acoustic = cachingAcoustic(await loadModel(values.model));
  const embedder = values['clap-model'] ? cachingEmbedder(await ClapModel.load(resolve(values['clap-model']))) : undefined;
  const verses = loadQuran().verses;

  const rows: { name: string; setting: Setting; all: AccuracySummary; bySource: Record<string, AccuracySummary> }[] = [];
  for (const [name, setting] of Object.entries(grid)) {
    const matcher = new VerseMatcher(verses, resolveSetting(setting));
    // Hybrid as `ayat identify` runs it: unsure answers heard again at other tempos.
    const hybrid = embedder
      ? withTempoRetry((a) => new HybridRecogniser(a, embedder, matcher, { ...DEFAULT_HYBRID, ...setting.hybrid }), acoustic)
      : undefined;
    const identifier = hybrid
      ? new Identifier({ audio, recogniser: async () => hybrid }, { maxCandidates: 10 })
      : new Identifier(
          { audio, acoustic: async () => acoustic, matcher: async () => ({ matchPosteriors: (p, o) => matcher.match(p, o) }) },
          { maxCandidates: 10 },
        );
    const records = [];
    for (const sample of samples) records.push(toSampleRecord(sample, await identifier.identifyFile(sample.path, sample.file)));
    const row = { name, setting, all: summarise(records), bySource: summariseBy(records, (r) => r.source) };
    rows.push(row);
    const src = Object.entries(row.bySource).map(([k, v]) => `${k} ${pct(v.top1_rate)}`).join('  ');
    process.stderr.write(`${name.padEnd(24)} top-1 ${pct(row.all.top1_rate)}  top-5 ${pct(row.all.top5_hit_rate)}  seq ${pct(row.all.sequence_accuracy)}  | ${src}\n`);
  }
  rows.sort((a, b) => b.all.top1_rate - a.all.top1_rate);
  process.stdout.write(`best: ${rows[0]!.name} ${JSON.stringify(rows[0]!.setting)}\n`);
  if (values.out) await writeFile(values.out, JSON.stringify({ manifest: values.manifest, clips: samples.length, rows }, null, 2) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`tuneMatcher: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
