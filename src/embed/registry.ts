import { join } from 'node:path';
import { modelsDir, resolveSpec, type ModelLocation } from '../acoustic/registry.js';

export type EmbedKind = 'clap' | 'lightweight';

export const EMBED_DEFAULTS: Record<EmbedKind, { readonly name: string; readonly env: string; readonly option: string; readonly what: string }> = {
  clap: { name: 'ayat-clap', env: 'AYAT_CLAP_MODEL', option: '--clap-model', what: 'QuranCLAP model' },
  lightweight: { name: 'ayat-bridge', env: 'AYAT_LIGHTWEIGHT_MODEL', option: '--lightweight-model', what: 'lightweight bridge model' },
};

/** As resolveModel for the acoustic model: the argument, else $AYAT_CLAP_MODEL / $AYAT_LIGHTWEIGHT_MODEL, else models/<default>. */
export function resolveEmbedModel(kind: EmbedKind, nameOrPath?: string, env: NodeJS.ProcessEnv = process.env): ModelLocation {
  const d = EMBED_DEFAULTS[kind];
  const fromEnv = env[d.env];
  if (nameOrPath !== undefined && nameOrPath !== '') return { dir: resolveSpec(nameOrPath), source: 'argument' };
  if (fromEnv !== undefined && fromEnv !== '') return { dir: resolveSpec(fromEnv), source: 'env' };
  return { dir: join(modelsDir(), d.name), source: 'default' };
}
