import { loadQuran, type VerseRef } from '../quran/corpus.js';
import { sameTextKeys, versesWithSameText } from '../quran/sameText.js';

/** A scored run of verses, as the matcher ranks them. */
export interface ScoredVerses {
  readonly verses: readonly VerseRef[];
  readonly score: number;
}

/** A candidate and the verse runs spelled exactly as it is, which audio cannot tell from it. */
export interface CandidateGroup extends ScoredVerses {
  readonly sameText: readonly (readonly VerseRef[])[];
}

/**
 * Folds identical-text candidates into the first of them: the matcher lists 40:1's twins
 * 41:1-46:1 (or 109:3's, 109:5) at the same score, since audio cannot tell them apart. A single
 * verse's twins are taken from the whole Quran, so they are named even where the list stops
 * short of them, or a mode lists one verse per text (clap, lightweight).
 */
export function groupSameText(candidates: readonly ScoredVerses[]): CandidateGroup[] {
  const quran = loadQuran();
  const keys = sameTextKeys();
  const textKey = (verses: readonly VerseRef[]): string => verses.map((v) => keys[quran.get(v).index]).join('|');
  const groups: (CandidateGroup & { readonly key: string; readonly sameText: VerseRef[][] })[] = [];
  for (const c of candidates) {
    const key = textKey(c.verses);
    const twinOf = groups.find((g) => g.key === key);
    if (!twinOf) {
      const twins = c.verses.length === 1 ? versesWithSameText(c.verses[0]!).map((v) => [v]) : [];
      groups.push({ verses: c.verses, score: c.score, sameText: twins, key });
    } else if (!twinOf.sameText.some((run) => sameRun(run, c.verses))) {
      twinOf.sameText.push([...c.verses]);
    }
  }
  return groups.map(({ verses, score, sameText }) => ({ verses, score, sameText }));
}

const sameRun = (a: readonly VerseRef[], b: readonly VerseRef[]): boolean =>
  a.length === b.length && a.every((v, i) => v.surah === b[i]!.surah && v.ayah === b[i]!.ayah);
