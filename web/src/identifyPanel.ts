import { ApiError, browserModes, getModes, identify, type HeardWord, type IdentifyResponse, type VerseRef } from './api';
import { byId, el, setStatus } from './dom';
import type { InBrowserIdentifier } from './inBrowser/client';
import { capped, formatRange, formatVerses, percent } from './format';
import { LiveFollower, type LiveUpdate } from './liveFollow';
import { PcmTap } from './pcmTap';
import { MicRecorder } from './recorder';
import { playRange } from './segmentPlayer';
import { surahLine, verseBlock, type WordMarks } from './verseView';

/** Verses shown in full; longer answers list the rest by reference. */
const MAX_VERSES_SHOWN = 7;
/** Texts listed under "No verse recognised". */
const MAX_CLOSEST = 3;

const form = byId<HTMLFormElement>('identify-form');
const fileInput = byId<HTMLInputElement>('audio-file');
const dropzone = byId<HTMLLabelElement>('dropzone');
const recordButton = byId<HTMLButtonElement>('record');
const modeSelect = byId<HTMLSelectElement>('mode');
const inBrowserBox = byId<HTMLInputElement>('in-browser');
const status = byId<HTMLParagraphElement>('identify-status');
const resultBox = byId<HTMLDivElement>('identify-result');
const liveBox = byId<HTMLElement>('live');

let currentUrl: string | undefined;
let busy = false;
/** Loaded on first use: onnxruntime-web and the Quran text are a large download the server path never needs. */
let inBrowser: Promise<InBrowserIdentifier> | undefined;

function renderResult(r: IdentifyResponse, audioUrl: string): void {
  resultBox.replaceChildren();
  if (r.status !== 'ok') {
    // As `ayat identify` prints "closest:": the nearest texts, which a weak recording may still be.
    const closest = r.candidate_groups.slice(0, MAX_CLOSEST).map((g) => formatVerses(g.verses));
    resultBox.append(
      el(
        'div',
        { class: 'card result no-match' },
        el('h2', {}, 'No verse recognised'),
        el('p', { class: 'muted' }, 'Try a longer or clearer recording.'),
        closest.length > 0 && el('p', { class: 'muted closest' }, `Closest, but too unsure to name: ${closest.join(' · ')}`),
      ),
    );
    return;
  }
  const first = r.verse_details[0]!;
  const audio = el('audio', { controls: '', src: audioUrl, preload: 'auto', 'aria-label': 'Your recording' });
  const play = el('button', { type: 'button', class: 'play' }, `▶ Play the matched part (${formatRange(r.start_s, r.end_s)})`);
  play.addEventListener('click', () => void playRange(audio, r.start_s, r.end_s));
  const shown = r.verse_details.slice(0, MAX_VERSES_SHOWN);
  const rest = r.verses.slice(MAX_VERSES_SHOWN);
  const sameText = r.candidate_groups[0]?.same_text ?? [];
  const runnersUp = r.candidate_groups.slice(1).map((g) => capped([g.verses, ...g.same_text].map(formatVerses), ' = ', 4));
  resultBox.append(
    el(
      'article',
      { class: 'card result', 'aria-label': 'Recognised verses' },
      el('h2', { class: 'ref' }, formatVerses(r.verses)),
      surahLine(first),
      el(
        'p',
        { class: 'confidence' },
        el('label', { for: 'confidence-meter' }, `Confidence ${percent(r.confidence)} `),
        el('meter', { id: 'confidence-meter', min: '0', max: '1', low: '0.5', high: '0.8', optimum: '1', value: String(r.confidence) }),
      ),
      ...shown.map((v) => verseBlock(v, marksIn(r.words, v))),
      rest.length > 0 && el('p', { class: 'muted' }, `…and ${formatVerses(rest)}`),
      sameText.length > 0 &&
        el('p', { class: 'muted same-text' }, `The same words are also ${capped(sameText.map(formatVerses), ', ', 3)}: a recording cannot tell them apart.`),
      el('div', { class: 'player' }, play, audio),
      r.words !== undefined && r.words.length > 0 && wordsToCheck(r.words, audio),
      runnersUp.length > 0 &&
        el('p', { class: 'muted runners-up' }, `Runners-up: ${runnersUp.join(' · ')}`),
    ),
  );
}

/** The 1-based numbers of `verse`'s flagged words and of those with something added. */
function marksIn(words: readonly HeardWord[] | undefined, verse: VerseRef): WordMarks {
  const own = (words ?? []).filter((w) => w.surah === verse.surah && w.ayah === verse.ayah);
  return { flagged: new Set(own.filter((w) => w.flagged).map((w) => w.word)), added: new Set(own.filter((w) => w.added).map((w) => w.word)) };
}

