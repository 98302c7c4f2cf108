/** What one server accepts; every bound a client could push against has one. */
export interface ServerLimits {
  /** Largest audio upload to POST /identify. */
  readonly maxUploadBytes: number;
  /** Longest audio POST /identify decodes, seconds. */
  readonly maxIdentifyDurationS: number;
  /** Largest single file uploaded to POST /library. */
  readonly maxLibraryFileBytes: number;
  /** Files per POST /library upload. */
  readonly maxLibraryFiles: number;
  /** Longest recording the library indexes, seconds. */
  readonly maxRecordingDurationS: number;
  /** Time allowed to receive a whole request. */
  readonly requestTimeoutMs: number;
  /** Time allowed for one identification, queueing included; past it the client gets 503. */
  readonly identifyTimeoutMs: number;
  /** Identifications running at once (each uses the whole CPU budget of the model). */
  readonly maxConcurrentIdentify: number;
  /** Identifications waiting at most; more get 503 busy. */
  readonly maxQueuedIdentify: number;
  /** Indexing jobs running at once. */
  readonly maxConcurrentJobs: number;
  /** Indexing jobs waiting at most; more get 429. */
  readonly maxQueuedJobs: number;
  /** Results per search. */
  readonly maxSearchResults: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxUploadBytes: 50 * 1024 * 1024,
  maxIdentifyDurationS: 10 * 60,
  maxLibraryFileBytes: 1024 * 1024 * 1024,
  maxLibraryFiles: 100,
  maxRecordingDurationS: 3 * 3600,
  requestTimeoutMs: 5 * 60_000,
  identifyTimeoutMs: 2 * 60_000,
  maxConcurrentIdentify: 1,
  maxQueuedIdentify: 64,
  maxConcurrentJobs: 1,
  maxQueuedJobs: 16,
  maxSearchResults: 200,
};
