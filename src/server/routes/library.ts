import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AddResult } from '../../search/library.js';
import type { ServerContext } from '../context.js';
import { HttpError } from '../errors.js';
import { jobJson, recordingJson, removeResultJson, rootJson, statsJson } from '../json.js';
import { intParam, queryOf } from '../params.js';
import { saveLibraryUploads } from '../upload.js';

const addResultJson = (r: AddResult) => ({
  root: rootJson(r.root),
  found: r.found,
  queued: r.queuedIds.length,
  removed: r.removed,
  truncated: r.truncated,
  job: r.job && jobJson(r.job),
});

function folderFromBody(body: unknown): string {
  const path = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)['path'] : undefined;
  if (typeof path !== 'string' || path.trim() === '') {
    throw new HttpError(400, 'bad_request', 'send {"path": "/folder/on/the/server"} as JSON, or the recordings as multipart files');
  }
  const trimmed = path.trim();
  const expanded = trimmed === '~' ? homedir() : trimmed.startsWith('~/') ? join(homedir(), trimmed.slice(2)) : trimmed;
  if (!isAbsolute(expanded)) throw new HttpError(400, 'bad_request', `give the folder as an absolute path on the server, got ${JSON.stringify(trimmed)}`);
  return expanded;
}

/**
 * POST /library: a folder on the server ({"path"}) or uploaded files (multipart);
 * 202 with the indexing job. GET /library: roots, recordings, totals, recent jobs.
 * DELETE /library/roots/:id: the folder (and those inside it) out of the
 * library, files untouched. GET /jobs/:id: one job's progress.
 */
export function libraryRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/library', async (req, reply) => {
    let added: AddResult;
    if (req.isMultipart()) {
      const saved = await saveLibraryUploads(req, ctx.uploads.dir, {
        maxFileBytes: ctx.limits.maxLibraryFileBytes,
        maxFiles: ctx.limits.maxLibraryFiles,
      });
      added = await ctx.library.addFiles(ctx.uploads.dir, saved, `index ${saved.length} uploaded file${saved.length === 1 ? '' : 's'}`);
    } else {
      added = await ctx.library.addFolder(folderFromBody(req.body));
    }
    return reply.code(202).send(addResultJson(added));
  });

  app.get('/library', async (req) => {
    const query = queryOf(req.query);
    const limit = intParam(query['limit'], 'limit', 500, 1, 5000);
    const offset = intParam(query['offset'], 'offset', 0, 0, 1_000_000_000);
    return {
      roots: ctx.store.roots().map(rootJson),
      watching: ctx.watchingFolders,
      stats: statsJson(ctx.store.stats()),
      recordings: ctx.store.recordings({ limit, offset }).map(recordingJson),
      jobs: ctx.store.jobs(10).map(jobJson),
    };
  });

  app.delete<{ Params: { id: string } }>('/library/roots/:id', async (req) => {
    const id = intParam(req.params.id, 'folder id', 0, 1, Number.MAX_SAFE_INTEGER);
    const root = ctx.store.roots().find((r) => r.id === id);
    if (!root) throw new HttpError(404, 'not_found', `no library folder ${id}`);
    return removeResultJson(ctx.library.removeRoot(root));
  });

  app.get('/jobs', async () => ({ jobs: ctx.store.jobs(50).map(jobJson) }));

  app.get<{ Params: { id: string } }>('/jobs/:id', async (req) => {
    const job = ctx.jobs.get(req.params.id) ?? ctx.store.job(req.params.id);
    if (!job) throw new HttpError(404, 'not_found', `no job ${req.params.id}`);
    return jobJson(job);
  });
}
