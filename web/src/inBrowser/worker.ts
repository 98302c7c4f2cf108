import { OpenOnce } from '../../../src/acoustic/openOnce';
import { isSilent } from '../../../src/audio/vad';
import { planChunks } from '../../../src/audio/chunks';
import { Identifier } from '../../../src/engine/identify';
import type { AudioStage } from '../../../src/engine/ports';
import { oneLineMessage } from '../../../src/engine/result';
import { defaultMatcher } from '../../../src/match/matcher';
import { identifyResponse } from '../../../src/server/identifyResponse';
import { BrowserAcousticModel } from './acousticModel';
import type { IdentifyReply, IdentifyRequest } from './protocol';

/**
 * Full mode in a worker: the server's acoustic model in onnxruntime-web, then the same matcher,
 * tempo retry, chunking and answer as `ayat identify` (src/engine). The page decodes (decode.ts).
 */

const CANDIDATES = 10;
const TOP = 5;

/** Only chunking and the silence check run here; the page has decoded the recording already. */
const audioStage: AudioStage = {
  decode: () => Promise.reject(new Error('decode on the page (decodeInBrowser)')),
  decodeBytes: () => Promise.reject(new Error('decode on the page (decodeInBrowser)')),
  isSilent,
  planChunks,
};

const model = new OpenOnce(() => BrowserAcousticModel.load());

const identifier = new Identifier(
  {
    audio: audioStage,
    acoustic: () => model.get(),
    matcher: async () => {
      const { calibration } = await model.get();
      const matcher = defaultMatcher();
      return { matchPosteriors: (p, o) => matcher.match(p, calibration ? { ...o, calibration } : o) };
    },
  },
  { maxCandidates: CANDIDATES, words: true },
);

async function answer(req: IdentifyRequest): Promise<IdentifyReply> {
  try {
    const identification = await identifier.identifySamples(req.samples, 16000, req.name, { matchLeftovers: !req.oneRun });
    const response = identifyResponse(identification, { mode: 'full', top: TOP, audioS: req.audioS, decodeMs: req.decodeMs, totalMs: req.decodeMs + identification.timings.totalMs });
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
