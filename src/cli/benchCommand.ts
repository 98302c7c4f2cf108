import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { comparisonMarkdown, comparisonRow, formatComparison, type ModeOutcome } from '../../bench/compare.js';
import { formatReport } from '../../bench/formatReport.js';
import { applyFilters, loadManifest, parseFilter } from '../../bench/manifest.js';
import type { BenchReport } from '../../bench/report.js';
import { runBench, type BenchModel } from '../../bench/runBench.js';
import { fitCalibrationOnRecords, writeCalibration } from '../../bench/fitCalibration.js';
import { formatNotRecitation, runNotRecitation } from '../../bench/notRecitation.js';
import { packageRoot } from '../acoustic/packageRoot.js';
import { DEFAULT_MODEL_NAME, modelsDir } from '../acoustic/registry.js';
import { MODEL_CALIBRATION_FILES, modelCalibration, type CalibratedMode } from '../engine/modelCalibration.js';
import { HYBRID_CALIBRATION } from '../engine/hybrid.js';
import { DEFAULT_CALIBRATION, type Calibration } from '../match/confidence.js';
import { defaultMode, loadModeModels, modeIdentifier, modelInfos, type Mode, type ModeModelOptions, type ModelInfo } from '../engine/modes.js';
import type { CliIO } from './io.js';
import { MODEL_ARGS, modelOptionsOf, parseModes, parsePositiveInt } from './options.js';
import { BENCH_HELP, UsageError } from './usage.js';

/** The modes whose verse matcher reads a confidence calibration: the built-in one and where it lives. */
const MATCHER_CALIBRATIONS: Partial<Record<CalibratedMode, { readonly current: Calibration; readonly file: string }>> = {
  full: { current: DEFAULT_CALIBRATION, file: 'src/match/calibration.json' },
  hybrid: { current: HYBRID_CALIBRATION, file: 'src/engine/hybrid-calibration.json' },
};
const CALIBRATED_MODES = Object.keys(MATCHER_CALIBRATIONS).join(' and ');

/** Candidates kept per clip: enough for top-10. */
export const BENCH_CANDIDATES = 10;

