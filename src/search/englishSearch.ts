import type { Verse } from '../quran/corpus.js';
import { wordSimilarity } from './fuzzy.js';
import { combineWordHits, WordIndex, type WordHits } from './wordIndex.js';

const STOP_WORDS = new Set(
  'a an and are as at be but by for from had has have he her him his i in into is it its me my no nor not of on or our she so that the their them then there these they this those to us was we were what when which who whom will with you your'.split(
    ' ',
  ),
);

/** Lower case, no brackets or punctuation, a plural or possessive s dropped. */
export function englishTerms(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/['’]s\b/g, '')
    .split(/[^a-z]+/)
    .filter((w) => w.length > 0)
    .map(stemEnglish);
}

function stemEnglish(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return word.slice(0, -3) + 'y';
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us')) return word.slice(0, -1);
  return word;
}

/** Word search over the English translation: rarer words weigh more, small typos allowed. */
export class EnglishVerseSearch {
  private readonly index = new WordIndex<null>(() => null);
  private readonly lowered: string[];
  private readonly lengths: number[];
  private readonly verseCount: number;

  constructor(verses: readonly Verse[]) {
    this.verseCount = verses.length;
    this.lowered = verses.map((v) => v.translation.toLowerCase().replace(/[\[\]]/g, '').replace(/\s+/g, ' '));
    this.lengths = verses.map((v) => englishTerms(v.translation).filter((t) => !STOP_WORDS.has(t)).length);
    verses.forEach((v, verseIndex) => {
      englishTerms(v.translation).forEach((term, position) => this.index.add(term, verseIndex, position));
    });
  }

  /** Rarer words say more about which verse is meant. */
  private weight(term: string): number {
    return Math.log(1 + this.verseCount / (1 + this.index.documentFrequency(term)));
  }

  /** Verse index → score in [minScore, 1]. Stop words are ignored; the last word may be unfinished. */
  search(query: string, minScore = 0.5): Map<number, number> {
    const all = englishTerms(query);
    const terms = all.filter((t) => !STOP_WORDS.has(t));
    if (terms.length === 0) return new Map();
    const lastIsPartial = all[all.length - 1] === terms[terms.length - 1];
    const perWord: WordHits[] = terms.map((q, i) => {
      const prefix = lastIsPartial && i === terms.length - 1 && q.length >= 3;
      return this.index.hits(({ word }) => {
        if (word === q) return 1;
        if (prefix && word.startsWith(q)) return 0.85;
        return wordSimilarity(q, word) * 0.9;
      });
    });
    const scores = combineWordHits(perWord, terms.map((t) => this.weight(t)), (v) => this.lengths[v]!, minScore);
    const phrase = query.toLowerCase().replace(/[\[\]]/g, '').replace(/\s+/g, ' ').trim();
    if (phrase.includes(' ')) {
      this.lowered.forEach((text, v) => {
        if (text.includes(phrase)) scores.set(v, 1);
      });
    }
    return scores;
  }
}
