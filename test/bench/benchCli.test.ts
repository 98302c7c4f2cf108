import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BenchReport } from '../../bench/report.js';
import { childNodeFlags } from '../../src/cli/benchCommand.js';
import { writeTinyModel } from '../acoustic/tinyModel.js';
import { runCli, STACK_FRAME } from '../cli/cliRunner.js';
import { speechLike, writeWav } from '../cli/wav.js';

const dir = mkdtempSync(join(tmpdir(), 'ayat-bench-'));
const manifestPath = join(dir, 'manifest.json');
const model = join(dir, 'model');

before(() => {
  writeTinyModel(model);
  writeWav(join(dir, 'silent.wav'), new Float32Array(16000));
  writeWav(join(dir, 'tone.wav'), speechLike(2));
  const samples = [
    { id: 'silent', file: 'silent.wav', surah: 1, ayah: 1, ayah_end: null, category: 'short', source: 'synthetic', reciter: null, expected_verses: [{ surah: 1, ayah: 1 }] },
    { id: 'tone', file: 'tone.wav', surah: 112, ayah: 1, ayah_end: null, category: 'short', source: 'synthetic', reciter: 'machine', expected_verses: [{ surah: 112, ayah: 1 }] },
    { id: 'gone', file: 'gone.wav', surah: 2, ayah: 1, ayah_end: null, category: 'short', source: 'other', reciter: null, expected_verses: [{ surah: 2, ayah: 1 }] },
  ];
  writeFileSync(manifestPath, JSON.stringify({ samples }));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('ayat bench', () => {
  it('runs a manifest, writes the JSON report, prints the table; exit 1 when a clip errored', () => {
    const out = join(dir, 'report.json');
    const r = runCli(['bench', '--manifest', manifestPath, '--model', model, '--out', out]);
    assert.equal(r.code, 1, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, STACK_FRAME);
    assert.match(r.stderr, /\[3\/3\] gone error: cannot read .*gone\.wav: no such file/);
    assert.match(r.stdout, /seq acc/);
    const report = JSON.parse(readFileSync(out, 'utf8')) as BenchReport;
    assert.equal(report.summary.total, 3);
    assert.equal(report.summary.error_count, 1);
    assert.equal(report.mode, 'hybrid', 'the default: the shipped QuranCLAP model is installed');
    assert.equal(report.model.name, 'tiny-test+ayat-clap');
    assert.deepEqual(report.samples.map((s) => s.status).slice(0, 1), ['no_match']);
    assert.deepEqual(Object.keys(report.by_source), ['other', 'synthetic']);
  });

  it('--filter and --limit choose clips; --json prints the report', () => {
    const r = runCli(['bench', '--manifest', manifestPath, '--model', model, '--filter', 'source=synthetic', '--limit', '1', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as BenchReport;
    assert.deepEqual(report.samples.map((s) => s.id), ['silent']);
    assert.deepEqual(report.filters, ['source=synthetic']);
    assert.equal(report.limit, 1);
  });

  it('a filter that keeps nothing is an error', () => {
    const r = runCli(['bench', '--manifest', manifestPath, '--model', model, '--filter', 'source=nowhere']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^ayat: no clips left in .* after filtering\n$/);
  });

  it('--negatives identifies a folder of recordings that recite no verse and reports what was made of them', () => {
    const negatives = join(dir, 'negatives');
    mkdirSync(negatives, { recursive: true });
    writeWav(join(negatives, 'hum.wav'), speechLike(2));
    writeWav(join(negatives, 'quiet.wav'), new Float32Array(16000));
    const out = join(dir, 'negatives-report.json');
    const r = runCli(['bench', '--manifest', manifestPath, '--model', model, '--mode', 'full', '--filter', 'id=tone', '--negatives', negatives, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Not recitation \(2 clips in .*negatives\): \d+ answered with a made-up verse, highest confidence \d\.\d\d/);
    const report = JSON.parse(readFileSync(out, 'utf8')) as BenchReport;
    assert.equal(report.not_recitation?.clips, 2);
    assert.deepEqual(report.not_recitation?.records.map((x) => x.file.split('/').pop()), ['hum.wav', 'quiet.wav']);
    const empty = join(dir, 'no-audio');
    mkdirSync(empty, { recursive: true });
    const none = runCli(['bench', '--manifest', manifestPath, '--model', model, '--mode', 'full', '--filter', 'id=tone', '--negatives', empty]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /--negatives: no audio files in/);
    assert.doesNotMatch(none.stderr, STACK_FRAME);
  });

  it('--fit-calibration explains when there is too little to fit on', () => {
    const r = runCli(['bench', '--manifest', manifestPath, '--model', model, '--filter', 'source=synthetic', '--fit-calibration', join(dir, 'cal.json')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ayat: calibration needs at least 20 clips/);
  });

  it('--fit-calibration is for the verse matcher\'s modes (full, hybrid) only', () => {
    const r = runCli(['bench', '--manifest', manifestPath, '--mode', 'clap', '--fit-calibration', join(dir, 'cal.json')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--fit-calibration fits the verse matcher's calibration, used by modes full and hybrid, not clap/);
  });
});

describe('ayat bench --mode all: the Node flags each mode\'s process gets', () => {
  it('keeps the memory settings and drops the inspector\'s, whose port the parent already holds', () => {
    const flags = ['--max-semi-space-size=8', '--inspect', '--inspect-brk=9229', '--inspect-port=0', '--debug-port=1', '--expose-gc'];
    assert.deepEqual(childNodeFlags(flags), ['--max-semi-space-size=8', '--expose-gc']);
  });
});
