/**
 * A mode in the browser (web/src/inBrowser) against the same mode on the server, clip by clip: each
 * clip of a manifest is dropped on the page with "In this browser" ticked, in Debian's Chromium,
 * and posted to POST /identify. Reports each path's sequence accuracy, how often the two answer
 * the same, and the browser's time per clip (decoding included; the first clip, which also
 * fetches and starts the models and indexes the Quran, apart):
 *   node dist/bench/app/browserBench.js --manifest ../shared/data/dev/manifest.json [--mode hybrid|full]
 *     [--filter source=retasy] [--model DIR] [--clap-model DIR] [--out report.json]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../../src/acoustic/packageRoot.js';
import { formatRef } from '../../src/quran/corpus.js';
import { startServer } from '../../src/server/start.js';
import { scriptSamples, type BenchSample } from '../manifest.js';
import { runScript } from '../runScript.js';
import { scoreSample, type VerseKey } from '../scoring.js';
import { launchChromium } from './chromium.js';
import { percentile, round1 } from './stats.js';

interface ClipOutcome {
  readonly id: string;
  readonly expected: string;
  readonly browser: string;
  readonly server: string;
  readonly browserCorrect: boolean;
  readonly serverCorrect: boolean;
  readonly browserConfidence: number;
  readonly serverConfidence: number;
  readonly browserMs: number;
  readonly audioS: number;
}

const CONTENT_TYPES: Record<string, string> = { opus: 'audio/ogg', ogg: 'audio/ogg', mp3: 'audio/mpeg', wav: 'audio/wav', flac: 'audio/flac', m4a: 'audio/mp4', webm: 'audio/webm' };

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

const answerOf = (verses: readonly VerseKey[], status: string): string => (verses.length > 0 ? verses.map(formatRef).join(',') : status);

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      manifest: { type: 'string' },
      filter: { type: 'string', multiple: true, default: [] },
      mode: { type: 'string', default: 'hybrid' },
      model: { type: 'string' },
      'clap-model': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const mode = values.mode;
  if (mode !== 'hybrid' && mode !== 'full') throw new Error(`--mode must be hybrid or full (the modes that run in the browser), not ${mode}`);
  const samples = await scriptSamples(values);
  if (samples.length === 0) throw new Error('no clip passes the filters');
  const work = mkdtempSync(join(tmpdir(), 'ayat-browser-bench-'));
  const server = await startServer({ port: 0, dataDir: join(work, 'data'), model: values.model, clapModel: values['clap-model'], webRoot: join(packageRoot(), 'web', 'dist'), watchFolders: false });
  const browser = await launchChromium();
  try {
    const ready = await server.modelReady;
    if (ready.state !== 'ready') throw new Error(`the acoustic model did not load: ${ready.state === 'unavailable' ? ready.error : ready.state}`);
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForSelector('label[for="in-browser"]:not([hidden])', { timeout: 30_000 });
    await page.check('#in-browser');
    await page.selectOption('#mode', mode);

    const outcomes: ClipOutcome[] = [];
    for (const [i, sample] of samples.entries()) {
      outcomes.push(await compare(sample, page, server.url, mode));
      if ((i + 1) % 25 === 0) process.stderr.write(`${i + 1}/${samples.length}\n`);
    }
    const report = { mode, ...summarise(outcomes) };
    if (values.out) writeFileSync(values.out, JSON.stringify({ ...report, clips: outcomes }, null, 2) + '\n');
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return 0;
  } finally {
    await browser.close();
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
}

async function compare(sample: BenchSample, page: import('playwright-core').Page, url: string, mode: string): Promise<ClipOutcome> {
  await page.setInputFiles('#audio-file', sample.path);
  await page.waitForSelector('#identify-result[data-status]', { state: 'attached', timeout: 300_000 });
  const shown = await page.$eval('#identify-result', (e) => ({ ...(e as HTMLElement).dataset }));
  if (shown['status'] === 'failed') throw new Error(`${sample.id}: ${await page.textContent('#identify-status')}`);
  const bytes = readFileSync(sample.path);
  const type = CONTENT_TYPES[sample.path.split('.').pop() ?? ''] ?? 'application/octet-stream';
  const response = await fetch(`${url}identify?mode=${mode}`, { method: 'POST', headers: { 'content-type': type }, body: bytes });
  const server = (await response.json()) as { status: string; verses: VerseKey[]; confidence: number; error?: string };
  if (!response.ok) throw new Error(`${sample.id}: the server answered ${response.status}: ${server.error ?? ''}`);
  // The page shows its answer as "1:1–3, 2:5" (web/src/format.ts); the bench compares verse lists.
  const browserVerses = parseShown(shown['verses'] ?? '');
  return {
    id: sample.id,
    expected: answerOf(sample.expected, '-'),
    browser: answerOf(browserVerses, shown['status'] ?? '?'),
    server: answerOf(server.verses, server.status),
    browserCorrect: scoreSample(sample.expected, sample.alsoAccept, browserVerses).sequenceAccuracy === 1,
    serverCorrect: scoreSample(sample.expected, sample.alsoAccept, server.verses).sequenceAccuracy === 1,
    browserConfidence: Number(shown['confidence']),
    serverConfidence: server.confidence,
    browserMs: Number(shown['totalMs']),
    audioS: Number(shown['audioS']),
  };
}

/** "1:1–3, 2:5" → 1:1, 1:2, 1:3, 2:5. */
function parseShown(text: string): VerseKey[] {
  const verses: VerseKey[] = [];
  for (const run of text.split(',').map((r) => r.trim()).filter((r) => r !== '')) {
    const m = /^(\d+):(\d+)(?:–(\d+))?$/.exec(run);
    if (!m) throw new Error(`cannot read the page's answer "${text}"`);
    const surah = Number(m[1]);
    for (let ayah = Number(m[2]); ayah <= Number(m[3] ?? m[2]); ayah++) verses.push({ surah, ayah });
  }
  return verses;
}

function summarise(outcomes: readonly ClipOutcome[]) {
  const share = (n: number): number => round1((100 * n) / outcomes.length);
  const later = outcomes.slice(1).map((o) => o.browserMs);
  const tenSecond = outcomes.slice(1).filter((o) => o.audioS >= 8 && o.audioS <= 12).map((o) => o.browserMs);
  const confidenceGaps = outcomes.map((o) => Math.abs(o.browserConfidence - o.serverConfidence));
  return {
    clips: outcomes.length,
    browser_seq_acc_pct: share(outcomes.filter((o) => o.browserCorrect).length),
    server_seq_acc_pct: share(outcomes.filter((o) => o.serverCorrect).length),
    same_answer_pct: share(outcomes.filter((o) => o.browser === o.server).length),
    confidence_gap_p50: round3(percentile(confidenceGaps, 50)),
    confidence_gap_max: round3(Math.max(...confidenceGaps)),
    browser_first_clip_ms: round1(outcomes[0]!.browserMs),
    browser_ms_p50: round1(percentile(later, 50)),
    browser_ms_p95: round1(percentile(later, 95)),
    // As `ayat bench` reports "recog 10-s clip": the median over the clips 8-12 s long.
    browser_ms_10s_clip: round1(percentile(tenSecond, 50)),
    clips_8_to_12_s: tenSecond.length,
    differing: outcomes.filter((o) => o.browser !== o.server).map((o) => ({ id: o.id, expected: o.expected, browser: o.browser, server: o.server })),
  };
}

runScript('browserBench', main);
