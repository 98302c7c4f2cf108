import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { JobRunner } from './jobRunner.js';
import { Library } from './library.js';
import type { SegmentingOptions, SegmentRecogniser } from './segmentRecording.js';
import { SqliteLibraryStore } from './sqliteStore.js';
import type { JobRecord } from './types.js';

export const DATA_ENV_VAR = 'AYAT_DATA';

/** $AYAT_DATA, else the XDG data folder: where `ayat serve` and `ayat library` keep the library. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[DATA_ENV_VAR];
  if (fromEnv) return resolve(fromEnv);
  const base = env['XDG_DATA_HOME'] || join(homedir(), '.local', 'share');
  return join(base, 'ayat');
}

export const libraryDatabasePath = (dataDir: string): string => join(dataDir, 'library.sqlite');

export interface OpenLibraryOptions {
  readonly recogniser: SegmentRecogniser;
  readonly maxConcurrentJobs: number;
  readonly maxQueuedJobs: number;
  readonly segmenting?: SegmentingOptions;
  readonly allowedFolders?: readonly string[];
  /** Each change of an indexing job, after it is saved. */
  readonly onJobChange?: (job: JobRecord) => void;
}

export interface OpenedLibrary {
  readonly store: SqliteLibraryStore;
  readonly jobs: JobRunner;
  readonly library: Library;
}

/** The library kept in `dataDir` (created if missing), its jobs saved to it as they change. */
export function openLibrary(dataDir: string, options: OpenLibraryOptions): OpenedLibrary {
  mkdirSync(dataDir, { recursive: true });
  const store = new SqliteLibraryStore(libraryDatabasePath(dataDir));
  const jobs = new JobRunner({
    maxConcurrentJobs: options.maxConcurrentJobs,
    maxQueuedJobs: options.maxQueuedJobs,
    onChange: (job) => {
      store.saveJob(job);
      options.onJobChange?.(job);
    },
  });
  const library = new Library({
    store,
    recogniser: options.recogniser,
    jobs,
    segmenting: options.segmenting,
    allowedFolders: options.allowedFolders,
  });
  return { store, jobs, library };
}
