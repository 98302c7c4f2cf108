import * as ort from 'onnxruntime-web/wasm';
import { parseModelCard, type ModelCard } from '../../../src/acoustic/cardSchema';
import { ModelError } from '../../../src/acoustic/errors';
import { graphFeeds, outputPosteriors } from '../../../src/acoustic/graphIo';
import { mapVocabulary, type UnitMap } from '../../../src/acoustic/unitMap';
import type { AcousticStage } from '../../../src/engine/ports';
import { validateCalibration, type Calibration } from '../../../src/match/confidence';
import type { Posteriors } from '../../../src/match/types';
import { fetchBytes, type LentModels } from './fetchModel';
import { openWasmSession } from './session';

/** The server's acoustic model, run by onnxruntime-web (WebAssembly, one thread) in this worker. */
export class BrowserAcousticModel implements AcousticStage {
  private constructor(
    readonly card: ModelCard,
    readonly calibration: Calibration | undefined,
    private readonly session: ort.InferenceSession,
    private readonly unitMap: UnitMap | undefined,
  ) {}

  static async load(lent: LentModels): Promise<BrowserAcousticModel> {
    const card = parseModelCard(lent.card, 'the server model card');
    const calibration = lent.calibration === null ? undefined : validateCalibration(lent.calibration);
    const unitMap = card.unit_mapping === undefined ? undefined : mapVocabulary(card.units, card.blank ?? 0, card.unit_mapping);
    const graph = await fetchBytes(lent.file);
    const session = await openWasmSession(graph, card.name, (m) => new ModelError('load_failed', m));
    return new BrowserAcousticModel(card, calibration, session, unitMap);
  }

  async posteriors(samples: Float32Array, offsetS: number): Promise<Posteriors> {
    const feeds = graphFeeds(samples, this.card, this.session.inputNames, (type, data, dims) => new ort.Tensor(type, data, dims));
    const outputs = await this.session.run(feeds, [this.card.output]);
    return outputPosteriors(outputs[this.card.output], this.card, this.unitMap, offsetS);
  }
}
