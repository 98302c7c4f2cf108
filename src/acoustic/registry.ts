import { existsSync, readdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { CARD_FILE } from './card.js';
import { isHuggingFaceFolder } from './huggingFace.js';
import { isWhisperFolder } from './whisper.js';
import { packageRoot } from './packageRoot.js';

export const DEFAULT_MODEL_NAME = 'ayat-ctc';
export const MODEL_ENV_VAR = 'AYAT_MODEL';

export type ModelSource = 'argument' | 'env' | 'default';

export interface ModelLocation {
  /** Absolute path of the model folder (it may not exist; AcousticModel.load reports that). */
  readonly dir: string;
  /** Where the choice came from, for error messages. */
  readonly source: ModelSource;
}

/** Folder holding the bundled models: `<package root>/models`. */
export function modelsDir(): string {
  return join(packageRoot(), 'models');
}

/**
 * Which model folder to use: `nameOrPath` when given, else $AYAT_MODEL, else the
 * bundled `models/ayat-ctc`. A bare name (no slash, not starting with '.') means
 * `models/<name>` in the package unless a folder of that name exists in the cwd.
 */
export function resolveModel(nameOrPath?: string, env: NodeJS.ProcessEnv = process.env): ModelLocation {
  const fromEnv = env[MODEL_ENV_VAR];
  if (nameOrPath !== undefined && nameOrPath !== '') return { dir: resolveSpec(nameOrPath), source: 'argument' };
  if (fromEnv !== undefined && fromEnv !== '') return { dir: resolveSpec(fromEnv), source: 'env' };
  return { dir: join(modelsDir(), DEFAULT_MODEL_NAME), source: 'default' };
}

/** A model folder from a name or path: see resolveModel. */
export function resolveSpec(spec: string): string {
  if (isAbsolute(spec)) return spec;
  const looksLikePath = spec.startsWith('.') || spec.includes('/') || spec.includes('\\');
  const bundled = join(modelsDir(), spec);
  if (looksLikePath || (!existsSync(bundled) && existsSync(spec))) return resolve(spec);
  return bundled;
}

/** Names of the bundled models (folders under models/ that hold a card). */
export function listBundledModels(): string[] {
  const dir = modelsDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, CARD_FILE)))
    .map((e) => e.name)
    .sort();
}

/** Whether `dir` holds an acoustic model, judged cheaply: an ayat card, a transformers CTC export, or a Whisper folder. */
export function holdsAcousticModel(dir: string): boolean {
  return existsSync(join(dir, CARD_FILE)) || isHuggingFaceFolder(dir) || isWhisperFolder(dir);
}
