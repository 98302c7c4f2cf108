/**
 * The web UI end to end in Chromium with the trained model: upload a clip and
 * see the verse; index a folder, search, and get a result with its time range.
 * Fails, never skips, without the model. Screenshots go to test-artifacts/web/.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { splice } from '../../bench/audioEdit.js';
import { decodeAudioFile } from '../../src/audio/decode.js';
import { writeWav } from '../cli/wav.js';
import { devClip, realModelDir } from '../engine/realModel.js';
import { makeEspeakLibrary, reciteToWav, type EspeakLibrary } from '../server/espeakLibrary.js';
import { removeDir, startTestServer, type TestServer } from '../server/harness.js';
import { launchChromium } from '../../bench/app/chromium.js';
import { artifactPath, webRoot } from './browser.js';

const work = mkdtempSync(join(tmpdir(), 'ayat-e2e-web-'));
let t: TestServer;
let browser: Browser;
let library: EspeakLibrary;
let clip: string;

before(async () => {
  const model = realModelDir();
  t = await startTestServer({ model, webRoot: webRoot() });
  assert.equal((await t.server.modelReady).state, 'ready');
  browser = await launchChromium();
  library = await makeEspeakLibrary(join(work, 'library'));
  clip = (await reciteToWav(work, 'al-ikhlas-1', [{ surah: 112, ayah: 1 }], 0.5)).path;
});
after(async () => {
  await browser?.close();
  await t?.close();
  if (t) removeDir(t.dataDir);
  removeDir(work);
});

describe('web UI with the trained model', () => {
  it('upload a clip → the right verse, in Arabic and English, playable', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 1000 } });
    await page.goto(t.server.url);
    await page.setInputFiles('#audio-file', clip);
    await page.waitForSelector('#identify-result .result', { timeout: 120_000 });
    const shown = (await page.textContent('#identify-result .result h2')) ?? '';
    assert.equal(shown, '112:1', `the page shows "${shown}" (${await page.textContent('#identify-status')})`);
    assert.match((await page.textContent('#identify-result .surah')) ?? '', /Al-Ikhlas/);
    const arabic = page.locator('#identify-result .arabic').first();
    assert.equal(await arabic.getAttribute('dir'), 'rtl');
    assert.match((await arabic.textContent()) ?? '', /قُلۡ/);
    assert.match((await page.textContent('#identify-result .translation')) ?? '', /Allah/);
    const fontLoaded = await page.evaluate(async () => {
      await document.fonts.ready;
      return document.fonts.check('28px "Amiri Quran"', 'قل');
    });
    assert.equal(fontLoaded, true, 'the shipped Quran font is used');
    await page.click('#identify-result button.play');
    await page.waitForFunction(() => {
      const a = document.querySelector('#identify-result audio') as HTMLAudioElement | null;
      return !!a && a.currentTime > 0;
    });
    await page.screenshot({ path: artifactPath('identify.png'), fullPage: true });
    await page.close();
  });

  it('speech that recites no verse → "No verse recognised", with the closest texts listed as unsure', async () => {
    const prose = join(work, 'prose.wav');
    execFileSync('espeak-ng', ['-v', 'ar', '-s', '150', '-w', prose, 'ذَهَبْتُ صَبَاحَ الْيَوْمِ إِلَى السُّوقِ لِأَشْتَرِيَ الْخُبْزَ وَالْحَلِيبَ، ثُمَّ رَجَعْتُ إِلَى الْبَيْتِ بِالسَّيَّارَةِ']);
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    await page.goto(t.server.url);
    await page.setInputFiles('#audio-file', prose);
    await page.waitForSelector('#identify-result[data-status]', { state: 'attached', timeout: 120_000 });
    assert.equal(await page.getAttribute('#identify-result', 'data-status'), 'no_match', (await page.textContent('#identify-status')) ?? '');
    assert.equal(await page.textContent('#identify-result .no-match h2'), 'No verse recognised');
    const closest = (await page.textContent('#identify-result .closest')) ?? '';
    assert.match(closest, /^Closest, but too unsure to name: \d+:\d+/);
    assert.ok(closest.split(' · ').length <= 3, closest);
    await page.close();
  });

  it('a verse whose words another verse repeats → both named, once, and the runners-up are other texts', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 1000 } });
    await page.goto(t.server.url);
    await page.setInputFiles('#audio-file', devClip('reciters/husary/109005.opus'));
    await page.waitForSelector('#identify-result .result', { timeout: 120_000 });
    const shown = (await page.textContent('#identify-result .result h2')) ?? '';
    assert.ok(['109:3', '109:5'].includes(shown), `the page shows "${shown}"`);
    const twin = shown === '109:3' ? '109:5' : '109:3';
    assert.equal(await page.textContent('#identify-result .same-text'), `The same words are also ${twin}: a recording cannot tell them apart.`);
    const runnersUp = (await page.textContent('#identify-result .runners-up')) ?? '';
    assert.doesNotMatch(runnersUp, /109:[35]\b/, 'the twin is not listed again as a runner-up');
    await page.close();
  });

  it('a recitation with a word left out, or one added → the word marked in the verse and listed, playable', async () => {
    // A real clip of 82:19; the API gives its words' times, and word 6 is cut out of it.
    const original = devClip('reciters/alafasy/082019.opus');
    const form = new FormData();
    form.append('audio', new Blob([readFileSync(original)]), '082019.opus');
    const { body } = await t.json('/identify', { method: 'POST', body: form });
    assert.deepEqual(body.verses, [{ surah: 82, ayah: 19 }]);
    assert.equal(body.words.length, 9);
    assert.equal(body.words.filter((w: { flagged: boolean }) => w.flagged).length, 0, JSON.stringify(body.words));
    const audio = await decodeAudioFile(original);
    const edited = splice(audio.samples, body.words[5].start_s, body.words[6].start_s);
    const wav = join(work, 'word-left-out.wav');
    writeWav(wav, edited, audio.sampleRate);

    const page = await browser.newPage({ viewport: { width: 1000, height: 1000 } });
    await page.goto(t.server.url);
    await page.setInputFiles('#audio-file', wav);
    await page.waitForSelector('#identify-result .result', { timeout: 120_000 });
    assert.equal(await page.textContent('#identify-result .result h2'), '82:19');
    assert.deepEqual(await page.locator('#identify-result mark.flagged').allTextContents(), [body.words[5].text]);
    assert.match((await page.textContent('#identify-result .words-check h3')) ?? '', /Words to check \(1 of 9\)/);
    await page.click('#identify-result .words-check button.play-word');
    await page.waitForFunction(() => {
      const a = document.querySelector('#identify-result audio') as HTMLAudioElement | null;
      return !!a && a.currentTime > 0;
    });
    await page.screenshot({ path: artifactPath('identify-words.png'), fullPage: true });

    // A word of 82:10 said before word 6, which stays: word 5 or 6 marked added, listed.
    const donorClip = devClip('reciters/alafasy/082010.opus');
    const donorForm = new FormData();
    donorForm.append('audio', new Blob([readFileSync(donorClip)]), '082010.opus');
    const donorWords = (await t.json('/identify', { method: 'POST', body: donorForm })).body.words;
    const donorAudio = await decodeAudioFile(donorClip);
    const donor = donorAudio.samples.slice(Math.round(donorWords[1].start_s * 16000), Math.round(donorWords[2].start_s * 16000));
    const addedWav = join(work, 'word-added.wav');
    writeWav(addedWav, splice(audio.samples, body.words[5].start_s, body.words[5].start_s, donor), audio.sampleRate);
    await page.setInputFiles('#audio-file', addedWav);
    await page.waitForFunction(() => document.querySelector('#identify-result mark.added') !== null, undefined, { timeout: 120_000 });
    const added = await page.locator('#identify-result mark.added').allTextContents();
    assert.ok(added.length > 0 && added.every((w) => w === body.words[4].text || w === body.words[5].text), `marked added: ${added.join(' ')}`);
    assert.match((await page.textContent('#identify-result .words-check')) ?? '', /something added in or after it|not as written, something added/);
    await page.screenshot({ path: artifactPath('identify-added.png'), fullPage: true });
    await page.close();
  });

  it('identify in this browser (hybrid and full) → the server\'s answer in that mode, and the recording is never uploaded', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 1000 } });
    const posted: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') posted.push(r.url());
    });
    await page.goto(t.server.url);
    await page.waitForSelector('label[for="in-browser"]:not([hidden])', { timeout: 30_000 });
    await page.check('#in-browser');
    assert.equal(await page.inputValue('#mode'), 'hybrid', 'the server lends QuranCLAP too: hybrid, the default, runs here');
    const offered = await page.$$eval('#mode option', (os) => (os as HTMLOptionElement[]).filter((o) => !o.disabled).map((o) => o.value));
    assert.deepEqual(offered.sort(), ['full', 'hybrid'], 'the modes whose models stay on the server are not offered');

    for (const mode of ['hybrid', 'full']) {
      await page.selectOption('#mode', mode);
      for (const [file, type] of [[devClip('reciters/minshawi/082019.opus'), 'audio/ogg'], [clip, 'audio/wav']] as const) {
        await page.setInputFiles('#audio-file', file);
        await page.waitForSelector('#identify-result[data-status]', { state: 'attached', timeout: 120_000 });
        const shown = await page.$eval('#identify-result', (e) => ({ ...(e as HTMLElement).dataset }));
        const server = await t.json(`/identify?mode=${mode}`, { method: 'POST', headers: { 'content-type': type }, body: readFileSync(file) });
        assert.equal(server.status, 200);
        const expected = server.body.verses.map((v: { surah: number; ayah: number }) => `${v.surah}:${v.ayah}`).join(', ');
        assert.equal(shown.where, 'browser');
        assert.equal(shown.status, 'ok', `${mode} ${file}: ${await page.textContent('#identify-status')}`);
        assert.equal(shown.verses, expected, `${mode} ${file}`);
        // The browser decodes and resamples with its own code: the same answer, a confidence within a few points.
        assert.ok(Math.abs(Number(shown.confidence) - server.body.confidence) < 0.05, `${mode} ${file}: confidence ${shown.confidence} in the browser, ${server.body.confidence} on the server`);
        assert.match((await page.textContent('#identify-result .result h2')) ?? '', new RegExp(`^${expected}$`));
        assert.match((await page.textContent('#identify-status')) ?? '', /: done in [\d.]+ s in this browser$/);
      }
    }

    // A file cut off: the browser decodes what it holds without a word; the answer says so, as the server's does.
    const whole = readFileSync(devClip('reciters/minshawi/082019.opus'));
    const cut = whole.subarray(0, Math.floor(whole.length * 0.6));
    await page.setInputFiles('#audio-file', { name: 'cut.opus', mimeType: 'audio/ogg', buffer: cut });
    await page.waitForSelector('#identify-result[data-status]', { state: 'attached', timeout: 120_000 });
    const server = await t.json('/identify?mode=full', { method: 'POST', headers: { 'content-type': 'audio/ogg' }, body: cut });
    assert.match(server.body.warning ?? '', /^the file is cut off/);
    const status = (await page.textContent('#identify-status')) ?? '';
    assert.match(status, /^cut\.opus: .*in this browser \(the file is cut off: only the [\d.]+ s it holds were heard\)$/);

    // A file whose header declares hours (a FLAC of a dev clip, its STREAMINFO sample count raised): refused before the browser decodes it.
    const flac = join(work, 'long.flac');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', devClip('reciters/minshawi/082019.opus'), '-c:a', 'flac', flac]);
    const long = Uint8Array.from(readFileSync(flac));
    new DataView(long.buffer).setUint32(22, 0xffff_ffff);
    await page.setInputFiles('#audio-file', { name: 'long.flac', mimeType: 'audio/flac', buffer: Buffer.from(long) });
    await page.waitForSelector('#identify-result[data-status="failed"]', { state: 'attached' });
    assert.match((await page.textContent('#identify-status')) ?? '', /^long\.flac: it is too long: over the 30-minute limit/);

    await page.setInputFiles('#audio-file', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a recording') });
    await page.waitForSelector('#identify-result[data-status="failed"]', { state: 'attached' });
    assert.match((await page.textContent('#identify-status')) ?? '', /notes\.txt: .*cannot decode it/);
    assert.deepEqual(posted, [], 'nothing was posted to the server');
    await page.close();
  });

  it('recording from the microphone → followed live: the verse being recited, and the verses so far (on the server, then in the browser)', async () => {
    // The fake microphone plays the espeak-ng recitation of 112:1-4 (over and over).
    const withMic = await launchChromium([
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-audio-capture=${library.ikhlas.path}`,
    ]);
    try {
      const context = await withMic.newContext({ viewport: { width: 1000, height: 900 } });
      await context.grantPermissions(['microphone'], { origin: t.server.url.replace(/\/$/, '') });
      for (const inBrowser of [false, true]) {
        const page = await context.newPage();
        const posted: string[] = [];
        page.on('request', (r) => {
          if (r.method() === 'POST') posted.push(r.url());
        });
        await page.goto(t.server.url);
        if (inBrowser) {
          await page.waitForSelector('label[for="in-browser"]:not([hidden])', { timeout: 30_000 });
          await page.check('#in-browser');
        }
        await page.click('#record');
        await page.waitForFunction(() => /^112:\d/.test(document.querySelector('#live .live-ref')?.textContent ?? ''), undefined, { timeout: 60_000 });
        // As the recitation goes on, the trail grows verse by verse.
        await page.waitForFunction(() => /^So far: 112:1–[2-4]/.test(document.querySelector('#live .live-trail')?.textContent ?? ''), undefined, { timeout: 60_000 });
        assert.match((await page.textContent('#live .arabic')) ?? '', /[\u0600-\u06FF]/);
        if (!inBrowser) await page.screenshot({ path: artifactPath('live.png'), fullPage: true });
        await page.click('#record');
        assert.equal(await page.isHidden('#live'), true, 'the live panel gives way to the whole recording\'s answer');
        await page.waitForSelector('#identify-result .result', { timeout: 120_000 });
        if (inBrowser) assert.deepEqual(posted, [], 'in the browser, no window and no recording was posted');
        else assert.ok(posted.length > 1, 'on the server, the windows and the recording were posted');
        // The browser's own recording (WebM, clusters of unknown size) is whole: no warning that it was cut off.
        assert.doesNotMatch((await page.textContent('#identify-status')) ?? '', /cut off/);
        await page.close();
      }
    } finally {
      await withMic.close();
    }
  });

  it('index a folder → search → a result with its time range, played from there', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 1100 } });
    await page.goto(`${t.server.url}#library`);
    await page.fill('#folder', library.folder);
    await page.click('#folder-form button[type=submit]');
    await page.waitForSelector('.job[data-status="done"]', { timeout: 300_000 });
    await page.fill('#search', '112:1');
    await page.waitForFunction(() => /in the library/.test(document.querySelector('#search-summary')?.textContent ?? ''), undefined, { timeout: 30_000 });
    const hits = await page.locator('#search-results .hit').count();
    assert.ok(hits > 0, `no hit for 112:1: ${await page.textContent('#search-summary')} / ${await page.textContent('#recordings')}`);
    const title = (await page.textContent('#search-results .hit .hit-title')) ?? '';
    assert.match(title, /112:1/);
    assert.match(title, /ikhlas\.wav/);
    assert.match((await page.textContent('#search-results .hit .time-range')) ?? '', /^\d+:\d{2}–\d+:\d{2}$/);
    await page.click('#search-results .hit .play');
    await page.waitForFunction(() => {
      const a = document.querySelector('#library-player') as HTMLAudioElement | null;
      return !!a && /\/recordings\/\d+\/audio$/.test(a.src) && a.currentTime > 0;
    });
    await page.fill('#search', 'قل هو الله احد');
    // The summary says how the query was read, so this waits for the Arabic search's answer, not the last one.
    await page.waitForFunction(() => /Arabic text/.test(document.querySelector('#search-summary')?.textContent ?? ''));
    assert.match((await page.textContent('#search-results .hit .hit-title')) ?? '', /112:1/);
    await page.screenshot({ path: artifactPath('library.png'), fullPage: true });
    await page.setViewportSize({ width: 375, height: 800 });
    await page.screenshot({ path: artifactPath('library-phone.png'), fullPage: true });

    // A recording copied into the folder is indexed by the server and shows up on the open page by itself.
    assert.match((await page.textContent('#folders-note')) ?? '', /picked up while the server runs/);
    const copy = join(library.folder, 'copied in.wav');
    copyFileSync(library.ikhlas.path, copy);
    try {
      await page.waitForFunction(
        () => [...document.querySelectorAll('#search-results .hit .hit-title')].some((h) => /copied in\.wav/.test(h.textContent ?? '')),
        undefined,
        { timeout: 60_000 },
      );
      assert.match((await page.textContent('#recordings')) ?? '', /copied in\.wav/);
    } finally {
      unlinkSync(copy);
    }

    // Removing the folder takes its recordings out of the search (after a confirmation).
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click(`#folders button[aria-label="Remove ${library.folder} from the library"]`);
    await page.waitForFunction(() => /^Removed .*: \d+ recordings? out of the library/.test(document.querySelector('#library-status')?.textContent ?? ''));
    await page.waitForFunction(() => /Not found in the library/.test(document.querySelector('#search-summary')?.textContent ?? ''));
    assert.equal(await page.locator('#folders li').filter({ hasText: library.folder }).count(), 0);
    await page.close();
  });
});
