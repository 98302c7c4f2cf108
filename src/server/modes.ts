import { defaultMode, MODE_DESCRIPTIONS, MODES, modeInstalled, type Mode, type ModeModelOptions } from '../engine/modes.js';
import { HttpError } from './errors.js';

export interface ModeInfo {
  readonly id: Mode;
  readonly label: string;
  readonly description: string;
}

const LABELS: Record<Mode, string> = { full: 'Full', lightweight: 'Lightweight', hybrid: 'Hybrid', clap: 'CLAP' };

/**
 * The modes this server offers; the UI offers only these. The default first (the CLI's:
 * PREFERRED_MODE where its models are installed, else full), then full always (without its
 * model it answers 503 model_unavailable), then each other mode whose models' folders hold a
 * card (checked once, at start-up; nothing is loaded).
 */
export function availableModes(models: ModeModelOptions = {}, env: NodeJS.ProcessEnv = process.env): ModeInfo[] {
  const first = defaultMode(models, env);
  const rest = MODES.filter((id) => id !== first && (id === 'full' || modeInstalled(id, models, env)));
  return [first, ...rest].map((id) => ({ id, label: LABELS[id], description: MODE_DESCRIPTIONS[id] }));
}

export function parseModeParam(value: unknown, modes: readonly ModeInfo[]): Mode {
  if (value === undefined || value === '') return modes[0]!.id;
  const found = modes.find((m) => m.id === value);
  if (!found) {
    throw new HttpError(400, 'bad_mode', `unknown or unavailable mode ${JSON.stringify(value)}; available: ${modes.map((m) => m.id).join(', ')}`);
  }
  return found.id;
}
