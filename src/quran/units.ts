import type { Verse } from './corpus.js';
import unitsJson from './units.json' with { type: 'json' };

/**
 * Recognition units: what the acoustic model emits, one letter-like symbol per
 * pronounced sound. Rules live in units.json, shared with the Python trainer.
 */
interface UnitRules {
  version: number;
  blank: string;
  units: string[];
  letters: Record<string, string>;
  pronouncedMarks: Record<string, string>;
  silentMark: string;
  muqattaat: { names: Record<string, string>; verses: string[] };
  search: { fold: Record<string, string> };
}

export const UNIT_RULES: UnitRules = unitsJson;

/** CTC vocabulary: index 0 is the blank, then the units in inventory order. */
export const VOCAB: readonly string[] = [UNIT_RULES.blank, ...UNIT_RULES.units];
export const BLANK = 0;
const UNIT_ID = new Map(VOCAB.map((u, i) => [u, i]));
const MUQATTAAT = new Set(UNIT_RULES.muqattaat.verses);

/** A verse (or any text) as units, with the word each unit came from. */
export interface UnitSequence {
  /** Unit ids (1..VOCAB.length-1), never the blank. */
  readonly ids: Int32Array;
  /** For each unit, the 0-based index of its word in the space-separated text. */
  readonly wordOf: Int32Array;
  readonly wordCount: number;
}

/** Splits a word into base letters with their combining marks. */
function graphemes(word: string): { base: string; marks: string }[] {
  const out: { base: string; marks: string }[] = [];
  for (const ch of word) {
    const isBase = ch in UNIT_RULES.letters;
    if (isBase || out.length === 0) out.push({ base: isBase ? ch : '', marks: isBase ? '' : ch });
    else out[out.length - 1]!.marks += ch;
  }
  return out;
}

/** The units of one word, as a string of unit symbols. */
export function wordUnits(word: string, spellLetters = false): string {
  let s = '';
  for (const { base, marks } of graphemes(word)) {
    if (base && !marks.includes(UNIT_RULES.silentMark)) {
      s += spellLetters ? (UNIT_RULES.muqattaat.names[base] ?? UNIT_RULES.letters[base]) : UNIT_RULES.letters[base];
    }
    for (const m of marks) s += UNIT_RULES.pronouncedMarks[m] ?? '';
  }
  return s;
}

/** Text to units. `muqattaat` spells out the first word letter by letter (verses like الٓمٓ). */
export function textToUnits(text: string, muqattaat = false): UnitSequence {
  const ids: number[] = [];
  const wordOf: number[] = [];
  const words = text.split(/[\s\u2009]+/).filter((w) => w.length > 0);
  words.forEach((word, w) => {
    for (const u of wordUnits(word, muqattaat && w === 0)) {
      const id = UNIT_ID.get(u);
      if (id === undefined) throw new Error(`unit table maps to unknown unit ${JSON.stringify(u)}`);
      ids.push(id);
      wordOf.push(w);
    }
  });
  return { ids: Int32Array.from(ids), wordOf: Int32Array.from(wordOf), wordCount: words.length };
}

export function verseUnits(verse: Verse): UnitSequence {
  return textToUnits(verse.text, MUQATTAAT.has(`${verse.surah}:${verse.ayah}`));
}

export function unitsToString(ids: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < ids.length; i++) s += VOCAB[ids[i]!] ?? '?';
  return s;
}
