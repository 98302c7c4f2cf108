import { realpath, stat } from 'node:fs/promises';
import { basename, relative, resolve } from 'node:path';
import { oneLineMessage } from '../engine/result.js';
import type { VerseRef } from '../quran/corpus.js';
import { JobRunner, type JobItem } from './jobRunner.js';
import type { QueryPart } from './queryParser.js';
import { DEFAULT_SCAN_LIMITS, isInside, scanAudioFiles, type FoundFile, type ScanLimits } from './scanFolder.js';
import { DEFAULT_SEGMENTING, segmentRecordingFile, type SegmentingOptions, type SegmentRecogniser } from './segmentRecording.js';
import type { LibraryStore } from './store.js';
import type { JobRecord, LibraryRoot, Recording, SegmentHit, VerseScore } from './types.js';
import { verseDetails, verseRefAt, type VerseDetails } from './verseInfo.js';
import { VerseSearch } from './verseSearch.js';

/** A request the library cannot take as given (missing folder, file outside the roots): HTTP 4xx. */
export class LibraryError extends Error {
  override readonly name = 'LibraryError';
  constructor(
    readonly code: 'not_found' | 'not_a_folder' | 'outside_library' | 'unreadable',
    message: string,
  ) {
    super(message);
  }
}

export interface LibraryOptions {
  readonly store: LibraryStore;
  readonly recogniser: SegmentRecogniser;
  readonly jobs: JobRunner;
  readonly segmenting?: SegmentingOptions;
  readonly scanLimits?: ScanLimits;
  /** When set, folders may be added only from inside these (resolved) paths. */
  readonly allowedFolders?: readonly string[];
}

export interface AddResult {
  readonly root: LibraryRoot;
  /** Audio files found under the folder (or given). */
  readonly found: number;
  /** Of those, the recordings that need indexing (new, changed, or not yet indexed). */
  readonly queuedIds: readonly number[];
  /** Recordings under the folder dropped from the library because their files are gone. */
  readonly removed: number;
  /** True when the folder held more files than the scan takes. */
  readonly truncated: boolean;
  /** The indexing job, or null when there was nothing to index. */
  readonly job: JobRecord | null;
}

export interface RemoveResult {
  /** The root and the roots inside it, all gone from the library. */
  readonly roots: readonly LibraryRoot[];
  /** Recordings dropped with them (the files stay on disk). */
  readonly removed: number;
  /** Recordings kept because they also lie inside a root that stays, and now belong to it. */
  readonly kept: number;
}

export interface SearchHitJson {
  readonly recording: { readonly id: number; readonly name: string; readonly path: string };
  readonly start_s: number;
  readonly end_s: number;
  /** Everything recognised in the segment, in recited order. */
  readonly verses: readonly VerseRef[];
  /** The segment's verse that answers the query. */
  readonly verse: VerseDetails;
  readonly confidence: number;
  readonly score: number;
  /** Plays the recording; seek to start_s. */
  readonly audio_url: string;
}

export interface SearchResponse {
  readonly query: string;
  /** How the query was read, e.g. ["verses 2:255", "Arabic text"]. */
  readonly understood_as: readonly string[];
  /** Best matching verses of the Quran (whether or not the library has them). */
  readonly verses: readonly (VerseDetails & { readonly score: number })[];
  /** Where the library recites them, best first. */
  readonly results: readonly SearchHitJson[];
  readonly took_ms: number;
}

/** Verses handed to the store per query: enough that common words still find every recording. */
const MAX_QUERY_VERSES = 4000;
const VERSES_SHOWN = 10;
const VERSES_PER_LOOKUP = 256;

function describePart(part: QueryPart): string {
  if (part.kind === 'verses') {
    const range = part.fromAyah === part.toAyah ? `${part.fromAyah}` : `${part.fromAyah}-${part.toAyah}`;
    return `verses ${part.surah}:${range}`;
  }
  return part.kind === 'arabic' ? 'Arabic text' : 'English translation';
}

/** Which recordings a scan queues besides new and changed ones. */
interface QueueRule {
  readonly retryFailed: boolean;
}

