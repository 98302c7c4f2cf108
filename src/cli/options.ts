import { MODES, type Mode } from '../engine/modes.js';
import { UsageError } from './usage.js';

export { MODES, type Mode };

export function parseMode(value: string): Mode {
  if (!(MODES as readonly string[]).includes(value)) {
    throw new UsageError(`unknown mode "${value}" (modes: ${MODES.join(', ')})`);
  }
  return value as Mode;
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
