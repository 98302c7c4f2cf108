/**
 * Search latency over a synthetic library of N hours (default 100): segments of
 * ~12 s of random verse runs in recordings of an hour, stored in SQLite exactly
 * as indexing stores them. Prints JSON: per-query p50/p95 in ms.
 *   node dist/bench/app/searchBench.js [--hours 100] [--runs 30]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadQuran } from '../../src/quran/corpus.js';
import { JobRunner } from '../../src/search/jobRunner.js';
import { Library } from '../../src/search/library.js';
import { SqliteLibraryStore } from '../../src/search/sqliteStore.js';
import type { Segment } from '../../src/search/types.js';
import { seededRandom } from '../random.js';
import { percentile, round1 } from './stats.js';

const QUERIES = ['2:255', 'al-baqarah 255', 'البقرة', 'Yasin', 'قل هو الله احد', 'الله', 'الرحمن الرحيم', 'merciful', 'lord of the worlds', '112'];

const { values } = parseArgs({ options: { hours: { type: 'string', default: '100' }, runs: { type: 'string', default: '30' } } });
const hours = Number(values.hours);
const runs = Number(values.runs);

const dir = mkdtempSync(join(tmpdir(), 'ayat-search-bench-'));
try {
  const quran = loadQuran();
  const store = new SqliteLibraryStore(join(dir, 'library.sqlite'));
  const root = store.addRoot('/bench');
  const random = seededRandom(42);
  const buildStart = performance.now();
  let segments = 0;
  for (let h = 0; h < hours; h++) {
    const rec = store.upsertRecording({ rootId: root.id, path: `/bench/recording-${String(h).padStart(4, '0')}.mp3`, sizeBytes: 1, mtimeMs: 1 });
    const list: Segment[] = [];
    let verse = Math.floor(random() * quran.verses.length);
    for (let t = 0; t < 3600; t += 12) {
      const run = 1 + Math.floor(random() * 3);
      const verses = [];
      for (let i = 0; i < run && verse < quran.verses.length; i++, verse++) verses.push({ surah: quran.verses[verse]!.surah, ayah: quran.verses[verse]!.ayah });
      if (verse >= quran.verses.length) verse = 0;
      if (verses.length === 0) continue;
      list.push({ startS: t, endS: t + 11.5, verses, confidence: 0.5 + random() / 2 });
    }
    store.saveIndexed(rec.id, { durationS: 3600, segments: list });
    segments += list.length;
  }
  const buildS = (performance.now() - buildStart) / 1000;
  const library = new Library({
    store,
    recogniser: { identifySamples: () => Promise.reject(new Error('not used')) },
    jobs: new JobRunner({ maxConcurrentJobs: 1, maxQueuedJobs: 1 }),
  });
  const warmStart = performance.now();
  library.warm();
  const warmMs = performance.now() - warmStart;
  const perQuery: Record<string, { p50_ms: number; p95_ms: number; results: number }> = {};
  const all: number[] = [];
  for (const q of QUERIES) {
    library.search(q, 50);
    const times: number[] = [];
    let results = 0;
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      results = library.search(q, 50).results.length;
      times.push(performance.now() - start);
    }
    all.push(...times);
    perQuery[q] = { p50_ms: round1(percentile(times, 50)), p95_ms: round1(percentile(times, 95)), results };
  }
  const stats = store.stats();
  console.log(
    JSON.stringify(
      {
        library: { hours: stats.indexedSeconds / 3600, recordings: stats.recordings, segments, build_s: round1(buildS) },
        index_warm_ms: round1(warmMs),
        runs_per_query: runs,
        overall: { p50_ms: round1(percentile(all, 50)), p95_ms: round1(percentile(all, 95)), max_ms: round1(Math.max(...all)) },
        queries: perQuery,
      },
      null,
      2,
    ),
  );
  store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
