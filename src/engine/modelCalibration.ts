import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelError } from '../acoustic/errors.js';
import { firstLine } from '../acoustic/session.js';
import { validateCalibration, type Calibration } from '../match/confidence.js';

/**
 * The built-in confidence calibrations were fitted on the answers of ayat's own acoustic model.
 * Another model (docs/models.md) scores differently, so its folder may carry its own, fitted on
 * its answers with `ayat bench --fit-calibration`: they replace the built-in ones whenever that
 * model runs.
 */
export const MODEL_CALIBRATION_FILES = { full: 'calibration.json', hybrid: 'hybrid-calibration.json' } as const;
export type CalibratedMode = keyof typeof MODEL_CALIBRATION_FILES;

/** The calibration `mode` uses with the model in `modelDir`, when that folder has one. */
export function modelCalibration(modelDir: string, mode: CalibratedMode): Calibration | undefined {
  const path = join(modelDir, MODEL_CALIBRATION_FILES[mode]);
  if (!existsSync(path)) return undefined;
  try {
    return validateCalibration(JSON.parse(readFileSync(path, 'utf8')) as Calibration);
  } catch (err) {
    throw new ModelError('bad_card', `${path} is not a calibration: ${firstLine(err)}`);
  }
}
