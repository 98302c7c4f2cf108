/** Every installed mode over HTTP, with tiny stand-in models (test/embed/tinyEmbedModels.ts). */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Identification } from '../../src/engine/identify.js';
import { defaultMode, lazyModeIdentifier, MODE_DESCRIPTIONS, ModeUnavailableError, type Mode } from '../../src/engine/modes.js';
import { modeIdentifiers } from '../../src/server/modeIdentifiers.js';
import { availableModes } from '../../src/server/modes.js';
import { MAX_TOP } from '../../src/server/routes/identify.js';
import { writeTinyModel } from '../acoustic/tinyModel.js';
import { speechLike, writeWav } from '../cli/wav.js';
import { writeTinyBridge, writeTinyClap } from '../embed/tinyEmbedModels.js';
import { silenceWav } from './audio.js';
import { assertNoStack, removeDir, startTestServer, waitForJob, type TestServer } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'ayat-server-modes-'));
const f = (name: string): string => join(dir, name);
const ids = (modes: readonly { id: string }[]): string[] => modes.map((m) => m.id);
let t: TestServer;

before(async () => {
  writeTinyModel(f('ctc'));
  // Always answers (calibrated threshold below any score) / never answers (above any).
  writeTinyBridge(f('bridge'), { threshold: -1 });
  writeTinyClap(f('clap'), { threshold: 1.01 });
  writeTinyClap(f('clap-no-towers'));
  rmSync(f('clap-no-towers/audio.onnx'));
  mkdirSync(f('empty'));
  writeWav(f('tone.wav'), speechLike(3));
  silenceWav(dir, 'silence', 2);
  t = await startTestServer({ model: f('ctc'), clapModel: f('clap'), lightweightModel: f('bridge') });
});
after(async () => {
  await t?.close();
  if (t) removeDir(t.dataDir);
  removeDir(dir);
});

const wav = (name: string): Blob => new Blob([readFileSync(f(name))], { type: 'audio/wav' });

async function identify(server: TestServer, mode: string, file = 'tone.wav', top = 3): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.append('mode', mode);
  form.append('top', String(top));
  form.append('audio', wav(file), file);
  return server.json('/identify', { method: 'POST', body: form });
}

/** What the engine itself answers in `mode` for the same clip (the CLI's path), keeping as many candidates as the server. */
function direct(mode: Mode): Promise<Identification> {
  const identifier = lazyModeIdentifier(mode, { model: f('ctc'), clapModel: f('clap'), lightweightModel: f('bridge') }, { maxCandidates: MAX_TOP });
  return identifier.identifyFile(f('tone.wav'), 'tone.wav');
}

/** The /identify JSON contract (as `ayat identify --json`, plus verse details and the mode). */
function assertContract(body: any, mode: string, top: number): void {
  assert.ok(body.status === 'ok' || body.status === 'no_match', `status ${body.status}: ${body.error ?? ''}`);
  assert.equal(body.mode, mode);
  assert.equal(body.file, 'tone.wav');
  assert.ok(Array.isArray(body.verses));
  assert.equal(typeof body.confidence, 'number');
  assert.ok(body.confidence >= 0 && body.confidence <= 1);
  assert.ok(Array.isArray(body.candidates) && body.candidates.length <= top);
  assert.equal(body.verse_details.length, body.verses.length);
  assert.equal(body.audio_s, 3);
  assert.equal(typeof body.timings_ms.total, 'number');
}

