import { AVAILABLE_MODES, type Mode } from '../cli/options.js';
import { HttpError } from './errors.js';

export interface ModeInfo {
  readonly id: Mode;
  readonly label: string;
  readonly description: string;
}

const DESCRIPTIONS: Record<Mode, Omit<ModeInfo, 'id'>> = {
  full: { label: 'Full', description: 'acoustic model and whole-Quran matching (most accurate)' },
  lightweight: { label: 'Lightweight', description: 'a smaller, faster model' },
  hybrid: { label: 'Hybrid', description: 'lightweight first, full when unsure' },
  clap: { label: 'CLAP', description: 'audio-text embedding retrieval' },
};

/** The modes this server can run now; the UI offers only these. */
export function availableModes(): ModeInfo[] {
  return AVAILABLE_MODES.map((id) => ({ id, ...DESCRIPTIONS[id] }));
}

export function parseModeParam(value: unknown, modes: readonly ModeInfo[]): Mode {
  if (value === undefined || value === '') return modes[0]!.id;
  const found = modes.find((m) => m.id === value);
  if (!found) {
    throw new HttpError(400, 'bad_mode', `unknown or unavailable mode ${JSON.stringify(value)}; available: ${modes.map((m) => m.id).join(', ')}`);
  }
  return found.id;
}