/** The library: roots, recordings and their recognised segments, indexing jobs and search. */
export class Library {
  private readonly store: LibraryStore;
  private readonly jobs: JobRunner;
  private readonly verseSearch = new VerseSearch();
  private readonly segmenting: SegmentingOptions;
  /** Recordings in a queued or running job, so adding a folder twice does not index twice. */
  private readonly scheduled = new Set<number>();
  private readonly rootListeners = new Set<() => void>();

  constructor(private readonly options: LibraryOptions) {
    this.store = options.store;
    this.jobs = options.jobs;
    this.segmenting = options.segmenting ?? DEFAULT_SEGMENTING;
  }

  /** Builds the search indexes ahead of the first query. */
  warm(): void {
    this.verseSearch.warm();
  }

  /** The library's folders. */
  roots(): LibraryRoot[] {
    return this.store.roots();
  }

  /** Calls `listener` after a folder is added to or taken out of the library; returns the unsubscribe. */
  onRootsChanged(listener: () => void): () => void {
    this.rootListeners.add(listener);
    return () => this.rootListeners.delete(listener);
  }

  /** Adds a folder on the server's disk as a root and queues its new or changed audio files. */
  async addFolder(path: string): Promise<AddResult> {
    const folder = await this.resolveFolder(path);
    this.ensureRoot(folder);
    const result = await this.scanRoot(folder, `index ${folder}`);
    if (!result) throw new LibraryError('not_found', `${path} was taken out of the library while it was being scanned`);
    return result;
  }

  /**
   * Scans a library folder again: queues new and changed files, drops deleted ones.
   * Null when the folder is no longer in the library (it is never added back here).
   */
  async rescan(folder: string): Promise<AddResult | null> {
    if (!this.rootAt(folder)) return null;
    // A folder gone from disk (an unplugged drive) keeps its recordings: a scan would find nothing and drop them all.
    const info = await stat(folder).catch(() => undefined);
    if (!info?.isDirectory()) throw new LibraryError('not_found', `${folder} is no longer on disk; its recordings stay in the library`);
    // Files that failed stay failed until they change: only adding the folder again retries them.
    return this.scanRoot(folder, `index ${folder} (changed)`, { retryFailed: false });
  }

  /** Scans a root's folder; null when the root was taken out of the library meanwhile. */
  private async scanRoot(folder: string, label: string, queue: QueueRule = { retryFailed: true }): Promise<AddResult | null> {
    const { files, truncated } = await scanAudioFiles(folder, this.options.scanLimits ?? DEFAULT_SCAN_LIMITS);
    const removed = await this.dropDeleted(folder, files);
    // Looked up after the awaits: a root removed meanwhile stays removed, and gets no recordings.
    const root = this.rootAt(folder);
    return root ? { ...this.addFound(root, files, label, queue), removed, truncated } : null;
  }

  /** The root of a resolved folder, added (and announced) when new. */
  private ensureRoot(folder: string): LibraryRoot {
    const known = this.rootAt(folder);
    if (known) return known;
    const root = this.store.addRoot(folder);
    this.notifyRootsChanged();
    return root;
  }

  /** The library folder at exactly `folder`, if it is one. */
  private rootAt(folder: string): LibraryRoot | undefined {
    return this.store.roots().find((r) => r.path === folder);
  }

  private notifyRootsChanged(): void {
    for (const listener of this.rootListeners) listener();
  }

  /**
   * Drops the recordings under `folder` whose files no longer exist. A file the
   * scan merely did not take (hidden, too deep, past the limit) stays.
   */
  private async dropDeleted(folder: string, found: readonly FoundFile[]): Promise<number> {
    const seen = new Set(found.map((f) => f.path));
    const gone: number[] = [];
    for (const rec of this.store.recordings()) {
      if (!isInside(folder, rec.path) || seen.has(rec.path)) continue;
      if (!(await stat(rec.path).catch(() => undefined))) gone.push(rec.id);
    }
    return this.store.deleteRecordings(gone);
  }

  /** Takes a root out of the library with the roots inside it; the files stay on disk. */
  removeRoot(root: LibraryRoot): RemoveResult {
    return this.removeRoots(this.store.roots().filter((r) => isInside(root.path, r.path)));
  }

