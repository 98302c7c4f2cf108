import type {
  IndexedRecording,
  JobRecord,
  LibraryRoot,
  LibraryStats,
  Recording,
  SegmentHit,
  VerseScore,
} from './types.js';

export interface RecordingFile {
  readonly rootId: number;
  readonly path: string;
  readonly sizeBytes: number;
  readonly mtimeMs: number;
}

/**
 * Everything the library keeps. The embedded default is SQLite (sqliteStore.ts);
 * a server database can replace it by implementing this interface. Methods are
 * synchronous because the embedded store is; a networked one would wrap them.
 */
export interface LibraryStore {
  /** Adds a root, or returns the existing one with that path. */
  addRoot(path: string): LibraryRoot;
  roots(): LibraryRoot[];
  /** Deletes roots with every recording still theirs (and its segments). */
  deleteRoots(rootIds: readonly number[]): void;
  /**
   * Adds a recording as pending, or returns the stored one; a stored recording
   * whose size or modification time changed is reset to pending, its segments dropped.
   */
  upsertRecording(file: RecordingFile): Recording;
  recording(id: number): Recording | undefined;
  recordings(options?: { rootId?: number; limit?: number; offset?: number }): Recording[];
  /** Recordings still to index, oldest first. */
  pendingRecordings(): Recording[];
  /** Replaces the recording's segments and marks it indexed, in one transaction. */
  saveIndexed(recordingId: number, indexed: IndexedRecording): void;
  markFailed(recordingId: number, error: string): void;
  /** Deletes recordings and their segments; returns how many there were. */
  deleteRecordings(recordingIds: readonly number[]): number;
  /** Hands recordings to another root (theirs is going away, and they also lie inside this one). */
  moveRecordings(recordingIds: readonly number[], rootId: number): void;
  /** Segments holding any of the verses, best `verse score × confidence` first, one hit per segment. */
  findSegments(verses: readonly VerseScore[], limit: number): SegmentHit[];
  saveJob(job: JobRecord): void;
  job(id: string): JobRecord | undefined;
  jobs(limit: number): JobRecord[];
  /** Marks jobs left queued or running by a previous process as interrupted; returns how many. */
  interruptUnfinishedJobs(): number;
  stats(): LibraryStats;
  close(): void;
}
