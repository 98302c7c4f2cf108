import { extname, relative, sep } from 'node:path';
import { oneLineMessage } from '../engine/result.js';
import type { AddResult, Library } from './library.js';
import { AUDIO_EXTENSIONS, DEFAULT_SCAN_LIMITS, isInside } from './scanFolder.js';
import { TreeWatch } from './treeWatch.js';

export interface FolderWatcherOptions {
  /** Quiet time after the last change before a folder is scanned again, so a copy in progress is scanned once. */
  readonly quietMs?: number;
  /** A scan found something to do (files queued or dropped). */
  readonly onRescan?: (folder: string, result: AddResult) => void;
  /** A folder could not be watched or scanned; the others go on. */
  readonly onError?: (folder: string, message: string) => void;
}

export const DEFAULT_QUIET_MS = 2000;

/**
 * Whether a change can matter to the library: to a folder, or to an audio file.
 * Hidden names never do, nor do other files (the library's own database, when it
 * lies inside a library folder). `relativePath` is '' for the watched folder itself.
 */
export function concernsLibrary(relativePath: string, folder: boolean): boolean {
  if (relativePath.split(sep).some((part) => part.startsWith('.'))) return false;
  return folder || AUDIO_EXTENSIONS.has(extname(relativePath).toLowerCase());
}

/** Why a folder is not followed, and what to do about it. */
function watchFailure(err: unknown): string {
  // One watch per folder: a library of very many folders can reach the system's limit.
  const limit = (err as NodeJS.ErrnoException).code === 'ENOSPC' ? ' (the system limit fs.inotify.max_user_watches is reached)' : '';
  return `${oneLineMessage(err)}${limit}; add the folder again to pick up new recordings`;
}

interface DueScan {
  timer: NodeJS.Timeout | undefined;
  running: Promise<void> | undefined;
  /** A change came while the scan ran: scan once more after it. */
  again: boolean;
}

/**
 * Keeps the library in step with its folders while the server runs: a recording
 * copied in, changed or deleted under a library folder is indexed or dropped
 * after a quiet spell, without adding the folder again.
 */
export class FolderWatcher {
  /** The outermost library folders; null where watching failed (not retried). */
  private readonly watchers = new Map<string, TreeWatch | null>();
  private readonly due = new Map<string, DueScan>();
  private readonly quietMs: number;
  private closed = false;

  constructor(
    private readonly library: Library,
    private readonly options: FolderWatcherOptions = {},
  ) {
    this.quietMs = options.quietMs ?? DEFAULT_QUIET_MS;
  }

  /** Watches the library's folders (one watch for a folder and those inside it); stops watching removed ones. */
  sync(): void {
    if (this.closed) return;
    const paths = this.library.roots().map((r) => r.path);
    const outermost = paths.filter((p) => !paths.some((q) => q !== p && isInside(q, p)));
    for (const [path, watcher] of this.watchers) {
      if (outermost.includes(path)) continue;
      watcher?.close();
      this.watchers.delete(path);
    }
    for (const path of outermost) if (!this.watchers.has(path)) this.watchers.set(path, this.watchFolder(path));
  }

  /** Scans every library folder now: catches what changed while nothing watched. */
  rescanAll(): void {
    for (const root of this.library.roots()) this.schedule(root.path, 0);
  }

  /** Stops watching and waits for scans under way. */
  async close(): Promise<void> {
    this.closed = true;
    for (const watcher of this.watchers.values()) watcher?.close();
    this.watchers.clear();
    const running = [...this.due.values()].map((d) => {
      clearTimeout(d.timer);
      return d.running;
    });
    this.due.clear();
    await Promise.all(running);
  }

  private watchFolder(path: string): TreeWatch | null {
    try {
      return TreeWatch.start(path, {
        maxDepth: DEFAULT_SCAN_LIMITS.maxDepth,
        onChange: (changedPath, folder) => this.changed(path, changedPath, folder),
        onError: (err) => {
          if (this.watchers.has(path)) this.watchers.set(path, null);
          this.options.onError?.(path, `stopped watching it: ${watchFailure(err)}`);
        },
      });
    } catch (err) {
      this.options.onError?.(path, `cannot watch it: ${watchFailure(err)}`);
      return null;
    }
  }

  /** The innermost library folder holding the change is the one scanned. */
  private changed(watched: string, changedPath: string, folder: boolean): void {
    if (this.closed || !concernsLibrary(relative(watched, changedPath), folder)) return;
    const holder = this.library
      .roots()
      .filter((r) => isInside(r.path, changedPath))
      .sort((a, b) => b.path.length - a.path.length)[0];
    this.schedule(holder?.path ?? watched, this.quietMs);
  }

  private schedule(folder: string, delayMs: number): void {
    if (this.closed) return;
    const due = this.due.get(folder) ?? { timer: undefined, running: undefined, again: false };
    this.due.set(folder, due);
    clearTimeout(due.timer);
    due.timer = setTimeout(() => this.scan(folder, due), delayMs);
  }

  private scan(folder: string, due: DueScan): void {
    due.timer = undefined;
    if (due.running) {
      due.again = true;
      return;
    }
    due.running = this.library
      .rescan(folder)
      .then(
        (result) => {
          if (result && (result.queuedIds.length > 0 || result.removed > 0)) this.options.onRescan?.(folder, result);
        },
        (err: unknown) => this.options.onError?.(folder, oneLineMessage(err)),
      )
      .finally(() => {
        due.running = undefined;
        if (due.again) {
          due.again = false;
          this.schedule(folder, this.quietMs);
        } else if (!due.timer && this.due.get(folder) === due) {
          this.due.delete(folder);
        }
      });
  }
}
