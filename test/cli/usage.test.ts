import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { packageRoot, packageVersion } from '../../src/acoustic/packageRoot.js';
import { BENCH_OPTIONS } from '../../src/cli/benchCommand.js';
import { runCli, STACK_FRAME } from './cliRunner.js';

function assertUsageError(args: string[], pattern: RegExp): void {
  const r = runCli(args);
  assert.equal(r.code, 2, `exit code for ${args.join(' ')}; stderr: ${r.stderr}`);
  assert.equal(r.stdout, '');
  const [first] = r.stderr.split('\n');
  assert.match(first!, /^ayat: /);
  assert.match(first!, pattern);
  assert.doesNotMatch(r.stderr, STACK_FRAME);
}

describe('ayat command line', () => {
  it('--help prints usage and exits 0', () => {
    const r = runCli(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage:\n\s+ayat identify <files\.\.\.>/);
    assert.match(r.stdout, /ayat bench --manifest/);
  });

  it('identify --help and bench --help', () => {
    const identify = runCli(['identify', '--help']);
    assert.equal(identify.code, 0);
    assert.match(identify.stdout, /--json/);
    assert.match(identify.stdout, /--top N/);
    const bench = runCli(['bench', '--help']);
    assert.equal(bench.code, 0);
    for (const option of Object.keys(BENCH_OPTIONS)) assert.match(bench.stdout, new RegExp(`--${option}\\b`), `bench --help names --${option}`);
    assert.equal(runCli(['help', 'identify']).stdout, identify.stdout);
  });

  it('model --help, and model with two folders is a usage error', () => {
    const r = runCli(['model', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: ayat model \[DIR\] \[--json\]/);
    assert.match(runCli(['--help']).stdout, /ayat model \[DIR\]/);
    assertUsageError(['model', 'a', 'b'], /model takes one folder, got 2/);
  });

  it('--version prints the package version', () => {
    const r = runCli(['--version']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), packageVersion());
  });

  it('runs as an executable through its shebang line, as npx and npm bin links start it', () => {
    // The shebang passes Node a V8 flag (env -S): a platform whose env cannot split it would fail here.
    const r = spawnSync(join(packageRoot(), 'bin', 'ayat.js'), ['--version'], { cwd: tmpdir(), encoding: 'utf8' });
    assert.equal(r.error, undefined);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), packageVersion());
  });

  it('no arguments: usage on stderr, exit 2', () => {
    const r = runCli([]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Usage:/);
  });

  it('usage errors exit 2 with one ayat: line', () => {
    assertUsageError(['frobnicate'], /unknown command "frobnicate"/);
    assertUsageError(['toString'], /unknown command "toString"/);
    assertUsageError(['--frobnicate'], /unknown option "--frobnicate"/);
    assertUsageError(['identify'], /at least one audio file/);
    assertUsageError(['identify', '--top', 'abc', 'x.wav'], /--top needs a positive whole number/);
    assertUsageError(['identify', '--top', '0', 'x.wav'], /--top needs a positive whole number/);
    assertUsageError(['identify', '--bogus', 'x.wav'], /Unknown option '--bogus'/);
    assertUsageError(['identify', '--model'], /--model/);
    assertUsageError(['identify', '--mode', 'turbo', 'x.wav'], /unknown mode "turbo"/);
    assertUsageError(['bench'], /needs --manifest/);
    assertUsageError(['bench', '--manifest', 'm.json', '--filter', 'colour=red'], /bad filter "colour=red"/);
    assertUsageError(['bench', '--manifest', 'm.json', '--limit', '-3'], /--limit/);
    assertUsageError(['bench', 'm.json'], /use --manifest/);
  });

  it('the hint points at the command help', () => {
    assert.match(runCli(['identify', '--top', 'x', 'a.wav']).stderr, /\nTry 'ayat identify --help'\.\n$/);
    assert.match(runCli(['nope']).stderr, /\nTry 'ayat --help'\.\n$/);
  });

  it('modes whose trained model is not installed say so in one line, exit 2', () => {
    for (const [mode, option] of [['clap', '--clap-model'], ['lightweight', '--lightweight-model']]) {
      const r = runCli(['identify', '--mode', mode!, option!, '/nonexistent/model', 'x.wav']);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, new RegExp(`^ayat: mode ${mode} needs a trained [^\n]*\n$`));
    }
    assertUsageError(['bench', '--manifest', 'm.json', '--mode', 'clap,turbo'], /unknown mode "turbo"/);
  });

  it('bench with a missing manifest is a one-line error, exit 1', () => {
    const r = runCli(['bench', '--manifest', '/nonexistent/manifest.json']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'ayat: no manifest at /nonexistent/manifest.json\n');
  });
});
