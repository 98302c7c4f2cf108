/**
 * The server with the trained model (models/ayat-ctc) on real audio made here
 * with espeak-ng. Fails, never skips, when the model is missing.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { packageRoot } from '../../src/acoustic/packageRoot.js';
import { lazyModeIdentifier } from '../../src/engine/modes.js';
import { realModelDir } from '../engine/realModel.js';
import { noiseWav, silenceWav } from './audio.js';
import { makeEspeakLibrary, overlaps, reciteToWav, type EspeakLibrary } from './espeakLibrary.js';
import { removeDir, startTestServer, waitForJob, type TestServer } from './harness.js';

const work = mkdtempSync(join(tmpdir(), 'ayat-e2e-server-'));
let modelDir: string;
let t: TestServer;
let library: EspeakLibrary;
let oneVerse: string;

before(async () => {
  modelDir = realModelDir();
  t = await startTestServer({ model: modelDir, webRoot: null });
  const status = await t.server.modelReady;
  assert.equal(status.state, 'ready', `the model did not load: ${JSON.stringify(status)}`);
  library = await makeEspeakLibrary(join(work, 'library'));
  oneVerse = (await reciteToWav(work, 'ikhlas-1', [{ surah: 112, ayah: 1 }], 0.5)).path;
});
after(async () => {
  await t?.close();
  if (t) removeDir(t.dataDir);
  removeDir(work);
});

/** Polls until `check` holds (the watcher waits 2 s of quiet, then indexes); bounded. */
async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const upload = (path: string, name: string, query = ''): Promise<{ status: number; body: any }> => {
  const form = new FormData();
  form.append('audio', new Blob([readFileSync(path)], { type: 'audio/wav' }), name);
  return t.json(`/identify${query}`, { method: 'POST', body: form });
};

describe('POST /identify with the trained model', () => {
  it('names an espeak recitation of 112:1, with its text and translation', async () => {
    const { status, body } = await upload(oneVerse, '112001.wav', '?top=3');
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.status, 'ok', JSON.stringify(body));
    assert.deepEqual(body.verses, [{ surah: 112, ayah: 1 }], JSON.stringify(body.candidates));
    assert.ok(body.confidence > 0 && body.confidence <= 1);
    assert.ok(body.candidates.length >= 1 && body.candidates.length <= 3);
    assert.equal(body.verse_details[0].surah_transliteration, 'Al-Ikhlas');
    assert.match(body.verse_details[0].translation, /Allah/);
    assert.deepEqual(
      body.words.map((w: { text: string }) => w.text),
      body.verse_details[0].text.split(' '),
      'the answer comes with its words',
    );
  });

  it('names 112:1-4 sent as the raw body, the same answer as the engine (default mode) gives the file', async () => {
    const response = await t.json('/identify?top=10', { method: 'POST', headers: { 'content-type': 'audio/wav', 'x-file-name': 'ikhlas.wav' }, body: readFileSync(library.ikhlas.path) });
    assert.equal(response.status, 200);
    const body = response.body;
    assert.deepEqual(body.verses, [1, 2, 3, 4].map((ayah) => ({ surah: 112, ayah })), JSON.stringify(body));
    assert.equal(body.file, 'ikhlas.wav');
    assert.equal(body.mode, 'hybrid', 'the default mode, as the CLI\'s');
    const { result } = await lazyModeIdentifier('hybrid', { model: modelDir }, { maxCandidates: 10 }).identifyFile(library.ikhlas.path, 'ikhlas.wav');
    assert.deepEqual(body.verses, result.verses);
    assert.equal(body.confidence, result.confidence);
    assert.deepEqual(body.candidates, result.candidates);
  });

  it('does not claim a verse for silence or noise', async () => {
    const silent = await upload(silenceWav(work, 'silence', 3), 'silence.wav');
    assert.equal(silent.body.status, 'no_match');
    const noisy = await upload(noiseWav(work, 'noise', 3), 'noise.wav');
    assert.equal(noisy.status, 200);
    assert.ok(noisy.body.status !== 'ok' || noisy.body.confidence < 0.5, `noise recognised as ${JSON.stringify(noisy.body.verses)} at ${noisy.body.confidence}`);
  });

  it('20 concurrent uploads all complete without error, each answered as if alone', async () => {
    const alone = (await upload(oneVerse, 'alone.wav')).body;
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => upload(oneVerse, `clip-${i}.wav`)));
    for (const [i, a] of answers.entries()) {
      assert.equal(a.status, 200, `upload ${i}: ${JSON.stringify(a.body)}`);
      assert.notEqual(a.body.status, 'error', `upload ${i}: ${JSON.stringify(a.body)}`);
      assert.equal(a.body.file, `clip-${i}.wav`);
      assert.deepEqual([a.body.status, a.body.verses, a.body.confidence], [alone.status, alone.verses, alone.confidence]);
    }
  });
});

