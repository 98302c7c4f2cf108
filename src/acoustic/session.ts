import type { InferenceSession } from 'onnxruntime-node';

export type Ort = typeof import('onnxruntime-node');

/** onnxruntime-node, loaded on first need (its native library is large: commands that run no model never load it). */
export function onnxRuntime(): Promise<Ort> {
  return import('onnxruntime-node');
}

/** ONNX Runtime threads per session: the machines ayat targets have 2 cores. */
export const INTRA_OP_THREADS = 2;

/**
 * A CPU session checked for the input and output names its card promises. Every ONNX model
 * ayat loads (acoustic, CLAP towers, bridge) opens through here; `fail` builds the caller's
 * own error type from a one-line message.
 */
export async function openCpuSession(
  path: string,
  input: string,
  output: string,
  fail: (message: string) => Error,
): Promise<{ ort: Ort; session: InferenceSession }> {
  const { ort, session } = await createCpuSession(path, fail);
  if (!session.inputNames.includes(input)) {
    throw fail(`${path} has no input "${input}" (it has: ${session.inputNames.join(', ')})`);
  }
  if (!session.outputNames.includes(output)) {
    throw fail(`${path} has no output "${output}" (it has: ${session.outputNames.join(', ')})`);
  }
  return { ort, session };
}

/** A CPU session with ayat's thread settings, whatever its input and output names. */
export async function createCpuSession(path: string, fail: (message: string) => Error): Promise<{ ort: Ort; session: InferenceSession }> {
  const ort = await onnxRuntime();
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(path, {
      executionProviders: ['cpu'],
      intraOpNumThreads: INTRA_OP_THREADS,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      // Errors only: graph-optimiser notices would land on the CLI's stderr.
      logSeverityLevel: 3,
      // By default a session's threads spin for a while after each run, waiting for more work.
      // On 2 cores they then take the CPU from whatever runs next: the matcher on the main thread,
      // or a second session (hybrid runs the acoustic model, then QuranCLAP's audio tower). Measured
      // on a 10-s clip: acoustic model + audio tower back to back 72 ms spinning, 38 ms not (18 ms
      // each alone, either way).
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
  } catch (err) {
    throw fail(`ONNX Runtime cannot load ${path}: ${firstLine(err)}`);
  }
  return { ort, session };
}

export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n', 1)[0]!.trim();
}
