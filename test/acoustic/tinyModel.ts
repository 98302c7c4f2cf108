/**
 * A tiny, hand-encoded ONNX model with the ayat-ctc interface (audio [1, N] →
 * log_probs [1, T, V], one frame per 640 samples), so model loading and the
 * pipeline can be tested without the trained model. It knows nothing about speech.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VOCAB } from '../../src/quran/units.js';

const HOP = 640;

// --- minimal protobuf writer -------------------------------------------------

export type Field = Uint8Array;

function varint(value: number | bigint): number[] {
  let v = BigInt(value);
  if (v < 0n) v += 1n << 64n;
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

export const concat = (parts: readonly Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

export const int = (field: number, value: number | bigint): Field => Uint8Array.from([...varint(field << 3), ...varint(value)]);
export const bytes = (field: number, data: Uint8Array): Field =>
  concat([Uint8Array.from([...varint((field << 3) | 2), ...varint(data.length)]), data]);
export const str = (field: number, s: string): Field => bytes(field, new TextEncoder().encode(s));
export const msg = (field: number, ...fields: Field[]): Field => bytes(field, concat(fields));
const float32 = (field: number, value: number): Field => {
  const b = new Uint8Array(5);
  b[0] = (field << 3) | 5;
  new DataView(b.buffer).setFloat32(1, value, true);
  return b;
};

// --- ONNX messages (field numbers from onnx.proto) ---------------------------

export const FLOAT = 1;
export const INT64 = 7;

export function tensor(name: string, dims: number[], dataType: number, raw: Uint8Array): Field[] {
  return [...dims.map((d) => int(1, d)), int(2, dataType), str(8, name), bytes(9, raw)];
}

export function valueInfo(field: number, name: string, dims: (number | string)[]): Field {
  const dimMsgs = dims.map((d) => (typeof d === 'number' ? msg(1, int(1, d)) : msg(1, str(2, d))));
  return msg(field, str(1, name), msg(2, msg(1, int(1, FLOAT), msg(2, ...dimMsgs))));
}

export function node(op: string, inputs: string[], outputs: string[], attrs: Field[] = []): Field {
  return msg(1, ...inputs.map((i) => str(1, i)), ...outputs.map((o) => str(2, o)), str(4, op), ...attrs);
}

export const intsAttr = (name: string, values: number[]): Field => msg(5, str(1, name), ...values.map((v) => int(8, v)), int(20, 7));
export const intAttr = (name: string, value: number): Field => msg(5, str(1, name), int(3, value), int(20, 2));

export interface TinyModelOptions {
  vocabSize?: number;
  inputName?: string;
  outputName?: string;
}

/** The ONNX bytes. Frame scores: blank is favoured, and unit 1 rises with frame energy. */
export function tinyOnnx(options: TinyModelOptions = {}): Uint8Array {
  const v = options.vocabSize ?? VOCAB.length;
  const input = options.inputName ?? 'audio';
  const output = options.outputName ?? 'log_probs';

  const weights = new Float32Array(v * HOP);
  for (let k = 0; k < HOP; k++) weights[HOP + k] = k % 2 === 0 ? 0.05 : -0.05;
  const bias = new Float32Array(v);
  bias[0] = 2;
  const axes = new BigInt64Array([1n]);
  const raw = (a: Float32Array | BigInt64Array): Uint8Array => new Uint8Array(a.buffer.slice(0));

  const graph = msg(
    7,
    node('Unsqueeze', [input, 'axes'], ['x']),
    node('Conv', ['x', 'W', 'B'], ['y'], [intsAttr('kernel_shape', [HOP]), intsAttr('strides', [HOP])]),
    node('Transpose', ['y'], ['z'], [intsAttr('perm', [0, 2, 1])]),
    node('LogSoftmax', ['z'], [output], [intAttr('axis', 2)]),
    str(2, 'tiny-ctc'),
    msg(5, ...tensor('W', [v, 1, HOP], FLOAT, raw(weights))),
    msg(5, ...tensor('B', [v], FLOAT, raw(bias))),
    msg(5, ...tensor('axes', [1], INT64, raw(axes))),
    valueInfo(11, input, [1, 'N']),
    valueInfo(12, output, [1, 'T', v]),
  );
  return concat([int(1, 8), str(2, 'ayat-tests'), graph, msg(8, str(1, ''), int(2, 13))]);
}

export interface TinyModelFolderOptions extends TinyModelOptions {
  /** Overrides card fields (e.g. a wrong sha256 or units). */
  card?: Record<string, unknown>;
}

/** Writes card.json + model.onnx into `dir` (created if needed) and returns `dir`. */
export function writeTinyModel(dir: string, options: TinyModelFolderOptions = {}): string {
  mkdirSync(dir, { recursive: true });
  const onnx = tinyOnnx(options);
  writeFileSync(join(dir, 'model.onnx'), onnx);
  const card = {
    name: 'tiny-test',
    version: '0.0.0',
    format: 'ctc-onnx',
    file: 'model.onnx',
    sha256: createHash('sha256').update(onnx).digest('hex'),
    sample_rate: 16000,
    frame_shift_s: 0.04,
    units: [...VOCAB],
    input: options.inputName ?? 'audio',
    output: options.outputName ?? 'log_probs',
    params: (options.vocabSize ?? VOCAB.length) * (HOP + 1),
    size_bytes: onnx.length,
    training: {},
    metrics: {},
    ...options.card,
  };
  writeFileSync(join(dir, 'card.json'), JSON.stringify(card, null, 2));
  return dir;
}
