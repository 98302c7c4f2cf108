import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { BenchReport } from '../../bench/report.js';
import type { IdentifyResult } from '../../src/engine/result.js';
import { devClip, devDataDir, realModelDir } from '../engine/realModel.js';
import { runCli } from './cliRunner.js';

describe('ayat CLI with the trained model (models/ayat-ctc)', () => {
  it('identify --json: one line per file, right verses, exit 0', () => {
    realModelDir();
    const files = [devClip('reciters/husary/082019.opus'), devClip('crowd/multi_114_001_006.opus')];
    const r = runCli(['identify', '--json', ...files]);
    assert.equal(r.code, 0, r.stderr);
    const results = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as IdentifyResult);
    assert.deepEqual(results.map((x) => x.status), ['ok', 'ok']);
    assert.deepEqual(results[0]!.verses, [{ surah: 82, ayah: 19 }]);
    assert.deepEqual(results[1]!.verses, [1, 2, 3, 4, 5, 6].map((ayah) => ({ surah: 114, ayah })));
  });

  it('identify (human): reference, surah name and Arabic text', () => {
    realModelDir();
    const r = runCli(['identify', devClip('reciters/alafasy/001005.opus')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /1:5 {2}الفاتحة \(Al-Fatihah\) {2}confidence \d\.\d\d/);
  });

  it('bench on a few dev clips writes a complete report', () => {
    realModelDir();
    const dir = mkdtempSync(join(tmpdir(), 'ayat-bench-e2e-'));
    try {
      const out = join(dir, 'report.json');
      const r = runCli(['bench', '--manifest', join(devDataDir(), 'manifest.json'), '--filter', 'category=multi', '--limit', '4', '--out', out]);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(readFileSync(out, 'utf8')) as BenchReport;
      assert.equal(report.summary.total, 4);
      assert.equal(report.mode, 'hybrid', 'the default mode when the shipped QuranCLAP model is installed');
      assert.deepEqual(report.models?.map((m) => m.role), ['acoustic', 'clap']);
      assert.ok(report.summary.sequence_accuracy >= 0.5, `sequence accuracy ${report.summary.sequence_accuracy}`);
      assert.ok(report.latency_ms.total.p50 > 0);
      assert.ok(report.samples.every((s) => s.features !== undefined || s.status === 'no_match'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
