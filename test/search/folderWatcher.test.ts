import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { concernsLibrary, FolderWatcher } from '../../src/search/folderWatcher.js';
import { JobRunner } from '../../src/search/jobRunner.js';
import type { AddResult } from '../../src/search/library.js';
import { Library } from '../../src/search/library.js';
import { SqliteLibraryStore } from '../../src/search/sqliteStore.js';
import { TreeWatch } from '../../src/search/treeWatch.js';
import { speechLike, writeWav } from '../cli/wav.js';
import { TableRecogniser } from '../helpers/fakeRecogniser.js';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'ayat-watch-test-')));
after(() => rmSync(base, { recursive: true, force: true }));

const QUIET_MS = 150;
const clip = new Float32Array([...new Float32Array(4000), ...speechLike(1), ...new Float32Array(4000)]);

/** A library whose fake engine hears 112:<n> in a file named ikhlas-<n>.wav; `wired`: watching follows its folders. */
function setUp(wired = true) {
  const folder = join(base, `lib-${Math.random().toString(36).slice(2)}`);
  mkdirSync(folder);
  const store = new SqliteLibraryStore(':memory:');
  const recogniser = new TableRecogniser((label) => {
    if (label.endsWith('broken.wav')) return new Error('cannot decode this one');
    const n = /ikhlas-(\d)\.wav$/.exec(label)?.[1];
    return n ? [{ surah: 112, ayah: Number(n) }] : [];
  });
  const jobs = new JobRunner({ maxConcurrentJobs: 1, maxQueuedJobs: 16, onChange: (j) => store.saveJob(j) });
  const library = new Library({ store, recogniser, jobs });
  const rescans: { folder: string; result: AddResult }[] = [];
  const errors: string[] = [];
  const watcher = new FolderWatcher(library, {
    quietMs: QUIET_MS,
    onRescan: (f, result) => rescans.push({ folder: f, result }),
    onError: (f, message) => errors.push(`${f}: ${message}`),
  });
  if (wired) library.onRootsChanged(() => watcher.sync());
  return { folder, store, jobs, library, watcher, rescans, errors, recogniser };
}

