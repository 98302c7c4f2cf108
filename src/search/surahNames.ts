import { normaliseArabic } from '../quran/normalise.js';
import { loadQuran, type Surah } from '../quran/corpus.js';
import { boundedEditDistance } from './fuzzy.js';

/** Words that may precede a surah name and mean nothing more. */
const SURAH_WORD = /^(?:surah|surat|sura|suratu|soorah|sorah)\b[\s.:-]*/i;
const ARABIC_SURAH_WORD = /^سور[ةه]\s*/u;
const ARTICLE = /^(?:al|an|ar|as|ash|at|ad|adh|az|ath|aal)[\s-]+/;

/**
 * Latin spellings folded so that common variants meet: "Al-Baqarah", "al baqara",
 * "Baqarah", "ikhlaas" → "baqara"/"ikhlas". Doubled letters and a final h after
 * a vowel are spelling noise in transliteration.
 */
export function foldLatinName(text: string, dropArticle = true): string {
  let s = text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();
  s = s.replace(/['’‘`ʿʾ"]/g, '');
  if (dropArticle) s = s.replace(ARTICLE, '');
  s = s.replace(/[^a-z]/g, '');
  s = s.replace(/(.)\1+/g, '$1');
  s = s.replace(/([aiu])h$/, '$1');
  s = s.replace(/ee/g, 'i').replace(/oo/g, 'u');
  return s;
}

function foldEnglishName(text: string): string {
  return text
    .toLowerCase()
    .replace(/^the\s+/, '')
    .replace(/[^a-z]+/g, ' ')
    .trim();
}

function foldArabicName(text: string): string {
  return normaliseArabic(text).replace(/\s+/g, '');
}

export type NameKind = 'arabic' | 'transliteration' | 'english';

export interface SurahNameMatch {
  readonly surah: Surah;
  readonly kind: NameKind;
  /** True when the name matched only within the typo allowance. */
  readonly fuzzy: boolean;
}

interface NameTables {
  readonly arabic: Map<string, Surah>;
  readonly latin: Map<string, Surah>;
  readonly english: Map<string, Surah>;
}

let tables: NameTables | undefined;

function nameTables(): NameTables {
  if (tables) return tables;
  const arabic = new Map<string, Surah>();
  const latin = new Map<string, Surah>();
  const english = new Map<string, Surah>();
  for (const s of loadQuran().surahs) {
    const a = foldArabicName(s.name);
    arabic.set(a, s);
    if (a.startsWith('ال') && a.length > 3) arabic.set(a.slice(2), s);
    latin.set(foldLatinName(s.transliteration), s);
    english.set(foldEnglishName(s.translation), s);
  }
  // Later surahs never shadow earlier ones with the same folded key.
  tables = { arabic, latin, english };
  return tables;
}

/**
 * The surah a name denotes: Arabic (البقرة, سورة البقرة), transliterated
 * (al-baqarah, baqara, Surah Yasin) or English ("The Cow"; English only as the
 * whole translation, or after "surah", so that a word like "light" stays a word
 * search). Transliterations of five letters or more allow one typo.
 */
export function findSurahByName(text: string): SurahNameMatch | undefined {
  const t = nameTables();
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (/\p{Script=Arabic}/u.test(trimmed)) {
    const key = foldArabicName(trimmed.replace(ARABIC_SURAH_WORD, ''));
    const surah = t.arabic.get(key);
    return surah && { surah, kind: 'arabic', fuzzy: false };
  }
  const hadSurahWord = SURAH_WORD.test(trimmed);
  const name = trimmed.replace(SURAH_WORD, '');
  if (name === '') return undefined;
  const latinKeys = [foldLatinName(name), foldLatinName(name, false)];
  // "albaqarah" written without a separator
  if (/^al[a-z]{3,}$/i.test(name)) latinKeys.push(foldLatinName(name.slice(2)));
  for (const key of latinKeys) {
    const surah = t.latin.get(key);
    if (surah) return { surah, kind: 'transliteration', fuzzy: false };
  }
  const english = t.english.get(foldEnglishName(name));
  if (english && (hadSurahWord || /^the\s/i.test(name) || foldEnglishName(name).split(' ').length > 1 || english.translation.toLowerCase() === name.toLowerCase())) {
    return { surah: english, kind: 'english', fuzzy: false };
  }
  const key = latinKeys[0]!;
  if (key.length >= 5) {
    let best: Surah | undefined;
    let bestDistance = 2;
    let tie = false;
    for (const [candidate, surah] of t.latin) {
      const d = boundedEditDistance(key, candidate, 1);
      if (d < bestDistance) {
        best = surah;
        bestDistance = d;
        tie = false;
      } else if (d === bestDistance && surah !== best) {
        tie = true;
      }
    }
    if (best && !tie) return { surah: best, kind: 'transliteration', fuzzy: true };
  }
  return undefined;
}
