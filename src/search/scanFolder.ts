import { opendir, realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';

/** Extensions the library picks up from a folder (anything ffmpeg decodes would work; these are audio). */
export const AUDIO_EXTENSIONS: ReadonlySet<string> = new Set([
  '.wav', '.mp3', '.ogg', '.oga', '.opus', '.flac', '.m4a', '.aac', '.wma', '.webm', '.mka', '.aif', '.aiff', '.amr', '.3gp', '.mp4',
]);

export interface FoundFile {
  /** Absolute, symlink-free, inside the scanned root. */
  readonly path: string;
  readonly sizeBytes: number;
  readonly mtimeMs: number;
}

export interface ScanLimits {
  readonly maxFiles: number;
  readonly maxDepth: number;
}

export const DEFAULT_SCAN_LIMITS: ScanLimits = { maxFiles: 20_000, maxDepth: 16 };

/** True when `path` is `root` or lies under it; both must already be resolved. */
export function isInside(root: string, path: string): boolean {
  const base = root.endsWith(sep) ? root : root + sep;
  return path === root || path.startsWith(base);
}

/**
 * Audio files under `root` (a resolved folder), sorted by path. Hidden files and
 * folders are skipped; symlinks count only when they resolve inside the root, so
 * a link can never bring a file from elsewhere into the library.
 */
export async function scanAudioFiles(root: string, limits: ScanLimits = DEFAULT_SCAN_LIMITS): Promise<{ files: FoundFile[]; truncated: boolean }> {
  const files: FoundFile[] = [];
  const seen = new Set<string>();
  let truncated = false;

  const visit = async (dir: string, depth: number): Promise<void> => {
    if (depth > limits.maxDepth || truncated) return;
    let handle;
    try {
      handle = await opendir(dir);
    } catch {
      return; // unreadable folders are left out, not fatal
    }
    const subdirs: string[] = [];
    for await (const entry of handle) {
      if (entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        subdirs.push(full);
        continue;
      }
      if (!(entry.isFile() || entry.isSymbolicLink()) || !AUDIO_EXTENSIONS.has(extname(entry.name).toLowerCase())) continue;
      let real: string;
      try {
        real = await realpath(full);
      } catch {
        continue;
      }
      if (!isInside(root, real) || seen.has(real)) continue;
      const info = await stat(real).catch(() => undefined);
      if (!info?.isFile()) continue;
      if (files.length >= limits.maxFiles) {
        truncated = true;
        return;
      }
      seen.add(real);
      files.push({ path: real, sizeBytes: info.size, mtimeMs: info.mtimeMs });
    }
    for (const sub of subdirs.sort()) await visit(sub, depth + 1);
  };

  await visit(root, 0);
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, truncated };
}
