import type { Identifier, IdentifyOptions } from '../engine/identify.js';
import { defaultMode, lazyModeIdentifier, loadModeModels, modeIdentifier, MODES, type Mode, type ModeModelOptions } from '../engine/modes.js';
import { UsageError } from './usage.js';

export { MODES, type Mode };

export function parseMode(value: string): Mode {
  if (!(MODES as readonly string[]).includes(value)) {
    throw new UsageError(`unknown mode "${value}" (modes: ${MODES.join(', ')})`);
  }
  return value as Mode;
}

/** A command's --mode, or the default mode for the models given (see defaultMode). */
export function modeOf(value: string | undefined, models: ModeModelOptions): Mode {
  return value === undefined ? defaultMode(models) : parseMode(value);
}

/**
 * The identifier of a command that identifies recordings (identify, library add). Its models load
 * on first need (a bad file never waits for them; a broken model is a per-file error), except for a
 * mode other than full asked for by name: its models load now, so a missing one is one line and exit 2.
 */
export async function commandIdentifier(modeArg: string | undefined, models: ModeModelOptions, options: Partial<IdentifyOptions> = {}): Promise<Identifier> {
  const mode = modeOf(modeArg, models);
  return modeArg !== undefined && mode !== 'full'
    ? modeIdentifier(mode, await loadModeModels(mode, models), options)
    : lazyModeIdentifier(mode, models, options);
}

/** bench's --mode: one mode, a comma-separated list, or "all". */
export function parseModes(value: string): Mode[] {
  if (value === 'all') return [...MODES];
  const modes = value.split(',').map((m) => parseMode(m.trim()));
  return [...new Set(modes)];
}

export function parsePositiveInt(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`${option} needs a positive whole number, got "${value}"`);
  return Number(value);
}

/** The model-folder options of every command that loads models (parseArgs option specs). */
export const MODEL_ARGS = {
  model: { type: 'string' },
  'clap-model': { type: 'string' },
  'lightweight-model': { type: 'string' },
} as const;

/** Those options' values as the engine takes them. */
export function modelOptionsOf(values: { model?: string | undefined; 'clap-model'?: string | undefined; 'lightweight-model'?: string | undefined }): ModeModelOptions {
  return { model: values.model, clapModel: values['clap-model'], lightweightModel: values['lightweight-model'] };
}
