import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { packageRoot } from '../../src/acoustic/packageRoot.js';
import { runCli, STACK_FRAME } from '../cli/cliRunner.js';
import { removeDir } from './harness.js';

const dataDir = mkdtempSync(join(tmpdir(), 'ayat-serve-cli-'));
after(() => removeDir(dataDir));

describe('ayat serve', () => {
  it('--help describes it, and bad options are usage errors', () => {
    const help = runCli(['serve', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--port N/);
    assert.match(runCli(['--help']).stdout, /ayat serve/);
    const bad = runCli(['serve', '--port', 'abc']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^ayat: --port needs a port number/);
    assert.doesNotMatch(bad.stderr, STACK_FRAME);
  });

  it('prints the URL it serves on, answers there, and stops cleanly on SIGTERM', async () => {
    const { AYAT_MODEL: _ignored, ...env } = process.env;
    const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'ayat.js'), 'serve', '--port', '0', '--data', dataDir], {
      cwd: tmpdir(),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    try {
      let stdout = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const m = /serving on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
          if (m) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`ayat serve exited with ${code} before printing its URL: ${stdout}`)));
      });
      const health = await fetch(`${url}health`, { signal: AbortSignal.timeout(10_000) });
      assert.equal(health.status, 200);
      assert.equal(((await health.json()) as { status: string }).status, 'ok');
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      clearTimeout(killer);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