/** The flagged words and those with something added, each playable, or a line saying every word was heard as written. */
function wordsToCheck(words: readonly HeardWord[], audio: HTMLAudioElement): HTMLElement {
  const toCheck = words.filter((w) => w.flagged || w.added);
  if (toCheck.length === 0) return el('p', { class: 'words-ok' }, `All ${words.length} words heard as written.`);
  const items = toCheck.map((w) => {
    // What was added after a word lies before the next word: play up to it.
    const next = words[words.indexOf(w) + 1];
    const end = w.added && next ? next.start_s : w.end_s;
    const button = el('button', { type: 'button', class: 'play-word', 'aria-label': `Play word ${w.word} of ${w.surah}:${w.ayah}` }, '▶');
    button.addEventListener('click', () => void playRange(audio, w.start_s, end));
    const what = w.added ? (w.flagged ? ', not as written, something added' : ', something added in or after it') : '';
    return el('li', {}, button, ' ', el('span', { lang: 'ar', dir: 'rtl', class: 'arabic-inline' }, w.text), ` ${w.surah}:${w.ayah}, word ${w.word} (${w.start_s.toFixed(1)}–${end.toFixed(1)} s)${what}`);
  });
  return el(
    'section',
    { class: 'words-check', 'aria-label': 'Words to check' },
    el('h3', {}, `Words to check (${toCheck.length} of ${words.length})`),
    el('p', { class: 'muted' }, 'Probably not recited as written: a different word, a skipped word, or unclear; or something said in or after it that the verse does not have.'),
    el('ul', {}, ...items),
  );
}

async function submit(file: Blob, name: string): Promise<void> {
  if (busy) return;
  busy = true;
  form.setAttribute('aria-busy', 'true');
  resultBox.replaceChildren();
  for (const key of Object.keys(resultBox.dataset)) delete resultBox.dataset[key];
  const firstInBrowser = inBrowserBox.checked && inBrowser === undefined;
  setStatus(status, firstInBrowser ? `Loading the engine into this browser (20–26 MB, once), then listening to ${name}…` : `Listening to ${name}…`, 'busy');
  if (currentUrl) URL.revokeObjectURL(currentUrl);
  currentUrl = URL.createObjectURL(file);
  try {
    const where = inBrowserBox.checked ? 'browser' : 'server';
    const result = where === 'browser' ? await identifyInBrowser(file, name, modeSelect.value) : await identify(file, name, modeSelect.value);
    const here = where === 'browser' ? ' in this browser' : '';
    const warning = result.warning ? ` (${result.warning})` : '';
    setStatus(status, result.status === 'ok' ? `${name}: done in ${(result.timings_ms.total / 1000).toFixed(1)} s${here}${warning}` : `${name}: no verse recognised${here}${warning}`);
    renderResult(result, currentUrl);
    // What ran and how long it took, for the browser tests and bench/app/browserBench.ts.
    Object.assign(resultBox.dataset, { where, status: result.status, verses: formatVerses(result.verses), confidence: String(result.confidence), audioS: String(result.audio_s), totalMs: String(result.timings_ms.total) });
  } catch (err) {
    setStatus(status, `${name}: ${err instanceof ApiError ? err.message : 'something went wrong; try again'}`, 'error');
    resultBox.dataset.status = 'failed';
  } finally {
    busy = false;
    form.removeAttribute('aria-busy');
  }
}

/** `oneRun`: one run of ayat per chunk (no leftovers), as the live windows need. */
async function identifyInBrowser(file: Blob, name: string, mode: string, oneRun = false): Promise<IdentifyResponse> {
  if (mode !== 'full' && mode !== 'hybrid') throw new ApiError(0, `mode ${mode} runs on the server only`);
  inBrowser ??= import('./inBrowser/client').then((m) => new m.InBrowserIdentifier());
  const engine = await inBrowser.catch((err: unknown) => {
    inBrowser = undefined;
    throw new ApiError(0, `the in-browser engine did not load (${err instanceof Error ? err.message : String(err)})`);
  });
  return engine.identify(file, name, mode, oneRun);
}

/**
 * Offers "In this browser" where the server lends its models and this browser can run them;
 * ticked, the mode selector offers only the modes that run here (full, and hybrid where lent).
 */