/** Polls `check` until it holds; bounded, so a watcher that never fires fails the test. */
async function eventually(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const settle = () => new Promise((r) => setTimeout(r, QUIET_MS * 4));
const found = (library: Library, ref: string) => library.search(ref, 10).results.map((h) => basename(h.recording.path));

describe('folder watcher: the library follows its folders while the server runs', () => {
  it('indexes a recording copied in, also into a new subfolder, without adding the folder again', async () => {
    const { folder, library, jobs, watcher, rescans } = setUp();
    await library.addFolder(folder);
    writeWav(join(folder, 'ikhlas-1.wav'), clip);
    await eventually('112:1 indexed', () => found(library, '112:1').length === 1);
    mkdirSync(join(folder, 'juz 30', 'more'), { recursive: true });
    writeWav(join(folder, 'juz 30', 'more', 'ikhlas-2.wav'), clip);
    await eventually('112:2 indexed', () => found(library, '112:2').length === 1);
    await jobs.idle();
    assert.ok(rescans.every((r) => r.folder === folder));
    // Indexing reads the files and writes the database: neither may start another scan.
    const settled = rescans.length;
    await settle();
    await jobs.idle();
    assert.equal(rescans.length, settled, 'no scan after the library went quiet');
    await watcher.close();
  });

  it('drops a deleted recording and re-indexes a changed one', async () => {
    const { folder, library, jobs, watcher, store } = setUp();
    writeWav(join(folder, 'ikhlas-1.wav'), clip);
    writeWav(join(folder, 'ikhlas-3.wav'), clip);
    await library.addFolder(folder);
    await jobs.idle();
    assert.equal(found(library, '112:1').length, 1);
    unlinkSync(join(folder, 'ikhlas-1.wav'));
    await eventually('112:1 dropped', () => found(library, '112:1').length === 0);
    const before = store.recordings().find((r) => r.path.endsWith('ikhlas-3.wav'))!;
    writeWav(join(folder, 'ikhlas-3.wav'), speechLike(2));
    await eventually('changed file indexed again', () => {
      const now = store.recordings().find((r) => r.path.endsWith('ikhlas-3.wav'));
      return now !== undefined && now.sizeBytes !== before.sizeBytes && now.status === 'indexed';
    });
    await watcher.close();
  });

  it('tries a file that failed again only when it changes', async () => {
    const { folder, library, jobs, watcher, rescans, recogniser } = setUp();
    writeWav(join(folder, 'broken.wav'), clip);
    await library.addFolder(folder);
    await jobs.idle();
    const brokenCalls = () => recogniser.calls.filter((c) => c.label.endsWith('broken.wav')).length;
    const triedOnce = brokenCalls();
    assert.ok(triedOnce > 0);
    writeWav(join(folder, 'ikhlas-1.wav'), clip);
    await eventually('112:1 indexed', () => found(library, '112:1').length === 1);
    await jobs.idle();
    assert.deepEqual(rescans.map((r) => r.result.queuedIds.length), [1], 'only the new file');
    assert.equal(brokenCalls(), triedOnce);
    writeWav(join(folder, 'broken.wav'), speechLike(2));
    await eventually('the changed file tried again', () => brokenCalls() > triedOnce);
    await watcher.close();
  });

  it('ignores hidden and non-audio files, and a folder taken out of the library', async () => {
    const { folder, library, jobs, watcher, rescans, store } = setUp();
    await library.addFolder(folder);
    mkdirSync(join(folder, '.cache'));
    writeWav(join(folder, '.cache', 'ikhlas-1.wav'), clip);
    writeFileSync(join(folder, 'library.sqlite-wal'), 'database pages');
    writeFileSync(join(folder, 'notes.txt'), 'not audio');
    await settle();
    assert.deepEqual(rescans, [], 'no scan for changes the library does not hold');

    await library.removeFolder(folder);
    writeWav(join(folder, 'ikhlas-4.wav'), clip);
    await settle();
    await jobs.idle();
    assert.deepEqual(store.roots(), [], 'a removed folder is not added back');
    assert.deepEqual(store.recordings(), []);
    await watcher.close();
  });

  it('catches up at start with what changed while nothing watched', async () => {
    const { folder, library, jobs, watcher } = setUp(false);
    await library.addFolder(folder);
    await jobs.idle();
    writeWav(join(folder, 'ikhlas-2.wav'), clip);
    await settle();
    assert.deepEqual(found(library, '112:2'), [], 'nothing watches before sync()');
    watcher.sync();
    watcher.rescanAll();
    await eventually('112:2 indexed', () => found(library, '112:2').length === 1);
    await watcher.close();
  });

  it('scans the innermost library folder that holds the change', async () => {
    const { folder, library, watcher, rescans } = setUp();
    mkdirSync(join(folder, 'inner'));
    await library.addFolder(folder);
    await library.addFolder(join(folder, 'inner'));
    writeWav(join(folder, 'inner', 'ikhlas-3.wav'), clip);
    await eventually('112:3 indexed', () => found(library, '112:3').length === 1);
    assert.deepEqual([...new Set(rescans.map((r) => r.folder))], [join(folder, 'inner')]);
    await watcher.close();
  });

  it('keeps the recordings of a folder gone from disk (an unplugged drive) and says so', async () => {
    const { folder, library, jobs, watcher, errors, store } = setUp();
    writeWav(join(folder, 'ikhlas-1.wav'), clip);
    await library.addFolder(folder);
    await jobs.idle();
    watcher.rescanAll();
    rmSync(folder, { recursive: true });
    await eventually('an error reported', () => errors.length > 0);
    assert.match(errors[0]!, /no longer on disk; its recordings stay/);
    assert.equal(store.recordings().length, 1);
    assert.equal(found(library, '112:1').length, 1);
    await watcher.close();
  });
});

describe('tree watch: one watch per folder', () => {
  it('watches folders only (not files), leaves hidden folders and links out, and follows folders as they come and go', async () => {
    const root = join(base, `tree-${Math.random().toString(36).slice(2)}`);
    mkdirSync(join(root, 'a', 'b'), { recursive: true });
    mkdirSync(join(root, '.hidden'));
    for (let i = 0; i < 30; i++) writeFileSync(join(root, 'a', `${i}.mp3`), 'x');
    symlinkSync(join(root, 'a'), join(root, 'link'));
    const events: { path: string; folder: boolean }[] = [];
    const tree = TreeWatch.start(root, { maxDepth: 16, onChange: (path, folder) => events.push({ path, folder }), onError: () => {} });
    try {
      await eventually('the tree followed', () => tree.size === 3);
      await settle();
      assert.equal(tree.size, 3, 'root, a, a/b: no file, hidden folder or link');

      // A folder moved in, with a folder and a file inside: followed, and a change deep inside is heard.
      const outside = join(base, `moved-${Math.random().toString(36).slice(2)}`);
      mkdirSync(join(outside, 'deep'), { recursive: true });
      renameSync(outside, join(root, 'moved in'));
      await eventually('the moved folder followed', () => tree.size === 5);
      writeFileSync(join(root, 'moved in', 'deep', 'x.mp3'), 'x');
      await eventually('a file deep inside heard', () => events.some((e) => e.path === join(root, 'moved in', 'deep', 'x.mp3') && !e.folder));
      assert.ok(events.some((e) => e.path === join(root, 'moved in') && e.folder));

      // Moved out again: its watches go, and the change is reported as a folder's.
      renameSync(join(root, 'moved in'), outside);
      await eventually('the moved-out folder forgotten', () => tree.size === 3);
      assert.ok(events.some((e) => e.path === join(root, 'moved in') && e.folder && events.indexOf(e) > 0));
    } finally {
      tree.close();
    }
  });

  it('moving a folder of recordings in and out of a library folder indexes and drops them', async () => {
    const { folder, library, watcher } = setUp();
    await library.addFolder(folder);
    const outside = join(base, `juz-${Math.random().toString(36).slice(2)}`);
    mkdirSync(join(outside, 'sub'), { recursive: true });
    writeWav(join(outside, 'ikhlas-1.wav'), clip);
    writeWav(join(outside, 'sub', 'ikhlas-2.wav'), clip);
    renameSync(outside, join(folder, 'Sheikh A.B'));
    await eventually('both indexed', () => found(library, '112:1').length === 1 && found(library, '112:2').length === 1);
    renameSync(join(folder, 'Sheikh A.B'), outside);
    await eventually('both dropped', () => found(library, '112:1').length === 0 && found(library, '112:2').length === 0);
    await watcher.close();
  });
});

describe('which changes concern the library', () => {
  it('audio files and folders, not hidden names or other files', () => {
    assert.equal(concernsLibrary('a/b/001001.mp3', false), true);
    assert.equal(concernsLibrary('Recording.M4A', false), true);
    assert.equal(concernsLibrary('new folder', true), true);
    assert.equal(concernsLibrary('Sheikh A.B', true), true, 'a folder, whatever its name looks like');
    assert.equal(concernsLibrary('', true), true, 'the watched folder itself');
    assert.equal(concernsLibrary('.git/index', false), false);
    assert.equal(concernsLibrary('.cache', true), false);
    assert.equal(concernsLibrary('a/.partial.mp3', false), false);
    assert.equal(concernsLibrary('ayat.sqlite-wal', false), false);
    assert.equal(concernsLibrary('notes', false), false, 'a file without an extension');
  });
});
