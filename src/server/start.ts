import { mkdirSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AcousticModel } from '../acoustic/model.js';
import { packageRoot, packageVersion } from '../acoustic/packageRoot.js';
import { loadDefaultMatcher } from '../engine/defaultMatcher.js';
import type { Identifier } from '../engine/identify.js';
import { loadModel } from '../engine/loadModel.js';
import { lazyModeIdentifier, loadModeModels, type ModeModelOptions } from '../engine/modes.js';
import { oneLineMessage } from '../engine/result.js';
import { FolderWatcher } from '../search/folderWatcher.js';
import type { JobRunner } from '../search/jobRunner.js';
import type { Library } from '../search/library.js';
import { defaultDataDir, openLibrary } from '../search/openLibrary.js';
import { DEFAULT_SEGMENTING } from '../search/segmentRecording.js';
import type { LibraryStore } from '../search/store.js';
import { buildApp } from './app.js';
import type { ModelStatus, ServerContext } from './context.js';
import { DEFAULT_LIMITS, type ServerLimits } from './limits.js';
import { modeIdentifiers } from './modeIdentifiers.js';
import { availableModes, type ModeInfo } from './modes.js';
import { MAX_TOP } from './routes/identify.js';
import { WorkQueue } from './workQueue.js';

export interface ServeOptions {
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Library database and uploaded recordings; default $AYAT_DATA or ~/.local/share/ayat. */
  readonly dataDir?: string;
  /** Model folder or name, as for `ayat identify --model`. */
  readonly model?: string;
  /** QuranCLAP model folder, as for `ayat identify --clap-model` (clap and hybrid modes). */
  readonly clapModel?: string;
  /** Bridge model folder, as for `ayat identify --lightweight-model` (lightweight mode). */
  readonly lightweightModel?: string;
  readonly limits?: Partial<ServerLimits>;
  /** Folders that POST /library may add (and their subfolders); default any. */
  readonly allowedFolders?: readonly string[];
  /** Follow the library's folders: recordings copied in, changed or deleted are indexed or dropped (default true). */
  readonly watchFolders?: boolean;
  /** Built web UI; default web/dist in the package. */
  readonly webRoot?: string | null;
  readonly logError?: (err: unknown) => void;
  /** One line about the library's work in the background (a folder's changes picked up). */
  readonly log?: (line: string) => void;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly app: FastifyInstance;
  readonly store: LibraryStore;
  readonly library: Library;
  readonly jobs: JobRunner;
  /** The modes POST /identify runs (GET /modes), the default first. */
  readonly modes: readonly ModeInfo[];
  /** Resolves when the model has loaded (or failed to): tests wait on it. */
  readonly modelReady: Promise<ModelStatus>;
  /** Stops taking requests, lets running index items finish, closes the database. */
  close(): Promise<void>;
}

export const DEFAULT_PORT = 8765;

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Follows the model's background load (started at start-up so the first upload does not wait for it). */
function watchModel(loading: Promise<AcousticModel>): { status: () => ModelStatus; ready: Promise<ModelStatus> } {
  let status: ModelStatus = { state: 'loading' };
  const ready = loading.then(
    (m): ModelStatus => (status = { state: 'ready', name: m.card.name, version: m.card.version }),
    (err: unknown): ModelStatus => (status = { state: 'unavailable', error: oneLineMessage(err) }),
  );
  return { status: () => status, ready };
}

/** Watches the library's folders from now on, and scans them once for what changed while the server was down. */
function watchLibrary(library: Library, log: (line: string) => void): FolderWatcher {
  const watcher = new FolderWatcher(library, {
    onRescan: (folder, r) =>
      log(`library: ${folder} changed: ${r.queuedIds.length} recording${r.queuedIds.length === 1 ? '' : 's'} to index, ${r.removed} dropped`),
    onError: (folder, message) => log(`library: ${folder}: ${message}`),
  });
  library.onRootsChanged(() => watcher.sync());
  watcher.sync();
  watcher.rescanAll();
  return watcher;
}

/** Opens the library, builds the app and listens; `url` is what to open in a browser. */
export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const dataDir = resolve(options.dataDir ?? defaultDataDir());
  const uploadsDir = join(dataDir, 'uploads');
  mkdirSync(uploadsDir, { recursive: true });

  // One load of the acoustic model, shared by the status, full and hybrid mode, and the library.
  const acousticModel = loadModel(options.model);
  const model = watchModel(acousticModel);
  const modeModels: ModeModelOptions = { model: options.model, clapModel: options.clapModel, lightweightModel: options.lightweightModel };
  const modes = availableModes(modeModels);
  // The library indexes in the default mode, as /identify answers. Models load once per folder
  // (however many identifiers use them); the library stores verses only, so it skips the words.
  const libraryIdentifier: Identifier = lazyModeIdentifier(modes[0]!.id, { ...modeModels, acousticModel }, { maxCandidates: MAX_TOP });
  const { store, jobs, library } = openLibrary(dataDir, {
    recogniser: libraryIdentifier,
    maxConcurrentJobs: limits.maxConcurrentJobs,
    maxQueuedJobs: limits.maxQueuedJobs,
    segmenting: { ...DEFAULT_SEGMENTING, maxDurationS: limits.maxRecordingDurationS },
    allowedFolders: options.allowedFolders?.map((f) => realpathSync(f)),
  });
  try {
    store.interruptUnfinishedJobs();
    const uploadsRoot = store.addRoot(realpathSync(uploadsDir));
    const ctx: ServerContext = {
      identifierFor: modeIdentifiers({ ...modeModels, acousticModel }, MAX_TOP),
      identifyQueue: new WorkQueue(limits.maxConcurrentIdentify, limits.maxQueuedIdentify),
      library,
      store,
      jobs,
      limits,
      uploads: { dir: uploadsRoot.path },
      watchingFolders: options.watchFolders !== false,
      modes,
      modelStatus: model.status,
      browserModels: {
        acoustic: () => acousticModel,
        ...(modes.some((m) => m.id === 'hybrid') ? { clap: () => loadModeModels('clap', modeModels).then((m) => m.clap!) } : {}),
      },
      version: packageVersion(),
    };
    const webRoot = options.webRoot === undefined ? join(packageRoot(), 'web', 'dist') : options.webRoot;
    const host = options.host ?? '127.0.0.1';
    const allowedHosts = isLoopback(host) ? [...LOOPBACK_NAMES, host.includes(':') ? `[${host}]` : host] : undefined;
    const app = await buildApp(ctx, { webRoot, logError: options.logError, allowedHosts });
    library.warm();
    await app.listen({ host, port: options.port ?? DEFAULT_PORT });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : (options.port ?? DEFAULT_PORT);
    const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    library.resumePending();
    const watcher = ctx.watchingFolders ? watchLibrary(library, options.log ?? (() => {})) : null;
    // The verse matcher indexes the Quran on first use; do it now, not in the first request.
    setImmediate(() => void loadDefaultMatcher().catch(() => undefined));
    return {
      url: `http://${shownHost}:${port}/`,
      port,
      app,
      store,
      library,
      jobs,
      modes: ctx.modes,
      modelReady: model.ready,
      close: async () => {
        await app.close();
        await watcher?.close();
        await jobs.stop();
        store.close();
      },
    };
  } catch (err) {
    store.close();
    throw err;
  }
}
