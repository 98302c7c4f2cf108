import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { VerseKey } from './scoring.js';

/**
 * One clip of an offline-tarteel style manifest:
 * `{"samples": [{id, file, surah, ayah, ayah_end, category, source, reciter, expected_verses[, also_accept]}]}`.
 */
export interface BenchSample {
  readonly id: string;
  /** Absolute path (the manifest's `file` is relative to the manifest's folder). */
  readonly path: string;
  /** `file` as written in the manifest. */
  readonly file: string;
  readonly surah: number;
  readonly ayah: number;
  readonly ayahEnd: number | null;
  readonly category: string;
  readonly source: string;
  readonly reciter: string | null;
  readonly expected: readonly VerseKey[];
  readonly alsoAccept: readonly (readonly VerseKey[])[];
}

export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

export async function loadManifest(manifestPath: string): Promise<BenchSample[]> {
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ManifestError(code === 'ENOENT' ? `no manifest at ${manifestPath}` : `cannot read ${manifestPath}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ManifestError(`${manifestPath} is not valid JSON: ${(err as Error).message}`);
  }
  return parseManifest(json, dirname(resolve(manifestPath)), manifestPath);
}

export function parseManifest(json: unknown, baseDir: string, where = 'manifest'): BenchSample[] {
  const samples = (json as { samples?: unknown } | null)?.samples;
  if (!Array.isArray(samples)) throw new ManifestError(`${where}: expected {"samples": [...]}`);
  return samples.map((raw, i) => parseSample(raw, baseDir, `${where}: sample ${i}`));
}

function parseSample(raw: unknown, baseDir: string, where: string): BenchSample {
  if (typeof raw !== 'object' || raw === null) throw new ManifestError(`${where} is not an object`);
  const s = raw as Record<string, unknown>;
  const text = (key: string): string => {
    if (typeof s[key] !== 'string' || s[key] === '') throw new ManifestError(`${where}: "${key}" must be a non-empty string`);
    return s[key] as string;
  };
  const id = text('id');
  const file = text('file');
  const surah = positiveInt(s.surah, `${where} (${id}): "surah"`);
  const ayah = positiveInt(s.ayah, `${where} (${id}): "ayah"`);
  const ayahEnd = s.ayah_end === null || s.ayah_end === undefined ? null : positiveInt(s.ayah_end, `${where} (${id}): "ayah_end"`);
  // Same default as the upstream runner when expected_verses is absent.
  const expected = s.expected_verses === undefined ? [{ surah, ayah }] : verseList(s.expected_verses, `${where} (${id}): "expected_verses"`);
  const alsoAccept = s.also_accept === undefined || s.also_accept === null ? [] : alternatives(s.also_accept, `${where} (${id}): "also_accept"`);
  return {
    id,
    file,
    path: resolve(baseDir, file),
    surah,
    ayah,
    ayahEnd,
    category: typeof s.category === 'string' ? s.category : 'unknown',
    source: typeof s.source === 'string' ? s.source : 'unknown',
    reciter: typeof s.reciter === 'string' ? s.reciter : null,
    expected,
    alsoAccept,
  };
}

function positiveInt(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new ManifestError(`${what} must be a positive integer`);
  return value;
}

function verseList(value: unknown, what: string): VerseKey[] {
  if (!Array.isArray(value)) throw new ManifestError(`${what} must be a list of {surah, ayah}`);
  return value.map((v: unknown, i) => {
    const o = (v ?? {}) as Record<string, unknown>;
    return { surah: positiveInt(o.surah, `${what}[${i}].surah`), ayah: positiveInt(o.ayah, `${what}[${i}].ayah`) };
  });
}

function alternatives(value: unknown, what: string): VerseKey[][] {
  if (!Array.isArray(value)) throw new ManifestError(`${what} must be a list of verse lists`);
  return value.map((alt: unknown, i) => verseList(alt, `${what}[${i}]`));
}

/** The clips of a bench script's --manifest that pass every --filter. */
export async function scriptSamples(values: { readonly manifest?: string | undefined; readonly filter: readonly string[] }): Promise<BenchSample[]> {
  if (!values.manifest) throw new Error('--manifest is required');
  return applyFilters(await loadManifest(values.manifest), values.filter.map(parseFilter));
}

// --- filters -----------------------------------------------------------------

export const FILTER_KEYS = ['id', 'category', 'source', 'reciter', 'surah'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

/** `key=value[,value…]`: a sample passes when its field equals one of the values. */
export interface SampleFilter {
  readonly key: FilterKey;
  readonly values: readonly string[];
}

export function parseFilter(spec: string): SampleFilter {
  const eq = spec.indexOf('=');
  const key = spec.slice(0, eq).trim();
  const values = spec
    .slice(eq + 1)
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  if (eq <= 0 || values.length === 0) throw new ManifestError(`bad filter "${spec}": expected key=value, e.g. source=retasy`);
  if (!(FILTER_KEYS as readonly string[]).includes(key)) {
    throw new ManifestError(`bad filter "${spec}": key must be one of ${FILTER_KEYS.join(', ')}`);
  }
  return { key: key as FilterKey, values };
}

/** Samples passing every filter (filters are ANDed), in manifest order. */
export function applyFilters(samples: readonly BenchSample[], filters: readonly SampleFilter[]): BenchSample[] {
  return samples.filter((s) => filters.every((f) => f.values.includes(fieldOf(s, f.key))));
}

function fieldOf(sample: BenchSample, key: FilterKey): string {
  if (key === 'surah') return String(sample.surah);
  return sample[key] ?? 'null';
}
