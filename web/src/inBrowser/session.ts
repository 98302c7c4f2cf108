import * as ort from 'onnxruntime-web/wasm';

// Threads need a cross-origin-isolated page; the models are small enough for one.
ort.env.wasm.numThreads = 1;

/** An onnxruntime-web session (WebAssembly) over a graph's bytes; `fail` makes the error a model that will not open gives. */
export async function openWasmSession(graph: Uint8Array, modelName: string, fail: (message: string) => Error): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(graph, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  } catch (err) {
    throw fail(`this browser cannot run ${modelName}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