describe('server modes with every model installed', () => {
  it('GET /modes lists hybrid first (the default), then full, clap and lightweight, with their labels', async () => {
    const { status, body } = await t.json('/modes');
    assert.equal(status, 200);
    assert.equal(body.default, 'hybrid');
    assert.deepEqual(ids(body.modes), ['hybrid', 'full', 'clap', 'lightweight']);
    assert.deepEqual(body.modes.map((m: { label: string }) => m.label), ['Hybrid', 'Full', 'CLAP', 'Lightweight']);
    for (const m of body.modes) assert.equal(m.description, MODE_DESCRIPTIONS[m.id as Mode], 'the CLI help and the web app describe a mode alike');
    assert.deepEqual(ids(t.server.modes), ids(body.modes));
  });

  it('mode=lightweight runs the bridge model: the same answer as the engine gives in that mode', async () => {
    const { status, body } = await identify(t, 'lightweight');
    assert.equal(status, 200, JSON.stringify(body));
    assertContract(body, 'lightweight', 3);
    assert.equal(body.status, 'ok', 'the tiny bridge is calibrated to always answer');
    assert.equal(body.verses.length, 1);
    assert.equal(body.candidates.length, 3);
    const expected = (await direct('lightweight')).result;
    assert.deepEqual(body.verses, expected.verses);
    assert.deepEqual(body.candidates, expected.candidates.slice(0, 3));
    assert.equal(body.verse_details[0].surah, body.verses[0].surah);
    assert.equal(body.words, undefined, 'the bridge hears no words, so none are reported');
  });

  it('mode=clap runs QuranCLAP: below its threshold it answers no_match with the closest verses', async () => {
    const { status, body } = await identify(t, 'clap', 'tone.wav', 4);
    assert.equal(status, 200, JSON.stringify(body));
    assertContract(body, 'clap', 4);
    assert.equal(body.status, 'no_match', 'the tiny QuranCLAP is calibrated never to answer');
    assert.deepEqual(body.verses, []);
    assert.equal(body.candidates.length, 4);
    assert.deepEqual(body.candidates, (await direct('clap')).result.candidates.slice(0, 4));
  });

  it('mode=hybrid answers in the same shape', async () => {
    const { status, body } = await identify(t, 'hybrid');
    assert.equal(status, 200, JSON.stringify(body));
    assertContract(body, 'hybrid', 3);
  });

  it('GET /browser-model lends QuranCLAP for hybrid mode: its card, its audio tower and verse bank, each the file its card names', async () => {
    const { status, body } = await t.json('/browser-model');
    assert.equal(status, 200);
    assert.equal(body.hybrid.card.format, 'clap-onnx');
    assert.equal(body.hybrid.calibration, null, 'the tiny acoustic model has no hybrid calibration of its own');
    for (const [url, spec] of [[body.hybrid.audio_file, body.hybrid.card.audio], [body.hybrid.verses_file, body.hybrid.card.verses]]) {
      const response = await t.request(url);
      assert.equal(response.status, 200, url);
      assert.equal(response.headers.get('etag'), `"${spec.sha256}"`);
      assert.equal(createHash('sha256').update(Buffer.from(await response.arrayBuffer())).digest('hex'), spec.sha256, url);
    }
  });

  it('silence is no_match in every mode', async () => {
    for (const mode of ['full', 'clap', 'lightweight', 'hybrid']) {
      const { status, body } = await identify(t, mode, 'silence.wav');
      assert.equal(status, 200, `${mode}: ${JSON.stringify(body)}`);
      assert.equal(body.status, 'no_match', mode);
      assert.equal(body.mode, mode);
    }
  });
});

describe('server modes without the embedding models', () => {
  it('lists only full, and turns the other modes away with 400 bad_mode', async () => {
    const bare = await startTestServer({ model: f('ctc'), clapModel: f('empty'), lightweightModel: f('empty') });
    try {
      const { body } = await bare.json('/modes');
      assert.deepEqual(ids(body.modes), ['full']);
      for (const mode of ['clap', 'lightweight', 'hybrid']) {
        const { status, body: error } = await identify(bare, mode);
        assert.equal(status, 400, mode);
        assert.equal(error.code, 'bad_mode');
        assert.match(error.error, /available: full$/);
      }
      const { status } = await identify(bare, 'full');
      assert.equal(status, 200);
      const lent = await bare.json('/browser-model');
      assert.equal(lent.status, 200);
      assert.equal(lent.body.hybrid, null, 'no hybrid mode, no QuranCLAP lent');
      const clapFile = await bare.json('/browser-model/clap/audio');
      assert.equal(clapFile.status, 404);
      assert.equal(clapFile.body.code, 'no_browser_model');
    } finally {
      await bare.close();
      removeDir(bare.dataDir);
    }
  });

  it('a model folder with a card but broken files is offered, and answers 503 model_unavailable in one line', async () => {
    const broken = await startTestServer({ model: f('empty'), clapModel: f('clap-no-towers'), lightweightModel: f('empty') });
    try {
      const { body } = await broken.json('/modes');
      assert.deepEqual(ids(body.modes), ['full', 'clap'], 'hybrid needs the acoustic model too');
      const response = await broken.request('/identify?mode=clap', { method: 'POST', headers: { 'content-type': 'audio/wav' }, body: readFileSync(f('tone.wav')) });
      const text = await response.text();
      assert.equal(response.status, 503, text);
      assertNoStack(text);
      const error = JSON.parse(text) as { code: string; error: string };
      assert.equal(error.code, 'model_unavailable');
      assert.match(error.error, /audio\.onnx/);
      const lent = await broken.json('/browser-model');
      assert.equal(lent.status, 503, 'no acoustic model to lend to the browser');
      assert.equal(lent.body.code, 'model_unavailable');
    } finally {
      await broken.close();
      removeDir(broken.dataDir);
    }
  });
});