describe('a model folder with its own calibration', () => {
  it('full mode on the server uses it, as `ayat identify --mode full` does', async () => {
    // The trained model in a folder of its own, with a calibration that is sure of every answer.
    const own = join(work, 'model-calibrated');
    mkdirSync(own);
    for (const file of ['card.json', 'model.onnx']) copyFileSync(join(modelDir, file), join(own, file));
    const builtIn = JSON.parse(readFileSync(join(packageRoot(), 'src/match/calibration.json'), 'utf8')) as object;
    writeFileSync(join(own, 'calibration.json'), JSON.stringify({ ...builtIn, bias: 1000 }));
    const server = await startTestServer({ model: own, webRoot: null });
    try {
      const form = new FormData();
      form.append('mode', 'full');
      form.append('audio', new Blob([readFileSync(oneVerse)], { type: 'audio/wav' }), '112001.wav');
      const { status, body } = await server.json('/identify', { method: 'POST', body: form });
      assert.equal(status, 200, JSON.stringify(body));
      const cli = (await lazyModeIdentifier('full', { model: own }).identifyFile(oneVerse)).result;
      assert.deepEqual([cli.status, cli.confidence], ['ok', 1], 'the folder\'s calibration, in the CLI');
      assert.deepEqual([body.status, body.confidence, body.verses], [cli.status, cli.confidence, cli.verses]);
    } finally {
      await server.close();
      removeDir(server.dataDir);
    }
  });
});

describe('library with the trained model', () => {
  it('indexes a folder and finds verses by reference, name and words, with time ranges', async () => {
    const added = await t.json('/library', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: library.folder }) });
    assert.equal(added.status, 202);
    assert.equal(added.body.found, 4);
    const job = await waitForJob(t, added.body.job.id);
    assert.deepEqual([job.status, job.done, job.failed], ['done', 4, 0], JSON.stringify(job));

    const byRef = (await t.json('/search?q=112:1')).body;
    const hit = byRef.results[0];
    assert.ok(hit, `112:1 not found in the library: ${JSON.stringify((await t.json('/library')).body.recordings)}`);
    assert.equal(hit.recording.name, 'ikhlas.wav');
    assert.ok(overlaps(library.ikhlas.spans[0]!, hit.start_s, hit.end_s), `112:1 is at ${JSON.stringify(library.ikhlas.spans[0])}, the hit at ${hit.start_s}-${hit.end_s}`);
    assert.equal((await t.request(hit.audio_url)).status, 200);

    const byName = (await t.json(`/search?q=${encodeURIComponent('الإخلاص')}`)).body;
    assert.ok(byName.results.some((r: any) => r.recording.name === 'ikhlas.wav'));
    const byArabic = (await t.json(`/search?q=${encodeURIComponent('قل هو الله احد')}`)).body;
    assert.deepEqual([byArabic.results[0]?.verse.surah, byArabic.results[0]?.verse.ayah], [112, 1]);
    const byEnglish = (await t.json(`/search?q=${encodeURIComponent('lord of the worlds')}`)).body;
    const fatihaHit = byEnglish.results.find((r: any) => r.verse.surah === 1 && r.verse.ayah === 2);
    assert.ok(fatihaHit, JSON.stringify(byEnglish.results.slice(0, 3)));
    assert.equal(fatihaHit.recording.name, join('more', 'fatiha.wav'));
    assert.ok(overlaps(library.fatiha.spans[1]!, fatihaHit.start_s, fatihaHit.end_s));

    const none = (await t.json('/search?q=2:255')).body;
    assert.deepEqual(none.results, [], 'nothing in the library recites 2:255');
  });

  it('picks up a recording copied into the folder, and drops it when deleted, without adding the folder again', async () => {
    const places = async () => ((await t.json('/search?q=112:1')).body.results as { recording: { name: string } }[]).map((r) => r.recording.name).sort();
    assert.deepEqual(await places(), ['ikhlas.wav']);
    assert.equal((await t.json('/library')).body.watching, true);
    const copy = join(library.folder, 'copied in.wav');
    copyFileSync(join(library.folder, 'ikhlas.wav'), copy);
    await eventually('the copy is found', async () => (await places()).includes('copied in.wav'));
    unlinkSync(copy);
    await eventually('the copy is dropped', async () => !(await places()).includes('copied in.wav'));
    assert.deepEqual(await places(), ['ikhlas.wav']);
  });

  it('keeps the index across a restart', async () => {
    const before = (await t.json('/search?q=112:1')).body.results;
    await t.close();
    t = await startTestServer({ model: modelDir, webRoot: null }, t.dataDir);
    const after = (await t.json('/search?q=112:1')).body.results;
    assert.deepEqual(after, before);
  });
});
