import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { packageRoot } from '../../src/acoustic/packageRoot.js';
import { silenceWav } from './audio.js';
import { assertNoStack, removeDir, startTestServer, waitForJob, type TestServer } from './harness.js';

const work = mkdtempSync(join(tmpdir(), 'ayat-api-test-'));
const webRoot = join(packageRoot(), 'web', 'dist');
let t: TestServer;

before(async () => {
  // No QuranCLAP or bridge model, wherever the environment points: only full mode is served.
  const noModels = join(work, 'no-models');
  mkdirSync(noModels);
  t = await startTestServer({
    webRoot,
    clapModel: noModels,
    lightweightModel: noModels,
    limits: { maxUploadBytes: 400_000, maxIdentifyDurationS: 5, maxLibraryFileBytes: 400_000 },
  });
});
after(async () => {
  await t.close();
  removeDir(t.dataDir);
  removeDir(work);
});

/** Sends a request that must fail, checks status and code, and that the body is clean JSON. */
async function expectError(path: string, init: RequestInit, status: number, code: string): Promise<string> {
  const response = await t.request(path, init);
  const text = await response.text();
  assert.equal(response.status, status, `${path}: ${text}`);
  assert.match(response.headers.get('content-type') ?? '', /application\/json/);
  assertNoStack(text);
  const body = JSON.parse(text) as { error: string; code: string; status: number };
  assert.equal(body.code, code, text);
  assert.equal(body.status, status);
  assert.ok(body.error.length > 0 && !body.error.includes('\n'), 'a one-line message');
  return body.error;
}

const form = (parts: [string, Blob | string, string?][]): FormData => {
  const f = new FormData();
  for (const [name, value, filename] of parts) {
    if (typeof value === 'string') f.append(name, value);
    else f.append(name, value, filename);
  }
  return f;
};

