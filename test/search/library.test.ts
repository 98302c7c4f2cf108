import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { JobRunner } from '../../src/search/jobRunner.js';
import { Library, LibraryError } from '../../src/search/library.js';
import { scanAudioFiles } from '../../src/search/scanFolder.js';
import { SqliteLibraryStore } from '../../src/search/sqliteStore.js';
import { speechLike, writeWav } from '../cli/wav.js';
import { TableRecogniser } from '../helpers/fakeRecogniser.js';

const base = mkdtempSync(join(tmpdir(), 'ayat-library-test-'));
after(() => rmSync(base, { recursive: true, force: true }));

function makeFolder(): { root: string; outside: string } {
  const root = join(base, `lib-${Math.random().toString(36).slice(2)}`);
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(join(root, '.hidden'), { recursive: true });
  const clip = new Float32Array([...new Float32Array(8000), ...speechLike(2), ...new Float32Array(8000)]);
  writeWav(join(root, 'ikhlas.wav'), clip);
  writeWav(join(root, 'sub', 'fatiha.wav'), clip);
  writeWav(join(root, 'sub', 'broken.wav'), clip);
  writeWav(join(root, '.hidden', 'secret.wav'), clip);
  writeFileSync(join(root, 'notes.txt'), 'not audio');
  const outside = join(base, `outside-${basename(root)}.wav`);
  writeWav(outside, clip);
  symlinkSync(outside, join(root, 'link-outside.wav'));
  return { root, outside };
}

function makeLibrary() {
  const store = new SqliteLibraryStore(':memory:');
  const recogniser = new TableRecogniser((label) => {
    if (label.endsWith('ikhlas.wav')) return [{ surah: 112, ayah: 1 }];
    if (label.endsWith('fatiha.wav')) return [{ surah: 1, ayah: 1 }, { surah: 1, ayah: 2 }];
    return new Error('cannot decode this one');
  });
  const jobs = new JobRunner({ maxConcurrentJobs: 1, maxQueuedJobs: 4, onChange: (j) => store.saveJob(j) });
  const library = new Library({ store, recogniser, jobs });
  return { store, recogniser, jobs, library };
}

describe('library: folders, indexing and search (engine faked)', () => {
  it('scans audio files only, skipping hidden folders and links leading outside', async () => {
    const { root } = makeFolder();
    const { files } = await scanAudioFiles(root);
    assert.deepEqual(files.map((f) => f.path.slice(root.length + 1)), ['ikhlas.wav', 'sub/broken.wav', 'sub/fatiha.wav']);
    const limited = await scanAudioFiles(root, { maxFiles: 1, maxDepth: 8 });
    assert.equal(limited.files.length, 1);
    assert.equal(limited.truncated, true);
  });

  it('indexes a folder in the background and finds verses by reference, name and text', async () => {
    const { root } = makeFolder();
    const { library, jobs, store } = makeLibrary();
    const added = await library.addFolder(root);
    assert.equal(added.found, 3);
    assert.equal(added.queuedIds.length, 3);
    assert.ok(added.job);
    await jobs.idle();
    const job = store.job(added.job.id)!;
    assert.deepEqual([job.status, job.done, job.failed], ['done', 3, 1]);
    const broken = store.recordings().find((r) => r.path.endsWith('broken.wav'))!;
    assert.equal(broken.status, 'failed');
    assert.equal(broken.error, 'cannot decode this one');

    const byRef = library.search('112:1', 10);
    assert.equal(byRef.results.length, 1);
    const hit = byRef.results[0]!;
    assert.equal(hit.recording.name, 'ikhlas.wav');
    assert.deepEqual(hit.verses, [{ surah: 112, ayah: 1 }]);
    assert.equal(hit.verse.surah_transliteration, 'Al-Ikhlas');
    assert.ok(hit.start_s >= 0.2 && hit.end_s <= 3.1 && hit.end_s > hit.start_s, `${hit.start_s}-${hit.end_s}`);
    assert.equal(hit.audio_url, `/recordings/${hit.recording.id}/audio`);

    assert.equal(library.search('الفاتحة', 10).results[0]?.recording.name, join('sub', 'fatiha.wav'));
    assert.equal(library.search('بسم الله الرحمن الرحيم', 10).results[0]?.verse.ayah, 1);
    assert.equal(library.search('praise lord worlds', 10).results[0]?.verse.ayah, 2);
    assert.deepEqual(library.search('114:1', 10).results, [], 'a verse no recording holds');
    assert.deepEqual(library.search('112:1', 10).understood_as, ['verses 112:1']);
  });

  it('adding the same folder again queues only new or changed files', async () => {
    const { root } = makeFolder();
    const { library, jobs } = makeLibrary();
    await library.addFolder(root);
    await jobs.idle();
    const again = await library.addFolder(root);
    assert.equal(again.queuedIds.length, 1, 'only the file that failed is tried again');
    await jobs.idle();
    writeWav(join(root, 'ikhlas.wav'), speechLike(3));
    const changed = await library.addFolder(root);
    assert.equal(changed.queuedIds.length, 2);
  });

  it('a file cut off is indexed from what it holds, with a warning; indexed whole again, the warning goes', async () => {
    const { root } = makeFolder();
    const { library, jobs, store } = makeLibrary();
    const path = join(root, 'ikhlas.wav');
    const whole = readFileSync(path);
    writeFileSync(path, whole.subarray(0, Math.floor(whole.length * 0.75)));
    await library.addFolder(root);
    await jobs.idle();
    const cut = store.recordings().find((r) => r.path === path)!;
    assert.equal(cut.status, 'indexed');
    assert.match(cut.warning ?? '', /^the file is cut off: only the 2\.[23] s it holds were heard$/, 'three quarters of 3 s');
    assert.equal(library.search('112:1', 10).results.length, 1, 'what it holds is searchable');
    assert.equal(store.recordings().find((r) => r.path.endsWith('fatiha.wav'))!.warning, null);
    writeFileSync(path, whole);
    utimesSync(path, new Date(), new Date(Date.now() + 5_000));
    assert.equal((await library.addFolder(root)).queuedIds.length, 2, 'the changed file and the broken one');
    await jobs.idle();
    assert.equal(store.recordings().find((r) => r.path === path)!.warning, null);
  });

  it('refuses folders that are missing, files, or outside the allowed ones', async () => {
    const { root, outside } = makeFolder();
    const { store, recogniser, jobs } = makeLibrary();
    const library = new Library({ store, recogniser, jobs, allowedFolders: [join(root, 'sub')] });
    await assert.rejects(library.addFolder(join(root, 'nope')), (e: unknown) => e instanceof LibraryError && e.code === 'not_found');
    await assert.rejects(library.addFolder(outside), (e: unknown) => e instanceof LibraryError && e.code === 'not_a_folder');
    await assert.rejects(library.addFolder(root), (e: unknown) => e instanceof LibraryError && e.code === 'outside_library');
    assert.equal((await library.addFolder(join(root, 'sub'))).found, 2);
  });

  it('serves a recording only while its file resolves inside a root', async () => {
    const { root, outside } = makeFolder();
    const { library, jobs, store } = makeLibrary();
    await library.addFolder(root);
    await jobs.idle();
    const rec = store.recordings().find((r) => r.path.endsWith('ikhlas.wav'))!;
    assert.equal((await library.mediaFile(rec.id)).path, rec.path);
    unlinkSync(rec.path);
    symlinkSync(outside, rec.path);
    await assert.rejects(library.mediaFile(rec.id), (e: unknown) => e instanceof LibraryError && e.code === 'outside_library');
    await assert.rejects(library.mediaFile(9999), (e: unknown) => e instanceof LibraryError && e.code === 'not_found');
  });
});