  /** Takes every root at or inside `path` out of the library (the folder may be gone from disk). */
  async removeFolder(path: string): Promise<RemoveResult> {
    const folder = await realpath(path).catch(() => resolve(path));
    const roots = this.store.roots();
    const inside = roots.filter((r) => isInside(folder, r.path));
    if (inside.length === 0) {
      const known = roots.length === 0 ? 'it has none' : `its folders: ${roots.map((r) => r.path).join(', ')}`;
      throw new LibraryError('not_found', `${path} is not a library folder (${known})`);
    }
    return this.removeRoots(inside);
  }

  /** A recording that also lies inside a root that stays moves to that root; the others go. */
  private removeRoots(removed: readonly LibraryRoot[]): RemoveResult {
    const removedIds = new Set(removed.map((r) => r.id));
    const staying = this.store.roots().filter((r) => !removedIds.has(r.id));
    const moves = new Map<number, number[]>();
    let dropped = 0;
    for (const rec of this.store.recordings()) {
      if (!removedIds.has(rec.rootId)) continue;
      const home = staying.filter((r) => isInside(r.path, rec.path)).sort((a, b) => b.path.length - a.path.length)[0];
      if (home) moves.set(home.id, [...(moves.get(home.id) ?? []), rec.id]);
      else dropped++;
    }
    for (const [rootId, ids] of moves) this.store.moveRecordings(ids, rootId);
    this.store.deleteRoots([...removedIds]);
    this.notifyRootsChanged();
    const kept = [...moves.values()].reduce((n, ids) => n + ids.length, 0);
    return { roots: removed, removed: dropped, kept };
  }

  /** Adds files already inside `folder` (a resolved path: uploads saved there), which becomes a root if it is not one. */
  async addFiles(folder: string, paths: readonly string[], label: string): Promise<AddResult> {
    const root = this.ensureRoot(folder);
    const files: FoundFile[] = [];
    for (const p of paths) {
      const real = await realpath(p);
      if (!isInside(root.path, real)) throw new LibraryError('outside_library', `${p} is not inside ${root.path}`);
      const info = await stat(real);
      files.push({ path: real, sizeBytes: info.size, mtimeMs: info.mtimeMs });
    }
    return { ...this.addFound(root, files, label), removed: 0, truncated: false };
  }

  /** Queues recordings left pending by an earlier run (e.g. the server stopped mid-job). */
  resumePending(): JobRecord | null {
    const pending = this.store.pendingRecordings().filter((r) => !this.scheduled.has(r.id));
    return pending.length === 0 ? null : this.schedule(pending, 'resume indexing');
  }

  private addFound(
    root: LibraryRoot,
    files: readonly FoundFile[],
    label: string,
    queue: QueueRule = { retryFailed: true },
  ): Omit<AddResult, 'truncated' | 'removed'> {
    const toIndex: Recording[] = [];
    for (const f of files) {
      const rec = this.store.upsertRecording({ rootId: root.id, path: f.path, sizeBytes: f.sizeBytes, mtimeMs: f.mtimeMs });
      const wanted = rec.status === 'pending' || (rec.status === 'failed' && queue.retryFailed);
      if (wanted && !this.scheduled.has(rec.id)) toIndex.push(rec);
    }
    const job = toIndex.length === 0 ? null : this.schedule(toIndex, label);
    return { root, found: files.length, queuedIds: toIndex.map((r) => r.id), job };
  }

  private schedule(recordings: readonly Recording[], label: string): JobRecord {
    const items: JobItem[] = recordings.map((rec) => ({
      name: rec.path,
      run: async (signal) => {
        try {
          // Taken out of the library (its root removed, its file deleted) since it was queued: skipped.
          if (!this.store.recording(rec.id)) return true;
          const indexed = await segmentRecordingFile(rec.path, this.options.recogniser, this.segmenting, signal);
          if (this.store.recording(rec.id)) this.store.saveIndexed(rec.id, indexed);
          return true;
        } catch (err) {
          // Stopped mid-recording: it stays pending and is indexed again after a restart.
          if (!signal.aborted) this.store.markFailed(rec.id, oneLineMessage(err));
          return false;
        } finally {
          this.scheduled.delete(rec.id);
        }
      },
    }));
    for (const rec of recordings) this.scheduled.add(rec.id);
    try {
      return this.jobs.submit(label, items);
    } catch (err) {
      for (const rec of recordings) this.scheduled.delete(rec.id);
      throw err;
    }
  }

