import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatReport } from '../../bench/formatReport.js';
import { applyFilters, loadManifest, parseFilter } from '../../bench/manifest.js';
import { runBench } from '../../bench/runBench.js';
import { fitCalibrationOnRecords, writeCalibration } from '../../bench/fitCalibration.js';
import { createIdentifier } from '../engine/createIdentifier.js';
import { loadModel } from '../engine/loadModel.js';
import type { CliIO } from './io.js';
import { parseMode, parsePositiveInt } from './options.js';
import { BENCH_HELP, UsageError } from './usage.js';

/** `ayat bench --manifest …`: returns the exit code (1 when any clip errored). */
export async function benchCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      manifest: { type: 'string' },
      mode: { type: 'string' },
      model: { type: 'string' },
      out: { type: 'string' },
      limit: { type: 'string' },
      filter: { type: 'string', multiple: true },
      'fit-calibration': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.out(BENCH_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`bench takes no file arguments (got "${positionals[0]}"); use --manifest`);
  if (values.manifest === undefined) throw new UsageError('bench needs --manifest <manifest.json>');
  const mode = parseMode(values.mode);
  const limit = values.limit === undefined ? null : parsePositiveInt(values.limit, '--limit', 0);
  let filters;
  try {
    filters = (values.filter ?? []).map(parseFilter);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }

  const manifest = resolve(values.manifest);
  const all = await loadManifest(manifest);
  const filtered = applyFilters(all, filters);
  const samples = limit === null ? filtered : filtered.slice(0, limit);
  if (samples.length === 0) throw new Error(`no clips left in ${values.manifest} after filtering`);

  const loadStart = performance.now();
  const model = await loadModel(values.model);
  const modelLoadMs = performance.now() - loadStart;
  const identifier = createIdentifier({ acousticModel: model });

  io.err(`ayat bench: ${samples.length} clips, model ${model.card.name} ${model.card.version}\n`);
  const { report, records } = await runBench({
    manifest,
    mode,
    filters: values.filter ?? [],
    limit,
    samples,
    identifier,
    model,
    modelLoadMs,
    onProgress: (done, total, r) => {
      const mark = r.status === 'error' ? `error: ${r.error}` : r.sequence_accuracy === 1 ? 'ok' : `miss (${r.status})`;
      io.err(`[${done}/${total}] ${r.id} ${mark}\n`);
    },
  });

  if (values.out !== undefined) await writeFile(values.out, JSON.stringify(report, null, 2) + '\n');
  io.out(values.json ? JSON.stringify(report) + '\n' : formatReport(report));
  if (values.out !== undefined) io.err(`ayat bench: report written to ${values.out}\n`);

  const calibrationOut = values['fit-calibration'];
  if (calibrationOut !== undefined) {
    const fit = fitCalibrationOnRecords(records);
    await writeCalibration(fit, calibrationOut);
    io.err(
      `ayat bench: calibration fitted on ${fit.clips} clips (${fit.correct} right, log loss ${fit.loss.toFixed(3)}), ` +
        `written to ${calibrationOut}; copy it to src/match/calibration.json to use it\n`,
    );
  }
  return report.summary.error_count > 0 ? 1 : 0;
}
