import { UNIT_RULES } from './units.js';

/**
 * Folding for text search (user queries, with or without diacritics, against
 * verse text). Rule table, applied in order:
 *
 * | what                                   | rule                      |
 * |----------------------------------------|---------------------------|
 * | harakat, shadda, sukun, tanween        | dropped (U+064B–U+065F)   |
 * | Uthmani small letters that are read    | ٰ→ا ۥ→و ۦ,ۧ→ي             |
 * | other Quranic marks, waqf signs        | dropped (U+06D6–U+06ED)   |
 * | tatweel ـ                              | dropped                   |
 * | alef variants أ إ آ ٱ                  | ا                         |
 * | hamza on carriers ؤ ئ                  | و ي                       |
 * | alef maqsura ى                         | ي                         |
 * | ta marbuta ة                           | ه                         |
 * | whitespace runs                        | one space                 |
 */
const FOLD = UNIT_RULES.search.fold;
const DROP = /[\u0610-\u061A\u064B-\u065F\u06D6-\u06ED\u0640\u06DE\u06E9]/u;

export function normaliseArabic(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const folded = FOLD[ch];
    if (folded !== undefined) out += folded;
    else if (!DROP.test(ch)) out += ch;
  }
  return out.replace(/[\s\u2009]+/gu, ' ').trim();
}
