import type { FastifyInstance } from 'fastify';
import { decodeAudioBytes } from '../../audio/index.js';
import { groupSameText } from '../../match/sameText.js';
import { verseDetails } from '../../search/verseInfo.js';
import type { ServerContext } from '../context.js';
import { parseModeParam } from '../modes.js';
import { intParam, queryOf } from '../params.js';
import { readAudioUpload } from '../upload.js';

export const MAX_TOP = 10;
export const DEFAULT_TOP = 5;

const ms = (x: number): number => Math.round(x * 10) / 10;

/**
 * POST /identify: the audio as a multipart file or as the raw body; `mode`, `top`
 * and `leftovers` (0 or 1) as query or form fields. Answers the engine's IdentifyResult (the same
 * object as `ayat identify --json`) plus verse details, timings, the mode, and the
 * candidates with verses of identical text folded together (`candidate_groups`).
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
      const identification = await ctx.identifierFor(mode).identifySamples(audio.samples, audio.sampleRate, upload.name, { matchLeftovers });
      return { identification, decodeMs: decodedAt - startedAt, audioS: audio.durationS };
    }, ctx.limits.identifyTimeoutMs);
    const { result, timings } = identification;
    return {
      ...result,
      candidates: result.candidates.slice(0, top),
      mode,
      audio_s: Math.round(audioS * 100) / 100,
      verse_details: result.verses.map(verseDetails),
      // Grouped before the cut to `top`, so twins (حم is 40:1-46:1) do not crowd out the real runners-up.
      candidate_groups: groupSameText(result.candidates)
        .slice(0, top)
        .map((g) => ({ verses: g.verses, score: g.score, same_text: g.sameText })),
      timings_ms: {
        decode: ms(decodeMs),
        acoustic: ms(timings.acousticMs),
        match: ms(timings.matchMs),
        total: ms(performance.now() - receivedAt),
      },
    };
  });
}
