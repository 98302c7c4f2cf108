import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AcousticModel } from '../../src/acoustic/model.js';
import { ModelError, type ModelErrorCode } from '../../src/acoustic/errors.js';
import { cardFromHuggingFace } from '../../src/acoustic/huggingFace.js';
import { decodeAudioFile } from '../../src/audio/decode.js';
import type { IdentifyResult } from '../../src/engine/result.js';
import { VOCAB } from '../../src/quran/units.js';
import type { ModelDescription } from '../../src/cli/modelCommand.js';
import { runCli } from '../cli/cliRunner.js';
import { devClip, devDataDir, realModelDir } from '../engine/realModel.js';
import { mustRunPython } from '../helpers/python.js';

/**
 * A transformers CTC export, stood in for by ayat's own model in that layout
 * (hf_export_fixture.py): 20-ms frames of logits over a wav2vec2-style vocabulary.
 */
const root = mkdtempSync(join(tmpdir(), 'ayat-hf-'));
after(() => rmSync(root, { recursive: true, force: true }));

function exportFixture(name: string, repeat: number, normalise: boolean, graphNames: string[] = []): string {
  const dir = join(root, name);
  mustRunPython(['test/acoustic/hf_export_fixture.py', realModelDir(), dir, String(repeat), String(normalise), ...graphNames]);
  return dir;
}

