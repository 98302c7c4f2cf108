import assert from 'node:assert/strict';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { packageRoot } from '../../src/acoustic/packageRoot.js';
import { runCli, STACK_FRAME } from '../cli/cliRunner.js';
import { writeTinyBridge, writeTinyClap } from '../embed/tinyEmbedModels.js';
import { removeDir } from './harness.js';

const work = mkdtempSync(join(tmpdir(), 'ayat-serve-cli-'));
const dataDir = join(work, 'data');
before(() => {
  mkdirSync(join(work, 'empty'));
  writeTinyClap(join(work, 'clap'));
  writeTinyBridge(join(work, 'bridge'));
});
after(() => removeDir(work));

type ServeProcess = ChildProcessByStdio<null, Readable, Readable>;

interface Served {
  readonly url: string;
  /** Its start-up lines on stderr (library, modes). */
  readonly stderr: string;
}

/** Resolves once `ayat serve` has printed its URL (stdout) and its modes (stderr). */
function started(child: ServeProcess): Promise<Served> {
  let stdout = '';
  let stderr = '';
  return new Promise<Served>((resolve, reject) => {
    const check = (): void => {
      const m = /serving on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
      if (m && /; modes .*\n/.test(stderr)) resolve({ url: m[1]!, stderr });
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      check();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      check();
    });
    child.once('exit', (code) => reject(new Error(`ayat serve exited with ${code} before it started: ${stdout} ${stderr}`)));
  });
}

/**
 * Runs `ayat serve --port 0 --data … <args>` as a user would, runs `body` against it, then
 * stops it with SIGTERM and checks it exits 0.
 */
async function withServe(args: readonly string[], env: NodeJS.ProcessEnv, body: (served: Served) => Promise<void>): Promise<void> {
  const { AYAT_MODEL: _model, AYAT_CLAP_MODEL: _clap, AYAT_LIGHTWEIGHT_MODEL: _bridge, ...baseEnv } = process.env;
  const child: ServeProcess = spawn(process.execPath, [join(packageRoot(), 'bin', 'ayat.js'), 'serve', '--port', '0', '--data', dataDir, ...args], {
    cwd: tmpdir(),
    env: { ...baseEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  try {
    await body(await started(child));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  } finally {
    clearTimeout(killer);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

async function getJson(url: string): Promise<any> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  assert.equal(response.status, 200);
  return response.json();
}

const modeIds = async (url: string): Promise<string[]> => ((await getJson(`${url}modes`)) as { modes: { id: string }[] }).modes.map((m) => m.id);

describe('ayat serve', () => {
  it('--help describes it, and bad options are usage errors', () => {
    const help = runCli(['serve', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--port N/);
    assert.match(help.stdout, /--clap-model DIR/);
    assert.match(help.stdout, /--lightweight-model DIR/);
    assert.match(help.stdout, /--no-watch/);
    assert.match(runCli(['--help']).stdout, /ayat serve .*--clap-model DIR/);
    const bad = runCli(['serve', '--port', 'abc']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^ayat: --port needs a port number/);
    assert.doesNotMatch(bad.stderr, STACK_FRAME);
  });

  it('prints the URL it serves on, answers there, and stops cleanly on SIGTERM', async () => {
    await withServe([], {}, async ({ url }) => {
      assert.equal((await getJson(`${url}health`)).status, 'ok');
      assert.equal((await getJson(`${url}library`)).watching, true, 'it follows the library folders by default');
    });
    await withServe(['--no-watch'], {}, async ({ url }) => {
      assert.equal((await getJson(`${url}library`)).watching, false);
    });
  });

  it('serves the modes whose models --clap-model, --lightweight-model or their variables point at', async () => {
    const empty = join(work, 'empty');
    await withServe(['--model', empty, '--clap-model', join(work, 'clap')], { AYAT_LIGHTWEIGHT_MODEL: join(work, 'bridge') }, async ({ url, stderr }) => {
      assert.deepEqual(await modeIds(url), ['full', 'clap', 'lightweight'], 'no hybrid without the acoustic model');
      assert.match(stderr, /; modes full, clap, lightweight;/);
    });
    await withServe(['--clap-model', empty, '--lightweight-model', empty], { AYAT_CLAP_MODEL: join(work, 'clap') }, async ({ url }) => {
      assert.deepEqual(await modeIds(url), ['full'], 'the options win over the variables');
    });
  });
});
