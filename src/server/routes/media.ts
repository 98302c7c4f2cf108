import { relative } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { intParam } from '../params.js';

/**
 * GET /recordings/:id/audio: the recording's file, with range requests so the
 * browser can seek. Only recordings in the library, and only while the file
 * still resolves inside a library root.
 */
export function mediaRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Params: { id: string } }>('/recordings/:id/audio', async (req, reply) => {
    const id = intParam(req.params.id, 'recording id', 0, 1, Number.MAX_SAFE_INTEGER);
    const { path, root } = await ctx.library.mediaFile(id);
    return reply.header('Cache-Control', 'no-cache').sendFile(relative(root, path), root);
  });
}