async function rejectsWith(promise: Promise<unknown>, code: ModelErrorCode, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ModelError, `expected a ModelError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.match(err.message, pattern);
    return true;
  });
}

describe('a transformers CTC export as the acoustic model', () => {
  let raw20ms: string;
  let normalised20ms: string;
  before(() => {
    raw20ms = exportFixture('raw-20ms', 3, false);
    normalised20ms = exportFixture('normalised-20ms', 3, true);
  });

  it('reads the folder as a card: its tokens, blank, frame rate, input scaling, pooling to the matcher frame', async () => {
    const card = await cardFromHuggingFace(normalised20ms);
    assert.equal(card.name, 'normalised-20ms');
    assert.equal(card.unit_mapping, 'letters');
    assert.equal(card.units[0], '<pad>');
    assert.equal(card.blank, 0);
    assert.equal(card.frame_shift_s, 0.02);
    assert.equal(card.pool_frames, 3);
    assert.equal(card.input, 'input_values');
    assert.equal(card.output_kind, 'logits');
    assert.equal(card.input_normalisation, 'zero_mean_unit_var');
    assert.equal((await cardFromHuggingFace(raw20ms)).input_normalisation, 'none');
  });

  it("gives the wrapped model's own posteriors back on a real recording", async () => {
    const audio = await decodeAudioFile(devClip('reciters/husary/082019.opus'));
    const own = await AcousticModel.load(realModelDir());
    const exported = await AcousticModel.load(raw20ms);
    const a = await own.posteriors(audio.samples, 1);
    const b = await exported.posteriors(audio.samples, 1);
    assert.equal(b.frames, a.frames);
    assert.equal(b.frameShiftS, a.frameShiftS);
    assert.equal(b.vocabSize, VOCAB.length);
    let worst = 0;
    for (let i = 0; i < a.logProbs.length; i++) {
      if (a.logProbs[i]! > -40) worst = Math.max(worst, Math.abs(a.logProbs[i]! - b.logProbs[i]!));
    }
    assert.ok(worst < 1e-3, `largest difference ${worst}`);
    await exported.dispose();

    // The same graph with the names a plain torch.onnx.export gives.
    const renamed = await AcousticModel.load(exportFixture('plain-names', 3, false, ['input', 'output']));
    assert.equal(renamed.card.input, 'input');
    assert.equal(renamed.card.output, 'output');
    assert.deepEqual((await renamed.posteriors(audio.samples, 1)).logProbs, b.logProbs);
    await renamed.dispose();
  });

  it('ayat identify --model <export folder> names the verses the shipped model names', () => {
    const clips = ['reciters/husary/082019.opus', 'reciters/minshawi/112002.opus', 'crowd/multi_114_001_006.opus'].map(devClip);
    const run = (extra: string[]): IdentifyResult[] => {
      const r = runCli(['identify', '--mode', 'full', '--json', ...extra, ...clips]);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as IdentifyResult);
    };
    const shipped = run([]);
    const exported = run(['--model', normalised20ms]);
    assert.deepEqual(
      exported.map((x) => x.verses),
      shipped.map((x) => x.verses),
    );
    assert.deepEqual(exported[0]!.verses, [{ surah: 82, ayah: 19 }]);
  });

  it("uses the calibrations in the model's folder in place of the built-in ones", () => {
    const dir = join(root, 'calibrated');
    cpSync(raw20ms, dir, { recursive: true });
    const clip = devClip('reciters/husary/082019.opus');
    const identify = (mode: string): IdentifyResult => {
      const r = runCli(['identify', '--mode', mode, '--json', '--model', dir, clip]);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as IdentifyResult;
    };
    assert.equal(identify('full').status, 'ok');
    assert.equal(identify('hybrid').status, 'ok');
    // A calibration that trusts nothing: every answer falls under the no-match line.
    const distrust = { version: 1, featureNames: ['frameScore', 'logMargin', 'coverage', 'logUnits'], bias: -50, weights: [0, 0, 0, 0], threshold: 0.5, minSpeechFrames: 6, minTranscriptUnits: 3 };
    writeFileSync(join(dir, 'calibration.json'), JSON.stringify(distrust));
    assert.equal(identify('full').status, 'no_match');
    assert.equal(identify('hybrid').status, 'ok', 'hybrid reads its own file');
    writeFileSync(join(dir, 'hybrid-calibration.json'), JSON.stringify(distrust));
    assert.equal(identify('hybrid').status, 'no_match');
    writeFileSync(join(dir, 'calibration.json'), JSON.stringify({ ...distrust, featureNames: ['frameScore'] }));
    const r = runCli(['identify', '--mode', 'full', '--model', dir, clip]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /calibration\.json is not a calibration: calibration features \[frameScore\] do not match/);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
    const described = runCli(['model', dir]);
    assert.equal(described.code, 1, 'ayat model reports the calibration identify would refuse');
    assert.match(described.stderr, /calibration\.json is not a calibration/);
  });

  it('ayat bench --fit-calibration fits one for the model and says where it belongs', () => {
    const dir = join(root, 'to-calibrate');
    cpSync(raw20ms, dir, { recursive: true });
    const manifest = join(devDataDir(), 'manifest.json');
    const bench = (out: string): string => {
      const r = runCli(['bench', '--manifest', manifest, '--mode', 'full', '--model', dir, '--filter', 'reciter=husary', '--limit', '24', '--fit-calibration', out]);
      assert.equal(r.code, 0, r.stderr);
      return r.stderr;
    };
    assert.match(bench(join(root, 'elsewhere.json')), /written to .*elsewhere\.json; copy it to .*to-calibrate\/calibration\.json to use it with this model/);
    assert.match(bench(join(dir, 'calibration.json')), /full mode uses it with this model from now on/);
    const fitted = JSON.parse(readFileSync(join(dir, 'calibration.json'), 'utf8')) as { _doc: string; weights: number[] };
    assert.match(fitted._doc, /Fitted by ayat bench on 24 clips/);
    const r = runCli(['identify', '--mode', 'full', '--json', '--model', dir, devClip('reciters/husary/082019.opus')]);
    assert.equal(r.code, 0, r.stderr);
  });

  it('ayat model says how its vocabulary lands on the units, its frames and calibrations; and of the shipped model', () => {
    const r = runCli(['model', '--json', normalised20ms]);
    assert.equal(r.code, 0, r.stderr);
    const d = JSON.parse(r.stdout) as ModelDescription;
    assert.equal(d.kind, 'transformers CTC export');
    assert.equal(d.frame_s, 0.02);
    assert.equal(d.matcher_frame_s, 0.06);
    assert.equal(d.input, 'zero mean, unit variance per segment');
    assert.deepEqual(d.vocabulary, {
      read_as: 'letters',
      tokens: 47,
      letter_units: 31,
      folded_into_blank: ['<s>', '</s>', '<unk>', '|', 'ٱ', 'َ', 'ُ', 'ِ', 'ّ', 'a'],
      first_unit_only: ['آ'],
      units_without_token: [],
    });
    assert.deepEqual(d.calibration, { full: 'built-in', hybrid: 'built-in' });

    const text = runCli(['model', normalised20ms]).stdout;
    assert.match(text, /frames {7}20 ms, pooled 3 into one: 60 ms for the matcher/);
    assert.match(text, /folded into the blank: <s> <\/s> <unk> \|/);

    const shipped = runCli(['model']);
    assert.equal(shipped.code, 0, shipped.stderr);
    assert.match(shipped.stdout, /model {8}ayat-ctc \S+ \(model folder with card\.json\)/);
    assert.match(shipped.stdout, /units {8}ayat's 31 letter units \+ blank/);

    const missing = runCli(['model', join(root, 'nothing-here')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^ayat: no model card at .*nothing-here/);
  });

  it('says in one line what is wrong with a folder it cannot run', async () => {
    const folder = (name: string, files: Record<string, unknown>): string => {
      const dir = join(root, name);
      mkdirSync(dir, { recursive: true });
      for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), typeof content === 'string' ? content : JSON.stringify(content));
      return dir;
    };
    const vocab = Object.fromEntries(['<pad>', '|', ...VOCAB.slice(1)].map((t, i) => [t, i]));
    const ctc = { architectures: ['Wav2Vec2ForCTC'], conv_stride: [5, 2, 2, 2, 2, 2, 2], pad_token_id: 0 };
    await rejectsWith(
      AcousticModel.load(folder('speecht5', { 'config.json': { architectures: ['SpeechT5ForSpeechToText'] }, 'vocab.json': vocab })),
      'bad_card',
      /holds a SpeechT5ForSpeechToText model; ayat runs CTC models .* and Whisper/,
    );
    await rejectsWith(AcousticModel.load(folder('no-stride', { 'config.json': { architectures: ['Wav2Vec2ForCTC'] }, 'vocab.json': vocab })), 'bad_card', /no "conv_stride"/);
    await rejectsWith(AcousticModel.load(folder('mms', { 'config.json': ctc, 'vocab.json': { ara: vocab, eng: vocab } })), 'bad_card', /one vocabulary per language/);
    await rejectsWith(AcousticModel.load(folder('no-graph', { 'config.json': ctc, 'vocab.json': vocab })), 'not_found', /no ONNX graph in .*optimum-cli export onnx/);
    await rejectsWith(
      AcousticModel.load(folder('8k', { 'config.json': ctc, 'vocab.json': vocab, 'preprocessor_config.json': { sampling_rate: 8000 }, 'model.onnx': 'x' })),
      'bad_card',
      /takes 8000 Hz audio/,
    );
    const buckwalterVocab = Object.fromEntries(['<pad>', '|', "'", 'A', ...'btvjHxd*rzs$SDTZEgfqklmnhwYyp'].map((t, i) => [t, i]));
    const buckwalter = await cardFromHuggingFace(folder('buckwalter', { 'config.json': ctc, 'vocab.json': buckwalterVocab, 'model.onnx': 'x' }));
    assert.equal(buckwalter.unit_mapping, 'buckwalter', 'a Buckwalter vocabulary is recognised');
    const latin = Object.fromEntries(['<pad>', '|', ...'abcdefghijklmnopqrstuvwxyz'].map((t, i) => [t, i]));
    await rejectsWith(AcousticModel.load(folder('english', { 'config.json': ctc, 'vocab.json': latin, 'model.onnx': 'x' })), 'units_mismatch', /spell only 0 of ayat's 31/);
    const r = runCli(['identify', '--model', join(root, 'speecht5'), devClip('reciters/husary/082019.opus')]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /ayat runs CTC models/);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
  });
});
