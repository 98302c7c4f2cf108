import type { Database } from 'better-sqlite3';

export interface Migration {
  /** Schema version after this migration; versions run 1, 2, 3… with no gaps. */
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * The library schema, one entry per change. Never edit a released entry: add a
 * new one. PRAGMA user_version holds the version a database is at.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'roots, recordings, segments and the verse index',
    sql: `
      CREATE TABLE roots (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        added_at TEXT NOT NULL
      );
      CREATE TABLE recordings (
        id INTEGER PRIMARY KEY,
        root_id INTEGER NOT NULL REFERENCES roots(id) ON DELETE CASCADE,
        path TEXT NOT NULL UNIQUE,
        size_bytes INTEGER NOT NULL,
        mtime_ms INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'indexed', 'failed')),
        error TEXT,
        duration_s REAL,
        indexed_at TEXT
      );
      CREATE INDEX recordings_status ON recordings(status, id);
      CREATE TABLE segments (
        id INTEGER PRIMARY KEY,
        recording_id INTEGER NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
        start_s REAL NOT NULL,
        end_s REAL NOT NULL,
        confidence REAL NOT NULL,
        verses TEXT NOT NULL
      );
      CREATE INDEX segments_recording ON segments(recording_id, start_s);
      CREATE TABLE segment_verses (
        verse_index INTEGER NOT NULL,
        segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
        PRIMARY KEY (verse_index, segment_id)
      ) WITHOUT ROWID;
      CREATE INDEX segment_verses_segment ON segment_verses(segment_id);
    `,
  },
  {
    version: 2,
    name: 'indexing jobs, so their progress outlives a restart',
    sql: `
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        label TEXT NOT NULL,
        status TEXT NOT NULL,
        total INTEGER NOT NULL,
        done INTEGER NOT NULL,
        failed INTEGER NOT NULL,
        current TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        error TEXT
      );
      CREATE INDEX jobs_created ON jobs(created_at);
    `,
  },
  {
    version: 3,
    name: 'a warning on a recording indexed from a file cut off',
    sql: `ALTER TABLE recordings ADD COLUMN warning TEXT;`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Brings the database up to SCHEMA_VERSION, each migration in its own transaction. */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  if (current > latest) {
    throw new Error(`the library database is at schema version ${current}, newer than this ayat understands (${latest}); upgrade ayat`);
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return latest;
}
