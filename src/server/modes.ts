import type { Mode } from '../engine/modes.js';
import { HttpError } from './errors.js';

export interface ModeInfo {
  readonly id: Mode;
  readonly label: string;
  readonly description: string;
}

const DESCRIPTIONS: Record<Mode, Omit<ModeInfo, 'id'>> = {
  full: { label: 'Full', description: 'acoustic model and whole-Quran matching (most accurate)' },
  lightweight: { label: 'Lightweight', description: 'clip features and a small bridge network (fastest)' },
  hybrid: { label: 'Hybrid', description: 'QuranCLAP shortlist rescored by the acoustic model' },
  clap: { label: 'CLAP', description: 'audio-text embedding retrieval' },
};

/** The server's identifier runs full mode; the other modes run from the CLI (ayat identify --mode). */
const SERVED_MODES: readonly Mode[] = ['full'];

/** The modes this server can run now; the UI offers only these. */
export function availableModes(): ModeInfo[] {
  return SERVED_MODES.map((id) => ({ id, ...DESCRIPTIONS[id] }));
}

export function parseModeParam(value: unknown, modes: readonly ModeInfo[]): Mode {
  if (value === undefined || value === '') return modes[0]!.id;
  const found = modes.find((m) => m.id === value);
  if (!found) {
    throw new HttpError(400, 'bad_mode', `unknown or unavailable mode ${JSON.stringify(value)}; available: ${modes.map((m) => m.id).join(', ')}`);
  }
  return found.id;
}
