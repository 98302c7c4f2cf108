import { UsageError } from './usage.js';

export const MODES = ['full', 'clap', 'lightweight', 'hybrid'] as const;
export type Mode = (typeof MODES)[number];
export const AVAILABLE_MODES: readonly Mode[] = ['full'];

export function parseMode(value: string | undefined): Mode {
  if (value === undefined) return 'full';
  if (!(MODES as readonly string[]).includes(value)) {
    throw new UsageError(`unknown mode "${value}" (modes: ${MODES.join(', ')})`);
  }
  if (!AVAILABLE_MODES.includes(value as Mode)) {
    throw new UsageError(`mode "${value}" is not available yet (available: ${AVAILABLE_MODES.join(', ')})`);
  }
  return value as Mode;
}

export function parsePositiveInt(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`${option} needs a positive whole number, got "${value}"`);
  return Number(value);
}
