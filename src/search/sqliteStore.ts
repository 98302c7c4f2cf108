import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { loadQuran, type VerseRef } from '../quran/corpus.js';
import { migrate } from './migrations.js';
import type { LibraryStore, RecordingFile } from './store.js';
import type {
  IndexedRecording,
  JobRecord,
  JobStatus,
  LibraryRoot,
  LibraryStats,
  Recording,
  RecordingStatus,
  SegmentHit,
  VerseScore,
} from './types.js';

interface RootRow {
  id: number;
  path: string;
  added_at: string;
}

interface RecordingRow {
  id: number;
  root_id: number;
  path: string;
  size_bytes: number;
  mtime_ms: number;
  status: RecordingStatus;
  error: string | null;
  warning: string | null;
  duration_s: number | null;
  indexed_at: string | null;
  segment_count: number;
}

interface HitRow {
  segment_id: number;
  recording_id: number;
  path: string;
  start_s: number;
  end_s: number;
  confidence: number;
  verses: string;
  verse_index: number;
  rank: number;
}

interface JobRow {
  id: string;
  label: string;
  status: JobStatus;
  total: number;
  done: number;
  failed: number;
  current: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
}

const RECORDING_COLUMNS = `r.id, r.root_id, r.path, r.size_bytes, r.mtime_ms, r.status, r.error, r.warning, r.duration_s, r.indexed_at,
  (SELECT COUNT(*) FROM segments s WHERE s.recording_id = r.id) AS segment_count`;

const now = (): string => new Date().toISOString();

function toRecording(row: RecordingRow): Recording {
  return {
    id: row.id,
    rootId: row.root_id,
    path: row.path,
    sizeBytes: row.size_bytes,
    mtimeMs: row.mtime_ms,
    status: row.status,
    error: row.error,
    warning: row.warning,
    durationS: row.duration_s,
    indexedAt: row.indexed_at,
    segmentCount: row.segment_count,
  };
}

function toJob(row: JobRow): JobRecord {
  return {
    id: row.id,
    label: row.label,
    status: row.status,
    total: row.total,
    done: row.done,
    failed: row.failed,
    current: row.current,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
  };
}

