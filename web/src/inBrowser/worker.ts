import { OpenOnce } from '../../../src/acoustic/openOnce';
import { planChunks, splitAtLongestPause } from '../../../src/audio/chunks';
import { isSilent } from '../../../src/audio/vad';
import { validateCalibration } from '../../../src/match/confidence';
import { Identifier } from '../../../src/engine/identify';
import { fullRecogniser, hybridRecogniser } from '../../../src/engine/modeRecognisers';
import type { AudioStage, ChunkRecogniser } from '../../../src/engine/ports';
import { oneLineMessage } from '../../../src/engine/result';
import { identifyResponse } from '../../../src/server/identifyResponse';
import { BrowserAcousticModel } from './acousticModel';
import { BrowserClapEmbedder } from './clapEmbedder';
import { fetchLentModels } from './fetchModel';
import type { BrowserMode, IdentifyReply, IdentifyRequest } from './protocol';

/**
 * Full and hybrid mode in a worker: the server's models in onnxruntime-web, then the same
 * matcher, tempo retry, chunking and answer as `ayat identify` (src/engine). The page decodes
 * (decode.ts).
 */

const CANDIDATES = 10;
const TOP = 5;

/** Only chunking, pauses and the silence check run here; the page has decoded the recording already. */
const audioStage: AudioStage = {
  decode: () => Promise.reject(new Error('decode on the page (decodeInBrowser)')),
  decodeBytes: () => Promise.reject(new Error('decode on the page (decodeInBrowser)')),
  isSilent,
  planChunks,
  splitAtLongestPause,
};

const lent = new OpenOnce(() => fetchLentModels());
const acoustic = new OpenOnce(async () => BrowserAcousticModel.load(await lent.get()));
const clap = new OpenOnce(async () => {
  const { hybrid } = await lent.get();
  if (!hybrid) throw new Error('the server lends no QuranCLAP model: hybrid mode runs on the server only');
  return { embedder: await BrowserClapEmbedder.load(hybrid), calibration: hybrid.calibration === null ? undefined : validateCalibration(hybrid.calibration) };
});

/** Each mode's recogniser over the models above, built as the server builds it (hybrid with QuranCLAP's whole audio tower). */
const recognisers: Record<BrowserMode, () => Promise<ChunkRecogniser>> = {
  async full() {
    const model = await acoustic.get();
    return fullRecogniser(model, model.calibration);
  },
  async hybrid() {
    const [model, { embedder, calibration }] = await Promise.all([acoustic.get(), clap.get()]);
    return hybridRecogniser(model, embedder, calibration ? { calibration } : {});
  },
};

const identifiers = new Map<BrowserMode, Identifier>();
function identifierFor(mode: BrowserMode): Identifier {
  let identifier = identifiers.get(mode);
  if (!identifier) {
    const recogniser = new OpenOnce(recognisers[mode]);
    identifier = new Identifier({ audio: audioStage, recogniser: () => recogniser.get() }, { maxCandidates: CANDIDATES, words: true });
    identifiers.set(mode, identifier);
  }
  return identifier;
}

async function answer(req: IdentifyRequest): Promise<IdentifyReply> {
  try {
    const identification = await identifierFor(req.mode).identifySamples(req.samples, 16000, req.name, { matchLeftovers: !req.oneRun, cutOff: req.cutOff });
    const response = identifyResponse(identification, { mode: req.mode, top: TOP, audioS: req.audioS, decodeMs: req.decodeMs, totalMs: req.decodeMs + identification.timings.totalMs });
    return { id: req.id, ok: true, response };
  } catch (err) {
    return { id: req.id, ok: false, error: oneLineMessage(err) };
  }
}

/** The worker's global scope, as far as it is used (the page's DOM types describe a window). */
interface WorkerScope {
  onmessage: ((e: MessageEvent<IdentifyRequest>) => void) | null;
  postMessage(reply: IdentifyReply): void;
}

const scope = self as unknown as WorkerScope;
/** One request at a time (a live window may arrive while the whole recording is heard): one session runs one graph at a time. */
let queue: Promise<unknown> = Promise.resolve();
scope.onmessage = (e: MessageEvent<IdentifyRequest>) => {
  queue = queue.then(() => answer(e.data)).then((reply) => scope.postMessage(reply));
};
