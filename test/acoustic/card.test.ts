import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AcousticModel } from '../../src/acoustic/model.js';
import { isPathInsideFolder, parseModelCard, readModelCard } from '../../src/acoustic/card.js';
import { ModelError, type ModelErrorCode } from '../../src/acoustic/errors.js';
import { VOCAB } from '../../src/quran/units.js';
import { writeTinyModel } from './tinyModel.js';

const root = mkdtempSync(join(tmpdir(), 'ayat-card-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = (): string => join(root, `m${n++}`);

async function rejectsWith(promise: Promise<unknown>, code: ModelErrorCode, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ModelError, `expected a ModelError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.match(err.message, pattern);
    assert.ok(!err.message.includes('\n'), 'message is one line');
    return true;
  });
}

const GOOD_CARD = { name: 'x', version: '1', format: 'ctc-onnx', file: 'model.onnx', sha256: 'ab'.repeat(32), sample_rate: 16000, frame_shift_s: 0.04, units: [...VOCAB], input: 'audio', output: 'log_probs' };

describe('model card validation', () => {
  it('accepts a well-formed card and lower-cases the hash', () => {
    const card = parseModelCard(
      { name: 'x', version: '1', format: 'ctc-onnx', file: 'model.onnx', sha256: 'AB'.repeat(32), sample_rate: 16000, frame_shift_s: 0.04, units: [...VOCAB], input: 'audio', output: 'log_probs' },
      'card.json',
    );
    assert.equal(card.sha256, 'ab'.repeat(32));
    assert.equal(card.frame_shift_s, 0.04);
  });

  it('checks the optional hidden-state output and encoder fingerprint', () => {
    const base = GOOD_CARD;
    const card = parseModelCard({ ...base, hidden_output: 'hidden', encoder_sha256: 'c'.repeat(64) }, 'card.json');
    assert.equal(card.hidden_output, 'hidden');
    assert.equal(card.encoder_sha256, 'c'.repeat(64));
    assert.throws(() => parseModelCard({ ...base, hidden_output: '' }, 'card.json'), /"hidden_output" must be a non-empty string/);
    assert.throws(() => parseModelCard({ ...base, encoder_sha256: 'xyz' }, 'card.json'), /"encoder_sha256" must be 64/);
  });

  it('reports a missing card', async () => {
    await rejectsWith(readModelCard(freshDir()), 'not_found', /no model card at .*card\.json/);
  });

  it('reports a card that is not JSON', async () => {
    const dir = writeTinyModel(freshDir());
    writeFileSync(join(dir, 'card.json'), '{ "name": ');
    await rejectsWith(AcousticModel.load(dir), 'bad_card', /not valid JSON/);
  });

  it('reports a missing field and a wrong format', async () => {
    await rejectsWith(AcousticModel.load(writeTinyModel(freshDir(), { card: { sha256: undefined } })), 'bad_card', /"sha256"/);
    await rejectsWith(AcousticModel.load(writeTinyModel(freshDir(), { card: { format: 'tflite' } })), 'bad_card', /"format" is "tflite"/);
    await rejectsWith(AcousticModel.load(writeTinyModel(freshDir(), { card: { sample_rate: 8000 } })), 'bad_card', /sample_rate/);
  });

  it('takes only file names that stay inside the model folder', () => {
    for (const inside of ['model.onnx', 'onnx/model.onnx', './model.onnx', 'onnx/../model.onnx', 'a//b.onnx']) {
      assert.equal(isPathInsideFolder(inside), true, inside);
    }
    for (const outside of ['../model.onnx', 'onnx/../../model.onnx', '/etc/passwd', '..', 'a/../..']) {
      assert.equal(isPathInsideFolder(outside), false, outside);
    }
    assert.throws(() => parseModelCard({ ...GOOD_CARD, file: '../elsewhere.onnx' }, 'card.json'), /"file" must be a path inside the model folder/);
  });

  it('rejects units that differ from VOCAB, pointing at unit_mapping', async () => {
    const swapped = [...VOCAB];
    [swapped[1], swapped[2]] = [swapped[2]!, swapped[1]!];
    await rejectsWith(AcousticModel.load(writeTinyModel(freshDir(), { card: { units: swapped } })), 'units_mismatch', /unit 1 is .*expected.*"unit_mapping": "letters"/);
    await rejectsWith(AcousticModel.load(writeTinyModel(freshDir(), { card: { units: VOCAB.slice(1) } })), 'units_mismatch', /has 31 units.*expects 32/);
  });

  it('checks the fields of a model with its own vocabulary', () => {
    const base = { name: 'x', version: '1', format: 'ctc-onnx', file: 'model.onnx', sha256: 'ab'.repeat(32), sample_rate: 16000, frame_shift_s: 0.02, input: 'input_values', output: 'logits' };
    const tokens = ['<pad>', '|', ...VOCAB.slice(1)];
    const card = parseModelCard({ ...base, units: tokens, unit_mapping: 'letters', blank: 0, output_kind: 'logits', input_normalisation: 'zero_mean_unit_var', pool_frames: 3 }, 'card.json');
    assert.equal(card.pool_frames, 3);
    assert.deepEqual(card.units, tokens);
    const bad = (extra: Record<string, unknown>, pattern: RegExp): void =>
      assert.throws(() => parseModelCard({ ...base, units: tokens, unit_mapping: 'letters', ...extra }, 'card.json'), pattern);
    bad({ unit_mapping: 'phonemes' }, /"unit_mapping" is "phonemes", expected "letters"/);
    bad({ blank: tokens.length }, /"blank" must be the index of the blank token/);
    bad({ output_kind: 'probs' }, /"output_kind" is "probs", expected one of "log_probs", "logits"/);
    bad({ input_normalisation: 'peak' }, /"input_normalisation" is "peak"/);
    bad({ pool_frames: 0 }, /"pool_frames" must be an integer from 1 to 10/);
    bad({ units: 'abc' }, /"units" must be the model's tokens/);
    assert.throws(() => parseModelCard({ ...base, units: [...VOCAB], blank: 2 }, 'card.json'), /"blank" other than 0 needs "unit_mapping"/);
  });

  it('rejects a model file whose SHA-256 differs from the card', async () => {
    const dir = writeTinyModel(freshDir(), { card: { sha256: '0'.repeat(64) } });
    await rejectsWith(AcousticModel.load(dir), 'hash_mismatch', /does not match card\.json/);
  });

  it('reports a missing model file', async () => {
    const dir = writeTinyModel(freshDir());
    rmSync(join(dir, 'model.onnx'));
    await rejectsWith(AcousticModel.load(dir), 'not_found', /model\.onnx.*missing/);
  });

  it('reports a graph without the input the card names', async () => {
    const dir = writeTinyModel(freshDir(), { card: { input: 'waveform' } });
    await rejectsWith(AcousticModel.load(dir), 'load_failed', /no input "waveform"/);
  });

  it('reports a graph without the hidden output the card names, and encode() on a model without one', async () => {
    await rejectsWith(AcousticModel.load(writeTinyModel(freshDir(), { card: { hidden_output: 'hidden' } })), 'load_failed', /no output "hidden" \(card\.json's hidden_output/);
    const model = await AcousticModel.load(writeTinyModel(freshDir()));
    await rejectsWith(model.encode(new Float32Array(16000)), 'inference_failed', /no hidden-state output/);
    await model.dispose();
  });

  it('reports a file ONNX Runtime cannot parse', async () => {
    const dir = writeTinyModel(freshDir());
    const junk = Buffer.from('not an onnx model');
    writeFileSync(join(dir, 'model.onnx'), junk);
    const { createHash } = await import('node:crypto');
    const card = JSON.parse((await import('node:fs')).readFileSync(join(dir, 'card.json'), 'utf8')) as Record<string, unknown>;
    card.sha256 = createHash('sha256').update(junk).digest('hex');
    writeFileSync(join(dir, 'card.json'), JSON.stringify(card));
    await rejectsWith(AcousticModel.load(dir), 'load_failed', /ONNX Runtime cannot load/);
  });
});

describe('AcousticModel', () => {
  it('loads once per folder and returns [T, V] log posteriors with the offset', async () => {
    const dir = writeTinyModel(freshDir());
    const [a, b] = await Promise.all([AcousticModel.load(dir), AcousticModel.load(dir)]);
    assert.equal(a, b, 'same session object for the same folder');
    const samples = new Float32Array(16000).map((_, i) => Math.sin(i / 3) * 0.3);
    const post = await a.posteriors(samples, 2.5);
    assert.equal(post.frames, 25);
    assert.equal(post.vocabSize, VOCAB.length);
    assert.equal(post.offsetS, 2.5);
    assert.equal(post.frameShiftS, 0.04);
    assert.equal(post.logProbs.length, post.frames * post.vocabSize);
    for (let t = 0; t < post.frames; t++) {
      let sum = 0;
      for (let v = 0; v < post.vocabSize; v++) sum += Math.exp(post.logProbs[t * post.vocabSize + v]!);
      assert.ok(Math.abs(sum - 1) < 1e-4, `frame ${t} sums to ${sum}`);
    }
    await a.dispose();
  });

  it('pads very short input and accepts views into a larger buffer', async () => {
    const model = await AcousticModel.load(writeTinyModel(freshDir()));
    const tiny = await model.posteriors(new Float32Array(10), 0);
    assert.ok(tiny.frames >= 1);
    const big = new Float32Array(32000).fill(0.1);
    const view = await model.posteriors(big.subarray(16000, 32000), 1);
    const copy = await model.posteriors(big.slice(16000, 32000), 1);
    assert.deepEqual(view.logProbs, copy.logProbs);
    await model.dispose();
  });

  it('maps a model with its own vocabulary onto the units: columns in another order come back in VOCAB order', async () => {
    const plain = await AcousticModel.load(writeTinyModel(freshDir()));
    const swapped = [...VOCAB];
    [swapped[1], swapped[2]] = [swapped[2]!, swapped[1]!];
    const mapped = await AcousticModel.load(writeTinyModel(freshDir(), { card: { units: swapped, unit_mapping: 'letters' } }));
    const samples = new Float32Array(16000).map((_, i) => Math.sin(i / 3) * 0.3);
    const a = await plain.posteriors(samples, 0);
    const b = await mapped.posteriors(samples, 0);
    assert.equal(b.frames, a.frames);
    const V = VOCAB.length;
    for (let t = 0; t < a.frames; t++) {
      const close = (x: number, y: number): boolean => Math.abs(x - y) < 1e-5;
      assert.ok(close(b.logProbs[t * V + 2]!, a.logProbs[t * V + 1]!), `frame ${t}: the model's column 1 (${swapped[1]}) is unit 2`);
      assert.ok(close(b.logProbs[t * V + 1]!, a.logProbs[t * V + 2]!));
      assert.ok(close(b.logProbs[t * V]!, a.logProbs[t * V]!));
    }
    await plain.dispose();
    await mapped.dispose();
  });

  it('pools frames as the card says and reports the pooled frame length', async () => {
    const model = await AcousticModel.load(writeTinyModel(freshDir(), { card: { pool_frames: 2 } }));
    const post = await model.posteriors(new Float32Array(16000).map((_, i) => Math.sin(i / 3) * 0.3), 0);
    assert.equal(post.frames, 13);
    assert.equal(post.frameShiftS, 0.08);
    assert.equal(model.frameShiftS, 0.08);
    await model.dispose();
  });

  it('refuses a model vocabulary that is not Arabic letters', async () => {
    const latin = ['<pad>', ...'abcdefghijklmnopqrstuvwxyz', '|', "'", '-', '.'];
    await rejectsWith(
      AcousticModel.load(writeTinyModel(freshDir(), { card: { units: latin, unit_mapping: 'letters' } })),
      'units_mismatch',
      /spell only 0 of ayat's 31 letter units/,
    );
  });

  it('rejects a model whose output width is not the unit count', async () => {
    const model = await AcousticModel.load(writeTinyModel(freshDir(), { vocabSize: 12 }));
    await rejectsWith(model.posteriors(new Float32Array(16000), 0), 'inference_failed', /emits 12 units per frame, expected 32/);
    await model.dispose();
  });
});
