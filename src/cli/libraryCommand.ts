import { existsSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatVerseRuns } from '../quran/verseKey.js';
import type { AddResult, SearchHitJson, SearchResponse } from '../search/library.js';
import { defaultDataDir, libraryDatabasePath, openLibrary, type OpenedLibrary } from '../search/openLibrary.js';
import { QueryError } from '../search/queryParser.js';
import type { JobRecord } from '../search/types.js';
import { recordingJson, removeResultJson, rootJson, statsJson } from '../server/json.js';
import type { CliIO } from './io.js';
import type { ModeModelOptions } from '../engine/modes.js';
import type { SegmentRecogniser } from '../search/segmentRecording.js';
import { commandIdentifier, MODEL_ARGS, modelOptionsOf, parseMode, parsePositiveInt } from './options.js';
import { UsageError } from './usage.js';

export const LIBRARY_HELP = `Usage: ayat library add <folders...> [--data DIR] [--mode MODE] [--model DIR] [--json]
       ayat library search <query...> [--top N] [--data DIR] [--json]
       ayat library list [--data DIR] [--json]
       ayat library remove <folders...> [--data DIR] [--json]

A library of recordings, searchable by what they recite; the same one
\`ayat serve\` shows (one SQLite file in the data folder).

  add      index the audio files under each folder (subfolders too): each
           recording is cut at its pauses and every piece identified. Files
           already indexed and unchanged are skipped. Waits until done;
           progress on stderr. Ctrl-C stops; run it again to go on.
           Recordings whose files were deleted since are dropped.
  search   where the library recites a verse: a reference (2:255, 2:1-5),
           a surah name (Al-Ikhlas, الإخلاص), Arabic words or English words.
  list     the folders, recordings and their state.
  remove   take folders (and the folders added inside them) out of the
           library; the audio files are not touched.

Options:
  --data DIR    library folder (default $AYAT_DATA, else ~/.local/share/ayat)
  --mode MODE   how add identifies recordings: as \`ayat identify\` does by default
                (hybrid where QuranCLAP is installed, else full); see ayat identify --help
  --model DIR, --clap-model DIR, --lightweight-model DIR
                add: the models, as for ayat identify (default models/ayat-*)
  --top N       search: at most N places (default 10)
  --json        one JSON object instead of the text
  -h, --help    show this help

Exit codes: 0 done, 1 a folder or recording could not be indexed, 2 bad usage or
a mode whose trained model is not installed.
`;

const DEFAULT_SEARCH_TOP = 10;
const MAX_SEARCH_TOP = 100;
const VERSES_LISTED = 3;

type Sub = (args: readonly string[], values: LibraryValues, io: CliIO) => Promise<number>;

interface LibraryValues {
  readonly dataDir: string;
  readonly models: ModeModelOptions;
  readonly mode: string | undefined;
  readonly top: string | undefined;
  readonly json: boolean;
}

