/**
 * The confidence calibration held out group by group (bench/heldOutCalibration.ts), from a report
 * of `ayat bench --out R.json --negatives DIR` in full or hybrid mode with the shipped model:
 *
 *   npm run bench:calibration -- --report R.json [--json]
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { crossValidate, formatCv, SHIPPED_CALIBRATIONS } from './heldOutCalibration.js';
import type { BenchReport } from './report.js';
import { runScript } from './runScript.js';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { report: { type: 'string' }, json: { type: 'boolean', default: false } } });
  if (!values.report) {
    process.stderr.write('usage: npm run bench:calibration -- --report R.json [--json]   (R.json from `ayat bench --out R.json --negatives DIR`, mode full or hybrid)\n');
    return 2;
  }
  const report = JSON.parse(await readFile(values.report, 'utf8')) as BenchReport;
  const base = SHIPPED_CALIBRATIONS[report.mode];
  if (!base) throw new Error(`${values.report} is a ${report.mode} report; the matcher's confidence is calibrated in full and hybrid mode`);
  const acoustic = report.models?.find((m) => m.role === 'acoustic')?.name ?? report.model.name;
  if (acoustic !== 'ayat-ctc') throw new Error(`${values.report} was made with acoustic model ${acoustic}: what is held out here is the shipped calibration, made for ayat-ctc`);
  const cv = crossValidate(report.samples, report.not_recitation?.records ?? [], base);
  process.stdout.write(values.json ? JSON.stringify(cv) + '\n' : formatCv(cv, report.mode));
  return 0;
}

runScript('calibrationCheck', main);
