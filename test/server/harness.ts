/** A real `ayat serve` app on loopback, in this process, with its own data folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer, type ServeOptions } from '../../src/server/start.js';

export interface TestServer {
  readonly server: RunningServer;
  readonly dataDir: string;
  /** fetch against the server; `path` starts with '/'. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** The response status and parsed JSON body (an error if the body is not JSON). */
  json(path: string, init?: RequestInit): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export async function startTestServer(options: ServeOptions = {}, dataDir?: string): Promise<TestServer> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'ayat-server-test-'));
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir: dir, logError: () => {}, ...options });
  const base = server.url.replace(/\/$/, '');
  const request = (path: string, init?: RequestInit) => fetch(base + path, { ...init, signal: init?.signal ?? AbortSignal.timeout(120_000) });
  return {
    server,
    dataDir: dir,
    request,
    async json(path, init) {
      const response = await request(path, init);
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new Error(`${path}: HTTP ${response.status} answered non-JSON: ${text.slice(0, 200)}`);
      }
      return { status: response.status, body, headers: response.headers };
    },
    close: () => server.close(),
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Polls GET /jobs/:id until it finishes; bounded. */
export async function waitForJob(t: TestServer, id: string, timeoutMs = 300_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await t.json(`/jobs/${id}`);
    if (['done', 'failed', 'interrupted'].includes(body.status)) return body;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${body.status} after ${timeoutMs} ms: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** No stack frames ("    at fn (file:1:2)") and no source paths in a response body. */
export function assertNoStack(text: string): void {
  if (/^\s+at .+[(:]\d+/m.test(text) || /\.(?:ts|js):\d+:\d+/.test(text)) throw new Error(`response leaks a stack trace: ${text.slice(0, 300)}`);
}