/** A library answer as the shell gets it: audio_url is the server's, the path is what a shell user plays. */
const withoutAudioUrl = <T extends { readonly audio_url: string }>({ audio_url: _url, ...rest }: T): Omit<T, 'audio_url'> => rest;

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** "1:02:03.4" or "2:03.4". */
function clock(totalS: number): string {
  const tenths = Math.round(totalS * 10);
  const h = Math.floor(tenths / 36000);
  const m = Math.floor((tenths % 36000) / 600);
  const s = ((tenths % 600) / 10).toFixed(1).padStart(4, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Only add identifies recordings; search, list and remove get a recogniser that refuses. */
const NOT_INDEXING: SegmentRecogniser = {
  identifySamples: () => Promise.reject(new Error('this command does not index recordings')),
};

function open(values: LibraryValues, recogniser: SegmentRecogniser = NOT_INDEXING, onJobChange?: (job: JobRecord) => void): OpenedLibrary {
  return openLibrary(values.dataDir, {
    recogniser,
    maxConcurrentJobs: 1,
    maxQueuedJobs: 1_000,
    onJobChange,
  });
}

/** search and list read an existing library only; they never create one. */
function openExisting(values: LibraryValues, io: CliIO): OpenedLibrary | undefined {
  if (existsSync(libraryDatabasePath(values.dataDir))) return open(values);
  io.err(`ayat library: no library in ${values.dataDir} yet; add recordings with: ayat library add <folder>\n`);
  return undefined;
}

/** Relative to the working folder when inside it, else absolute. */
function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') ? path : rel;
}

const add: Sub = async (folders, values, io) => {
  if (folders.length === 0) throw new UsageError('library add needs at least one folder');
  // Every folder checked before any indexing starts: a typo in the last one stops nothing half-way.
  for (const folder of folders) {
    const info = statSync(folder, { throwIfNoEntry: false });
    if (!info) throw new Error(`no such folder: ${folder}`);
    if (!info.isDirectory()) throw new Error(`${folder} is not a folder (library add takes folders)`);
  }
  // Progress lines start once every folder's summary is out (the first job starts while the next folder is scanned).
  let latest: JobRecord | undefined;
  let announcing = false;
  let shown = '';
  const announce = (): void => {
    const current = latest?.current;
    if (!announcing || values.json || !current || current === shown) return;
    shown = current;
    io.err(`[${latest!.done + 1}/${latest!.total}] ${shownPath(current)}\n`);
  };
  const recogniser = await commandIdentifier(values.mode, values.models);
  const lib = open(values, recogniser, (job) => {
    latest = job;
    announce();
  });
  const stop = (): void => void lib.jobs.stop();
  process.once('SIGINT', stop);
  try {
    const added: AddResult[] = [];
    for (const folder of folders) {
      const result = await lib.library.addFolder(resolve(folder));
      added.push(result);
      if (!values.json) {
        const dropped = result.removed > 0 ? `, ${plural(result.removed, 'recording')} no longer on disk dropped` : '';
        const more = result.truncated ? ' (the scan stopped at its limit: add subfolders one by one)' : '';
        io.err(`ayat library: ${result.root.path}: ${plural(result.found, 'audio file')}, ${result.queuedIds.length} to index${dropped}${more}\n`);
      }
    }
    announcing = true;
    announce();
    await lib.jobs.idle();
    const queuedNow = added.flatMap((a) => a.queuedIds.map((id) => lib.store.recording(id))).filter((r) => r !== undefined);
    const failed = queuedNow.filter((r) => r.status === 'failed');
    const pending = queuedNow.filter((r) => r.status === 'pending');
    const indexed = queuedNow.length - failed.length - pending.length;
    const stats = lib.store.stats();
    if (values.json) {
      io.out(
        JSON.stringify({
          folders: added.map((a) => ({ path: a.root.path, found: a.found, queued: a.queuedIds.length, removed: a.removed, truncated: a.truncated })),
          indexed,
          failed: failed.map((r) => ({ path: r.path, error: r.error })),
          pending: pending.length,
          library: statsJson(stats),
        }) + '\n',
      );
    } else {
      for (const r of failed) io.out(`failed: ${r.path}: ${r.error ?? 'unknown error'}\n`);
      const failures = failed.length > 0 ? `, ${failed.length} failed` : '';
      io.out(`indexed ${indexed} of ${plural(queuedNow.length, 'recording')}${failures}; the library holds ${stats.indexed} indexed (${libraryDatabasePath(values.dataDir)})\n`);
      if (pending.length > 0) io.out(`stopped with ${pending.length} left to index: run the same command again to go on\n`);
    }
    return failed.length > 0 || pending.length > 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', stop);
    await lib.jobs.stop();
    lib.store.close();
  }
};

function hitLine(hit: SearchHitJson): string {
  const others = hit.verses.length > 1 ? ` (in ${formatVerseRuns(hit.verses)})` : '';
  return (
    `${hit.recording.name}  ${clock(hit.start_s)}–${clock(hit.end_s)}  ` +
    `${hit.verse.surah}:${hit.verse.ayah} ${hit.verse.surah_transliteration}${others}  confidence ${hit.confidence.toFixed(2)}`
  );
}

function formatSearch(response: SearchResponse, indexed: number): string {
  const lines = [`"${response.query}" read as: ${response.understood_as.join(', ')}`];
  if (response.results.length > 0) {
    lines.push(...response.results.map((hit) => `  ${hitLine(hit)}`));
  } else {
    lines.push(indexed === 0 ? '  the library has no indexed recordings yet' : `  none of the ${indexed} indexed recordings recites it`);
    const closest = response.verses.slice(0, VERSES_LISTED).map((v) => `${v.surah}:${v.ayah} ${v.surah_transliteration}`);
    if (closest.length > 0) lines.push(`  verses that answer it: ${closest.join(', ')}`);
  }
  return lines.join('\n') + '\n';
}

const search: Sub = async (words, values, io) => {
  const query = words.join(' ').trim();
  if (query === '') throw new UsageError('library search needs a query, e.g. ayat library search 2:255');
  const top = parsePositiveInt(values.top, '--top', DEFAULT_SEARCH_TOP);
  if (top > MAX_SEARCH_TOP) throw new UsageError(`--top is at most ${MAX_SEARCH_TOP}`);
  const lib = openExisting(values, io);
  if (!lib) return 1;
  try {
    let response: SearchResponse;
    try {
      response = lib.library.search(query, top);
    } catch (err) {
      if (err instanceof QueryError) throw new UsageError(err.message);
      throw err;
    }
    const results = response.results.map(withoutAudioUrl);
    io.out(values.json ? JSON.stringify({ ...response, results }) + '\n' : formatSearch(response, lib.store.stats().indexed));
    return 0;
  } finally {
    lib.store.close();
  }
};

const list: Sub = async (args, values, io) => {
  if (args.length > 0) throw new UsageError(`library list takes no arguments (got "${args[0]}")`);
  const lib = openExisting(values, io);
  if (!lib) return 1;
  try {
    const roots = lib.store.roots();
    const stats = lib.store.stats();
    const recordings = lib.store.recordings({ limit: 1_000_000 });
    if (values.json) {
      // GET /library's shapes.
      const recordingsJson = recordings.map((r) => withoutAudioUrl(recordingJson(r)));
      io.out(JSON.stringify({ roots: roots.map(rootJson), stats: statsJson(stats), recordings: recordingsJson }) + '\n');
      return 0;
    }
    const lines = [`${libraryDatabasePath(values.dataDir)}: ${stats.recordings} recordings, ${stats.indexed} indexed, ${stats.segments} recited passages`];
    for (const root of roots) {
      lines.push(root.path);
      for (const r of recordings.filter((rec) => rec.rootId === root.id)) {
        const what =
          r.status === 'indexed'
            ? `${clock(r.durationS ?? 0)}, ${plural(r.segmentCount, 'passage')}${r.warning ? ` (${r.warning})` : ''}`
            : r.status === 'failed'
              ? `failed: ${r.error ?? 'unknown error'}`
              : 'not indexed yet';
        const gone = existsSync(r.path) ? '' : ' (file no longer on disk: library add drops it)';
        lines.push(`  ${relative(root.path, r.path)}  ${what}${gone}`);
      }
    }
    io.out(lines.join('\n') + '\n');
    return 0;
  } finally {
    lib.store.close();
  }
};

const remove: Sub = async (folders, values, io) => {
  if (folders.length === 0) throw new UsageError('library remove needs at least one folder');
  const lib = openExisting(values, io);
  if (!lib) return 1;
  try {
    const results = [];
    for (const folder of folders) results.push(await lib.library.removeFolder(resolve(folder)));
    if (values.json) {
      io.out(JSON.stringify({ removed: results.map(removeResultJson), library: statsJson(lib.store.stats()) }) + '\n');
      return 0;
    }
    for (const r of results) {
      const kept = r.kept > 0 ? `; ${plural(r.kept, 'recording')} stay, also inside a folder the library keeps` : '';
      io.out(`removed ${r.roots.map((root) => root.path).join(', ')}: ${plural(r.removed, 'recording')} out of the library (the files stay on disk)${kept}\n`);
    }
    return 0;
  } finally {
    lib.store.close();
  }
};

const SUBCOMMANDS = new Map<string, Sub>([
  ['add', add],
  ['search', search],
  ['list', list],
  ['remove', remove],
]);

/** `ayat library add|search|list|remove`: returns the exit code. */
export async function libraryCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      data: { type: 'string' },
      mode: { type: 'string' },
      ...MODEL_ARGS,
      top: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.out(LIBRARY_HELP);
    return 0;
  }
  const [name, ...args] = positionals;
  if (name === undefined) throw new UsageError('library needs a subcommand: add, search, list or remove');
  const sub = SUBCOMMANDS.get(name);
  if (!sub) throw new UsageError(`unknown library subcommand "${name}" (add, search, list, remove)`);
  if (values.mode !== undefined) parseMode(values.mode);
  const dataDir = resolve(values.data ?? defaultDataDir());
  return sub(args, { dataDir, models: modelOptionsOf(values), mode: values.mode, top: values.top, json: values.json }, io);
}
