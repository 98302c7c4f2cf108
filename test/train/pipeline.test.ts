import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { loadQuran } from '../../src/quran/corpus.js';
import { unitsToString, verseUnits } from '../../src/quran/units.js';
import { greedyDecode } from '../../src/decode/ctc.js';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { decodeAudioFile } from '../../src/audio/index.js';
import { mustRunPython, PROJECT_ROOT, runPython } from '../helpers/python.js';
import { espeakFolders } from '../helpers/espeakData.js';

// A few-step run of the real training code on espeak-ng clips made here: prepare -> train -> export.
let dir = '';
const quran = loadQuran();
const VERSES = [[112, 1], [112, 2], [112, 3], [112, 4], [113, 1], [113, 2]] as const;

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ayat-train-'));
  espeakFolders(dir, VERSES, ['', 'm3']);
});

after(() => rmSync(dir, { recursive: true, force: true }));

interface StepLine { step: number; loss: number }

test('prepare -> a short training run: the CTC loss falls past the blank plateau', () => {
  mustRunPython(['train/prepare.py', 'everyayah', path.join(dir, 'audio', 'espeak-ar'), path.join(dir, 'cache-a')]);
  mustRunPython(['train/prepare.py', 'everyayah', path.join(dir, 'audio', 'espeak-arm3'), path.join(dir, 'cache-b')]);
  const index = readFileSync(path.join(dir, 'cache-a', 'index.jsonl'), 'utf8').trim().split('\n');
  assert.equal(index.length, VERSES.length);
  const out = mustRunPython([
    'train/train.py', '--train', path.join(dir, 'cache-a'), path.join(dir, 'cache-b'), '--out', path.join(dir, 'run'),
    '--preset', 'tiny', '--device', 'cpu', '--threads', '1', '--no-augment', '--max-steps', '120', '--epochs', '1000',
    '--batch-seconds', '30', '--lr', '5e-3', '--warmup', '5', '--log-every', '5', '--eval-minutes', '1000',
  ]);
  const steps = out.split('\n').filter((l) => l.startsWith('{"step"')).map((l) => JSON.parse(l) as StepLine);
  assert.ok(steps.length >= 10, `expected loss lines, got:\n${out}`);
  const first = steps[0]!.loss;
  const last = steps[steps.length - 1]!.loss;
  // ~3 nats per unit is the plateau of a model that only knows unit frequencies; below 1 it has
  // learned which sounds are which letters (here: memorised the 12 clips)
  assert.ok(last < 1.0 && last < first * 0.3, `loss did not fall enough: ${first} -> ${last}`);
});

