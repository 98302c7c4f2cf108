import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import type { ServerContext } from './context.js';
import { HttpError, toErrorBody } from './errors.js';
import { browserModelRoutes } from './routes/browserModel.js';
import { identifyRoutes } from './routes/identify.js';
import { libraryRoutes } from './routes/library.js';
import { mediaRoutes } from './routes/media.js';
import { metaRoutes } from './routes/meta.js';
import { searchRoutes } from './routes/search.js';

export interface AppOptions {
  /** The built web UI (web/dist); null or missing serves a page saying how to build it. */
  readonly webRoot: string | null;
  /** Where internal errors go (stack included); never to the client. */
  readonly logError?: (err: unknown) => void;
  /**
   * Host names requests may carry (the Host header, port aside); others get 403.
   * A server on loopback accepts only loopback names, so a web page cannot reach
   * it through a DNS name rebound to 127.0.0.1. Undefined: any.
   */
  readonly allowedHosts?: readonly string[];
}

/** "127.0.0.1:8765" → "127.0.0.1", "[::1]:80" → "[::1]". */
function hostName(header: string | undefined): string {
  const host = (header ?? '').trim().toLowerCase();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.split(':', 1)[0]!;
}

const RAW_AUDIO_TYPES = [/^audio\/.+/i, /^video\/.+/i, 'application/octet-stream', 'application/ogg'];

/**
 * Only this origin: the UI is self-contained, and recordings play from blob: URLs. WebAssembly may
 * compile (onnxruntime-web, for identifying in the browser); JavaScript eval stays barred.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "media-src 'self' blob:",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The Fastify app: API routes, the web UI, JSON errors for everything that fails. */
export async function buildApp(ctx: ServerContext, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: 1024 * 1024,
    requestTimeout: ctx.limits.requestTimeoutMs,
    connectionTimeout: ctx.limits.requestTimeoutMs,
    return503OnClosing: true,
  });

  app.setErrorHandler((err, _req, reply) => {
    const { body, internal } = toErrorBody(err);
    if (internal) options.logError?.(err);
    void reply.code(body.status).type('application/json; charset=utf-8').send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: `no such endpoint: ${req.method} ${req.url.split('?', 1)[0]}`, code: 'not_found', status: 404 });
  });
  const allowedHosts = options.allowedHosts;
  if (allowedHosts) {
    app.addHook('onRequest', async (req) => {
      if (!allowedHosts.includes(hostName(req.headers.host))) {
        throw new HttpError(403, 'forbidden_host', `this server answers only requests addressed to ${allowedHosts.join(', ')}`);
      }
    });
  }
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    reply.header('Referrer-Policy', 'no-referrer');
    return payload;
  });

  for (const type of RAW_AUDIO_TYPES) {
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: ctx.limits.maxUploadBytes }, (_req, body, done) => done(null, body));
  }
  await app.register(fastifyMultipart, { limits: { fileSize: ctx.limits.maxUploadBytes } });

  const web = options.webRoot;
  if (web !== null && existsSync(join(web, 'index.html'))) {
    await app.register(fastifyStatic, { root: web, prefix: '/', index: ['index.html'], wildcard: true });
  } else {
    // Still needed for reply.sendFile (recordings); nothing is served from here.
    await app.register(fastifyStatic, { root: ctx.uploads.dir, serve: false });
    app.get('/', async (_req, reply) =>
      reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The ayat web UI is not built. Run `npm run build` in the ayat folder, then restart `ayat serve`. The HTTP API works without it.\n'),
    );
  }

  identifyRoutes(app, ctx);
  browserModelRoutes(app, ctx);
  libraryRoutes(app, ctx);
  searchRoutes(app, ctx);
  mediaRoutes(app, ctx);
  metaRoutes(app, ctx);
  return app;
}
