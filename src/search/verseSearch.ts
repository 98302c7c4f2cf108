import { loadQuran, type QuranCorpus } from '../quran/corpus.js';
import { ArabicVerseSearch } from './arabicSearch.js';
import { EnglishVerseSearch } from './englishSearch.js';
import { parseQuery, type QueryPart } from './queryParser.js';
import type { VerseScore } from './types.js';

export interface VerseSearchResult {
  readonly parts: readonly QueryPart[];
  /** Best first; verses of a named reference score 1. */
  readonly verses: readonly VerseScore[];
}

/** Resolves a search-box query to scored verses of the Quran (no library involved). */
export class VerseSearch {
  private arabic: ArabicVerseSearch | undefined;
  private english: EnglishVerseSearch | undefined;

  constructor(private readonly quran: QuranCorpus = loadQuran()) {}

  /** Builds the text indexes now rather than on the first query. */
  warm(): void {
    this.arabic ??= new ArabicVerseSearch(this.quran.verses);
    this.english ??= new EnglishVerseSearch(this.quran.verses);
  }

  /** Throws QueryError for a reference to a verse that does not exist. */
  search(query: string, maxVerses: number): VerseSearchResult {
    const parts = parseQuery(query);
    const scores = new Map<number, number>();
    const keep = (verseIndex: number, score: number): void => {
      if (score > (scores.get(verseIndex) ?? 0)) scores.set(verseIndex, score);
    };
    // Named verses come first; text matches of the same query rank just below them.
    const textCeiling = parts.some((p) => p.kind === 'verses') ? 0.99 : 1;
    for (const part of parts) {
      if (part.kind === 'verses') {
        const first = this.quran.surah(part.surah).firstIndex;
        for (let ayah = part.fromAyah; ayah <= part.toAyah; ayah++) keep(first + ayah - 1, 1);
      } else {
        this.warm();
        const found = part.kind === 'arabic' ? this.arabic!.search(part.text) : this.english!.search(part.text);
        for (const [verseIndex, score] of found) keep(verseIndex, Math.min(score, textCeiling));
      }
    }
    const verses = [...scores]
      .map(([verseIndex, score]) => ({ verseIndex, score: Math.round(score * 10000) / 10000 }))
      .sort((a, b) => b.score - a.score || a.verseIndex - b.verseIndex)
      .slice(0, maxVerses);
    return { parts, verses };
  }
}
