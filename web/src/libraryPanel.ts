import { addFolder, ApiError, getJob, getLibrary, removeFolder, search, uploadToLibrary, type AddResponse, type Job, type LibraryFolder, type SearchHit, type SearchResponse } from './api';
import { byId, el, setStatus } from './dom';
import { formatRange, formatTime, formatVerses, percent } from './format';
import { playRange } from './segmentPlayer';

const folderForm = byId<HTMLFormElement>('folder-form');
const folderInput = byId<HTMLInputElement>('folder');
const filesInput = byId<HTMLInputElement>('library-files');
const status = byId<HTMLParagraphElement>('library-status');
const jobsBox = byId<HTMLDivElement>('jobs');
const stats = byId<HTMLParagraphElement>('library-stats');
const recordingsList = byId<HTMLUListElement>('recordings');
const foldersList = byId<HTMLUListElement>('folders');
const foldersNote = byId<HTMLParagraphElement>('folders-note');
const panel = byId<HTMLElement>('panel-library');
const searchInput = byId<HTMLInputElement>('search');
const summary = byId<HTMLParagraphElement>('search-summary');
const resultsList = byId<HTMLOListElement>('search-results');
const player = byId<HTMLAudioElement>('library-player');

const POLL_MS = 700;
/** How often an open library panel looks for work the server started by itself (a folder's new recordings). */
const BACKGROUND_POLL_MS = 5000;
const SEARCH_DELAY_MS = 150;
const FINISHED: readonly Job['status'][] = ['done', 'failed', 'interrupted'];

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

async function runRemove(folder: LibraryFolder): Promise<void> {
  if (!confirm(`Take ${folder.path} out of the library? Its recordings leave the search; the files stay on disk.`)) return;
  setStatus(status, 'Removing…', 'busy');
  try {
    const r = await removeFolder(folder.id);
    const kept = r.kept > 0 ? `; ${plural(r.kept, 'recording')} stay, also inside another folder of the library` : '';
    setStatus(status, `Removed ${folder.path}: ${plural(r.removed, 'recording')} out of the library${kept}.`);
  } catch (err) {
    setStatus(status, err instanceof ApiError ? err.message : 'could not remove the folder', 'error');
  }
  await refreshStats(true);
}

function folderView(folder: LibraryFolder): HTMLElement {
  const remove = el('button', { type: 'button', class: 'secondary remove-folder', 'aria-label': `Remove ${folder.path} from the library` }, 'Remove');
  remove.addEventListener('click', () => void runRemove(folder));
  return el('li', { class: 'folder' }, el('span', { class: 'folder-path' }, folder.path), ' ', remove);
}

/** The library's totals when last shown. */
let lastSignature: string | undefined;

/**
 * Redraws the library's folders, totals and recordings. The open search runs again when
 * `searchAgain` (this page changed the library) or when the totals changed without this
 * page (the server indexed a folder's new recordings).
 */
async function refreshStats(searchAgain = false): Promise<void> {
  let changedMeanwhile = false;
  try {
    const { stats: s, recordings, roots, watching, jobs } = await getLibrary();
    foldersList.replaceChildren(...roots.map(folderView));
    foldersNote.textContent =
      roots.length === 0
        ? ''
        : watching
          ? 'Recordings copied into these folders, changed or deleted, are picked up while the server runs.'
          : 'Add a folder again to pick up recordings copied into it since.';
    for (const job of jobs) if (!FINISHED.includes(job.status)) void follow(job);
    const signature = `${s.recordings}/${s.indexed}/${s.segments}`;
    changedMeanwhile = lastSignature !== undefined && signature !== lastSignature;
    lastSignature = signature;
    recordingsList.replaceChildren(
      ...recordings.map((r) =>
        el(
          'li',
          { 'data-status': r.status },
          el('span', { class: 'recording-name' }, r.path),
          ' — ',
          r.status === 'indexed'
            ? `${formatTime(r.duration_s ?? 0)}, ${r.segments} segment${r.segments === 1 ? '' : 's'}${r.warning ? ` (${r.warning})` : ''}`
            : r.status === 'failed'
              ? `could not index: ${r.error ?? 'unknown reason'}`
              : 'waiting to be indexed',
        ),
      ),
    );
    stats.textContent = `${s.recordings} recording${s.recordings === 1 ? '' : 's'} · ${s.indexed} indexed · ${s.indexed_hours.toFixed(2)} h · ${s.segments} recognised segments` +
      (s.failed > 0 ? ` · ${s.failed} could not be read` : '') + (s.pending > 0 ? ` · ${s.pending} waiting` : '');
  } catch {
    stats.textContent = '';
    foldersList.replaceChildren();
    foldersNote.textContent = '';
  }
  if ((searchAgain || changedMeanwhile) && searchInput.value.trim() !== '') void runSearch(searchInput.value);
}

