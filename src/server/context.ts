import type { AcousticModel } from '../acoustic/model.js';
import type { ClapModel } from '../embed/models.js';
import type { CallOptions, Identification } from '../engine/identify.js';
import type { Mode } from '../engine/modes.js';
import type { JobRunner } from '../search/jobRunner.js';
import type { Library } from '../search/library.js';
import type { LibraryStore } from '../search/store.js';
import type { ServerLimits } from './limits.js';
import type { ModeInfo } from './modes.js';
import type { WorkQueue } from './workQueue.js';

/** What POST /identify needs from the engine: Identifier satisfies it. */
export interface SampleIdentifier {
  identifySamples(samples: Float32Array, sampleRate: number, label: string, call?: CallOptions): Promise<Identification>;
}

export type ModelStatus = { readonly state: 'loading' } | { readonly state: 'ready'; readonly name: string; readonly version: string } | { readonly state: 'unavailable'; readonly error: string };

/** Everything the routes share. */
export interface ServerContext {
  /** The identifier of an available mode (see `modes`). */
  readonly identifierFor: (mode: Mode) => SampleIdentifier;
  readonly identifyQueue: WorkQueue;
  readonly library: Library;
  readonly store: LibraryStore;
  readonly jobs: JobRunner;
  readonly limits: ServerLimits;
  /** Where files uploaded to the library are kept; a library root again with each upload (it may have been removed). */
  readonly uploads: { readonly dir: string };
  /** Whether the library's folders are watched (recordings copied in are indexed without adding the folder again). */
  readonly watchingFolders: boolean;
  readonly modes: readonly ModeInfo[];
  readonly modelStatus: () => ModelStatus;
  /** The models the web app may run in the browser (GET /browser-model): full mode's acoustic model, and QuranCLAP where hybrid mode is offered. */
  readonly browserModels?: {
    readonly acoustic: () => Promise<AcousticModel>;
    readonly clap?: () => Promise<ClapModel>;
  };
  readonly version: string;
}
