import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { HttpError } from '../errors.js';
import { intParam, queryOf } from '../params.js';

/** GET /search?q=…&limit=…: where the library recites the verses the query names or quotes. */
export function searchRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/search', async (req) => {
    const query = queryOf(req.query);
    const q = query['q'];
    if (typeof q !== 'string') throw new HttpError(400, 'bad_query', 'give the query as ?q=… (a reference like 2:255, a surah name, or Arabic or English words)');
    const limit = intParam(query['limit'], 'limit', 50, 1, ctx.limits.maxSearchResults);
    return ctx.library.search(q, limit);
  });
}
