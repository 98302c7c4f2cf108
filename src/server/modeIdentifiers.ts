import { lazyModeIdentifier, type Mode, type ModeModelOptions } from '../engine/modes.js';
import type { SampleIdentifier } from './context.js';

/**
 * The identifier of each mode, created on the mode's first request and reused after. Full mode's
 * is the one given (it shares the server's one load of the acoustic model); the others load their
 * models on first need.
 * Answers carry their words (only the modes with an acoustic model hear them).
 */
export function modeIdentifiers(full: SampleIdentifier, models: ModeModelOptions, maxCandidates: number): (mode: Mode) => SampleIdentifier {
  const made = new Map<Mode, SampleIdentifier>([['full', full]]);
  return (mode) => {
    let identifier = made.get(mode);
    if (!identifier) {
      identifier = lazyModeIdentifier(mode, models, { maxCandidates, words: true });
      made.set(mode, identifier);
    }
    return identifier;
  };
}
