import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeAudioFile } from '../../src/audio/index.js';
import { AcousticModel } from '../../src/acoustic/model.js';
import { ClapModel } from '../../src/embed/models.js';
import { sharedEncoderStages, sharesEncoder } from '../../src/engine/sharedEncoder.js';
import { espeakCaches } from '../helpers/espeakData.js';
import { mustRunPython, runPython } from '../helpers/python.js';

// A few steps of every QuranCLAP stage on espeak-ng clips: cache -> phase 1 -> phase 2 -> export -> evaluate.
const VERSES = [[1, 1], [1, 2], [1, 3], [1, 4], [112, 1], [112, 2], [112, 3], [112, 4]] as const;
let dir = '';
let caches: Record<string, string> = {};
const p = (...parts: string[]): string => path.join(dir, ...parts);
const SMALL = ['--text-dim', '32', '--text-layers', '2', '--threads', '1'];

interface LogLine { epoch: number; phase: number; train_loss: number; dev_top1?: number; best?: boolean }
const log = (run: string): LogLine[] => readFileSync(p(run, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LogLine);

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ayat-clap-'));
  caches = espeakCaches(dir, VERSES, ['', 'm3', 'f2']);
  // a tiny acoustic model from the real trainer (its encoder is the audio tower's)
  mustRunPython(['train/train.py', '--train', caches['']!, caches.m3!, '--out', p('ctc'), '--preset', 'tiny', '--device', 'cpu', '--threads', '1',
    '--no-augment', '--max-steps', '3', '--epochs', '100', '--batch-seconds', '30', '--warmup', '2', '--eval-minutes', '1000']);
  mustRunPython(['train/clap.py', 'cache', '--acoustic', p('ctc', 'best.pt'), '--audio', caches['']!, caches.m3!, '--out', p('states-train'), '--views', '2', '--tune-layers', '1', '--threads', '1']);
  mustRunPython(['train/clap.py', 'cache', '--acoustic', p('ctc', 'best.pt'), '--audio', caches.f2!, '--out', p('states-dev'), '--eval', '--tune-layers', '1', '--threads', '1']);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('QuranCLAP training pipeline', () => {
  it('phase 1 (heads on the frozen encoder): the loss falls; checkpoints and a JSON log line per epoch', () => {
    mustRunPython(['train/clap.py', 'train', '--phase', '1', '--acoustic', p('ctc', 'best.pt'), '--states', p('states-train'), '--dev-states', p('states-dev'),
      '--out', p('p1'), '--epochs', '30', '--batch-size', '8', '--group', '4', '--lr', '3e-3', '--warmup', '5', '--eval-every', '30', ...SMALL]);
    const lines = log('p1');
    assert.equal(lines.length, 30);
    assert.deepEqual(lines.map((l) => l.epoch), Array.from({ length: 30 }, (_, i) => i + 1));
    const first = (lines[0]!.train_loss + lines[1]!.train_loss) / 2;
    const last = (lines[28]!.train_loss + lines[29]!.train_loss) / 2;
    assert.ok(last < 0.7 * first, `loss ${first} -> ${last}`);
    assert.ok(typeof lines[29]!.dev_top1 === 'number', 'dev retrieval metrics in the last line');
    assert.ok(existsSync(p('p1', 'best.pt')) && existsSync(p('p1', 'last.pt')));
  });

  it('phase 2 unfreezes the last encoder block only, from the phase-1 checkpoint', () => {
    mustRunPython(['train/clap.py', 'train', '--phase', '2', '--init', p('p1', 'best.pt'), '--states', p('states-train'), '--dev-states', p('states-dev'),
      '--out', p('p2'), '--epochs', '3', '--batch-size', '8', '--encoder-lr', '1e-3', '--threads', '1']);
    assert.deepEqual(log('p2').map((l) => l.phase), [2, 2, 2]);
    const changed = JSON.parse(mustRunPython(['-c', `
import torch, json
a = torch.load(${JSON.stringify(p('p1', 'best.pt'))})["model"]
b = torch.load(${JSON.stringify(p('p2', 'last.pt'))})["model"]
diff = lambda k: float((a[k] - b[k]).abs().max())
print(json.dumps({"trunk": diff("audio.encoder.subsample.0.weight"), "top": diff("audio.encoder.blocks.0.ff1.net.1.weight"),
                  "head": diff("audio.proj.net.0.weight")}))`])) as { trunk: number; top: number; head: number };
    assert.equal(changed.trunk, 0, 'the cached trunk stays frozen');
    assert.ok(changed.top > 0, 'the last block is tuned');
    assert.ok(changed.head > 0);
  });

  it('--resume continues phase 2 where it stopped and keeps the phase-1 run in its record', () => {
    mustRunPython(['train/clap.py', 'train', '--resume', p('p2', 'last.pt'), '--states', p('states-train'), '--dev-states', p('states-dev'),
      '--out', p('p2-resumed'), '--epochs', '4', '--batch-size', '8', '--encoder-lr', '1e-3', '--threads', '1']);
    assert.deepEqual(log('p2-resumed').map((l) => [l.phase, l.epoch]), [[2, 4]]);
    const earlier = JSON.parse(mustRunPython(['-c', `
import torch, json
print(json.dumps([[r["phase"], r["epochs"]] for r in torch.load(${JSON.stringify(p('p2-resumed', 'last.pt'))})["earlier"]]))`])) as number[][];
    assert.deepEqual(earlier, [[1, 30]]);
  });

  it('export: both towers in onnxruntime-node match PyTorch (float32 and int8), and so do the verse embeddings', async () => {
    const clip = p('clip16k.wav');
    execFileSync('ffmpeg', ['-v', 'error', '-i', path.join(dir, 'audio', 'espeak-arf2', '112001.wav'), '-ar', '16000', '-ac', '1', '-c:a', 'pcm_s16le', clip]);
    mustRunPython(['train/clap.py', 'export', p('p2', 'best.pt'), p('model-f32'), '--reference', clip, p('ref.json'), '--calibrate-on', caches.f2!, '--threads', '1']);
    mustRunPython(['train/clap.py', 'export', p('p2', 'best.pt'), p('model-int8'), '--int8', '--threads', '1']);
    const ref = JSON.parse(readFileSync(p('ref.json'), 'utf8')) as { audio: number[]; text: number[][]; units: number[][]; bank_rows: number[][]; verse_indices: number[] };
    const { samples } = await decodeAudioFile(clip);
    const cosine = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
      let ab = 0, aa = 0, bb = 0;
      for (let i = 0; i < a.length; i++) [ab, aa, bb] = [ab + a[i]! * b[i]!, aa + a[i]! ** 2, bb + b[i]! ** 2];
      return ab / Math.sqrt(aa * bb);
    };
    const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => Math.max(...Array.from(a, (x, i) => Math.abs(x - b[i]!)));

    const f32 = await ClapModel.load(p('model-f32'));
    assert.ok(f32.card.calibration !== null, 'calibrated on the dev cache');
    const training = (f32.card as unknown as { training: { phase: number; earlier: { phase: number; epochs: number }[] } }).training;
    assert.equal(training.phase, 2);
    assert.deepEqual(training.earlier.map((run) => [run.phase, run.epochs]), [[1, 30]], 'the card records the phase-1 run phase 2 started from');
    const audio = await f32.embedClip(samples);
    assert.equal(audio.length, 256);
    assert.ok(maxDiff(audio, ref.audio) < 1e-4, `audio tower float32: max |onnx - torch| = ${maxDiff(audio, ref.audio)}`);
    for (const [k, units] of ref.units.entries()) {
      const text = await f32.embedUnits(units);
      assert.ok(maxDiff(text, ref.text[k]!) < 1e-4, `text tower on verse ${ref.verse_indices[k]}: ${maxDiff(text, ref.text[k]!)}`);
      const row = f32.verses.rows.subarray(ref.verse_indices[k]! * 256, (ref.verse_indices[k]! + 1) * 256);
      assert.ok(cosine(row, ref.bank_rows[k]!) > 0.9995, 'int8 verse row');
    }
    const int8 = await ClapModel.load(p('model-int8'));
    const audio8 = await int8.embedClip(samples);
    assert.ok(cosine(audio8, ref.audio) > 0.99, `audio tower int8: cosine ${cosine(audio8, ref.audio)}`);
    await f32.dispose();
    await int8.dispose();
  });

  it('attention pooling trains and exports with the same parity', async () => {
    mustRunPython(['train/clap.py', 'train', '--phase', '1', '--acoustic', p('ctc', 'best.pt'), '--states', p('states-train'), '--out', p('pa'),
      '--epochs', '3', '--batch-size', '8', '--pooling', 'attention', ...SMALL]);
    assert.ok(log('pa')[2]!.train_loss < log('pa')[0]!.train_loss * 1.5);
    mustRunPython(['train/clap.py', 'export', p('pa', 'last.pt'), p('model-pa'), '--reference', p('clip16k.wav'), p('ref-pa.json'), '--threads', '1']);
    const ref = JSON.parse(readFileSync(p('ref-pa.json'), 'utf8')) as { audio: number[] };
    const model = await ClapModel.load(p('model-pa'));
    assert.equal((model.card as unknown as { architecture: { pooling: string } }).architecture.pooling, 'attention');
    const out = await model.embedClip((await decodeAudioFile(p('clip16k.wav'))).samples);
    assert.ok(Math.max(...Array.from(out, (x, i) => Math.abs(x - ref.audio[i]!))) < 1e-4);
    await model.dispose();
  });

  it('the exported head takes the acoustic model\'s trunk states: one trunk pass for hybrid, after phase 1 and after phase 2', async () => {
    mustRunPython(['train/export.py', p('ctc', 'best.pt'), p('ctc-model')]);
    mustRunPython(['train/export.py', p('ctc', 'best.pt'), p('ctc-model-last'), '--hidden-blocks', '1']);
    mustRunPython(['train/clap.py', 'export', p('p1', 'best.pt'), p('model-p1'), '--threads', '1']);
    const acoustic = await AcousticModel.load(p('ctc-model'));
    const lastBlock = await AcousticModel.load(p('ctc-model-last'));
    const p1 = await ClapModel.load(p('model-p1'));
    const p2 = await ClapModel.load(p('model-f32'));
    assert.equal(acoustic.card.hidden_output, 'hidden');
    assert.ok(sharesEncoder(acoustic, p1), 'phase 1 froze the encoder: same trunk fingerprint');
    assert.ok(sharesEncoder(acoustic, p2), 'phase 2 tuned only the blocks its head carries: same trunk fingerprint');
    assert.ok(!sharesEncoder(lastBlock, p2), 'states after another number of blocks: another fingerprint');
    assert.deepEqual((await lastBlock.posteriors(new Float32Array(16000), 0)).logProbs, (await acoustic.posteriors(new Float32Array(16000), 0)).logProbs,
      'the depth of the hidden output does not change the posteriors');

    let passes = 0;
    const counted = new Proxy(acoustic, {
      get(target, key) {
        if (key === 'encode') return (s: Float32Array, o?: number) => (passes++, target.encode(s, o));
        const v = Reflect.get(target, key, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const stages = sharedEncoderStages(counted, p2);
    const { samples } = await decodeAudioFile(p('clip16k.wav'));
    const post = await stages.acoustic.posteriors(samples, 1.5);
    const shared = await stages.embedder.embedClip(samples);
    assert.equal(passes, 1, 'posteriors and embedding of one chunk come from one pass');
    assert.equal(post.offsetS, 1.5);
    assert.deepEqual(post.logProbs, (await acoustic.posteriors(samples, 0)).logProbs);
    const own = await p2.embedClip(samples);
    const diff = Math.max(...Array.from(shared, (x, i) => Math.abs(x - own[i]!)));
    assert.ok(diff < 1e-4, `head on the acoustic model's states vs QuranCLAP's own audio tower: max diff ${diff}`);
    await stages.embedder.embedClip(samples.slice());
    assert.equal(passes, 2, 'other samples get a pass of their own');
    await Promise.all([acoustic.dispose(), lastBlock.dispose(), p1.dispose(), p2.dispose()]);
  });

  it('evaluate: one command writes the retrieval table (zero-shot, phase 1, phase 2) as JSON and Markdown', () => {
    mustRunPython(['train/clap.py', 'init', '--acoustic', p('ctc', 'best.pt'), '--out', p('zero.pt'), '--tune-layers', '1', '--text-dim', '32', '--text-layers', '2']);
    mustRunPython(['train/clap.py', 'evaluate', '--dev', caches.f2!, '--runs', `zero-shot=${p('zero.pt')}`, `phase1=${p('p1', 'best.pt')}`, `phase2=${p('p2', 'best.pt')}`,
      '--out', p('eval', 'retrieval'), '--threads', '1']);
    const json = JSON.parse(readFileSync(p('eval', 'retrieval.json'), 'utf8')) as { runs: Record<string, { all: { all_6236: { n: number; top1: number }; surahs_1_5_789: { n: number } } }> };
    assert.deepEqual(Object.keys(json.runs), ['zero-shot', 'phase1', 'phase2']);
    assert.equal(json.runs.phase2!.all.all_6236.n, VERSES.length);
    assert.equal(json.runs.phase2!.all.surahs_1_5_789.n, 4);
    const md = readFileSync(p('eval', 'retrieval.md'), 'utf8');
    assert.match(md, /```sh\n\/usr\/bin\/python3 train\/clap\.py evaluate --dev /);
    assert.match(md, /\| zero-shot \| 4 \| [\d.]+ % \|/);
  });

  it('refuses to train on an evaluation cache or on a reserved reciter', () => {
    const r = runPython(['train/clap.py', 'train', '--phase', '1', '--acoustic', p('ctc', 'best.pt'), '--states', p('states-dev'), '--out', p('bad'), '--max-steps', '1']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /evaluation cache .* must never be trained on/);
    cpSync(caches['']!, p('cache-alafasy'), { recursive: true });
    const index = readFileSync(p('cache-alafasy', 'index.jsonl'), 'utf8').replaceAll('"reciter": "espeak-ar"', '"reciter": "alafasy"');
    writeFileSync(p('cache-alafasy', 'index.jsonl'), index);
    const r2 = runPython(['train/clap.py', 'cache', '--acoustic', p('ctc', 'best.pt'), '--audio', p('cache-alafasy'), '--out', p('states-bad'), '--tune-layers', '1']);
    assert.equal(r2.status, 2);
    assert.match(r2.stderr, /Mishary Alafasy is a reserved evaluation reciter/);
    assert.doesNotMatch(r.stderr + r2.stderr, /Traceback/);
  });
});
