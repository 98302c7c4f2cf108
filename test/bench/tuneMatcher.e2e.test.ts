import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { packageRoot } from '../../src/acoustic/packageRoot.js';
import { devDataDir, realModelDir } from '../engine/realModel.js';

interface TuneReport {
  clips: number;
  rows: { name: string; all: { total: number; top1_rate: number } }[];
}

describe('bench/tuneMatcher with the trained model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ayat-tune-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('re-matches the cached posteriors once per setting and ranks the settings by top-1', () => {
    realModelDir();
    const grid = join(dir, 'grid.json');
    writeFileSync(grid, JSON.stringify({ default: {}, 'one region': { retrieval: { topK: 1 } }, 'boundary 3': { boundaryPenalty: 3 } }));
    const out = join(dir, 'tune.json');
    const r = spawnSync(process.execPath, [join(packageRoot(), 'dist', 'bench', 'tuneMatcher.js'),
      '--manifest', join(devDataDir(), 'manifest.json'), '--filter', 'category=multi', '--grid', grid, '--out', out], { encoding: 'utf8', timeout: 300_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^best: /);
    const report = JSON.parse(readFileSync(out, 'utf8')) as TuneReport;
    assert.equal(report.clips, 9);
    assert.deepEqual(report.rows.map((x) => x.name).sort(), ['boundary 3', 'default', 'one region']);
    assert.ok(report.rows.every((x) => x.all.total === 9));
    for (let i = 1; i < report.rows.length; i++) assert.ok(report.rows[i - 1]!.all.top1_rate >= report.rows[i]!.all.top1_rate);
    const byName = new Map(report.rows.map((x) => [x.name, x.all.top1_rate]));
    assert.ok(byName.get('default')! >= 0.8, `default top-1 ${byName.get('default')}`);
  });

  it('tunes hybrid mode with --clap-model, hybrid options per setting', () => {
    realModelDir();
    const grid = join(dir, 'hybrid.json');
    writeFileSync(grid, JSON.stringify({ hybrid: {}, 'shortlist only': { hybrid: { ngramRegions: 0, shortlist: 40 } } }));
    const out = join(dir, 'hybrid-tune.json');
    const r = spawnSync(process.execPath, [join(packageRoot(), 'dist', 'bench', 'tuneMatcher.js'),
      '--manifest', join(devDataDir(), 'manifest.json'), '--filter', 'category=multi', '--grid', grid, '--out', out,
      '--clap-model', join(packageRoot(), 'models', 'ayat-clap')], { encoding: 'utf8', timeout: 300_000 });
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(readFileSync(out, 'utf8')) as TuneReport;
    const byName = new Map(report.rows.map((x) => [x.name, x.all.top1_rate]));
    assert.ok(byName.get('hybrid')! >= 0.8, `hybrid top-1 ${byName.get('hybrid')}`);
    assert.ok(report.rows.every((x) => x.all.total === 9));
    assert.ok(byName.has('shortlist only'), 'a setting with n-gram retrieval off (QuranCLAP shortlist alone) runs too');
  });

  it('a missing --manifest is a one-line error, exit 1', () => {
    const r = spawnSync(process.execPath, [join(packageRoot(), 'dist', 'bench', 'tuneMatcher.js')], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.equal(r.stderr, 'tuneMatcher: missing --manifest <manifest.json>\n');
  });
});
