import type { FastifyInstance } from 'fastify';
import { decodeAudioBytes } from '../../audio/index.js';
import type { ServerContext } from '../context.js';
import { identifyResponse } from '../identifyResponse.js';
import { parseModeParam } from '../modes.js';
import { intParam, queryOf } from '../params.js';
import { readAudioUpload } from '../upload.js';

export const MAX_TOP = 10;
export const DEFAULT_TOP = 5;

/**
 * POST /identify: the audio as a multipart file or as the raw body; `mode`, `top`
 * and `leftovers` (0 or 1) as query or form fields. Answers an identifyResponse.
 */
export function identifyRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/identify', async (req) => {
    const upload = await readAudioUpload(req, ctx.limits.maxUploadBytes);
    const params = { ...queryOf(req.query), ...upload.fields };
    const mode = parseModeParam(params['mode'], ctx.modes);
    const top = intParam(params['top'], 'top', DEFAULT_TOP, 1, MAX_TOP);
    // leftovers=0: one answer per chunk, for the windows of a followed recitation (web/src/liveFollow.ts).
    const matchLeftovers = intParam(params['leftovers'], 'leftovers', 1, 0, 1) === 1;
    const receivedAt = performance.now();
    const { identification, decodeMs, audioS } = await ctx.identifyQueue.run(async () => {
      const startedAt = performance.now();
      const audio = await decodeAudioBytes(upload.bytes, { maxDurationS: ctx.limits.maxIdentifyDurationS, name: upload.name });
      const decodedAt = performance.now();
      const identification = await ctx.identifierFor(mode).identifySamples(audio.samples, audio.sampleRate, upload.name, { matchLeftovers, cutOff: audio.cutOff });
      return { identification, decodeMs: decodedAt - startedAt, audioS: audio.durationS };
    }, ctx.limits.identifyTimeoutMs);
    return identifyResponse(identification, { mode, top, audioS, decodeMs, totalMs: performance.now() - receivedAt });
  });
}