/** The embedded library store: one SQLite file (or ':memory:'), schema from migrations.ts. */
export class SqliteLibraryStore implements LibraryStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
  }

  addRoot(path: string): LibraryRoot {
    this.db.prepare('INSERT INTO roots (path, added_at) VALUES (?, ?) ON CONFLICT(path) DO NOTHING').run(path, now());
    const row = this.db.prepare('SELECT id, path, added_at FROM roots WHERE path = ?').get(path) as RootRow;
    return { id: row.id, path: row.path, addedAt: row.added_at };
  }

  roots(): LibraryRoot[] {
    const rows = this.db.prepare('SELECT id, path, added_at FROM roots ORDER BY path').all() as RootRow[];
    return rows.map((r) => ({ id: r.id, path: r.path, addedAt: r.added_at }));
  }

  deleteRoots(rootIds: readonly number[]): void {
    const del = this.db.prepare('DELETE FROM roots WHERE id = ?');
    this.db.transaction(() => rootIds.forEach((id) => del.run(id)))();
  }

  upsertRecording(file: RecordingFile): Recording {
    const mtimeMs = Math.round(file.mtimeMs);
    this.db.transaction(() => {
      const existing = this.db.prepare('SELECT id, size_bytes, mtime_ms FROM recordings WHERE path = ?').get(file.path) as
        | { id: number; size_bytes: number; mtime_ms: number }
        | undefined;
      if (!existing) {
        this.db
          .prepare(`INSERT INTO recordings (root_id, path, size_bytes, mtime_ms, status) VALUES (?, ?, ?, ?, 'pending')`)
          .run(file.rootId, file.path, file.sizeBytes, mtimeMs);
      } else if (existing.size_bytes !== file.sizeBytes || existing.mtime_ms !== mtimeMs) {
        this.db.prepare('DELETE FROM segments WHERE recording_id = ?').run(existing.id);
        this.db
          .prepare(
            `UPDATE recordings SET size_bytes = ?, mtime_ms = ?, status = 'pending', error = NULL, warning = NULL, duration_s = NULL, indexed_at = NULL WHERE id = ?`,
          )
          .run(file.sizeBytes, mtimeMs, existing.id);
      }
    })();
    const row = this.db.prepare(`SELECT ${RECORDING_COLUMNS} FROM recordings r WHERE r.path = ?`).get(file.path) as RecordingRow;
    return toRecording(row);
  }

  recording(id: number): Recording | undefined {
    const row = this.db.prepare(`SELECT ${RECORDING_COLUMNS} FROM recordings r WHERE r.id = ?`).get(id) as RecordingRow | undefined;
    return row && toRecording(row);
  }

  recordings(options: { rootId?: number; limit?: number; offset?: number } = {}): Recording[] {
    const limit = options.limit ?? -1;
    const offset = options.offset ?? 0;
    const rows = (
      options.rootId === undefined
        ? this.db.prepare(`SELECT ${RECORDING_COLUMNS} FROM recordings r ORDER BY r.path LIMIT ? OFFSET ?`).all(limit, offset)
        : this.db
            .prepare(`SELECT ${RECORDING_COLUMNS} FROM recordings r WHERE r.root_id = ? ORDER BY r.path LIMIT ? OFFSET ?`)
            .all(options.rootId, limit, offset)
    ) as RecordingRow[];
    return rows.map(toRecording);
  }

  pendingRecordings(): Recording[] {
    const rows = this.db.prepare(`SELECT ${RECORDING_COLUMNS} FROM recordings r WHERE r.status = 'pending' ORDER BY r.id`).all() as RecordingRow[];
    return rows.map(toRecording);
  }

  saveIndexed(recordingId: number, indexed: IndexedRecording): void {
    const quran = loadQuran();
    const verseIndex = (ref: VerseRef): number => {
      const verse = quran.find(ref);
      if (!verse) throw new RangeError(`no verse ${ref.surah}:${ref.ayah}`);
      return verse.index;
    };
    const insertSegment = this.db.prepare('INSERT INTO segments (recording_id, start_s, end_s, confidence, verses) VALUES (?, ?, ?, ?, ?)');
    const insertVerse = this.db.prepare('INSERT OR IGNORE INTO segment_verses (verse_index, segment_id) VALUES (?, ?)');
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM segments WHERE recording_id = ?').run(recordingId);
      for (const s of indexed.segments) {
        const verses = s.verses.map((v) => ({ surah: v.surah, ayah: v.ayah }));
        const { lastInsertRowid } = insertSegment.run(recordingId, s.startS, s.endS, s.confidence, JSON.stringify(verses));
        for (const v of verses) insertVerse.run(verseIndex(v), lastInsertRowid);
      }
      this.db
        .prepare(`UPDATE recordings SET status = 'indexed', error = NULL, warning = ?, duration_s = ?, indexed_at = ? WHERE id = ?`)
        .run(indexed.warning ?? null, indexed.durationS, now(), recordingId);
    })();
  }

  markFailed(recordingId: number, error: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM segments WHERE recording_id = ?').run(recordingId);
      this.db.prepare(`UPDATE recordings SET status = 'failed', error = ?, warning = NULL, indexed_at = ? WHERE id = ?`).run(error, now(), recordingId);
    })();
  }

  deleteRecordings(recordingIds: readonly number[]): number {
    const del = this.db.prepare('DELETE FROM recordings WHERE id = ?');
    return this.db.transaction(() => recordingIds.reduce((n, id) => n + del.run(id).changes, 0))();
  }

  moveRecordings(recordingIds: readonly number[], rootId: number): void {
    const move = this.db.prepare('UPDATE recordings SET root_id = ? WHERE id = ?');
    this.db.transaction(() => recordingIds.forEach((id) => move.run(rootId, id)))();
  }

  findSegments(verses: readonly VerseScore[], limit: number): SegmentHit[] {
    if (verses.length === 0 || limit <= 0) return [];
    // SQLite returns the other columns of the row that gave MAX(): the segment's best verse.
    const rows = this.db
      .prepare(
        `WITH q(verse_index, score) AS (
           SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?)
         )
         SELECT s.id AS segment_id, r.id AS recording_id, r.path, s.start_s, s.end_s, s.confidence, s.verses,
                sv.verse_index, MAX(q.score * s.confidence) AS rank
         FROM q
         JOIN segment_verses sv ON sv.verse_index = q.verse_index
         JOIN segments s ON s.id = sv.segment_id
         JOIN recordings r ON r.id = s.recording_id
         GROUP BY s.id
         ORDER BY rank DESC, r.path, s.start_s
         LIMIT ?`,
      )
      .all(JSON.stringify(verses.map((v) => [v.verseIndex, v.score])), limit) as HitRow[];
    return rows.map((row) => ({
      segmentId: row.segment_id,
      recording: { id: row.recording_id, path: row.path },
      startS: row.start_s,
      endS: row.end_s,
      verses: JSON.parse(row.verses) as VerseRef[],
      confidence: row.confidence,
      matchedVerseIndex: row.verse_index,
      score: row.rank,
    }));
  }

  saveJob(job: JobRecord): void {
    this.db
      .prepare(
        `INSERT INTO jobs (id, label, status, total, done, failed, current, created_at, started_at, finished_at, error)
         VALUES (@id, @label, @status, @total, @done, @failed, @current, @createdAt, @startedAt, @finishedAt, @error)
         ON CONFLICT(id) DO UPDATE SET label = excluded.label, status = excluded.status, total = excluded.total,
           done = excluded.done, failed = excluded.failed, current = excluded.current, started_at = excluded.started_at,
           finished_at = excluded.finished_at, error = excluded.error`,
      )
      .run(job);
  }

  job(id: string): JobRecord | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row && toJob(row);
  }

  jobs(limit: number): JobRecord[] {
    const rows = this.db.prepare('SELECT * FROM jobs ORDER BY created_at DESC, id DESC LIMIT ?').all(limit) as JobRow[];
    return rows.map(toJob);
  }

  interruptUnfinishedJobs(): number {
    return this.db
      .prepare(`UPDATE jobs SET status = 'interrupted', current = NULL, finished_at = ? WHERE status IN ('queued', 'running')`)
      .run(now()).changes;
  }

  stats(): LibraryStats {
    const row = this.db
      .prepare(
        `SELECT
           (SELECT COUNT(*) FROM roots) AS roots,
           COUNT(*) AS recordings,
           COALESCE(SUM(status = 'indexed'), 0) AS indexed,
           COALESCE(SUM(status = 'pending'), 0) AS pending,
           COALESCE(SUM(status = 'failed'), 0) AS failed,
           (SELECT COUNT(*) FROM segments) AS segments,
           COALESCE(SUM(CASE WHEN status = 'indexed' THEN duration_s END), 0) AS indexed_seconds
         FROM recordings`,
      )
      .get() as { roots: number; recordings: number; indexed: number; pending: number; failed: number; segments: number; indexed_seconds: number };
    return {
      roots: row.roots,
      recordings: row.recordings,
      indexed: row.indexed,
      pending: row.pending,
      failed: row.failed,
      segments: row.segments,
      indexedSeconds: row.indexed_seconds,
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
