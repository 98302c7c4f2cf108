import { loadQuran, type VerseRef } from '../quran/corpus.js';
import { unitsToString, verseUnits } from '../quran/units.js';

/** A scored run of verses, as the matcher ranks them. */
export interface ScoredVerses {
  readonly verses: readonly VerseRef[];
  readonly score: number;
}

/** A candidate and the verse runs listed after it that spell exactly its letters, at its score. */
export interface CandidateGroup extends ScoredVerses {
  readonly sameText: readonly (readonly VerseRef[])[];
}

/**
 * Folds identical-text candidates into the first of them: the matcher lists 40:1's twins
 * 41:1-46:1 (or 109:3's, 109:5) at the same score, since audio cannot tell them apart.
 */
export function groupSameText(candidates: readonly ScoredVerses[]): CandidateGroup[] {
  const quran = loadQuran();
  const letters = (verses: readonly VerseRef[]): string => verses.map((v) => unitsToString(verseUnits(quran.get(v)).ids)).join('|');
  const groups: (CandidateGroup & { readonly key: string; readonly sameText: VerseRef[][] })[] = [];
  for (const c of candidates) {
    const key = letters(c.verses);
    const twinOf = groups.find((g) => g.score === c.score && g.key === key);
    if (twinOf) twinOf.sameText.push([...c.verses]);
    else groups.push({ verses: c.verses, score: c.score, sameText: [], key });
  }
  return groups.map(({ verses, score, sameText }) => ({ verses, score, sameText }));
}
