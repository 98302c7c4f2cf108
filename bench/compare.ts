import { table } from './formatReport.js';
import type { BenchReport } from './report.js';
import { percentile } from './stats.js';

/** One mode's outcome in a comparison run. */
export interface ModeOutcome {
  readonly mode: string;
  readonly status: 'ok' | 'unavailable' | 'failed';
  /** Why the mode did not run (one line), unless status is ok. */
  readonly reason?: string;
  readonly report?: BenchReport;
}

export interface ModeComparisonRow {
  readonly mode: string;
  readonly status: ModeOutcome['status'];
  readonly reason?: string;
  readonly n?: number;
  readonly sequence_accuracy?: number;
  readonly top1?: number;
  readonly top5?: number;
  readonly top10?: number;
  /** Per clip, decoding included. */
  readonly latency_p50_ms?: number;
  readonly latency_p95_ms?: number;
  /** Per clip, model and search only (no audio decoding). */
  readonly recognition_p50_ms?: number;
  readonly recognition_p95_ms?: number;
  /** Model and search time on the clips about 10 s long, median, and how many there were. */
  readonly recognition_10s_clip_p50_ms?: number;
  readonly clips_10s?: number;
  readonly model_size_bytes?: number;
  readonly peak_rss_mb?: number;
}

export function comparisonRow(o: ModeOutcome): ModeComparisonRow {
  const r = o.report;
  if (o.status !== 'ok' || !r) return { mode: o.mode, status: o.status, ...(o.reason ? { reason: o.reason } : {}) };
  const processed = r.samples.filter((s) => s.status !== 'error');
  const recognition = processed.map((s) => s.latency_ms.acoustic + s.latency_ms.match);
  const ten = r.latency_10s_clips_ms;
  return {
    mode: o.mode,
    status: 'ok',
    n: r.summary.total,
    sequence_accuracy: r.summary.sequence_accuracy,
    top1: r.summary.top1_rate,
    top5: r.summary.top5_hit_rate,
    top10: r.summary.top10_hit_rate,
    latency_p50_ms: r.latency_ms.total.p50,
    latency_p95_ms: r.latency_ms.total.p95,
    recognition_p50_ms: percentile(recognition, 50),
    recognition_p95_ms: percentile(recognition, 95),
    ...(ten.clips > 0 ? { recognition_10s_clip_p50_ms: ten.recognition.p50 } : {}),
    clips_10s: ten.clips,
    model_size_bytes: r.model.size_bytes,
    peak_rss_mb: r.peak_rss_mb,
  };
}

const HEADER = ['mode', 'n', 'seq acc', 'top-1', 'top-5', 'top-10', 'p50 ms', 'p95 ms', 'p50 recog', 'p95 recog', 'recog 10-s clip', 'model', 'peak RSS'];

function cells(row: ModeComparisonRow): string[] {
  if (row.status !== 'ok') return [row.mode, `${row.status}: ${row.reason ?? ''}`];
  const pct = (x = 0): string => `${(x * 100).toFixed(1)}%`;
  const ms = (x = 0): string => (x < 10 ? x.toFixed(1) : x.toFixed(0));
  const mib = (b = 0): string => (b < 2 ** 20 ? `${(b / 1024).toFixed(0)} KiB` : `${(b / 2 ** 20).toFixed(1)} MiB`);
  return [
    row.mode,
    String(row.n),
    pct(row.sequence_accuracy),
    pct(row.top1),
    pct(row.top5),
    pct(row.top10),
    ms(row.latency_p50_ms),
    ms(row.latency_p95_ms),
    ms(row.recognition_p50_ms),
    ms(row.recognition_p95_ms),
    row.recognition_10s_clip_p50_ms === undefined ? '–' : `${ms(row.recognition_10s_clip_p50_ms)} (n=${row.clips_10s})`,
    mib(row.model_size_bytes),
    `${(row.peak_rss_mb ?? 0).toFixed(0)} MiB`,
  ];
}

const NOTES =
  'seq acc: offline-tarteel sequence accuracy; top-k: an accepted verse sequence among the first k candidates ' +
  '(top-1 counts the best hypothesis even below the no-match threshold). Latency per clip in ms: p50/p95 include ' +
  'decoding (Ogg Opus, MP3 and WAV in-process, other formats through ffmpeg); "recog" is model + search only; "recog 10-s clip" is its median over the clips 8–12 s long (n of them). ' +
  'Model: bytes on disk of everything the mode loads. Peak RSS: each mode runs in its own process.';

/** The one table printed by `ayat bench --mode all`. */
export function formatComparison(manifest: string, rows: readonly ModeComparisonRow[]): string {
  const ok = rows.filter((r) => r.status === 'ok');
  const lines = [`ayat bench — ${manifest} — mode comparison`, '', table(HEADER, ok.map(cells))];
  for (const r of rows.filter((x) => x.status !== 'ok')) lines.push(`${r.mode}: ${r.status} — ${r.reason ?? ''}`);
  lines.push('', NOTES);
  return lines.join('\n') + '\n';
}

/** The same table as Markdown, with the command line that made it (docs/modes.md). */
export function comparisonMarkdown(manifest: string, command: string, created: string, rows: readonly ModeComparisonRow[]): string {
  const md = (c: readonly string[]): string => `| ${c.join(' | ')} |`;
  const lines = [
    '# Recognition modes compared',
    '',
    `Generated ${created.slice(0, 10)} on \`${manifest}\` by:`,
    '',
    '```sh',
    command,
    '```',
    '',
    md(HEADER),
    md(HEADER.map(() => '---')),
    ...rows.filter((r) => r.status === 'ok').map((r) => md(cells(r))),
    '',
    ...rows.filter((r) => r.status !== 'ok').map((r) => `- **${r.mode}**: ${r.status} — ${r.reason ?? ''}`),
    '',
    NOTES,
    '',
  ];
  return lines.join('\n');
}
