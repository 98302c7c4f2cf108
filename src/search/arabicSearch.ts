import type { Verse } from '../quran/corpus.js';
import { normaliseArabic } from '../quran/normalise.js';
import { allowedEdits, boundedEditDistance } from './fuzzy.js';
import { combineWordHits, WordIndex, type VocabularyEntry, type WordHits } from './wordIndex.js';

/** Conjunctions, prepositions and the article written joined to the word: وَٱلْ…, فَبِ…, لِ… */
const CLITICS = /^(?:[وف])?(?:[بكل])?(?:ال)?/u;
const MIN_STEM = 2;

/** The word without joined clitics, when enough of it is left. */
export function arabicStem(word: string): string {
  const stripped = word.replace(CLITICS, '');
  return stripped.length >= MIN_STEM ? stripped : word;
}

/** Alif is the letter Uthmani and everyday spelling disagree on most (ٱلرَّحۡمَٰن → الرحمان vs الرحمن). */
function skeleton(word: string): string {
  return word.length > 1 ? word[0] + word.slice(1).replace(/ا/g, '') : word;
}

export interface ArabicWordForms {
  readonly word: string;
  readonly stem: string;
  readonly skeleton: string;
}

export function arabicWordForms(word: string): ArabicWordForms {
  return { word, stem: arabicStem(word), skeleton: skeleton(word) };
}

function similarityWithin(a: string, b: string): number {
  const max = allowedEdits(a.length);
  const d = boundedEditDistance(a, b, max);
  return d > max ? 0 : 1 - d / Math.max(a.length, b.length);
}

/**
 * How alike a query word and a verse word are, 0..1: equal (1); equal but for
 * alifs (0.95); equal but for clitics (0.9); a few edits apart (less). A word
 * still being typed (`prefix`) also matches the start of a word (0.85).
 */
export function arabicWordSimilarity(q: ArabicWordForms, w: ArabicWordForms, prefix: boolean): number {
  if (q.word === w.word) return 1;
  if (q.skeleton === w.skeleton) return 0.95;
  let best = similarityWithin(q.word, w.word);
  if (q.stem === w.stem) best = Math.max(best, 0.9);
  else if (best < 0.9) best = Math.max(best, 0.9 * similarityWithin(q.stem, w.stem));
  if (prefix && best < 0.85 && q.word.length >= 2 && (w.word.startsWith(q.word) || w.stem.startsWith(q.stem))) best = 0.85;
  return best;
}

/** Fuzzy search over the Arabic text, with or without diacritics, via normaliseArabic. */
export class ArabicVerseSearch {
  private readonly index = new WordIndex<ArabicWordForms>(arabicWordForms);
  private readonly folded: string[];
  private readonly lengths: number[];

  constructor(verses: readonly Verse[]) {
    this.folded = verses.map((v) => normaliseArabic(v.text));
    this.lengths = this.folded.map((text) => text.split(' ').length);
    this.folded.forEach((text, verseIndex) => {
      text.split(' ').forEach((word, position) => this.index.add(word, verseIndex, position));
    });
  }

  /** Verse index → score in [minScore, 1]. The last word counts as possibly unfinished. */
  search(query: string, minScore = 0.5): Map<number, number> {
    const folded = normaliseArabic(query).replace(/[^\p{Script=Arabic}\s]/gu, ' ').replace(/\s+/g, ' ').trim();
    if (folded === '') return new Map();
    const words = folded.split(' ');
    const perWord: WordHits[] = words.map((word, i) => {
      const q = arabicWordForms(word);
      const prefix = i === words.length - 1;
      return this.index.hits((entry: VocabularyEntry<ArabicWordForms>) => arabicWordSimilarity(q, entry.features, prefix));
    });
    const weights = words.map((w) => Math.max(1, w.length - 1));
    const scores = combineWordHits(perWord, weights, (v) => this.lengths[v]!, minScore);
    // The exact phrase, as folded, is the best possible answer.
    if (words.length > 1) {
      this.folded.forEach((text, v) => {
        if (text.includes(folded)) scores.set(v, 1);
      });
    }
    return scores;
  }
}