async function offerInBrowser(): Promise<void> {
  const here = await browserModes();
  if (here.length === 0) return;
  inBrowserBox.closest('label')!.hidden = false;
  let chosenMode = modeSelect.value;
  inBrowserBox.addEventListener('change', () => {
    const inBrowser = inBrowserBox.checked;
    if (inBrowser) chosenMode = modeSelect.value;
    for (const option of modeSelect.options) option.disabled = inBrowser && !(here as string[]).includes(option.value);
    if (inBrowser && !(here as string[]).includes(modeSelect.value)) modeSelect.value = here[0]!;
    if (!inBrowser) modeSelect.value = chosenMode;
    modeSelect.disabled = [...modeSelect.options].filter((o) => !o.disabled).length < 2;
  });
}

async function loadModes(): Promise<void> {
  try {
    const { modes, default: chosen } = await getModes();
    modeSelect.replaceChildren(...modes.map((m) => el('option', { value: m.id, title: m.description }, m.label)));
    modeSelect.value = chosen;
  } catch {
    modeSelect.replaceChildren(el('option', { value: 'full' }, 'Full'));
  }
  modeSelect.disabled = modeSelect.options.length < 2;
}

function wireDropzone(): void {
  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    if (file) void submit(file, file.name);
    fileInput.value = '';
  });
  for (const type of ['dragenter', 'dragover']) {
    dropzone.addEventListener(type, (e) => {
      e.preventDefault();
      dropzone.classList.add('over');
    });
  }
  for (const type of ['dragleave', 'drop']) dropzone.addEventListener(type, () => dropzone.classList.remove('over'));
  dropzone.addEventListener('drop', (e) => {
    e.preventDefault();
    const file = e.dataTransfer?.files[0];
    if (file) void submit(file, file.name);
  });
  dropzone.tabIndex = 0;
  dropzone.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      fileInput.click();
    }
  });
}

/** While recording: the verse heard in the latest seconds (words to check marked) and the verses so far. */
function renderLive({ answer, trail }: LiveUpdate): void {
  const current = answer.status === 'ok' ? answer.verse_details[answer.verse_details.length - 1] : undefined;
  const parts: HTMLElement[] = [el('h2', {}, 'Following along')];
  if (current) {
    parts.push(el('p', { class: 'ref live-ref' }, `${current.surah}:${current.ayah} · ${current.surah_transliteration}`));
    parts.push(verseBlock(current, marksIn(answer.words, current)));
  } else {
    parts.push(el('p', { class: 'muted' }, 'Listening… no verse in the last seconds.'));
  }
  if (trail.length > 0) parts.push(el('p', { class: 'muted live-trail' }, `So far: ${formatVerses(trail)}`));
  liveBox.replaceChildren(...parts);
  liveBox.hidden = false;
}

/** Live following while the microphone records; nothing when the browser cannot give raw audio. */
async function followLive(stream: MediaStream | undefined): Promise<{ stop(): void }> {
  if (!stream || typeof AudioContext === 'undefined') return { stop() {} };
  const tap = await PcmTap.open(stream, 10);
  const follower = new LiveFollower(
    tap,
    (wav, name) => (inBrowserBox.checked ? identifyInBrowser(wav, name, modeSelect.value, true) : identify(wav, name, modeSelect.value, true)),
    renderLive,
  );
  follower.start();
  liveBox.replaceChildren(el('h2', {}, 'Following along'), el('p', { class: 'muted' }, 'Listening…'));
  liveBox.hidden = false;
  return {
    stop() {
      follower.stop();
      tap.close();
      liveBox.hidden = true;
      liveBox.replaceChildren();
    },
  };
}

function wireRecorder(): void {
  if (!MicRecorder.supported) {
    recordButton.hidden = true;
    return;
  }
  const mic = new MicRecorder();
  let live: { stop(): void } = { stop() {} };
  recordButton.addEventListener('click', async () => {
    if (mic.recording) {
      recordButton.textContent = 'Record from microphone';
      recordButton.setAttribute('aria-pressed', 'false');
      live.stop();
      const { blob, name } = await mic.stop();
      await submit(blob, name);
      return;
    }
    try {
      await mic.start();
      resultBox.replaceChildren();
      live = await followLive(mic.stream).catch(() => ({ stop() {} }));
      recordButton.textContent = 'Stop and identify';
      recordButton.setAttribute('aria-pressed', 'true');
      setStatus(status, 'Recording… press “Stop and identify” when the recitation ends.', 'busy');
    } catch {
      setStatus(status, 'The microphone is not available (the browser refused it, or the page is not on localhost/https).', 'error');
    }
  });
}

export function initIdentifyPanel(): void {
  form.addEventListener('submit', (e) => e.preventDefault());
  wireDropzone();
  wireRecorder();
  void loadModes();
  void offerInBrowser();
}
