import type { IdentifyResult } from '../src/engine/result.js';
import { formatRef } from '../src/quran/corpus.js';
import type { AccuracySummary, BenchReport } from './report.js';

/** A share as a percentage with one decimal, as every bench table prints it. */
export const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** What a clip was answered, for a bench's per-clip records: its verses ("82:19,82:20"), or its status. */
export function answerText(result: IdentifyResult): string {
  return result.status === 'ok' ? result.verses.map(formatRef).join(',') : result.status;
}
const ms = (x: number): string => `${x.toFixed(0)} ms`;

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const ACCURACY_HEADER = ['', 'n', 'recall', 'precision', 'seq acc', 'top-1', 'top-5', 'top-10', 'no match', 'errors'];

function accuracyRow(name: string, s: AccuracySummary): string[] {
  return [
    name,
    String(s.total),
    pct(s.recall),
    pct(s.precision),
    pct(s.sequence_accuracy),
    pct(s.top1_rate),
    pct(s.top5_hit_rate),
    pct(s.top10_hit_rate),
    pct(s.no_match_rate),
    String(s.error_count),
  ];
}

function groupTable(title: string, groups: Readonly<Record<string, AccuracySummary>>): string {
  return `${title}\n${table(ACCURACY_HEADER, Object.entries(groups).map(([k, s]) => accuracyRow(k, s)))}`;
}

function tenSecondLine(t: BenchReport['latency_10s_clips_ms']): string {
  const range = `${t.from_s}–${t.to_s} s`;
  if (t.clips === 0) return `Clips of ${range}: none in this run`;
  return `Clips of ${range} (${t.clips}): total p50 ${ms(t.total.p50)}, p95 ${ms(t.total.p95)}; model + search p50 ${ms(t.recognition.p50)}, p95 ${ms(t.recognition.p95)}`;
}

/** The human-readable report printed after a bench run. */
export function formatReport(report: BenchReport): string {
  const { summary, latency_ms: lat, calibration: cal } = report;
  const sections = [
    `ayat bench — ${report.manifest} — mode ${report.mode} — model ${report.model.name} ${report.model.version} ` +
      `(${(report.model.size_bytes / 2 ** 20).toFixed(1)} MiB)`,
    table(ACCURACY_HEADER, [accuracyRow('all', summary)]),
    groupTable('By category', report.by_category),
    groupTable('By source', report.by_source),
    groupTable('By reciter', report.by_reciter),
    'Latency per clip\n' +
      table(
        ['', 'mean', 'p50', 'p95', 'max'],
        (['total', 'decode', 'acoustic', 'match'] as const).map((k) => [k, ms(lat[k].mean), ms(lat[k].p50), ms(lat[k].p95), ms(lat[k].max)]),
      ),
    tenSecondLine(report.latency_10s_clips_ms),
    `Real-time factor ${report.real_time_factor.toFixed(3)} over ${report.audio_s.toFixed(0)} s of audio; ` +
      `peak RSS ${report.peak_rss_mb.toFixed(0)} MiB; model load ${ms(report.model.load_ms)}`,
    `Calibration (${cal.points} clips): ECE ${cal.reliability.ece.toFixed(3)}, Brier ${cal.reliability.brier.toFixed(3)}\n` +
      table(
        ['confidence', 'n', 'mean conf', 'accuracy'],
        cal.reliability.bins
          .filter((b) => b.count > 0)
          .map((b) => [`${b.lo.toFixed(1)}–${b.hi.toFixed(1)}`, String(b.count), b.meanConfidence.toFixed(2), pct(b.accuracy)]),
      ),
    `At the engine's no-match threshold: answers ${pct(cal.at_engine_threshold.answered_rate)} of clips, ` +
      `${cal.at_engine_threshold.answered_rate === 0 ? '—' : pct(cal.at_engine_threshold.accuracy_when_answered)} of them right; wrong answers ${pct(cal.at_engine_threshold.wrong_answer_rate)}, ` +
      `right but withheld ${pct(cal.at_engine_threshold.right_but_rejected_rate)}`,
    'If answering only at confidence ≥ t\n' +
      table(
        ['t', 'coverage', 'accuracy', 'wrong', 'withheld right'],
        cal.threshold_sweep.map((r) => [
          r.threshold.toFixed(2),
          pct(r.coverage),
          r.coverage === 0 ? '—' : pct(r.selectiveAccuracy),
          pct(r.wrongAnswerRate),
          pct(r.rightRejectedRate),
        ]),
      ),
  ];
  return sections.join('\n\n') + '\n';
}
