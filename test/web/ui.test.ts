/** The web UI in Chromium, on what works without the model: layout, labels, modes, search, errors. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { writeTinyModel } from '../acoustic/tinyModel.js';
import { speechLike, writeWav } from '../cli/wav.js';
import { writeTinyBridge, writeTinyClap } from '../embed/tinyEmbedModels.js';
import { removeDir, startTestServer, type TestServer } from '../server/harness.js';
import { launchChromium } from '../../bench/app/chromium.js';
import { artifactPath, webRoot } from './browser.js';

let t: TestServer;
let browser: Browser;
const external: string[] = [];
const work = mkdtempSync(join(tmpdir(), 'ayat-ui-test-'));

before(async () => {
  // No QuranCLAP or bridge model, wherever the environment points: the server offers only Full.
  mkdirSync(join(work, 'no-models'));
  t = await startTestServer({ webRoot: webRoot(), clapModel: join(work, 'no-models'), lightweightModel: join(work, 'no-models') });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await t?.close();
  if (t) removeDir(t.dataDir);
  removeDir(work);
});

async function open(viewport = { width: 1100, height: 900 }, server: TestServer = t): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.on('request', (r) => {
    if (!r.url().startsWith(server.server.url) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) external.push(r.url());
  });
  await page.goto(server.server.url);
  return page;
}

describe('web UI (no model needed)', () => {
  it('offers the server’s modes, labels every control, and loads nothing from outside', async () => {
    const page = await open();
    await page.waitForFunction(() => (document.querySelector('#mode') as HTMLSelectElement | null)?.options.length === 1);
    assert.deepEqual(await page.$$eval('#mode option', (os) => os.map((o) => (o as HTMLOptionElement).value)), ['full']);
    assert.equal(await page.isDisabled('#mode'), true, 'nothing to choose');
    const unlabeled = await page.$$eval('input, select, button, audio', (nodes) =>
      nodes
        .filter((n) => {
          const el = n as HTMLInputElement;
          const named = (el.labels && el.labels.length > 0) || el.getAttribute('aria-label') || (el.tagName === 'BUTTON' && el.textContent!.trim() !== '');
          return !named;
        })
        .map((n) => n.outerHTML.slice(0, 80)),
    );
    assert.deepEqual(unlabeled, []);
    assert.equal(await page.getAttribute('#tab-identify', 'aria-selected'), 'true');
    await page.close();
    assert.deepEqual(external, []);
  });

  it('offers every installed mode by its label, and identifies in the one chosen', async () => {
    writeTinyModel(join(work, 'ctc'));
    writeTinyClap(join(work, 'clap'));
    writeTinyBridge(join(work, 'bridge'), { threshold: -1 });
    writeWav(join(work, 'tone.wav'), speechLike(3));
    const all = await startTestServer({ webRoot: webRoot(), model: join(work, 'ctc'), clapModel: join(work, 'clap'), lightweightModel: join(work, 'bridge') });
    try {
      const page = await open(undefined, all);
      await page.waitForFunction(() => (document.querySelector('#mode') as HTMLSelectElement | null)?.options.length === 4);
      const options = await page.$$eval('#mode option', (os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent]));
      assert.deepEqual(options, [['hybrid', 'Hybrid'], ['full', 'Full'], ['clap', 'CLAP'], ['lightweight', 'Lightweight']]);
      assert.equal(await page.inputValue('#mode'), 'hybrid', 'the default is chosen');
      assert.equal(await page.isEnabled('#mode'), true);
      assert.equal(await page.$eval('#mode', (s) => (s as HTMLSelectElement).labels?.[0]?.textContent?.trim().startsWith('Mode')), true);
      await page.selectOption('#mode', 'lightweight');
      const answered = page.waitForResponse((r) => r.url().endsWith('/identify') && r.request().method() === 'POST');
      await page.setInputFiles('#audio-file', join(work, 'tone.wav'));
      const response = await answered;
      assert.equal(((await response.json()) as { mode: string }).mode, 'lightweight', 'the server ran the chosen mode');
      // The tiny bridge is calibrated to always answer: a verse is shown.
      await page.waitForSelector('#identify-result article.result');
      assert.match((await page.textContent('#identify-status')) ?? '', /^tone\.wav: done in/);
      await page.close();
    } finally {
      await all.close();
      removeDir(all.dataDir);
    }
  });

  it('switches to the library tab and answers a search from an empty library', async () => {
    const page = await open();
    await page.click('#tab-library');
    assert.equal(await page.isVisible('#panel-library'), true);
    assert.equal(await page.isVisible('#panel-identify'), false);
    await page.fill('#search', 'al-baqarah 255');
    await page.waitForFunction(() => /Not found in the library/.test(document.querySelector('#search-summary')?.textContent ?? ''));
    assert.match((await page.textContent('#search-summary')) ?? '', /verses 2:255/);
    await page.fill('#search', '2:300');
    await page.waitForFunction(() => /286 verses/.test(document.querySelector('#search-summary')?.textContent ?? ''));
    await page.fill('#folder', '/no/such/folder');
    await page.click('#folder-form button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#library-status')?.getAttribute('data-kind') === 'error');
    assert.match((await page.textContent('#library-status')) ?? '', /no such folder/);
    await page.close();
  });

  it('fits a phone-size screen without sideways scrolling', async () => {
    const page = await open({ width: 375, height: 740 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
    await page.screenshot({ path: artifactPath('phone-empty.png'), fullPage: true });
    await page.close();
  });

  it('records from a (fake) microphone, follows it live, and sends the recording to /identify', async () => {
    const withMic = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
    try {
      const context = await withMic.newContext();
      await context.grantPermissions(['microphone'], { origin: t.server.url.replace(/\/$/, '') });
      const page = await context.newPage();
      await page.goto(t.server.url);
      assert.equal(await page.isVisible('#record'), true);
      await page.click('#record');
      await page.waitForFunction(() => document.querySelector('#record')?.getAttribute('aria-pressed') === 'true');
      // While recording, the latest seconds go to /identify as WAV every 2 s, and a live panel shows.
      const live = await page.waitForResponse((r) => r.url().includes('/identify') && r.request().method() === 'POST', { timeout: 20_000 });
      assert.equal(live.status(), 200, await live.text());
      assert.equal(((await live.json()) as { file: string }).file, 'live.wav');
      assert.equal(await page.isVisible('#live'), true);
      assert.match((await page.textContent('#live h2')) ?? '', /Following along/);
      const upload = page.waitForRequest((r) => r.url().endsWith('/identify') && r.method() === 'POST');
      await page.click('#record');
      const request = await upload;
      assert.equal(await page.isHidden('#live'), true);
      assert.match(request.headers()['content-type'] ?? '', /multipart\/form-data/);
      await page.waitForFunction(() => document.querySelector('#identify-status')?.getAttribute('data-kind') !== 'busy', undefined, { timeout: 60_000 });
      // Answered (a verse, no match, or no model installed), and about the recording.
      assert.match((await page.textContent('#identify-status')) ?? '', /^recording\.(webm|ogg|m4a): /);
      assert.equal(await page.getAttribute('#record', 'aria-pressed'), 'false');
    } finally {
      await withMic.close();
    }
  });

  it('shows a clear error for a file that is not audio', async () => {
    const page = await open();
    await page.setInputFiles('#audio-file', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await page.waitForFunction(() => document.querySelector('#identify-status')?.getAttribute('data-kind') === 'error');
    assert.match((await page.textContent('#identify-status')) ?? '', /uploads must be audio/);
    await page.close();
  });
});