test('align.py places the units of a cache\'s clips; train.py --crops-per-clip trains on crops of them, and refuses without an alignment', () => {
  const printed = mustRunPython(['train/align.py', '--model', path.join(dir, 'run', 'last.pt'), '--threads', '1', path.join(dir, 'cache-a')]);
  const summary = JSON.parse(printed.trim()) as { aligned: number; unaligned: number };
  assert.equal(summary.aligned + summary.unaligned, VERSES.length);
  assert.ok(summary.aligned >= VERSES.length / 2, `the memorised clips align: ${printed}`);
  const index = readFileSync(path.join(dir, 'cache-a', 'index.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; length: number; targets: number[] });
  const lines = readFileSync(path.join(dir, 'cache-a', 'alignment.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; unit_samples: number[] | null });
  assert.deepEqual(lines.map((l) => l.id), index.map((r) => r.id));
  for (const [k, l] of lines.entries()) {
    if (!l.unit_samples) continue;
    assert.equal(l.unit_samples.length, index[k]!.targets.length);
    assert.ok(l.unit_samples.every((x, i) => x >= 0 && x < index[k]!.length && (i === 0 || x > l.unit_samples![i - 1]!)), 'increasing, inside the clip');
  }
  assert.match(JSON.parse(mustRunPython(['train/align.py', '--model', path.join(dir, 'run', 'last.pt'), path.join(dir, 'cache-a')]).trim()).skipped, /already aligned/);

  const common = ['--resume', path.join(dir, 'run', 'last.pt'), '--device', 'cpu', '--threads', '1', '--no-augment', '--epochs', '1000',
    '--batch-seconds', '30', '--eval-minutes', '1000', '--crops-per-clip', '2', '--crop-seconds', '0.8', '1.2'];
  const out = mustRunPython(['train/train.py', '--train', path.join(dir, 'cache-a'), '--out', path.join(dir, 'run-crops'), '--max-steps', '125', ...common]);
  assert.equal(JSON.parse(out.split('\n')[0]!).aligned_clips, summary.aligned);
  const refused = runPython(['train/train.py', '--train', path.join(dir, 'cache-b'), '--out', path.join(dir, 'run-no-crops'), '--max-steps', '125', ...common]);
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /--crops-per-clip needs aligned caches: run train\/align\.py/);
});

test('--keep-evals keeps a resumed run\'s checkpoints; average.py writes their mean, evaluated, and export.py takes it', () => {
  const run2 = path.join(dir, 'run2');
  mustRunPython([
    'train/train.py', '--train', path.join(dir, 'cache-a'), '--out', run2, '--resume', path.join(dir, 'run', 'last.pt'),
    '--device', 'cpu', '--threads', '1', '--no-augment', '--max-steps', '130', '--epochs', '1000',
    '--batch-seconds', '30', '--lr', '5e-3', '--warmup', '5', '--log-every', '5', '--eval-minutes', '1000', '--keep-evals',
  ]);
  const a = path.join(dir, 'run', 'last.pt');
  const b = path.join(run2, 'step-130.pt');
  const avg = path.join(dir, 'avg.pt');
  const printed = JSON.parse(mustRunPython(['train/average.py', b, a, '--dev', path.join(dir, 'cache-b'), '--out', avg]).trim()) as Record<string, unknown>;
  assert.deepEqual(printed['averaged_steps'], [120, 130]);
  assert.equal(typeof printed['uer'], 'number');

  const check = [
    'import sys, torch',
    'a, b, m = (torch.load(p, map_location="cpu") for p in sys.argv[1:4])',
    'diffs = [float((m["model"][k] - (a["model"][k] + b["model"][k]) / 2).abs().max()) for k in m["model"] if m["model"][k].is_floating_point()]',
    'moved = max(float((a["model"][k] - b["model"][k]).abs().max()) for k in m["model"] if m["model"][k].is_floating_point())',
    'print(max(diffs), moved, "optimizer" in m)',
  ].join('\n');
  const [maxDiff, moved, hasOptimizer] = mustRunPython(['-c', check, a, b, avg]).trim().split(' ');
  assert.ok(Number(moved) > 1e-4, `the resumed run did not change the weights (${moved})`);
  assert.ok(Number(maxDiff) < 1e-6, `averaged weights differ from the mean by ${maxDiff}`);
  assert.equal(hasOptimizer, 'False');

  mustRunPython(['train/export.py', avg, path.join(dir, 'model-avg')]);
  const card = JSON.parse(readFileSync(path.join(dir, 'model-avg', 'card.json'), 'utf8')) as {
    training: { averaged_steps: number[] }; metrics: { dev_unit_error_rate_greedy: Record<string, number> };
  };
  assert.deepEqual(card.training.averaged_steps, [120, 130]);
  assert.equal(card.metrics.dev_unit_error_rate_greedy['uer'], printed['uer']);
  assert.match(readFileSync(path.join(dir, 'model-avg', 'card.md'), 'utf8'), /averaged over the checkpoints at steps 120, 130/);
});

test('grow.py appends encoder blocks that add nothing yet; train.py resumes the grown model with a fresh optimiser', () => {
  const grown = path.join(dir, 'grown.pt');
  mustRunPython(['train/grow.py', path.join(dir, 'run', 'last.pt'), grown, '--add', '1']);
  const check = [
    'import sys, torch',
    'a, g = (torch.load(p, map_location="cpu") for p in sys.argv[1:3])',
    'n = a["config"]["n_layers"]',
    'same = all(torch.equal(a["model"][k], g["model"][k]) for k in a["model"])',
    'new = [k for k in g["model"] if k not in a["model"]]',
    'branch_ends = ("ff1.net.4.", "ff2.net.4.", "attn.out_proj.", "conv.pointwise_out.")',
    'silent = all(float(g["model"][k].abs().max()) == 0 for k in new if any(e in k for e in branch_ends))',
    'print(n, g["config"]["n_layers"], same, all(k.startswith(f"encoder.blocks.{n}.") for k in new), silent, "optimizer" in g)',
  ].join('\n');
  assert.equal(mustRunPython(['-c', check, path.join(dir, 'run', 'last.pt'), grown]).trim(), '1 2 True True True False');

  const out = mustRunPython([
    'train/train.py', '--train', path.join(dir, 'cache-a'), '--out', path.join(dir, 'run-grown'), '--resume', grown,
    '--device', 'cpu', '--threads', '1', '--no-augment', '--max-steps', '10', '--epochs', '1000',
    '--batch-seconds', '30', '--lr', '5e-3', '--warmup', '100', '--log-every', '5', '--eval-minutes', '1000',
  ]);
  assert.equal(JSON.parse(out.split('\n')[0]!).config.n_layers, 2);
  const steps = out.split('\n').filter((l) => l.startsWith('{"step"')).map((l) => JSON.parse(l) as StepLine & { lr: number });
  assert.deepEqual(steps.map((l) => l.step), [5, 10]);
  assert.ok(steps[0]!.lr < 1e-3, `the learning rate warms up again: ${steps[0]!.lr}`);
});

test('prepare --exclude/--sample adds only ayat a train manifest (or an earlier cache) lacks, a reproducible random few', () => {
  const manifest = path.join(dir, 'known.jsonl');
  const known = [[112, 1], [113, 2]].map(([s, a]) =>
    JSON.stringify({ file: `train/espeak-ar/${s}.opus`, reciter: 'espeak-ar', surah: s, ayah: a, duration_s: 2 }));
  writeFileSync(manifest, known.join('\n') + '\n');
  const ids = (cache: string): string[] =>
    readFileSync(path.join(dir, cache, 'index.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id);
  for (const cache of ['more-1', 'more-2']) {
    mustRunPython(['train/prepare.py', 'everyayah', path.join(dir, 'audio', 'espeak-ar'), path.join(dir, cache),
      '--exclude', manifest, '--sample', '3', '--seed', '7', '--workers', '1']);
  }
  const chosen = ids('more-1');
  assert.equal(chosen.length, 3);
  assert.ok(!chosen.includes('espeak-ar/112001') && !chosen.includes('espeak-ar/113002'), chosen.join(' '));
  assert.deepEqual(ids('more-2'), chosen);

  // a next round: --exclude repeats, and takes the cache folder of the round before
  mustRunPython(['train/prepare.py', 'everyayah', path.join(dir, 'audio', 'espeak-ar'), path.join(dir, 'more-3'),
    '--exclude', manifest, '--exclude', path.join(dir, 'more-1'), '--workers', '1']);
  const next = ids('more-3');
  assert.ok(next.length > 0, 'ayat are left for the next round');
  for (const id of [...chosen, 'espeak-ar/112001', 'espeak-ar/113002']) assert.ok(!next.includes(id), `${id} again in ${next.join(' ')}`);
});

test('the exported ONNX model runs in onnxruntime-node and matches PyTorch on the same audio', async () => {
  // 16 kHz 16-bit PCM: PyTorch and the TypeScript decoder then read bit-identical samples
  const clip = path.join(dir, 'clip16k.wav');
  execFileSync('ffmpeg', ['-v', 'error', '-i', path.join(dir, 'audio', 'espeak-ar', '112001.wav'), '-ar', '16000', '-ac', '1', '-c:a', 'pcm_s16le', clip]);
  const refJson = path.join(dir, 'ref.json');
  mustRunPython(['train/export.py', path.join(dir, 'run', 'best.pt'), path.join(dir, 'model-f32'), '--reference', clip, refJson]);
  mustRunPython(['train/export.py', path.join(dir, 'run', 'best.pt'), path.join(dir, 'model-int8'), '--int8']);
  const ref = JSON.parse(readFileSync(refJson, 'utf8')) as { frames: number; vocab: number; log_probs: number[] };
  const { samples } = await decodeAudioFile(clip);

  for (const [name, tolerance] of [['model-f32', 2e-3], ['model-int8', 0.25]] as const) {
    const card = JSON.parse(readFileSync(path.join(dir, name, 'card.json'), 'utf8')) as { units: string[]; sha256: string };
    assert.equal(card.units.length, ref.vocab);
    const session = await ort.InferenceSession.create(path.join(dir, name, 'model.onnx'));
    const result = await session.run({ audio: new ort.Tensor('float32', samples, [1, samples.length]) });
    const out = result['log_probs']!;
    assert.deepEqual(out.dims, [1, ref.frames, ref.vocab]);
    const data = out.data as Float32Array;
    let maxDiff = 0;
    for (let i = 0; i < data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(data[i]! - ref.log_probs[i]!));
    assert.ok(maxDiff < tolerance, `${name}: max |onnx - torch| = ${maxDiff}`);
    const heard = greedyDecode({ logProbs: data, frames: ref.frames, vocabSize: ref.vocab, frameShiftS: 0.06, offsetS: 0 }).ids;
    const target = Array.from(verseUnits(quran.get({ surah: 112, ayah: 1 })).ids);
    const uer = editDistance(Array.from(heard), target) / target.length;
    assert.ok(uer < 0.5, `${name}: greedy transcript ${unitsToString(heard)} vs ${unitsToString(target)} (UER ${uer})`);
  }
});

test('import_onnx.py turns a model folder back into a checkpoint: re-exported, the same file bit for bit; train.py resumes it', () => {
  const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
  // The shipped model (int8 weights, dequantised on import) and the float model the test above exported.
  for (const [folder, int8] of [[path.join(PROJECT_ROOT, 'models', 'ayat-ctc'), true], [path.join(dir, 'model-f32'), false]] as const) {
    const ckpt = path.join(dir, `imported-${int8 ? 'int8' : 'f32'}.pt`);
    mustRunPython(['train/import_onnx.py', folder, ckpt]);
    const again = path.join(dir, `reexported-${int8 ? 'int8' : 'f32'}`);
    mustRunPython(['train/export.py', ckpt, again, ...(int8 ? ['--int8'] : [])]);
    assert.equal(sha(path.join(again, 'model.onnx')), sha(path.join(folder, 'model.onnx')), folder);
    // no step trained since the import: the card still says how the model was made
    const readCard = (folderPath: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(folderPath, 'card.json'), 'utf8')) as Record<string, unknown>;
    const [source, reexported] = [readCard(folder), readCard(again)];
    for (const key of ['version', 'training', 'metrics', 'sha256', 'encoder_sha256'] as const) {
      if (key === 'encoder_sha256' && int8) continue; // fingerprints the float weights before quantisation; the import holds the int8 ones
      assert.deepEqual(reexported[key], source[key], `${folder}: ${key}`);
    }
    assert.equal((reexported['exported_from'] as { sha256: string }).sha256, source['sha256']);
  }

  const out = mustRunPython([
    'train/train.py', '--train', path.join(dir, 'cache-a'), '--out', path.join(dir, 'run-imported'), '--resume', path.join(dir, 'imported-f32.pt'),
    '--device', 'cpu', '--threads', '1', '--no-augment', '--max-steps', '4', '--epochs', '1000',
    '--batch-seconds', '30', '--lr', '5e-3', '--warmup', '100', '--log-every', '2', '--eval-minutes', '1000',
  ]);
  const steps = out.split('\n').filter((l) => l.startsWith('{"step"')).map((l) => JSON.parse(l) as StepLine & { lr: number });
  assert.deepEqual(steps.map((l) => l.step), [2, 4]);
  assert.ok(steps[0]!.lr < 1e-3, `the learning rate warms up again: ${steps[0]!.lr}`);

  // A folder whose model is not the one its card names: a one-line refusal.
  const tampered = path.join(dir, 'tampered');
  mkdirSync(tampered, { recursive: true });
  writeFileSync(path.join(tampered, 'card.json'), readFileSync(path.join(dir, 'model-f32', 'card.json')));
  writeFileSync(path.join(tampered, 'model.onnx'), readFileSync(path.join(dir, 'model-int8', 'model.onnx')));
  const r = runPython(['train/import_onnx.py', tampered, path.join(dir, 'never.pt')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /sha256 differs from the card's/);
  assert.doesNotMatch(r.stderr, /Traceback/);
});

test('data preparation refuses a manifest with a reserved reciter', () => {
  const manifest = path.join(dir, 'bad.jsonl');
  writeFileSync(manifest, JSON.stringify({ file: 'audio/espeak-ar/112001.wav', reciter: 'alafasy', surah: 112, ayah: 1, duration_s: 2 }) + '\n');
  const r = runPython(['train/prepare.py', 'train', manifest, path.join(dir, 'cache-bad')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /Mishary Alafasy is a reserved evaluation reciter/);
  assert.doesNotMatch(r.stderr, /Traceback/);

  const folder = path.join(dir, 'audio', 'husary_128kbps');
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, '112001.wav'), readFileSync(path.join(dir, 'audio', 'espeak-ar', '112001.wav')));
  const r2 = runPython(['train/prepare.py', 'everyayah', folder, path.join(dir, 'cache-bad2')]);
  assert.equal(r2.status, 2);
  assert.match(r2.stderr, /Husary/);
});


function editDistance(a: number[], b: number[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
