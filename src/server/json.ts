import { basename } from 'node:path';
import type { JobRecord, LibraryRoot, LibraryStats, Recording } from '../search/types.js';
import type { RemoveResult } from '../search/library.js';

/** The API speaks snake_case, like `ayat identify --json`. */

export const rootJson = (r: LibraryRoot) => ({ id: r.id, path: r.path, added_at: r.addedAt });

export const removeResultJson = (r: RemoveResult) => ({ roots: r.roots.map(rootJson), removed: r.removed, kept: r.kept });

export const recordingJson = (r: Recording) => ({
  id: r.id,
  root_id: r.rootId,
  name: basename(r.path),
  path: r.path,
  size_bytes: r.sizeBytes,
  status: r.status,
  error: r.error,
  warning: r.warning,
  duration_s: r.durationS,
  indexed_at: r.indexedAt,
  segments: r.segmentCount,
  audio_url: `/recordings/${r.id}/audio`,
});

export const jobJson = (j: JobRecord) => ({
  id: j.id,
  label: j.label,
  status: j.status,
  total: j.total,
  done: j.done,
  failed: j.failed,
  current: j.current,
  progress: j.total === 0 ? 1 : Math.round((j.done / j.total) * 1000) / 1000,
  created_at: j.createdAt,
  started_at: j.startedAt,
  finished_at: j.finishedAt,
  error: j.error,
});

export const statsJson = (s: LibraryStats) => ({
  roots: s.roots,
  recordings: s.recordings,
  indexed: s.indexed,
  pending: s.pending,
  failed: s.failed,
  segments: s.segments,
  indexed_hours: Math.round((s.indexedSeconds / 3600) * 1000) / 1000,
});