function jobView(job: Job): HTMLElement {
  const label = `${job.label}: ${job.done} of ${job.total} recordings` + (job.failed > 0 ? ` (${job.failed} failed)` : '');
  return el(
    'div',
    { class: 'job', 'data-status': job.status, 'data-job': job.id },
    el('label', { for: `job-${job.id}` }, label, ' — ', el('span', { class: 'job-status' }, job.status)),
    el('progress', { id: `job-${job.id}`, max: '1', value: String(job.progress) }),
    job.current && job.status === 'running' ? el('span', { class: 'muted small' }, job.current) : null,
  );
}

/** Jobs with a progress bar on the page: each is followed once. */
const followed = new Set<string>();

/** Follows a job until it finishes, redrawing its progress bar. */
async function follow(first: Job): Promise<void> {
  if (followed.has(first.id)) return;
  followed.add(first.id);
  let job = first;
  const slot = el('div');
  jobsBox.prepend(slot);
  for (;;) {
    slot.replaceChildren(jobView(job));
    if (FINISHED.includes(job.status)) break;
    await new Promise((r) => setTimeout(r, POLL_MS));
    try {
      job = await getJob(job.id);
    } catch {
      break;
    }
  }
  await refreshStats(true);
}

function reportAdded(r: AddResponse): void {
  const what =
    `${plural(r.found, 'audio file')} found, ${r.queued} to index` +
    (r.removed > 0 ? `, ${plural(r.removed, 'recording')} no longer on disk dropped` : '') +
    (r.truncated ? ' (the folder holds more; only the first part was taken)' : '');
  setStatus(status, what);
  if (r.job) void follow(r.job);
  else void refreshStats();
}

async function runAdd(action: () => Promise<AddResponse>): Promise<void> {
  setStatus(status, 'Adding…', 'busy');
  try {
    reportAdded(await action());
  } catch (err) {
    setStatus(status, err instanceof ApiError ? err.message : 'could not add the recordings', 'error');
  }
}

function hitView(hit: SearchHit): HTMLElement {
  const play = el('button', { type: 'button', class: 'play', 'aria-label': `Play ${hit.recording.name} from ${formatRange(hit.start_s, hit.end_s)}` }, '▶');
  play.addEventListener('click', () => {
    player.hidden = false;
    const src = new URL(hit.audio_url, location.href).href;
    if (player.src !== src) player.src = src;
    void playRange(player, hit.start_s, hit.end_s);
  });
  return el(
    'li',
    { class: 'hit' },
    play,
    el(
      'div',
      { class: 'hit-body' },
      el(
        'p',
        { class: 'hit-title' },
        el('strong', { class: 'ref' }, `${hit.verse.surah}:${hit.verse.ayah}`),
        ` ${hit.verse.surah_transliteration} · `,
        el('span', { class: 'time-range' }, formatRange(hit.start_s, hit.end_s)),
        ` · ${hit.recording.name}`,
      ),
      el('p', { class: 'arabic small-arabic', lang: 'ar', dir: 'rtl' }, hit.verse.text),
      el(
        'p',
        { class: 'muted small' },
        `Segment ${formatVerses(hit.verses)} · confidence ${percent(hit.confidence)} · score ${hit.score.toFixed(2)}`,
      ),
    ),
  );
}

function renderSearch(r: SearchResponse): void {
  const read = r.understood_as.length > 0 ? ` (read as ${r.understood_as.join(' + ')})` : '';
  if (r.results.length === 0) {
    const textSearch = r.understood_as.some((u) => !u.startsWith('verses'));
    const near = textSearch ? r.verses.slice(0, 3).map((v) => `${v.surah}:${v.ayah}`).join(', ') : '';
    summary.textContent = `Not found in the library${read}.` + (near ? ` Closest verses in the Quran: ${near}.` : '');
  } else {
    summary.textContent = `${r.results.length} place${r.results.length === 1 ? '' : 's'} in the library${read} · ${r.took_ms.toFixed(0)} ms`;
  }
  resultsList.replaceChildren(...r.results.map(hitView));
}

let inFlight: AbortController | undefined;

async function runSearch(q: string): Promise<void> {
  inFlight?.abort();
  if (q.trim() === '') {
    summary.textContent = '';
    resultsList.replaceChildren();
    return;
  }
  const controller = new AbortController();
  inFlight = controller;
  try {
    renderSearch(await search(q, controller.signal));
  } catch (err) {
    if (controller.signal.aborted) return;
    summary.textContent = err instanceof ApiError ? err.message : 'search failed';
    resultsList.replaceChildren();
  }
}

export function initLibraryPanel(): void {
  folderForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const path = folderInput.value.trim();
    if (path === '') {
      setStatus(status, 'Type the folder’s path on the server first.', 'error');
      folderInput.focus();
      return;
    }
    void runAdd(() => addFolder(path));
  });
  filesInput.addEventListener('change', () => {
    const files = [...(filesInput.files ?? [])];
    filesInput.value = '';
    if (files.length > 0) void runAdd(() => uploadToLibrary(files));
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  searchInput.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void runSearch(searchInput.value), SEARCH_DELAY_MS);
  });
  void refreshStats();
  setInterval(() => {
    if (!document.hidden && !panel.hidden) void refreshStats();
  }, BACKGROUND_POLL_MS);
}
