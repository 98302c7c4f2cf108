import { lazyModeIdentifier, type Mode, type ModeModelOptions } from '../engine/modes.js';
import type { SampleIdentifier } from './context.js';

/**
 * The identifier of each mode, created on the mode's first request and reused after; each
 * loads its models on first need, as `ayat identify --mode` does (the server passes its one load
 * of the acoustic model in `models`).
 * Answers carry their words (only the modes with an acoustic model hear them).
 */
export function modeIdentifiers(models: ModeModelOptions, maxCandidates: number): (mode: Mode) => SampleIdentifier {
  const made = new Map<Mode, SampleIdentifier>();
  return (mode) => {
    let identifier = made.get(mode);
    if (!identifier) {
      identifier = lazyModeIdentifier(mode, models, { maxCandidates, words: true });
      made.set(mode, identifier);
    }
    return identifier;
  };
}
