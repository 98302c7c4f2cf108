import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AcousticModel } from '../../acoustic/model.js';
import { modelCalibration } from '../../engine/modelCalibration.js';
import type { ServerContext } from '../context.js';
import { HttpError } from '../errors.js';

/** Where the web app fetches the ONNX file of GET /browser-model. */
export const BROWSER_MODEL_FILE_PATH = '/browser-model/file';

/**
 * GET /browser-model: the card (and full mode's calibration, when the folder has its own) of the
 * server's acoustic model, for the web app to run full mode in the browser
 * (web/src/inBrowser); GET /browser-model/file: its ONNX graph. The server has checked the file
 * against the card's SHA-256 when it loaded it. A model that writes text (Whisper) runs on the
 * server only.
 */
export function browserModelRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const usable = async (): Promise<AcousticModel> => {
    if (!ctx.acousticModel) throw new HttpError(404, 'no_browser_model', 'this server offers no model to run in the browser');
    let model: AcousticModel;
    try {
      model = await ctx.acousticModel();
    } catch {
      throw new HttpError(503, 'model_unavailable', 'the acoustic model could not be loaded (see GET /health)');
    }
    if (model.transcribes) throw new HttpError(404, 'no_browser_model', `model ${model.name} writes text (Whisper): it runs on the server only`);
    return model;
  };

  app.get('/browser-model', async () => {
    const model = await usable();
    return { card: model.card, calibration: modelCalibration(model.dir, 'full') ?? null, file: BROWSER_MODEL_FILE_PATH, size_bytes: model.sizeBytes };
  });

  app.get(BROWSER_MODEL_FILE_PATH, async (_req, reply) => {
    const model = await usable();
    return reply
      .type('application/octet-stream')
      .header('content-length', model.sizeBytes)
      .header('etag', `"${model.card.sha256}"`)
      .header('cache-control', 'no-cache')
      .send(createReadStream(join(model.dir, model.card.file)));
  });
}
