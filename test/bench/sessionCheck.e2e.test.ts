import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { packageRoot } from '../../src/acoustic/packageRoot.js';
import { devDataDir, realModelDir } from '../engine/realModel.js';

interface SessionReport {
  identified: { script: string; reciter: string; exact: boolean; extra: number; found: number; expectedCount: number }[];
}

describe('bench/sessionCheck with the trained model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ayat-sessions-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('joins one unseen reciter’s clips into prayers, jumps and whole surahs, and finds their verses', () => {
    realModelDir();
    const out = join(dir, 'sessions.json');
    const r = spawnSync(
      process.execPath,
      [join(packageRoot(), 'dist', 'bench', 'sessionCheck.js'), '--manifest', join(devDataDir(), 'manifest.json'), '--filter', 'reciter=minshawi', '--out', out],
      { encoding: 'utf8', timeout: 300_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\| all \| 7 \|/);
    const { identified } = JSON.parse(readFileSync(out, 'utf8')) as SessionReport;
    assert.equal(identified.length, 7);
    assert.ok(identified.every((o) => o.reciter === 'minshawi'));
    // Before leftovers were matched on their own: 5 of 7, with a basmala reported as 1:1 and 2:1 after Al-Fatiha.
    assert.ok(identified.filter((o) => o.exact).length >= 6, JSON.stringify(identified));
    assert.equal(identified.reduce((n, o) => n + o.extra, 0), 0, 'no verse reported that was not recited');
  });

  it('says so when no reciter has the clips a session needs', () => {
    const r = spawnSync(
      process.execPath,
      [join(packageRoot(), 'dist', 'bench', 'sessionCheck.js'), '--manifest', join(devDataDir(), 'manifest.json'), '--filter', 'source=retasy'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^sessionCheck: no reciter of the manifest has the clips any session needs/);
  });
});
