import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { IdentifyResult } from '../../src/engine/result.js';
import { writeTinyModel } from '../acoustic/tinyModel.js';
import { runCli, STACK_FRAME } from '../cli/cliRunner.js';
import { speechLike, writeWav } from '../cli/wav.js';
import { rng } from '../decode/synth.js';
import { writeTinyBridge, writeTinyClap } from './tinyEmbedModels.js';

// Bad input in every mode, through the CLI as users run it, with tiny stand-in models.
const dir = mkdtempSync(join(tmpdir(), 'ayat-modes-'));
const f = (name: string): string => join(dir, name);
const MODES = ['full', 'clap', 'lightweight', 'hybrid'] as const;

before(() => {
  const r = rng(5);
  writeWav(f('silence.wav'), new Float32Array(16000 * 2));
  writeWav(f('noise.wav'), Float32Array.from({ length: 16000 * 3 }, () => (r() - 0.5) * 0.5));
  writeWav(f('tone.wav'), speechLike(3));
  writeWav(f('click.wav'), Float32Array.from({ length: 200 }, (_, i) => (i % 2 ? 0.5 : -0.5)));
  writeFileSync(f('garbage.mp3'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
  writeTinyModel(f('ctc'));
  writeTinyClap(f('clap'), { threshold: 0.5 });
  writeTinyClap(f('clap-never'), { threshold: 1.01 });
  writeTinyClap(f('clap-always'), { threshold: -1 });
  writeTinyBridge(f('bridge'), { threshold: null });
  writeTinyBridge(f('bridge-never'), { threshold: 1.01 });
  writeTinyClap(f('clap-corrupt'));
  writeFileSync(f('clap-corrupt/verses.bin'), 'not the verses');
});
after(() => rmSync(dir, { recursive: true, force: true }));

const models = (clap = 'clap', bridge = 'bridge'): string[] => ['--model', f('ctc'), '--clap-model', f(clap), '--lightweight-model', f(bridge)];

function identify(mode: string, files: string[], extra: string[] = models()): { code: number | null; results: IdentifyResult[]; stderr: string } {
  const r = runCli(['identify', '--json', '--mode', mode, ...extra, ...files]);
  assert.doesNotMatch(r.stdout + r.stderr, STACK_FRAME);
  return { code: r.code, results: r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as IdentifyResult), stderr: r.stderr };
}

describe('modes on bad input', () => {
  for (const mode of MODES) {
    it(`${mode}: silence is no_match, noise and tones do not crash, unreadable files are one-line errors`, () => {
      const { code, results } = identify(mode, [f('silence.wav'), f('noise.wav'), f('tone.wav'), f('click.wav'), f('missing.opus'), f('garbage.mp3')]);
      assert.equal(code, 1, 'a file failed');
      assert.deepEqual(results.map((x) => x.status).slice(0, 1), ['no_match']);
      for (const x of results.slice(1, 4)) {
        assert.ok(x.status === 'ok' || x.status === 'no_match', `${x.file}: ${x.status} ${x.error ?? ''}`);
        assert.ok(x.confidence >= 0 && x.confidence <= 1);
        if (x.status === 'no_match') assert.deepEqual(x.verses, []);
      }
      assert.deepEqual(results.slice(4).map((x) => x.status), ['error', 'error']);
      assert.match(results[4]!.error!, /missing\.opus/);
    });
  }

  it('below the calibrated threshold the answer is "no verse found", with the closest verses listed', () => {
    for (const [mode, extra] of [['clap', models('clap-never')], ['lightweight', models('clap', 'bridge-never')]] as const) {
      const { code, results } = identify(mode, [f('tone.wav')], extra);
      assert.equal(code, 0);
      assert.equal(results[0]!.status, 'no_match', mode);
      assert.equal(results[0]!.candidates.length, 5, 'the closest verses are listed');
    }
    const { results } = identify('clap', [f('tone.wav')], models('clap-always'));
    assert.equal(results[0]!.status, 'ok');
    assert.equal(results[0]!.verses.length, 1);
    assert.deepEqual(results[0]!.verses, results[0]!.candidates[0]!.verses);
  });

  it('human output says "no verse recognised" and lists the closest verses', () => {
    const r = runCli(['identify', '--mode', 'clap', ...models('clap-never'), f('tone.wav')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /no verse recognised\n {2}closest: \d+:\d+ \(/);
  });

  it('a mode without its trained model: one line naming the mode and the option, exit 2', () => {
    for (const [mode, option] of [['clap', '--clap-model'], ['lightweight', '--lightweight-model'], ['hybrid', '--clap-model']] as const) {
      const r = runCli(['identify', '--mode', mode, '--model', f('ctc'), option, f('nothing-here'), f('tone.wav')]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`^ayat: mode ${mode} needs a trained .*no model card at .*nothing-here.*${option} DIR\\n$`));
    }
    const r = runCli(['identify', '--mode', 'hybrid', '--model', f('no-ctc'), '--clap-model', f('clap'), f('tone.wav')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^ayat: mode hybrid needs the acoustic model: no model card at .*no-ctc/);
  });

  it('a corrupt model file is a one-line error (exit 1), not a crash', () => {
    const r = runCli(['identify', '--mode', 'clap', '--clap-model', f('clap-corrupt'), f('tone.wav')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^ayat: .*verses\.bin does not match card\.json/);
    assert.doesNotMatch(r.stderr, STACK_FRAME);
  });

  it('bench --mode all: one table with every mode, each in its own process', () => {
    writeFileSync(
      f('manifest.json'),
      JSON.stringify({
        samples: [
          { id: 'tone', file: 'tone.wav', surah: 112, ayah: 1, ayah_end: null, category: 'short', source: 'synthetic', reciter: null, expected_verses: [{ surah: 112, ayah: 1 }] },
          { id: 'silence', file: 'silence.wav', surah: 1, ayah: 1, ayah_end: null, category: 'short', source: 'synthetic', reciter: null, expected_verses: [{ surah: 1, ayah: 1 }] },
        ],
      }),
    );
    const out = f('modes.json');
    const table = f('modes.md');
    const r = runCli(['bench', '--manifest', f('manifest.json'), '--mode', 'all', ...models(), '--out', out, '--table', table]);
    assert.equal(r.code, 0, r.stderr);
    for (const mode of MODES) assert.match(r.stdout, new RegExp(`^${mode} +2 +0\\.0%`, 'm'));
    assert.match(r.stdout, /seq acc +top-1 +top-5 +top-10 +p50 ms +p95 ms/);
    const json = JSON.parse(readFileSync(out, 'utf8')) as { modes: { mode: string; status: string; model_size_bytes: number }[] };
    assert.deepEqual(json.modes.map((m) => [m.mode, m.status]), MODES.map((m) => [m, 'ok']));
    assert.ok(json.modes.every((m) => m.model_size_bytes > 0));
    const md = readFileSync(table, 'utf8');
    assert.match(md, /```sh\nnpx ayat bench --manifest .* --mode all /);
    assert.match(md, /\| hybrid \| 2 \|/);

    const missing = runCli(['bench', '--manifest', f('manifest.json'), '--mode', 'full,clap', '--model', f('ctc'), '--clap-model', f('nothing-here')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stdout, /^full +2 /m);
    assert.match(missing.stdout, /^clap: unavailable — mode clap needs a trained QuranCLAP model/m);
  });
});
