import { loadQuran, type Verse, type VerseRef } from '../quran/corpus.js';
import { verseUnits } from '../quran/units.js';
import { sameVerse } from '../quran/verseKey.js';
import type { AlignedUnit } from './types.js';

/** One recited word of the answer, and how clearly the acoustic model heard it. */
export interface HeardWord {
  readonly verse: VerseRef;
  /** 0-based position of the word in the verse's text. */
  readonly word: number;
  /** The word as written (Uthmani, with its marks). */
  readonly text: string;
  readonly startS: number;
  readonly endS: number;
  /**
   * Mean over the word's letters of each letter's mean log P(letter) − log P(best label) over the
   * frames the alignment gave it: 0 when every letter was heard, very negative when none was.
   */
  readonly score: number;
  /** score < the flag threshold: the word was probably not recited as written (wrong, skipped or unclear). */
  readonly flagged: boolean;
  /**
   * Letters heard from this word's start to the next word's that the verse does not have there
   * (the sum of its units' AlignedUnit.extraAfter): the alignment stretched a letter of this word
   * over them, or passed them as blank.
   */
  readonly extraLetters: number;
  /** extraLetters ≥ the threshold: something not in the verse was said here (a word added, or repeated). */
  readonly added: boolean;
}

/**
 * Below this word score a word is flagged. Chosen on dev (docs/words.md): on the professional
 * reciters' correct recitations it flags few words, while most words cut out of a clip or swapped
 * for another word are flagged.
 */
export const DEFAULT_FLAG_BELOW = -3;

/** From this many extra letters in or right after a word, something was probably added there (docs/words.md). */
export const DEFAULT_ADDED_FROM = 2;

export interface HeardWordsOptions {
  /** Words scoring below this are flagged (default DEFAULT_FLAG_BELOW). */
  readonly flagBelow?: number;
  /** Words with this many extra letters or more are marked added (default DEFAULT_ADDED_FROM). */
  readonly addedFrom?: number;
  /** Where a verse's text comes from (default: the bundled Quran). */
  readonly verseOf?: (ref: VerseRef) => Verse;
}


/** The words of a verse, split as the unit rules split them (src/quran/units.ts). */
export function verseWords(verse: Verse): string[] {
  return verse.text.split(/[\s\u2009]+/).filter((w) => w.length > 0);
}

/**
 * The aligned units of an answer (in recited order, from one or more chunks) grouped into words.
 * Consecutive units of the same word make one word, so a word heard across a chunk boundary, or
 * in the overlap of two chunks, is reported once.
 */
export function heardWords(units: readonly AlignedUnit[], options: HeardWordsOptions = {}): HeardWord[] {
  const { flagBelow = DEFAULT_FLAG_BELOW, addedFrom = DEFAULT_ADDED_FROM, verseOf = (ref: VerseRef) => loadQuran().get(ref) } = options;
  const out: HeardWord[] = [];
  let verse: Verse | undefined;
  let wordOf: Int32Array = new Int32Array(0);
  let words: string[] = [];
  let current: { verse: VerseRef; word: number; startS: number; endS: number; sum: number; units: number; extraLetters: number } | undefined;
  const close = (): void => {
    if (!current) return;
    const { sum, units: n, ...word } = current;
    const score = sum / n;
    out.push({ ...word, text: words[word.word] ?? '', score, flagged: score < flagBelow, added: word.extraLetters >= addedFrom });
    current = undefined;
  };
  for (const u of units) {
    if (!verse || !sameVerse(verse, u.verse)) {
      close();
      verse = verseOf(u.verse);
      wordOf = verseUnits(verse).wordOf;
      words = verseWords(verse);
    }
    const word = wordOf[u.unit];
    if (word === undefined) throw new RangeError(`unit ${u.unit} is past the end of ${u.verse.surah}:${u.verse.ayah}`);
    if (current && current.word === word) {
      current.endS = Math.max(current.endS, u.endS);
      current.sum += u.relLogProb;
      current.units++;
      current.extraLetters += u.extraAfter;
      continue;
    }
    close();
    current = { verse: { surah: verse.surah, ayah: verse.ayah }, word, startS: u.startS, endS: u.endS, sum: u.relLogProb, units: 1, extraLetters: u.extraAfter };
  }
  close();
  return out;
}
