import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AcousticModel } from '../../acoustic/model.js';
import type { FileSpec } from '../../embed/cardSchema.js';
import type { ClapModel } from '../../embed/models.js';
import { modelCalibration } from '../../engine/modelCalibration.js';
import type { ServerContext } from '../context.js';
import { HttpError } from '../errors.js';

/** Where the web app fetches the files GET /browser-model names. */
export const BROWSER_MODEL_PATHS = {
  acoustic: '/browser-model/file',
  clapAudio: '/browser-model/clap/audio',
  clapVerses: '/browser-model/clap/verses',
} as const;

/**
 * GET /browser-model: what the web app needs to run full mode in the browser (web/src/inBrowser):
 * the acoustic model's card (and full mode's calibration, when the folder has its own); and,
 * where the server offers hybrid mode, QuranCLAP's card and hybrid's calibration. The files
 * themselves come from BROWSER_MODEL_PATHS; the server checked each against its card's SHA-256
 * when it loaded it. A model that writes text (Whisper) runs on the server only.
 */
export function browserModelRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const acoustic = async (): Promise<AcousticModel> => {
    if (!ctx.browserModels) throw new HttpError(404, 'no_browser_model', 'this server offers no model to run in the browser');
    let model: AcousticModel;
    try {
      model = await ctx.browserModels.acoustic();
    } catch {
      throw new HttpError(503, 'model_unavailable', 'the acoustic model could not be loaded (see GET /health)');
    }
    if (model.transcribes) throw new HttpError(404, 'no_browser_model', `model ${model.name} writes text (Whisper): it runs on the server only`);
    return model;
  };
  /** QuranCLAP for hybrid mode, or undefined where the server has none to lend (hybrid not offered, or it failed to load). */
  const clap = async (): Promise<ClapModel | undefined> => ctx.browserModels?.clap?.().catch(() => undefined);
  const clapOrFail = async (): Promise<ClapModel> => {
    const model = await clap();
    if (!model) throw new HttpError(404, 'no_browser_model', 'this server lends no QuranCLAP model (hybrid mode is not offered, or its model did not load)');
    return model;
  };

  app.get('/browser-model', async () => {
    const model = await acoustic();
    const hybrid = await clap();
    return {
      card: model.card,
      calibration: modelCalibration(model.dir, 'full') ?? null,
      file: BROWSER_MODEL_PATHS.acoustic,
      size_bytes: model.sizeBytes,
      hybrid: hybrid
        ? {
            card: hybrid.card,
            calibration: modelCalibration(model.dir, 'hybrid') ?? null,
            audio_file: BROWSER_MODEL_PATHS.clapAudio,
            verses_file: BROWSER_MODEL_PATHS.clapVerses,
          }
        : null,
    };
  });

  app.get(BROWSER_MODEL_PATHS.acoustic, async (req, reply) => {
    const model = await acoustic();
    return sendModelFile(req, reply, model.dir, model.card);
  });
  app.get(BROWSER_MODEL_PATHS.clapAudio, async (req, reply) => {
    const model = await clapOrFail();
    return sendModelFile(req, reply, model.dir, model.card.audio);
  });
  app.get(BROWSER_MODEL_PATHS.clapVerses, async (req, reply) => {
    const model = await clapOrFail();
    return sendModelFile(req, reply, model.dir, model.card.verses);
  });
}

/** A model file, or 304 when the browser holds this very file already (its ETag is the card's SHA-256): a page reload fetches no model again. */
function sendModelFile(req: FastifyRequest, reply: FastifyReply, dir: string, spec: FileSpec): FastifyReply {
  const etag = `"${spec.sha256}"`;
  reply.header('etag', etag).header('cache-control', 'no-cache');
  if (req.headers['if-none-match'] === etag) return reply.code(304).send();
  return reply.type('application/octet-stream').send(createReadStream(join(dir, spec.file)));
}
