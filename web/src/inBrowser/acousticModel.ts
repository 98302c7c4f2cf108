import * as ort from 'onnxruntime-web/wasm';
import { parseModelCard, type ModelCard } from '../../../src/acoustic/cardSchema';
import { ModelError } from '../../../src/acoustic/errors';
import { graphFeeds, outputPosteriors } from '../../../src/acoustic/graphIo';
import { mapVocabulary, type UnitMap } from '../../../src/acoustic/unitMap';
import type { AcousticStage } from '../../../src/engine/ports';
import { validateCalibration, type Calibration } from '../../../src/match/confidence';
import type { Posteriors } from '../../../src/match/types';

/** What GET /browser-model answers (src/server/routes/browserModel.ts). */
interface BrowserModelInfo {
  readonly card: unknown;
  readonly calibration: Calibration | null;
  readonly file: string;
}

/** The server's acoustic model, run by onnxruntime-web (WebAssembly, one thread) in this worker. */
export class BrowserAcousticModel implements AcousticStage {
  private constructor(
    readonly card: ModelCard,
    readonly calibration: Calibration | undefined,
    private readonly session: ort.InferenceSession,
    private readonly unitMap: UnitMap | undefined,
  ) {}

  static async load(): Promise<BrowserAcousticModel> {
    const info = (await fetchOk('/browser-model').then((r) => r.json())) as BrowserModelInfo;
    const card = parseModelCard(info.card, 'the server model card');
    const calibration = info.calibration === null ? undefined : validateCalibration(info.calibration);
    const unitMap = card.unit_mapping === undefined ? undefined : mapVocabulary(card.units, card.blank ?? 0, card.unit_mapping);
    const graph = new Uint8Array(await (await fetchOk(info.file)).arrayBuffer());
    // Threads need a cross-origin-isolated page; the model is small enough for one.
    ort.env.wasm.numThreads = 1;
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(graph, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    } catch (err) {
      throw new ModelError('load_failed', `this browser cannot run ${card.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return new BrowserAcousticModel(card, calibration, session, unitMap);
  }

  async posteriors(samples: Float32Array, offsetS: number): Promise<Posteriors> {
    const feeds = graphFeeds(samples, this.card, this.session.inputNames, (type, data, dims) => new ort.Tensor(type, data, dims));
    const outputs = await this.session.run(feeds, [this.card.output]);
    return outputPosteriors(outputs[this.card.output], this.card, this.unitMap, offsetS);
  }
}

async function fetchOk(path: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path);
  } catch {
    throw new ModelError('not_found', 'cannot reach the ayat server to fetch the model');
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: unknown };
    throw new ModelError('not_found', typeof body.error === 'string' ? body.error : `the server answered HTTP ${response.status} for ${path}`);
  }
  return response;
}
