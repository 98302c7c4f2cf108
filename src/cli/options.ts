import { defaultMode, MODES, type Mode, type ModeModelOptions } from '../engine/modes.js';
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
