import type { VerseRef } from '../quran/corpus.js';

/** A folder whose audio files belong to the library; the server serves files only from inside these. */
export interface LibraryRoot {
  readonly id: number;
  /** Absolute, symlink-free path. */
  readonly path: string;
  readonly addedAt: string;
}

export type RecordingStatus = 'pending' | 'indexed' | 'failed';

export interface Recording {
  readonly id: number;
  readonly rootId: number;
  /** Absolute, symlink-free path, inside its root. */
  readonly path: string;
  readonly sizeBytes: number;
  readonly mtimeMs: number;
  readonly status: RecordingStatus;
  /** One-line reason, only when status is failed. */
  readonly error: string | null;
  /** One line on what was indexed, only when status is indexed: the file was cut off. */
  readonly warning: string | null;
  readonly durationS: number | null;
  readonly indexedAt: string | null;
  readonly segmentCount: number;
}

/** A stretch of a recording recognised as one verse or a run of verses. */
export interface Segment {
  readonly startS: number;
  readonly endS: number;
  /** In recited order; never empty. */
  readonly verses: readonly VerseRef[];
  /** Calibrated probability (0..1) that `verses` is right. */
  readonly confidence: number;
}

export interface IndexedRecording {
  readonly durationS: number;
  readonly segments: readonly Segment[];
  /** One line on the input: the file was cut off, and what it holds was indexed. */
  readonly warning?: string;
}

/** How well one verse answers a query, 0..1. */
export interface VerseScore {
  /** 0-based position in the whole Quran (Verse.index). */
  readonly verseIndex: number;
  readonly score: number;
}

export interface SegmentHit {
  readonly segmentId: number;
  readonly recording: { readonly id: number; readonly path: string };
  readonly startS: number;
  readonly endS: number;
  readonly verses: readonly VerseRef[];
  readonly confidence: number;
  /** The query's best verse within this segment. */
  readonly matchedVerseIndex: number;
  /** The verse's match score times the segment's confidence. */
  readonly score: number;
}

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'interrupted';

/** An indexing job's progress, as GET /jobs/:id shows it. */
export interface JobRecord {
  readonly id: string;
  readonly label: string;
  readonly status: JobStatus;
  /** Recordings to process. */
  readonly total: number;
  /** Recordings finished (indexed or failed). */
  readonly done: number;
  readonly failed: number;
  /** The recording being processed now, if any. */
  readonly current: string | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly error: string | null;
}

export interface LibraryStats {
  readonly roots: number;
  readonly recordings: number;
  readonly indexed: number;
  readonly pending: number;
  readonly failed: number;
  readonly segments: number;
  /** Total duration of the indexed recordings. */
  readonly indexedSeconds: number;
}
