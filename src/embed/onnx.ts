import type { InferenceSession } from 'onnxruntime-node';
import { INTRA_OP_THREADS } from '../acoustic/model.js';
import { EmbedModelError } from './errors.js';

export type Ort = typeof import('onnxruntime-node');

/** A CPU session with the acoustic model's settings, checked for its input and output names. */
export async function openSession(path: string, input: string, output: string): Promise<{ ort: Ort; session: InferenceSession }> {
  const ort = await import('onnxruntime-node');
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(path, {
      executionProviders: ['cpu'],
      intraOpNumThreads: INTRA_OP_THREADS,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
    });
  } catch (err) {
    throw new EmbedModelError('load_failed', `ONNX Runtime cannot load ${path}: ${firstLine(err)}`);
  }
  if (!session.inputNames.includes(input)) {
    throw new EmbedModelError('load_failed', `${path} has no input "${input}" (it has: ${session.inputNames.join(', ')})`);
  }
  if (!session.outputNames.includes(output)) {
    throw new EmbedModelError('load_failed', `${path} has no output "${output}" (it has: ${session.outputNames.join(', ')})`);
  }
  return { ort, session };
}

/** Runs a one-input session and returns its output as a float32 vector [1, D]. */
export async function runVector(session: InferenceSession, feeds: InferenceSession.FeedsType, output: string, what: string): Promise<Float32Array> {
  let out;
  try {
    out = (await session.run(feeds))[output];
  } catch (err) {
    throw new EmbedModelError('inference_failed', `${what} failed: ${firstLine(err)}`);
  }
  if (!out || out.type !== 'float32' || out.dims.length !== 2 || out.dims[0] !== 1) {
    throw new EmbedModelError('inference_failed', `${what}: output "${output}" is not float32 [1, D]`);
  }
  return out.data as Float32Array;
}

export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n', 1)[0]!.trim();
}
