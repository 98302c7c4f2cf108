import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { loadQuran } from '../../src/quran/corpus.js';
import { migrate, MIGRATIONS, SCHEMA_VERSION } from '../../src/search/migrations.js';
import { SqliteLibraryStore } from '../../src/search/sqliteStore.js';
import type { JobRecord } from '../../src/search/types.js';

const dir = mkdtempSync(join(tmpdir(), 'ayat-store-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const quran = loadQuran();
const indexOf = (surah: number, ayah: number): number => quran.get({ surah, ayah }).index;

const job = (id: string, status: JobRecord['status']): JobRecord => ({
  id,
  label: 'index',
  status,
  total: 2,
  done: 1,
  failed: 0,
  current: 'a.wav',
  createdAt: new Date().toISOString(),
  startedAt: null,
  finishedAt: null,
  error: null,
});

describe('SQLite library store', () => {
  it('migrates a new database to the latest version, one step per migration', () => {
    const db = new Database(':memory:');
    assert.equal(migrate(db, MIGRATIONS.slice(0, 1)), 1);
    assert.equal(db.pragma('user_version', { simple: true }), 1);
    assert.equal(migrate(db), SCHEMA_VERSION);
    assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    assert.equal(migrate(db), SCHEMA_VERSION, 'running again changes nothing');
    db.close();
  });

  it('refuses a database from a newer ayat', () => {
    const file = join(dir, 'future.sqlite');
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    assert.throws(() => new SqliteLibraryStore(file), /newer than this ayat understands/);
  });

  it('keeps roots, recordings, segments and jobs across a reopen', () => {
    const file = join(dir, 'persist.sqlite');
    const first = new SqliteLibraryStore(file);
    const root = first.addRoot('/music');
    assert.equal(first.addRoot('/music').id, root.id, 'adding a root twice returns the same root');
    const rec = first.upsertRecording({ rootId: root.id, path: '/music/a.mp3', sizeBytes: 100, mtimeMs: 5 });
    assert.equal(rec.status, 'pending');
    first.saveIndexed(rec.id, {
      durationS: 60,
      segments: [
        { startS: 1, endS: 9.5, verses: [{ surah: 112, ayah: 1 }, { surah: 112, ayah: 2 }], confidence: 0.9 },
        { startS: 10, endS: 20, verses: [{ surah: 112, ayah: 3 }], confidence: 0.5 },
      ],
    });
    first.saveJob(job('j1', 'done'));
    first.close();

    const second = new SqliteLibraryStore(file);
    assert.deepEqual(second.roots().map((r) => r.path), ['/music']);
    const again = second.recording(rec.id)!;
    assert.equal(again.status, 'indexed');
    assert.equal(again.durationS, 60);
    assert.equal(again.segmentCount, 2);
    const hits = second.findSegments([{ verseIndex: indexOf(112, 2), score: 1 }], 10);
    assert.equal(hits.length, 1);
    assert.deepEqual(hits[0]!.verses, [{ surah: 112, ayah: 1 }, { surah: 112, ayah: 2 }]);
    assert.equal(hits[0]!.startS, 1);
    assert.equal(hits[0]!.endS, 9.5);
    assert.equal(second.job('j1')?.status, 'done');
    const stats = second.stats();
    assert.deepEqual({ ...stats }, { roots: 1, recordings: 1, indexed: 1, pending: 0, failed: 0, segments: 2, indexedSeconds: 60 });
    second.close();
  });

  it('resets a recording whose file changed, and leaves an unchanged one alone', () => {
    const store = new SqliteLibraryStore(':memory:');
    const root = store.addRoot('/r');
    const rec = store.upsertRecording({ rootId: root.id, path: '/r/x.wav', sizeBytes: 10, mtimeMs: 1 });
    store.saveIndexed(rec.id, { durationS: 5, segments: [{ startS: 0, endS: 5, verses: [{ surah: 1, ayah: 1 }], confidence: 1 }] });
    assert.equal(store.upsertRecording({ rootId: root.id, path: '/r/x.wav', sizeBytes: 10, mtimeMs: 1 }).status, 'indexed');
    const changed = store.upsertRecording({ rootId: root.id, path: '/r/x.wav', sizeBytes: 11, mtimeMs: 2 });
    assert.equal(changed.status, 'pending');
    assert.equal(changed.segmentCount, 0);
    assert.deepEqual(store.pendingRecordings().map((r) => r.id), [rec.id]);
    store.markFailed(rec.id, 'cannot read it');
    assert.equal(store.recording(rec.id)?.error, 'cannot read it');
    store.close();
  });

  it('ranks hits by verse score times confidence, one per segment', () => {
    const store = new SqliteLibraryStore(':memory:');
    const root = store.addRoot('/r');
    const a = store.upsertRecording({ rootId: root.id, path: '/r/a.wav', sizeBytes: 1, mtimeMs: 1 });
    const b = store.upsertRecording({ rootId: root.id, path: '/r/b.wav', sizeBytes: 1, mtimeMs: 1 });
    store.saveIndexed(a.id, {
      durationS: 100,
      segments: [
        { startS: 0, endS: 10, verses: [{ surah: 1, ayah: 1 }, { surah: 1, ayah: 2 }], confidence: 0.6 },
        { startS: 30, endS: 40, verses: [{ surah: 2, ayah: 255 }], confidence: 0.9 },
      ],
    });
    store.saveIndexed(b.id, { durationS: 50, segments: [{ startS: 5, endS: 15, verses: [{ surah: 1, ayah: 2 }], confidence: 0.95 }] });
    const hits = store.findSegments(
      [
        { verseIndex: indexOf(1, 1), score: 1 },
        { verseIndex: indexOf(1, 2), score: 0.5 },
      ],
      10,
    );
    assert.deepEqual(
      hits.map((h) => [h.recording.path, h.startS, Math.round(h.score * 1000) / 1000, h.matchedVerseIndex]),
      [
        ['/r/a.wav', 0, 0.6, indexOf(1, 1)],
        ['/r/b.wav', 5, 0.475, indexOf(1, 2)],
      ],
    );
    assert.equal(store.findSegments([{ verseIndex: indexOf(1, 1), score: 1 }], 0).length, 0);
    assert.equal(store.findSegments([], 10).length, 0);
    store.close();
  });

  it('marks jobs a previous process left unfinished as interrupted', () => {
    const store = new SqliteLibraryStore(':memory:');
    store.saveJob(job('a', 'running'));
    store.saveJob(job('b', 'queued'));
    store.saveJob(job('c', 'done'));
    assert.equal(store.interruptUnfinishedJobs(), 2);
    assert.deepEqual(store.jobs(10).map((j) => [j.id, j.status]).sort(), [['a', 'interrupted'], ['b', 'interrupted'], ['c', 'done']]);
    store.close();
  });
});
