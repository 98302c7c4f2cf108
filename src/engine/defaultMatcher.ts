import { defaultMatcher } from '../match/matcher.js';
import type { MatchStage } from './ports.js';

/** The process-wide verse matcher over the whole Quran; it indexes the text on first use. */
export async function loadDefaultMatcher(): Promise<MatchStage> {
  const matcher = defaultMatcher();
  return { matchPosteriors: (posteriors, options) => matcher.match(posteriors, options) };
}