  private async resolveFolder(path: string): Promise<string> {
    let folder: string;
    try {
      folder = await realpath(path);
    } catch {
      throw new LibraryError('not_found', `no such folder: ${path}`);
    }
    const info = await stat(folder).catch(() => undefined);
    if (!info?.isDirectory()) throw new LibraryError('not_a_folder', `${path} is not a folder`);
    const allowed = this.options.allowedFolders;
    if (allowed && !allowed.some((a) => isInside(a, folder))) {
      throw new LibraryError('outside_library', `${path} is outside the folders this server may index (${allowed.join(', ')})`);
    }
    return folder;
  }

  /** The file of a recording, checked to be inside a library root now (links may have changed since). */
  async mediaFile(recordingId: number): Promise<{ path: string; root: string }> {
    const rec = this.store.recording(recordingId);
    if (!rec) throw new LibraryError('not_found', `no recording ${recordingId} in the library`);
    let real: string;
    try {
      real = await realpath(rec.path);
    } catch {
      throw new LibraryError('not_found', `recording ${recordingId} is no longer on disk`);
    }
    const root = this.store.roots().find((r) => isInside(r.path, real));
    if (!root) throw new LibraryError('outside_library', `recording ${recordingId} is outside the library folders`);
    return { path: real, root: root.path };
  }

  /**
   * The best `limit` segments for the scored verses. Verses go to the store in
   * score order, a slice at a time, and stop once no later verse can beat the
   * hits in hand (a hit's score is its verse score times a confidence ≤ 1):
   * a common word like الله matches a third of the Quran.
   */
  private topSegments(verses: readonly VerseScore[], limit: number): SegmentHit[] {
    const best = new Map<number, SegmentHit>();
    const ranked = (): SegmentHit[] =>
      [...best.values()].sort((a, b) => b.score - a.score || (a.recording.path < b.recording.path ? -1 : a.recording.path > b.recording.path ? 1 : a.startS - b.startS));
    for (let i = 0; i < verses.length; i += VERSES_PER_LOOKUP) {
      // Earlier slices hold higher verse scores, so a segment's first hit is its best.
      for (const hit of this.store.findSegments(verses.slice(i, i + VERSES_PER_LOOKUP), limit)) {
        if (!best.has(hit.segmentId)) best.set(hit.segmentId, hit);
      }
      const next = verses[i + VERSES_PER_LOOKUP];
      if (!next || best.size < limit) continue;
      if (next.score <= ranked()[limit - 1]!.score) break;
    }
    return ranked().slice(0, limit);
  }

  /** Throws QueryError for a bad reference. */
  search(query: string, limit: number): SearchResponse {
    const start = performance.now();
    const { parts, verses } = this.verseSearch.search(query, MAX_QUERY_VERSES);
    const roots = this.store.roots();
    const nameOf = (path: string): string => {
      const root = roots.find((r) => isInside(r.path, path));
      return root ? relative(root.path, path) || basename(path) : basename(path);
    };
    const hits = this.topSegments(verses, limit);
    const results: SearchHitJson[] = hits.map((h) => ({
      recording: { id: h.recording.id, name: nameOf(h.recording.path), path: h.recording.path },
      start_s: h.startS,
      end_s: h.endS,
      verses: h.verses,
      verse: verseDetails(verseRefAt(h.matchedVerseIndex)),
      confidence: h.confidence,
      score: Math.round(h.score * 10000) / 10000,
      audio_url: `/recordings/${h.recording.id}/audio`,
    }));
    return {
      query,
      understood_as: parts.map(describePart),
      verses: verses.slice(0, VERSES_SHOWN).map((v) => ({ ...verseDetails(verseRefAt(v.verseIndex)), score: v.score })),
      results,
      took_ms: Math.round((performance.now() - start) * 100) / 100,
    };
  }
}
