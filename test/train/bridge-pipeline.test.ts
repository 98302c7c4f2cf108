import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeAudioFile } from '../../src/audio/index.js';
import { clipFeatures64 } from '../../src/embed/features.js';
import { BridgeModel } from '../../src/embed/models.js';
import { espeakCaches } from '../helpers/espeakData.js';
import { mustRunPython, runPython } from '../helpers/python.js';

// The lightweight bridge end to end on espeak-ng clips: features -> text space -> train -> int8 ONNX.
const VERSES = [[1, 1], [1, 2], [1, 3], [112, 1], [112, 2], [112, 3], [113, 1], [114, 1]] as const;
let dir = '';
let caches: Record<string, string> = {};
const p = (...parts: string[]): string => path.join(dir, ...parts);

interface LogLine { epoch: number; train_loss: number; dev_top1?: number }
const log = (run: string): LogLine[] => readFileSync(p(run, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LogLine);

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ayat-bridge-'));
  caches = espeakCaches(dir, VERSES, ['', 'm3', 'f2']);
  mustRunPython(['train/bridge.py', 'features', '--audio', caches['']!, caches.m3!, '--out', p('train.npz'), '--views', '3', '--threads', '1']);
  mustRunPython(['train/bridge.py', 'features', '--audio', caches.f2!, '--out', p('dev.npz'), '--eval']);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('lightweight bridge pipeline', () => {
  it('text spaces: any [6236, 384] verse matrix, or a projection of the QuranCLAP text tower', () => {
    mustRunPython(['-c', `import numpy as np; np.save(${JSON.stringify(p('minilm-like.npy'))}, np.random.RandomState(0).randn(6236, 384).astype("float32"))`]);
    mustRunPython(['train/bridge.py', 'text-space', '--from-npy', p('minilm-like.npy'), '--name', 'random-384', '--out', p('space.npy')]);
    mustRunPython(['train/train.py', '--train', caches['']!, '--out', p('ctc'), '--preset', 'tiny', '--device', 'cpu', '--threads', '1', '--no-augment',
      '--max-steps', '1', '--epochs', '100', '--batch-seconds', '30', '--eval-minutes', '1000']);
    mustRunPython(['train/clap.py', 'init', '--acoustic', p('ctc', 'best.pt'), '--out', p('clap.pt'), '--tune-layers', '1', '--text-dim', '32', '--text-layers', '1']);
    mustRunPython(['train/bridge.py', 'text-space', '--clap', p('clap.pt'), '--out', p('clap-space.npy')]);
    const check = JSON.parse(mustRunPython(['-c', `
import numpy as np, json
a = np.load(${JSON.stringify(p('clap-space.npy'))})
print(json.dumps({"shape": list(a.shape), "norm": float(np.abs(np.linalg.norm(a, axis=1) - 1).max())}))`])) as { shape: number[]; norm: number };
    assert.deepEqual(check.shape, [6236, 384]);
    assert.ok(check.norm < 1e-5);
    const bad = runPython(['train/bridge.py', 'text-space', '--from-npy', p('train.npz'), '--out', p('x.npy')]);
    assert.notEqual(bad.status, 0);
  });

  it('train: the MSE falls (and the contrastive variant runs)', () => {
    mustRunPython(['train/bridge.py', 'train', '--features', p('train.npz'), '--dev-features', p('dev.npz'), '--text-space', p('space.npy'), '--out', p('run'),
      '--epochs', '60', '--batch-size', '16', '--eval-every', '60', '--threads', '1']);
    const lines = log('run');
    assert.equal(lines.length, 60);
    assert.ok(lines[59]!.train_loss < 0.7 * lines[0]!.train_loss, `loss ${lines[0]!.train_loss} -> ${lines[59]!.train_loss}`);
    assert.equal(typeof lines[59]!.dev_top1, 'number');
    mustRunPython(['train/bridge.py', 'train', '--features', p('train.npz'), '--text-space', p('space.npy'), '--out', p('run-both'), '--loss', 'both', '--epochs', '3', '--threads', '1']);
    assert.equal(log('run-both').length, 3);
  });

  it('export: int8 ONNX under 1 MB; features and outputs match Python and PyTorch in onnxruntime-node', async () => {
    const clip = p('clip16k.wav');
    execFileSync('ffmpeg', ['-v', 'error', '-i', path.join(dir, 'audio', 'espeak-arf2', '112001.wav'), '-ar', '16000', '-ac', '1', '-c:a', 'pcm_s16le', clip]);
    mustRunPython(['train/bridge.py', 'export', p('run', 'best.pt'), p('model-int8'), '--reference', clip, p('ref.json'), '--calibrate-on', caches.f2!]);
    mustRunPython(['train/bridge.py', 'export', p('run', 'best.pt'), p('model-f32'), '--float']);
    const ref = JSON.parse(readFileSync(p('ref.json'), 'utf8')) as { features: number[]; embedding: number[] };
    const { samples } = await decodeAudioFile(clip);
    const features = clipFeatures64(samples);
    features.forEach((x, i) => assert.ok(Math.abs(x - ref.features[i]!) <= 1e-9 * (1 + Math.abs(x)), `feature ${i}`));

    const size = statSync(p('model-int8', 'bridge.onnx')).size;
    assert.ok(size <= 1024 * 1024, `int8 bridge is ${size} bytes`);
    const f32 = await BridgeModel.load(p('model-f32'));
    const out = await f32.embedClip(samples);
    const maxDiff = Math.max(...Array.from(out, (x, i) => Math.abs(x - ref.embedding[i]!)));
    assert.ok(maxDiff < 1e-4, `float32 bridge: max |onnx - torch| = ${maxDiff}`);
    const int8 = await BridgeModel.load(p('model-int8'));
    assert.ok(int8.card.calibration !== null);
    assert.equal(int8.card.features.version, 1);
    const q = await int8.embedClip(samples);
    let ab = 0, aa = 0, bb = 0;
    q.forEach((x, i) => ([ab, aa, bb] = [ab + x * ref.embedding[i]!, aa + x * x, bb + ref.embedding[i]! ** 2]));
    assert.ok(ab / Math.sqrt(aa * bb) > 0.98, `int8 bridge: cosine ${ab / Math.sqrt(aa * bb)}`);
    await f32.dispose();
    await int8.dispose();
  });

  it('refuses to train on evaluation features', () => {
    const r = runPython(['train/bridge.py', 'train', '--features', p('dev.npz'), '--text-space', p('space.npy'), '--out', p('bad'), '--epochs', '1']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /evaluation feature file .* must never be trained on/);
  });
});
