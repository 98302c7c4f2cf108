import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { identifyCommand } from '../../src/cli/identifyCommand.js';
import { UsageError } from '../../src/cli/usage.js';
import type { IdentifyResult } from '../../src/engine/result.js';
import { writeTinyModel } from '../acoustic/tinyModel.js';
import { runCli, STACK_FRAME } from './cliRunner.js';
import { speechLike, writeWav } from './wav.js';

const dir = mkdtempSync(join(tmpdir(), 'ayat-cli-'));
const missing = join(dir, 'missing.opus');
const garbage = join(dir, 'garbage.mp3');
const empty = join(dir, 'empty.wav');
const silent = join(dir, 'silent.wav');
const tone = join(dir, 'tone.wav');
const tinyModel = join(dir, 'tiny-model');

before(() => {
  writeFileSync(garbage, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
  writeFileSync(empty, '');
  writeWav(silent, new Float32Array(16000 * 2));
  writeWav(tone, speechLike(3));
  writeTinyModel(tinyModel);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function jsonLines(stdout: string): IdentifyResult[] {
  const lines = stdout.split('\n').filter((l) => l !== '');
  return lines.map((l) => JSON.parse(l) as IdentifyResult);
}

function assertFileError(file: string, pattern: RegExp): void {
  const r = runCli(['identify', '--json', file]);
  assert.equal(r.code, 1, r.stderr);
  const [result, ...more] = jsonLines(r.stdout);
  assert.equal(more.length, 0, 'exactly one JSON line');
  assert.equal(result!.file, file);
  assert.equal(result!.status, 'error');
  assert.deepEqual(result!.verses, []);
  assert.match(result!.error!, pattern);
  assert.ok(!result!.error!.includes('\n'));
  assert.doesNotMatch(r.stdout + r.stderr, STACK_FRAME);
}

describe('ayat identify on files that cannot be identified', () => {
  it('missing file: status error, exit 1', () => assertFileError(missing, /no such file/));
  it('garbage file: status error, exit 1', () => assertFileError(garbage, /not an audio file|damaged/));
  it('zero-length file: status error, exit 1', () => assertFileError(empty, /empty/));
  it('a directory: status error, exit 1', () => assertFileError(dir, /directory/));

  it('stdin (-) holding no audio, or nothing: status error naming stdin, exit 1', () => {
    for (const [input, pattern] of [
      [Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)), /cannot read stdin: (not an audio file|.*damaged)/],
      [Buffer.alloc(0), /cannot read stdin: it is empty/],
    ] as const) {
      const r = runCli(['identify', '--json', '-'], {}, input);
      assert.equal(r.code, 1, r.stderr);
      const [result, ...more] = jsonLines(r.stdout);
      assert.equal(more.length, 0);
      assert.equal(result!.file, '-');
      assert.equal(result!.status, 'error');
      assert.match(result!.error!, pattern);
      assert.doesNotMatch(r.stdout + r.stderr, STACK_FRAME);
    }
  });

  it('stdin (-) from a terminal, with nothing piped, is a usage error rather than a wait', async () => {
    const terminal = { isTTY: true, async *[Symbol.asyncIterator]() { yield* [] as Uint8Array[]; assert.fail('stdin read'); } };
    const io = { out: () => assert.fail('output'), err: () => undefined };
    await assert.rejects(identifyCommand(['-'], io, terminal), (e) => e instanceof UsageError && /nothing is piped/.test(e.message));
  });

  it('stdin (-) given twice is a usage error, exit 2', () => {
    const r = runCli(['identify', '-', '-'], {}, Buffer.alloc(0));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /can be given once/);
  });

  it('human output: one ayat: line per failed file on stderr', () => {
    const r = runCli(['identify', missing]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `ayat: cannot read ${missing}: no such file\n`);
  });

  it('silence is no_match, exit 0, and needs no model', () => {
    const r = runCli(['identify', '--json', '--model', join(dir, 'no-model-here'), silent]);
    assert.equal(r.code, 0, r.stderr);
    const [result] = jsonLines(r.stdout);
    assert.equal(result!.status, 'no_match');
    assert.equal(result!.error, undefined);
  });

  it('a file cut off is identified from what it holds, with a warning; exit 0', () => {
    const cut = join(dir, 'cut.wav');
    const whole = readFileSync(tone);
    writeFileSync(cut, whole.subarray(0, whole.length >> 1));
    const json = runCli(['identify', '--json', '--model', tinyModel, cut, tone]);
    assert.equal(json.code, 0, json.stderr);
    const [cutResult, wholeResult] = jsonLines(json.stdout);
    assert.ok(cutResult!.status === 'ok' || cutResult!.status === 'no_match', cutResult!.status);
    assert.equal(cutResult!.warning, 'the file is cut off: only the 1.5 s it holds were heard');
    assert.equal(wholeResult!.warning, undefined);
    const human = runCli(['identify', '--model', tinyModel, cut]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^ {2}warning: the file is cut off: only the 1\.5 s it holds were heard$/m);
  });

  it('many files: one JSON line each, in order, progress on stderr, exit 1 if any failed', () => {
    const r = runCli(['identify', '--json', '--model', tinyModel, silent, missing, garbage]);
    assert.equal(r.code, 1);
    assert.deepEqual(
      jsonLines(r.stdout).map((x) => [x.file, x.status]),
      [
        [silent, 'no_match'],
        [missing, 'error'],
        [garbage, 'error'],
      ],
    );
    assert.match(r.stderr, /\[1\/3\] .*silent\.wav\n\[2\/3\] .*missing\.opus\n\[3\/3\] .*garbage\.mp3/);
  });

  it('a missing model is a per-file error naming the folder', () => {
    const noModel = join(dir, 'no-model-here');
    const r = runCli(['identify', '--json', '--model', noModel, tone]);
    assert.equal(r.code, 1);
    const [result] = jsonLines(r.stdout);
    assert.equal(result!.status, 'error');
    assert.match(result!.error!, new RegExp(`no model card at ${noModel}`));
  });

  it('AYAT_MODEL is honoured and a bad model is reported clearly', () => {
    const badModel = join(dir, 'bad-model');
    writeTinyModel(badModel, { card: { sha256: 'f'.repeat(64) } });
    const r = runCli(['identify', '--json', tone], { AYAT_MODEL: badModel });
    assert.equal(r.code, 1);
    assert.match(jsonLines(r.stdout)[0]!.error!, /does not match card\.json/);
  });

  it('runs the whole pipeline with a (meaningless) model: processed, exit 0', () => {
    const r = runCli(['identify', '--json', '--model', tinyModel, '--top', '3', tone]);
    assert.equal(r.code, 0, r.stderr);
    const [result] = jsonLines(r.stdout);
    assert.ok(result!.status === 'ok' || result!.status === 'no_match');
    assert.deepEqual(Object.keys(result!), ['file', 'status', 'verses', 'confidence', 'start_s', 'end_s', 'candidates']);
    assert.ok(result!.candidates.length <= 3);
  });
});