describe('library: files deleted, folders removed (engine faked)', () => {
  it('adding a folder again drops the recordings whose files were deleted, and only those', async () => {
    const { root } = makeFolder();
    const { library, jobs, store } = makeLibrary();
    await library.addFolder(root);
    await jobs.idle();
    assert.equal(library.search('112:1', 10).results.length, 1);
    unlinkSync(join(root, 'ikhlas.wav'));
    const again = await library.addFolder(root);
    assert.equal(again.removed, 1);
    assert.deepEqual(library.search('112:1', 10).results, [], 'the deleted recording is no longer found');
    assert.deepEqual(store.recordings().map((r) => basename(r.path)).sort(), ['broken.wav', 'fatiha.wav']);
    // A file the scan leaves out (limit reached) but still on disk stays in the library.
    const limited = new Library({ store, recogniser: new TableRecogniser(() => []), jobs, scanLimits: { maxFiles: 1, maxDepth: 8 } });
    const partial = await limited.addFolder(root);
    assert.equal(partial.truncated, true);
    assert.equal(partial.removed, 0);
    assert.equal(store.recordings().length, 2);
  });

  it('removing a folder takes its recordings and the folders inside it out of search; files stay', async () => {
    const { root } = makeFolder();
    const { library, jobs, store } = makeLibrary();
    await library.addFolder(join(root, 'sub'));
    await library.addFolder(root);
    await jobs.idle();
    assert.equal(store.roots().length, 2);
    const sub = store.roots().find((r) => r.path.endsWith('sub'))!;

    // The inner folder goes, but its recordings lie inside the outer root too: they stay, now the outer root's.
    const inner = library.removeRoot(sub);
    assert.deepEqual([inner.roots.map((r) => r.id), inner.removed, inner.kept], [[sub.id], 0, 2]);
    assert.equal(library.search('1:1', 10).results.length, 1);
    assert.ok(store.recordings().every((r) => r.rootId === store.roots()[0]!.id));

    const outer = await library.removeFolder(root);
    assert.deepEqual([outer.roots.length, outer.removed, outer.kept], [1, 3, 0]);
    assert.deepEqual(store.roots(), []);
    assert.deepEqual(store.recordings(), []);
    assert.equal(store.stats().segments, 0);
    assert.deepEqual(library.search('112:1', 10).results, []);
    assert.ok(existsSync(join(root, 'ikhlas.wav')), 'the files are not touched');
    await assert.rejects(library.removeFolder(root), (e: unknown) => e instanceof LibraryError && e.code === 'not_found' && /not a library folder/.test(e.message));
  });

  it('a recording removed while queued is skipped, not failed', async () => {
    const { root } = makeFolder();
    const { library, jobs, store } = makeLibrary();
    const added = await library.addFolder(root);
    await library.removeFolder(root);
    await jobs.idle();
    const job = store.job(added.job!.id)!;
    assert.deepEqual([job.status, job.failed], ['done', 0]);
    assert.deepEqual(store.recordings(), []);
  });
});