export const BENCH_OPTIONS = {
  manifest: { type: 'string' },
  mode: { type: 'string' },
  ...MODEL_ARGS,
  out: { type: 'string' },
  table: { type: 'string' },
  limit: { type: 'string' },
  filter: { type: 'string', multiple: true },
  'fit-calibration': { type: 'string' },
  negatives: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** `ayat bench --manifest …`: returns the exit code (1 when any clip errored). */
export async function benchCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], options: BENCH_OPTIONS, allowPositionals: true, strict: true });
  if (values.help) {
    io.out(BENCH_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`bench takes no file arguments (got "${positionals[0]}"); use --manifest`);
  if (values.manifest === undefined) throw new UsageError('bench needs --manifest <manifest.json>');
  const modelOptions: ModeModelOptions = modelOptionsOf(values);
  const modes = values.mode === undefined ? [defaultMode(modelOptions)] : parseModes(values.mode);
  const limit = values.limit === undefined ? null : parsePositiveInt(values.limit, '--limit', 0);
  let filters;
  try {
    filters = (values.filter ?? []).map(parseFilter);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (modes.length > 1) {
    if (values['fit-calibration'] !== undefined) throw new UsageError(`--fit-calibration works with one mode at a time (${CALIBRATED_MODES})`);
    if (values.negatives !== undefined) throw new UsageError('--negatives works with one mode at a time');
    return compareModes(modes, argv, values, io);
  }
  if (values.table !== undefined) throw new UsageError('--table is for mode comparisons (--mode all, or a comma-separated list)');
  const mode = modes[0]!;
  const calibrationTarget = MATCHER_CALIBRATIONS[mode as CalibratedMode];
  if (values['fit-calibration'] !== undefined && !calibrationTarget) {
    throw new UsageError(`--fit-calibration fits the verse matcher's calibration, used by modes ${CALIBRATED_MODES}, not ${mode}`);
  }

  const manifest = resolve(values.manifest);
  const all = await loadManifest(manifest);
  const filtered = applyFilters(all, filters);
  const samples = limit === null ? filtered : filtered.slice(0, limit);
  if (samples.length === 0) throw new Error(`no clips left in ${values.manifest} after filtering`);

  // A mode without its trained model stops here, in one line (exit 2).
  const loadStart = performance.now();
  const models = await loadModeModels(mode, modelOptions);
  const modelLoadMs = performance.now() - loadStart;

  const infos = modelInfos(models);
  const identifier = modeIdentifier(mode, models, { maxCandidates: BENCH_CANDIDATES });
  io.err(`ayat bench: ${samples.length} clips, mode ${mode}, model ${infos.map((m) => `${m.name} ${m.version}`).join(' + ')}\n`);
  const { report, records } = await runBench({
    manifest,
    mode,
    filters: values.filter ?? [],
    limit,
    samples,
    identifier,
    model: summaryModel(infos),
    models: infos.map((m) => ({ role: m.role, name: m.name, version: m.version, dir: m.dir, sha256: m.sha256, size_bytes: m.sizeBytes })),
    modelLoadMs,
    onProgress: (done, total, r) => {
      const mark = r.status === 'error' ? `error: ${r.error}` : r.sequence_accuracy === 1 ? 'ok' : `miss (${r.status})`;
      io.err(`[${done}/${total}] ${r.id} ${mark}\n`);
    },
  });

  const notRecitation = values.negatives === undefined ? undefined : await runNotRecitation(values.negatives, identifier);
  const written: BenchReport = notRecitation ? { ...report, not_recitation: notRecitation } : report;
  if (values.out !== undefined) await writeFile(values.out, JSON.stringify(written, null, 2) + '\n');
  io.out(values.json ? JSON.stringify(written) + '\n' : formatReport(report) + (notRecitation ? `\n${formatNotRecitation(notRecitation)}` : ''));
  if (values.out !== undefined) io.err(`ayat bench: report written to ${values.out}\n`);

  const calibrationOut = values['fit-calibration'];
  if (calibrationOut !== undefined && calibrationTarget) {
    // A model other than the bundled default gets its calibration in its own folder (src/engine/modelCalibration.ts).
    const calibratedMode = mode as CalibratedMode;
    const acousticDir = resolve(models.acoustic!.dir);
    const ownFile = join(acousticDir, MODEL_CALIBRATION_FILES[calibratedMode]);
    const isDefaultModel = acousticDir === join(modelsDir(), DEFAULT_MODEL_NAME) && !existsSync(ownFile);
    const negatives = (notRecitation?.records ?? []).flatMap((r) => (r.features ? [r.features] : []));
    const fit = fitCalibrationOnRecords(records, modelCalibration(acousticDir, calibratedMode) ?? calibrationTarget.current, negatives);
    await writeCalibration(fit, calibrationOut);
    const use =
      resolve(calibrationOut) === join(packageRoot(), calibrationTarget.file)
        ? 'rebuild (npm run build) to use it'
        : isDefaultModel
          ? `copy it to ${calibrationTarget.file} to use it`
          : resolve(calibrationOut) === ownFile
            ? `${mode} mode uses it with this model from now on`
            : `copy it to ${ownFile} to use it with this model`;
    io.err(
      `ayat bench: ${mode} mode's calibration fitted on ${fit.clips} clips (${fit.correct} right, log loss ${fit.loss.toFixed(3)}), ` +
        `written to ${calibrationOut}; ${use}\n`,
    );
  }
  return report.summary.error_count > 0 ? 1 : 0;
}

/** One model, or several summed up: names joined with "+", sizes added. */
function summaryModel(infos: readonly ModelInfo[]): BenchModel {
  return {
    card: {
      name: infos.map((m) => m.name).join('+'),
      version: infos.map((m) => m.version).join('+'),
      sha256: infos.map((m) => m.sha256).join('+'),
    },
    dir: infos.map((m) => m.dir).join('+'),
    sizeBytes: infos.reduce((a, m) => a + m.sizeBytes, 0),
  };
}

type BenchValues = ReturnType<typeof parseArgs<{ options: typeof BENCH_OPTIONS; allowPositionals: true; strict: true }>>['values'];

/**
 * Runs each mode in its own process (so each one's peak memory is its own) on the same clips,
 * then prints one table. A mode whose model is not installed is a row that says so.
 */
async function compareModes(modes: readonly Mode[], argv: readonly string[], values: BenchValues, io: CliIO): Promise<number> {
  const shared: string[] = ['--manifest', resolve(values.manifest!)];
  for (const key of ['model', 'clap-model', 'lightweight-model', 'limit'] as const) {
    const v = values[key];
    if (v !== undefined) shared.push(`--${key}`, v);
  }
  for (const f of values.filter ?? []) shared.push('--filter', f);
  const outcomes: ModeOutcome[] = [];
  let worst = 0;
  for (const mode of modes) {
    io.err(`ayat bench: mode ${mode}\n`);
    const child = await runChild([...shared, '--mode', mode, '--json'], (line) => io.err(`  [${mode}] ${line}\n`));
    if (child.code === 2) {
      outcomes.push({ mode, status: 'unavailable', reason: child.lastLine.replace(/^ayat: /, '') });
      worst = Math.max(worst, 2);
      continue;
    }
    let report: BenchReport | undefined;
    try {
      report = JSON.parse(child.stdout) as BenchReport;
    } catch {
      outcomes.push({ mode, status: 'failed', reason: child.lastLine.replace(/^ayat: /, '') || `exit code ${child.code}` });
      worst = Math.max(worst, 1);
      continue;
    }
    outcomes.push({ mode, status: 'ok', report });
    worst = Math.max(worst, child.code ?? 1);
  }
  const rows = outcomes.map(comparisonRow);
  const created = new Date().toISOString();
  const manifest = resolve(values.manifest!);
  if (values.out !== undefined) {
    const json = { tool: 'ayat bench', created, manifest, command: commandLine(argv), modes: rows, reports: Object.fromEntries(outcomes.filter((o) => o.report).map((o) => [o.mode, o.report])) };
    await writeFile(values.out, JSON.stringify(json, null, 2) + '\n');
    io.err(`ayat bench: comparison written to ${values.out}\n`);
  }
  if (values.table !== undefined) {
    await writeFile(values.table, comparisonMarkdown(values.manifest!, commandLine(argv), created, rows));
    io.err(`ayat bench: Markdown table written to ${values.table}\n`);
  }
  io.out(values.json ? JSON.stringify({ created, manifest, modes: rows }) + '\n' : formatComparison(manifest, rows));
  return worst;
}

function commandLine(argv: readonly string[]): string {
  const quote = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return ['npx', 'ayat', 'bench', ...argv.map(quote)].join(' ');
}

/**
 * The parent's Node flags (bin/ayat.js's memory setting; its allocator settings are in the
 * environment, which the child inherits), so each mode is measured as the CLI runs;
 * not the inspector's: a child would try to listen on the port the parent already holds.
 */
export function childNodeFlags(execArgv: readonly string[]): string[] {
  return execArgv.filter((flag) => !/^--(inspect|debug)/.test(flag));
}

function runChild(args: readonly string[], onLine: (line: string) => void): Promise<{ code: number | null; stdout: string; lastLine: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [...childNodeFlags(process.execArgv), join(packageRoot(), 'bin', 'ayat.js'), 'bench', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let pending = '';
    let lastLine = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      pending += d;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) {
        if (l.trim() === '') continue;
        lastLine = l;
        onLine(l);
      }
    });
    child.on('error', (err) => done({ code: 1, stdout, lastLine: err.message }));
    child.on('close', (code) => {
      if (pending.trim() !== '') {
        lastLine = pending;
        onLine(pending);
      }
      done({ code, stdout, lastLine });
    });
  });
}
