import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { statsJson } from '../json.js';

/** GET /modes (what the mode selector offers) and GET /health. */
export function metaRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/modes', async () => ({ default: ctx.modes[0]!.id, modes: ctx.modes }));

  app.get('/health', async () => ({
    status: 'ok',
    version: ctx.version,
    model: ctx.modelStatus(),
    library: statsJson(ctx.store.stats()),
    identify_queue: ctx.identifyQueue.size,
    jobs_busy: ctx.jobs.busy,
    limits: {
      max_upload_bytes: ctx.limits.maxUploadBytes,
      max_identify_duration_s: ctx.limits.maxIdentifyDurationS,
      max_library_file_bytes: ctx.limits.maxLibraryFileBytes,
      max_recording_duration_s: ctx.limits.maxRecordingDurationS,
    },
  }));
}
