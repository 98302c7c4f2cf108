/** The server's JSON, as far as the UI reads it. */
import type { IdentifyResponse } from '../../src/server/identifyResponse';
import type { VerseDetails } from '../../src/search/verseInfo';
import type { LentModels } from './inBrowser/fetchModel';

/** POST /identify's answer, and the in-browser engine's: one type, the server's (src/server/identifyResponse.ts). */
export type { IdentifyResponse, VerseDetails };
export type { WordJson as HeardWord } from '../../src/engine/result';

export interface VerseRef {
  surah: number;
  ayah: number;
}

export interface ModeInfo {
  id: string;
  label: string;
  description: string;
}

export interface Job {
  id: string;
  label: string;
  status: 'queued' | 'running' | 'done' | 'failed' | 'interrupted';
  total: number;
  done: number;
  failed: number;
  current: string | null;
  progress: number;
  error: string | null;
}

export interface AddResponse {
  found: number;
  queued: number;
  /** Recordings under the folder dropped because their files are gone. */
  removed: number;
  truncated: boolean;
  job: Job | null;
}

export interface RecordingInfo {
  id: number;
  name: string;
  path: string;
  status: 'pending' | 'indexed' | 'failed';
  error: string | null;
  /** Set when the file was cut off and what it holds was indexed. */
  warning: string | null;
  duration_s: number | null;
  segments: number;
}

export interface LibraryFolder {
  id: number;
  path: string;
}

export interface RemoveResponse {
  roots: LibraryFolder[];
  removed: number;
  kept: number;
}

export interface LibraryResponse {
  roots: LibraryFolder[];
  /** The server follows the folders: recordings copied in are indexed without adding the folder again. */
  watching: boolean;
  jobs: Job[];
  stats: { recordings: number; indexed: number; pending: number; failed: number; segments: number; indexed_hours: number };
  recordings: RecordingInfo[];
}

export interface SearchHit {
  recording: { id: number; name: string };
  start_s: number;
  end_s: number;
  verses: VerseRef[];
  verse: VerseDetails;
  confidence: number;
  score: number;
  audio_url: string;
}

export interface SearchResponse {
  query: string;
  understood_as: string[];
  verses: (VerseDetails & { score: number })[];
  results: SearchHit[];
  took_ms: number;
}

/** A failed request, with the server's one-line reason. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'cannot reach the ayat server; is `ayat serve` still running?');
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new ApiError(response.status, `unexpected answer from the server (HTTP ${response.status})`);
  }
  if (!response.ok) {
    const message = (body as { error?: unknown }).error;
    throw new ApiError(response.status, typeof message === 'string' ? message : `HTTP ${response.status}`);
  }
  return body as T;
}

/**
 * The modes this browser can run with the models the server lends (GET /browser-model; see
 * web/src/inBrowser): full, and hybrid where the server offers it; none where the server lends no
 * model or the browser lacks Web Workers, Web Audio or WebAssembly.
 */
export async function browserModes(): Promise<('hybrid' | 'full')[]> {
  if (typeof Worker === 'undefined' || typeof OfflineAudioContext === 'undefined' || typeof WebAssembly === 'undefined') return [];
  try {
    const response = await fetch('/browser-model');
    if (!response.ok) return [];
    const lent = (await response.json()) as LentModels;
    return lent.hybrid ? ['hybrid', 'full'] : ['full'];
  } catch {
    return [];
  }
}

export const getModes = () => request<{ default: string; modes: ModeInfo[] }>('/modes');

/** `oneRun`: answer each chunk with one run of ayat (leftovers=0), as the live panel's windows need. */
export function identify(file: Blob, name: string, mode: string, oneRun = false): Promise<IdentifyResponse> {
  const form = new FormData();
  form.append('mode', mode);
  if (oneRun) form.append('leftovers', '0');
  form.append('audio', file, name);
  return request<IdentifyResponse>('/identify', { method: 'POST', body: form });
}

export const addFolder = (path: string) =>
  request<AddResponse>('/library', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path }) });

export function uploadToLibrary(files: readonly File[]): Promise<AddResponse> {
  const form = new FormData();
  for (const f of files) form.append('recordings', f, f.name);
  return request<AddResponse>('/library', { method: 'POST', body: form });
}

export const removeFolder = (id: number) => request<RemoveResponse>(`/library/roots/${id}`, { method: 'DELETE' });

export const getJob = (id: string) => request<Job>(`/jobs/${encodeURIComponent(id)}`);
export const getLibrary = () => request<LibraryResponse>('/library?limit=200');
export const search = (q: string, signal: AbortSignal) => request<SearchResponse>(`/search?q=${encodeURIComponent(q)}&limit=50`, { signal });
