import { ApiError, type IdentifyResponse } from '../api';
import type { DecodedAudio } from '../../../src/audio/samples';
import { decodeInBrowser } from './decode';
import type { BrowserMode, IdentifyReply, IdentifyRequest } from './protocol';

/** Recordings identified in the browser are held to this length, as the server holds uploads to its own limit. */
const MAX_DURATION_S = 1800;

/**
 * Full or hybrid mode in this browser: the page decodes the recording, a worker (worker.ts) runs
 * the models and the matcher. Nothing but the models is fetched from the server; the recording
 * stays here.
 */
export class InBrowserIdentifier {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, (reply: IdentifyReply) => void>();

  /** `oneRun`: answer each chunk with one run of ayat, without looking at leftovers again (as POST /identify's leftovers=0). */
  async identify(file: Blob, name: string, mode: BrowserMode, oneRun = false): Promise<IdentifyResponse> {
    const started = performance.now();
    let decoded: DecodedAudio;
    try {
      decoded = await decodeInBrowser(file, MAX_DURATION_S);
    } catch (err) {
      throw new ApiError(422, err instanceof Error ? err.message : String(err));
    }
    const decodeMs = performance.now() - started;
    const reply = await this.ask({ id: this.nextId++, mode, samples: decoded.samples, name, oneRun, decodeMs, audioS: decoded.durationS, cutOff: decoded.cutOff === true });
    if (!reply.ok) throw new ApiError(500, reply.error);
    // The model's first load is part of the first answer's wait; count it as the user saw it.
    const total = Math.round((performance.now() - started) * 10) / 10;
    return { ...reply.response, timings_ms: { ...reply.response.timings_ms, total } };
  }

  private ask(req: IdentifyRequest): Promise<IdentifyReply> {
    const worker = (this.worker ??= this.startWorker());
    return new Promise((resolve) => {
      this.pending.set(req.id, resolve);
      worker.postMessage(req, [req.samples.buffer]);
    });
  }

  private startWorker(): Worker {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<IdentifyReply>) => {
      this.pending.get(e.data.id)?.(e.data);
      this.pending.delete(e.data.id);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      for (const [id, resolve] of this.pending) resolve({ id, ok: false, error: `the in-browser engine stopped: ${e.message || 'unknown error'}` });
      this.pending.clear();
      worker.terminate();
      this.worker = undefined;
    };
    return worker;
  }
}
