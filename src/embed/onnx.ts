import type { InferenceSession } from 'onnxruntime-node';
import { firstLine, onnxRuntime, openCpuSession } from '../acoustic/session.js';
import { embeddingOf } from './embedder.js';
import { EmbedModelError } from './errors.js';

export type { Ort } from '../acoustic/session.js';
export { firstLine, onnxRuntime };

/** A CPU session with the acoustic model's settings, checked for its input and output names. */
export function openSession(path: string, input: string, output: string): ReturnType<typeof openCpuSession> {
  return openCpuSession(path, input, output, (m) => new EmbedModelError('load_failed', m));
}

/** Runs a one-input session and returns its output as a float32 vector [1, D]. */
export async function runVector(session: InferenceSession, feeds: InferenceSession.FeedsType, output: string, what: string): Promise<Float32Array> {
  let out;
  try {
    out = (await session.run(feeds))[output];
  } catch (err) {
    throw new EmbedModelError('inference_failed', `${what} failed: ${firstLine(err)}`);
  }
  return embeddingOf(out, output, what);
}
