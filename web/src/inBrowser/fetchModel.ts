import { ModelError } from '../../../src/acoustic/errors';
import type { Calibration } from '../../../src/match/confidence';

/** A model file or description from the ayat server (GET /browser-model and the files it names), or a one-line error. */
export async function fetchOk(path: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path);
  } catch {
    throw new ModelError('not_found', 'cannot reach the ayat server to fetch the model');
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: unknown };
    throw new ModelError('not_found', typeof body.error === 'string' ? body.error : `the server answered HTTP ${response.status} for ${path}`);
  }
  return response;
}

export async function fetchBytes(path: string): Promise<Uint8Array> {
  return new Uint8Array(await (await fetchOk(path)).arrayBuffer());
}

/** What GET /browser-model answers (src/server/routes/browserModel.ts); the cards are checked where they are used. */
export interface LentModels {
  readonly card: unknown;
  /** Full mode's calibration for this model, null for the built-in one. */
  readonly calibration: Calibration | null;
  readonly file: string;
  /** QuranCLAP, where the server offers hybrid mode. */
  readonly hybrid: (LentClap & { readonly calibration: Calibration | null }) | null;
}

/** What GET /browser-model says of QuranCLAP. */
export interface LentClap {
  readonly card: unknown;
  readonly audio_file: string;
  readonly verses_file: string;
}

export async function fetchLentModels(): Promise<LentModels> {
  return (await (await fetchOk('/browser-model')).json()) as LentModels;
}