describe('HTTP API without the model', () => {
  it('GET /modes lists only the modes that exist', async () => {
    const { status, body } = await t.json('/modes');
    assert.equal(status, 200);
    assert.equal(body.default, 'full');
    assert.deepEqual(body.modes.map((m: { id: string }) => m.id), ['full']);
    assert.equal(body.modes[0].label, 'Full');
  });

  it('GET /health reports the limits', async () => {
    const { status, body } = await t.json('/health');
    assert.equal(status, 200);
    assert.equal(body.status, 'ok');
    assert.equal(body.limits.max_upload_bytes, 400_000);
    assert.ok(['loading', 'ready', 'unavailable'].includes(body.model.state));
  });

  it('POST /identify turns away what is not audio with 415', async () => {
    const msg = await expectError('/identify', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' }, 415, 'unsupported_media_type');
    assert.match(msg, /text\/plain/);
    await expectError('/identify', { method: 'POST', headers: { 'content-type': 'image/png' }, body: 'png' }, 415, 'unsupported_media_type');
    await expectError('/identify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }, 415, 'unsupported_media_type');
    const text = new Blob(['just text'], { type: 'text/plain' });
    await expectError('/identify', { method: 'POST', body: form([['audio', text, 'notes.txt']]) }, 415, 'unsupported_media_type');
  });

  it('POST /identify refuses uploads over the size and duration limits', async () => {
    const big = new Uint8Array(500_000);
    await expectError('/identify', { method: 'POST', headers: { 'content-type': 'audio/wav' }, body: big }, 413, 'upload_too_large');
    await expectError('/identify', { method: 'POST', body: form([['audio', new Blob([big], { type: 'audio/wav' }), 'big.wav']]) }, 413, 'upload_too_large');
    const sixSeconds = readFileSync(silenceWav(work, 'six', 6));
    const msg = await expectError('/identify', { method: 'POST', headers: { 'content-type': 'audio/wav' }, body: sixSeconds }, 413, 'audio_too_long');
    assert.match(msg, /too long/);
  });

  it('POST /identify: empty, missing or undecodable audio is a 4xx', async () => {
    await expectError('/identify', { method: 'POST', headers: { 'content-type': 'audio/wav' }, body: new Uint8Array(0) }, 400, 'empty_audio');
    await expectError('/identify', { method: 'POST', body: form([['mode', 'full']]) }, 400, 'missing_file');
    const junk = new Uint8Array(4000).map((_, i) => (i * 7919) % 251);
    await expectError('/identify', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: junk }, 422, 'unreadable_audio');
  });

  it('POST /identify checks mode and top', async () => {
    const wav = readFileSync(silenceWav(work, 'short', 1));
    for (const mode of ['clap', 'lightweight', 'hybrid']) {
      const msg = await expectError(`/identify?mode=${mode}`, { method: 'POST', headers: { 'content-type': 'audio/wav' }, body: wav }, 400, 'bad_mode');
      assert.match(msg, /available: full$/);
    }
    await expectError('/identify?mode=nonsense', { method: 'POST', headers: { 'content-type': 'audio/wav' }, body: wav }, 400, 'bad_mode');
    await expectError('/identify?top=0', { method: 'POST', headers: { 'content-type': 'audio/wav' }, body: wav }, 400, 'bad_parameter');
    await expectError('/identify?top=abc', { method: 'POST', headers: { 'content-type': 'audio/wav' }, body: wav }, 400, 'bad_parameter');
  });

  it('POST /identify of silence answers no_match in the CLI JSON shape', async () => {
    const wav = new Blob([readFileSync(silenceWav(work, 'quiet', 2))], { type: 'audio/wav' });
    const { status, body } = await t.json('/identify', { method: 'POST', body: form([['mode', 'full'], ['top', '3'], ['audio', wav, 'quiet.wav']]) });
    assert.equal(status, 200);
    assert.equal(body.file, 'quiet.wav');
    assert.equal(body.status, 'no_match');
    assert.deepEqual(body.verses, []);
    assert.equal(body.confidence, 0);
    assert.deepEqual(body.candidates, []);
    assert.equal(body.mode, 'full');
    assert.equal(body.audio_s, 2);
    assert.deepEqual(body.verse_details, []);
    assert.equal(typeof body.timings_ms.total, 'number');
    assert.equal(body.warning, undefined);
  });

  it('POST /identify of a cut-off file answers what it holds, with a warning', async () => {
    const whole = readFileSync(silenceWav(work, 'quiet-cut', 2));
    const wav = new Blob([whole.subarray(0, whole.length >> 1)], { type: 'audio/wav' });
    const { status, body } = await t.json('/identify', { method: 'POST', body: form([['audio', wav, 'quiet-cut.wav']]) });
    assert.equal(status, 200);
    assert.equal(body.status, 'no_match');
    assert.equal(body.audio_s, 1);
    assert.equal(body.warning, 'the file is cut off: only the 1.0 s it holds were heard');
  });

  it('GET /search checks the query and answers verses even from an empty library', async () => {
    await expectError('/search', {}, 400, 'bad_query');
    const msg = await expectError('/search?q=2:300', {}, 400, 'bad_query');
    assert.match(msg, /286 verses/);
    await expectError('/search?q=112:1&limit=0', {}, 400, 'bad_parameter');
    const { status, body } = await t.json(`/search?q=${encodeURIComponent('al-ikhlas 1')}`);
    assert.equal(status, 200);
    assert.deepEqual(body.understood_as, ['verses 112:1']);
    assert.equal(body.verses[0].surah, 112);
    assert.equal(body.verses[0].translation.length > 0, true);
    assert.deepEqual(body.results, []);
  });

  it('POST /library refuses bad folders with clear 4xx errors', async () => {
    await expectError('/library', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }, 400, 'bad_request');
    await expectError('/library', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"path":"relative/dir"}' }, 400, 'bad_request');
    await expectError('/library', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: join(work, 'missing') }) }, 404, 'not_found');
    const file = silenceWav(work, 'a-file', 1);
    await expectError('/library', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: file }) }, 400, 'not_a_folder');
    await expectError('/library', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"path":' }, 400, 'bad_request');
    const text = new Blob(['x'], { type: 'text/plain' });
    await expectError('/library', { method: 'POST', body: form([['recordings', text, 'x.txt']]) }, 415, 'unsupported_media_type');
    const big = new Blob([new Uint8Array(500_000)], { type: 'audio/wav' });
    await expectError('/library', { method: 'POST', body: form([['recordings', big, 'big.wav']]) }, 413, 'upload_too_large');
  });

  it('unknown things are 404 JSON', async () => {
    await expectError('/jobs/no-such-job', {}, 404, 'not_found');
    await expectError('/recordings/999/audio', {}, 404, 'not_found');
    await expectError('/recordings/abc/audio', {}, 400, 'bad_parameter');
    await expectError('/no/such/endpoint', {}, 404, 'not_found');
    await expectError('/search', { method: 'DELETE' }, 404, 'not_found');
  });

  it('serves the built web UI, with no CDN and a strict content policy', async () => {
    const response = await t.request('/');
    const html = await response.text();
    assert.equal(response.status, 200, 'web/dist must be built (npm run build) for this test');
    assert.match(response.headers.get('content-type') ?? '', /text\/html/);
    const policy = response.headers.get('content-security-policy') ?? '';
    assert.match(policy, /default-src 'self'/);
    assert.match(policy, /script-src 'self' 'wasm-unsafe-eval'(;|$)/, 'WebAssembly may compile (identifying in the browser), eval may not');
    assert.doesNotMatch(policy, /'unsafe-eval'|'unsafe-inline'/);
    assert.match(html, /<title>ayat/);
    assert.doesNotMatch(html, /https?:\/\//, 'no external assets');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, 'the page loads its script from /assets');
    assert.equal((await t.request(script)).status, 200);
  });

  it('GET /browser-model lends the acoustic model to the web app: its card, and the very file the card names', async () => {
    const { status, body } = await t.json('/browser-model');
    assert.equal(status, 200);
    assert.equal(body.card.format, 'ctc-onnx');
    assert.equal(body.calibration, null, 'the shipped model uses the built-in calibration');
    assert.equal(body.file, '/browser-model/file');
    assert.equal(body.hybrid, null, 'this server offers no hybrid mode');
    const response = await t.request(body.file);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/octet-stream');
    assert.equal(response.headers.get('etag'), `"${body.card.sha256}"`);
    const bytes = Buffer.from(await response.arrayBuffer());
    assert.equal(bytes.length, body.size_bytes);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), body.card.sha256);
    const again = await t.request(body.file, { headers: { 'if-none-match': `"${body.card.sha256}"` } });
    assert.equal(again.status, 304, 'a browser holding the file gets no second copy');
    assert.equal((await again.arrayBuffer()).byteLength, 0);
    assert.equal((await t.request(body.file, { headers: { 'if-none-match': '"other"' } })).status, 200);
  });

  it('on loopback, answers only requests addressed to a loopback name (no DNS rebinding)', async () => {
    const status = (host: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: t.server.port, path: '/health', headers: { host } }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
    assert.equal((await status(`localhost:${t.server.port}`)).status, 200);
    assert.equal((await status(`127.0.0.1:${t.server.port}`)).status, 200);
    const evil = await status(`attacker.example:${t.server.port}`);
    assert.equal(evil.status, 403);
    assert.equal(JSON.parse(evil.body).code, 'forbidden_host');
  });

  it('never serves files from outside the web root or the library', async () => {
    for (const path of ['/../../../etc/passwd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2f..%2f..%2fetc%2fpasswd', '/..%5c..%5cetc%5cpasswd']) {
      const response = await t.request(path);
      const text = await response.text();
      assert.ok(response.status >= 400 && response.status < 500, `${path}: HTTP ${response.status}`);
      assert.doesNotMatch(text, /root:.*:0:0:/);
    }
  });

  it('indexes a folder of silence without the model, and serves its recordings with ranges until they point outside', async () => {
    const folder = join(work, 'quiet-lib');
    mkdirSync(folder);
    const wav = silenceWav(folder, 'silence', 3);
    const { status, body } = await t.json('/library', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: folder }) });
    assert.equal(status, 202);
    assert.equal(body.found, 1);
    assert.equal(body.queued, 1);
    const job = await waitForJob(t, body.job.id);
    assert.deepEqual([job.status, job.done, job.failed, job.progress], ['done', 1, 0, 1]);

    const library = (await t.json('/library')).body;
    const rec = library.recordings.find((r: { name: string }) => r.name === 'silence.wav');
    assert.equal(rec.status, 'indexed');
    assert.equal(rec.segments, 0);
    assert.equal(rec.duration_s, 3);

    const full = await t.request(rec.audio_url);
    assert.equal(full.status, 200);
    assert.match(full.headers.get('content-type') ?? '', /audio/);
    assert.equal(Buffer.from(await full.arrayBuffer()).equals(readFileSync(wav)), true);
    const part = await t.request(rec.audio_url, { headers: { range: 'bytes=0-99' } });
    assert.equal(part.status, 206);
    assert.equal((await part.arrayBuffer()).byteLength, 100);

    const secret = join(work, 'secret.wav');
    writeFileSync(secret, 'not for clients');
    unlinkSync(wav);
    symlinkSync(secret, wav);
    await expectError(rec.audio_url, {}, 403, 'outside_library');
  });

  it('takes uploaded recordings into the library', async () => {
    const wav = new Blob([readFileSync(silenceWav(work, 'upload-me', 1))], { type: 'audio/wav' });
    const { status, body } = await t.json('/library', { method: 'POST', body: form([['recordings', wav, '../../evil name.wav']]) });
    assert.equal(status, 202);
    assert.equal(body.found, 1);
    await waitForJob(t, body.job.id);
    const library = (await t.json('/library')).body;
    const uploaded = library.recordings.find((r: { name: string }) => r.name.endsWith('evil name.wav'));
    assert.ok(uploaded, JSON.stringify(library.recordings));
    assert.ok(uploaded.path.startsWith(join(t.dataDir, 'uploads')), `kept in the uploads folder: ${uploaded.path}`);
  });

  it('DELETE /library/roots/:id takes a folder out (files stay); uploads still work after the uploads folder is removed', async () => {
    const folder = join(work, 'removable-lib');
    mkdirSync(folder);
    const wav = silenceWav(folder, 'quiet', 1);
    const added = await t.json('/library', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: folder }) });
    await waitForJob(t, added.body.job.id);
    const rootId: number = added.body.root.id;
    const { status, body } = await t.json(`/library/roots/${rootId}`, { method: 'DELETE' });
    assert.equal(status, 200);
    assert.deepEqual([body.roots.map((r: { path: string }) => r.path), body.removed, body.kept], [[added.body.root.path], 1, 0]);
    const library = (await t.json('/library')).body;
    assert.ok(!library.roots.some((r: { id: number }) => r.id === rootId));
    assert.ok(!library.recordings.some((r: { path: string }) => r.path === added.body.root.path + '/quiet.wav'));
    assert.ok(existsSync(wav), 'the file stays on disk');
    await expectError(`/library/roots/${rootId}`, { method: 'DELETE' }, 404, 'not_found');
    await expectError('/library/roots/abc', { method: 'DELETE' }, 400, 'bad_parameter');

    const uploadsRoot = library.roots.find((r: { path: string }) => r.path.endsWith('uploads'));
    assert.equal((await t.json(`/library/roots/${uploadsRoot.id}`, { method: 'DELETE' })).status, 200);
    const again = new Blob([readFileSync(silenceWav(work, 'upload-again', 1))], { type: 'audio/wav' });
    const upload = await t.json('/library', { method: 'POST', body: form([['recordings', again, 'again.wav']]) });
    assert.equal(upload.status, 202, JSON.stringify(upload.body));
    await waitForJob(t, upload.body.job.id);
  });
});

describe('HTTP API job limit', () => {
  it('refuses a new indexing job with 429 when the queue is full', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ayat-api-jobs-'));
    const limited = await startTestServer({ webRoot: null, limits: { maxQueuedJobs: 0 } });
    try {
      silenceWav(folder, 'one', 1);
      const response = await limited.request('/library', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: folder }) });
      assert.equal(response.status, 429);
      assert.equal(((await response.json()) as { code: string }).code, 'too_many_jobs');
      const ui = await limited.request('/');
      assert.equal(ui.status, 503, 'without a built UI the page says how to build it');
      assert.match(await ui.text(), /npm run build/);
    } finally {
      await limited.close();
      removeDir(limited.dataDir);
      removeDir(folder);
    }
  });
});