describe('the library indexes in the default mode', () => {
  it('with hybrid the default, recordings are identified in hybrid: its broken QuranCLAP fails them, as it fails /identify', async () => {
    const server = await startTestServer({ model: f('ctc'), clapModel: f('clap-no-towers'), lightweightModel: f('empty') });
    try {
      assert.equal((await server.json('/modes')).body.default, 'hybrid');
      const folder = join(dir, 'library-hybrid');
      mkdirSync(folder);
      writeWav(join(folder, 'tone.wav'), speechLike(3));
      const added = await server.json('/library', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: folder }) });
      assert.equal(added.status, 202);
      const job = await waitForJob(server, added.body.job.id);
      assert.deepEqual([job.status, job.failed], ['failed', 1]);
      const rec = (await server.json('/library')).body.recordings.find((r: { name: string }) => r.name === 'tone.wav');
      assert.equal(rec.status, 'failed');
      assert.match(rec.error, /audio\.onnx/, 'full mode (the acoustic model alone) would have indexed it');
      assertNoStack(rec.error);
      assert.equal((await identify(server, 'hybrid')).status, 503);
      assert.equal((await identify(server, 'full')).status, 200);
    } finally {
      await server.close();
      removeDir(server.dataDir);
    }
  });
});

describe('defaultMode', () => {
  const none = (): NodeJS.ProcessEnv => ({ AYAT_MODEL: f('empty'), AYAT_CLAP_MODEL: f('empty'), AYAT_LIGHTWEIGHT_MODEL: f('empty') });

  it('is hybrid where the acoustic and QuranCLAP models are installed, else full', () => {
    assert.equal(defaultMode({ model: f('ctc'), clapModel: f('clap') }, none()), 'hybrid');
    assert.equal(defaultMode({ model: f('ctc') }, none()), 'full', 'no QuranCLAP model');
    assert.equal(defaultMode({ clapModel: f('clap') }, none()), 'full', 'no acoustic model: full, which reports it');
    assert.equal(defaultMode({ lightweightModel: f('bridge') }, none()), 'full');
  });
});

describe('availableModes', () => {
  const none = (): NodeJS.ProcessEnv => ({ AYAT_MODEL: f('empty'), AYAT_CLAP_MODEL: f('empty'), AYAT_LIGHTWEIGHT_MODEL: f('empty') });

  it('finds models through the options, else the environment variables', () => {
    assert.deepEqual(ids(availableModes({}, none())), ['full']);
    assert.deepEqual(ids(availableModes({}, { ...none(), AYAT_CLAP_MODEL: f('clap') })), ['full', 'clap']);
    assert.deepEqual(ids(availableModes({}, { ...none(), AYAT_MODEL: f('ctc'), AYAT_CLAP_MODEL: f('clap') })), ['hybrid', 'full', 'clap'], 'hybrid, the default, first');
    assert.deepEqual(ids(availableModes({ lightweightModel: f('bridge') }, none())), ['full', 'lightweight']);
    // The option wins over the environment.
    assert.deepEqual(ids(availableModes({ clapModel: f('empty') }, { ...none(), AYAT_CLAP_MODEL: f('clap') })), ['full']);
  });
});

describe('modeIdentifiers', () => {
  it('makes each mode’s identifier once', () => {
    const identifierFor = modeIdentifiers({ model: f('ctc'), clapModel: f('clap'), lightweightModel: f('bridge') }, 5);
    const full = identifierFor('full');
    assert.equal(identifierFor('full'), full);
    const clap = identifierFor('clap');
    assert.notEqual(clap, full);
    assert.equal(identifierFor('clap'), clap);
    assert.notEqual(identifierFor('lightweight'), clap);
  });
});

describe('lazyModeIdentifier', () => {
  it('loads nothing for silence, and retries a model that was missing once it is installed', async () => {
    const later = f('bridge-later');
    const identifier = lazyModeIdentifier('lightweight', { lightweightModel: later });
    const silent = await identifier.identifySamples(new Float32Array(16000), 16000, 'silence');
    assert.equal(silent.result.status, 'no_match');
    await assert.rejects(identifier.identifySamples(speechLike(2), 16000, 'tone'), ModeUnavailableError);
    writeTinyBridge(later, { threshold: -1 });
    const { result } = await identifier.identifySamples(speechLike(2), 16000, 'tone');
    assert.equal(result.status, 'ok');
  });
});
