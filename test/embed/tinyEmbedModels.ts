/**
 * Tiny hand-encoded QuranCLAP and bridge model folders with the real interfaces (card.json,
 * ONNX graphs, int8 verse matrix), so the modes can be tested without trained weights. They
 * know nothing about Quran recitation: the audio "tower" averages a strided convolution, the
 * bridge is one tanh layer, the verse vectors are seeded random.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VOCAB } from '../../src/quran/units.js';
import { FEATURE_DIM, FEATURE_VERSION } from '../../src/embed/features.js';
import { rng } from '../decode/synth.js';
import { concat, FLOAT, INT64, int, intAttr, intsAttr, msg, node, str, tensor, type Field } from '../acoustic/tinyModel.js';

const HOP = 640;
export const CLAP_DIM = 256;
export const BRIDGE_DIM = 384;
const VERSES = 6236;

function typedValueInfo(field: number, name: string, elemType: number, dims: (number | string)[]): Field {
  const dimMsgs = dims.map((d) => (typeof d === 'number' ? msg(1, int(1, d)) : msg(1, str(2, d))));
  return msg(field, str(1, name), msg(2, msg(1, int(1, elemType), msg(2, ...dimMsgs))));
}

const raw = (a: Float32Array | BigInt64Array): Uint8Array => new Uint8Array(a.buffer.slice(0));

function model(graph: Field): Uint8Array {
  return concat([int(1, 8), str(2, 'ayat-tests'), graph, msg(8, str(1, ''), int(2, 13))]);
}

function randomFloats(n: number, seed: number, scale: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (r() - 0.5) * 2 * scale);
}

/** audio [1, N] → mean over 40-ms frames of a strided convolution → L2-normalised [1, 256]. */
export function tinyAudioTower(): Uint8Array {
  return model(
    msg(
      7,
      node('Unsqueeze', ['audio', 'axes'], ['x']),
      node('Conv', ['x', 'W'], ['y'], [intsAttr('kernel_shape', [HOP]), intsAttr('strides', [HOP])]),
      node('ReduceMean', ['y'], ['m'], [intsAttr('axes', [2]), intAttr('keepdims', 0)]),
      node('LpNormalization', ['m'], ['embedding'], [intAttr('axis', 1), intAttr('p', 2)]),
      str(2, 'tiny-clap-audio'),
      msg(5, ...tensor('W', [CLAP_DIM, 1, HOP], FLOAT, raw(randomFloats(CLAP_DIM * HOP, 1, 0.1)))),
      msg(5, ...tensor('axes', [1], INT64, raw(new BigInt64Array([1n])))),
      typedValueInfo(11, 'audio', FLOAT, [1, 'N']),
      typedValueInfo(12, 'embedding', FLOAT, [1, CLAP_DIM]),
    ),
  );
}

/** units [1, L] (int64) → mean of unit vectors → L2-normalised [1, 256]. */
export function tinyTextTower(): Uint8Array {
  return model(
    msg(
      7,
      node('Gather', ['table', 'units'], ['e']),
      node('ReduceMean', ['e'], ['m'], [intsAttr('axes', [1]), intAttr('keepdims', 0)]),
      node('LpNormalization', ['m'], ['embedding'], [intAttr('axis', 1), intAttr('p', 2)]),
      str(2, 'tiny-clap-text'),
      msg(5, ...tensor('table', [VOCAB.length, CLAP_DIM], FLOAT, raw(randomFloats(VOCAB.length * CLAP_DIM, 2, 1)))),
      typedValueInfo(11, 'units', INT64, [1, 'L']),
      typedValueInfo(12, 'embedding', FLOAT, [1, CLAP_DIM]),
    ),
  );
}

/** features [1, 128] → tanh(x W) [1, 384]. */
export function tinyBridge(): Uint8Array {
  return model(
    msg(
      7,
      node('MatMul', ['features', 'W'], ['z']),
      node('Tanh', ['z'], ['embedding']),
      str(2, 'tiny-bridge'),
      msg(5, ...tensor('W', [FEATURE_DIM, BRIDGE_DIM], FLOAT, raw(randomFloats(FEATURE_DIM * BRIDGE_DIM, 3, 0.01)))),
      typedValueInfo(11, 'features', FLOAT, [1, FEATURE_DIM]),
      typedValueInfo(12, 'embedding', FLOAT, [1, BRIDGE_DIM]),
    ),
  );
}

/** int8 rows + float32 scales, as train/ayat_train/clap/onnx_io.py writes them. */
export function verseMatrix(dim: number, seed: number): Uint8Array {
  const r = rng(seed);
  const q = new Int8Array(VERSES * dim);
  for (let i = 0; i < q.length; i++) q[i] = Math.round((r() - 0.5) * 254);
  const scales = new Float32Array(VERSES).fill(0.01);
  return concat([new Uint8Array(q.buffer), new Uint8Array(scales.buffer)]);
}

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

export interface TinyCardOptions {
  /** null: uncalibrated (softmax); a number: calibration that answers when P ≥ threshold. */
  readonly threshold?: number | null;
  readonly card?: Record<string, unknown>;
}

function calibration(threshold: number | null | undefined): unknown {
  if (threshold === null || threshold === undefined) return null;
  return { features: ['top1', 'margin'], bias: 0, weights: [1, 10], threshold };
}

export function writeTinyClap(dir: string, options: TinyCardOptions = {}): string {
  mkdirSync(dir, { recursive: true });
  const audio = tinyAudioTower();
  const text = tinyTextTower();
  const verses = verseMatrix(CLAP_DIM, 4);
  writeFileSync(join(dir, 'audio.onnx'), audio);
  writeFileSync(join(dir, 'text.onnx'), text);
  writeFileSync(join(dir, 'verses.bin'), verses);
  const card = {
    name: 'tiny-clap',
    version: '0.0.0',
    format: 'clap-onnx',
    sample_rate: 16000,
    embed_dim: CLAP_DIM,
    audio: { file: 'audio.onnx', sha256: sha(audio), input: 'audio', output: 'embedding' },
    text: { file: 'text.onnx', sha256: sha(text), input: 'units', output: 'embedding' },
    verses: { file: 'verses.bin', sha256: sha(verses), count: VERSES, dim: CLAP_DIM, encoding: 'int8-rowscale' },
    units: [...VOCAB],
    logit_scale: Math.log(1 / 0.07),
    calibration: calibration(options.threshold),
    ...options.card,
  };
  writeFileSync(join(dir, 'card.json'), JSON.stringify(card, null, 2));
  return dir;
}

export function writeTinyBridge(dir: string, options: TinyCardOptions = {}): string {
  mkdirSync(dir, { recursive: true });
  const bridge = tinyBridge();
  const verses = verseMatrix(BRIDGE_DIM, 5);
  writeFileSync(join(dir, 'bridge.onnx'), bridge);
  writeFileSync(join(dir, 'verses.bin'), verses);
  const card = {
    name: 'tiny-bridge',
    version: '0.0.0',
    format: 'bridge-onnx',
    sample_rate: 16000,
    features: { version: FEATURE_VERSION, dim: FEATURE_DIM },
    bridge: { file: 'bridge.onnx', sha256: sha(bridge), input: 'features', output: 'embedding' },
    embed_dim: BRIDGE_DIM,
    verses: { file: 'verses.bin', sha256: sha(verses), count: VERSES, dim: BRIDGE_DIM, encoding: 'int8-rowscale' },
    calibration: calibration(options.threshold),
    ...options.card,
  };
  writeFileSync(join(dir, 'card.json'), JSON.stringify(card, null, 2));
  return dir;
}


