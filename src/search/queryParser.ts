import { loadQuran } from '../quran/corpus.js';
import { findSurahByName, type NameKind } from './surahNames.js';

/** A query that names verses: one ayah, a range, or a whole surah. */
export interface VerseRangeQuery {
  readonly kind: 'verses';
  readonly surah: number;
  readonly fromAyah: number;
  readonly toAyah: number;
  /** How the surah was named: by number or by one of its names. */
  readonly via: 'number' | NameKind;
}

export interface TextQuery {
  readonly kind: 'arabic' | 'english';
  readonly text: string;
}

export type QueryPart = VerseRangeQuery | TextQuery;

/** A query that cannot be answered as written (e.g. a verse that does not exist): HTTP 400. */
export class QueryError extends Error {
  override readonly name = 'QueryError';
}

export const MAX_QUERY_LENGTH = 200;

const EASTERN_DIGITS = /[\u0660-\u0669\u06F0-\u06F9]/g;
const ARABIC_LETTER = /\p{Script=Arabic}/u;
const NUMERIC_REF = /^(\d{1,3})(?:\s*[:.،,\s]\s*(\d{1,3})(?:\s*[-–—]\s*(\d{1,3}))?)?$/;
const NAMED_REF = /^(.*?\S)[\s:.,،]+(\d{1,3})(?:\s*[-–—]\s*(\d{1,3}))?$/;
const SURAH_WORD_BEFORE_NUMBER = /^(?:surah|surat|sura|سورة|سوره)\s*(?=\d)/iu;
const SURAH_WORD_FIRST = /^(?:surah|surat|sura|soorah|sorah|سورة|سوره)(?:\s|$)/iu;
const QUOTED = /^["“”«»'](.*)["“”«»']$/s;

function westernDigits(text: string): string {
  return text.replace(EASTERN_DIGITS, (d) => String((d.charCodeAt(0) & 0xf) % 10));
}

function verseRange(surahNumber: number, from: string | undefined, to: string | undefined, via: VerseRangeQuery['via']): VerseRangeQuery {
  const quran = loadQuran();
  if (surahNumber < 1 || surahNumber > quran.surahs.length) {
    throw new QueryError(`there is no surah ${surahNumber}: surahs run from 1 to ${quran.surahs.length}`);
  }
  const surah = quran.surah(surahNumber);
  if (from === undefined) return { kind: 'verses', surah: surahNumber, fromAyah: 1, toAyah: surah.verseCount, via };
  const fromAyah = Number(from);
  const toAyah = to === undefined ? fromAyah : Number(to);
  if (fromAyah < 1 || toAyah > surah.verseCount || fromAyah > surah.verseCount) {
    const bad = fromAyah < 1 || fromAyah > surah.verseCount ? fromAyah : toAyah;
    throw new QueryError(`surah ${surahNumber} (${surah.transliteration}) has ${surah.verseCount} verses; there is no verse ${bad}`);
  }
  if (toAyah < fromAyah) throw new QueryError(`the range ${surahNumber}:${fromAyah}-${toAyah} runs backwards`);
  return { kind: 'verses', surah: surahNumber, fromAyah, toAyah, via };
}

/**
 * What a search box query asks for. A reference ("2:255", "2:255-257", "112",
 * "al-baqarah 255", "البقرة ٢٥٥") gives those verses only. A surah name alone
 * gives the surah and also searches the text, since names are words too (الناس).
 * Anything else is a text search, Arabic or English by its script; quotes
 * force a text search ("\"the cow\"").
 */
export function parseQuery(raw: string): QueryPart[] {
  const query = westernDigits(raw.normalize('NFC')).replace(/\s+/g, ' ').trim();
  if (query === '') return [];
  if (query.length > MAX_QUERY_LENGTH) throw new QueryError(`the query is too long (${query.length} characters, at most ${MAX_QUERY_LENGTH})`);

  const text = (t: string): TextQuery => ({ kind: ARABIC_LETTER.test(t) ? 'arabic' : 'english', text: t });
  const quoted = QUOTED.exec(query);
  if (quoted) {
    const inner = quoted[1]!.trim();
    return inner === '' ? [] : [text(inner)];
  }

  const numeric = NUMERIC_REF.exec(query.replace(SURAH_WORD_BEFORE_NUMBER, ''));
  if (numeric) return [verseRange(Number(numeric[1]), numeric[2], numeric[3], 'number')];

  const named = NAMED_REF.exec(query);
  if (named) {
    const match = findSurahByName(named[1]!);
    if (match) return [verseRange(match.surah.number, named[2], named[3], match.kind)];
  }

  const byName = findSurahByName(query);
  if (byName) {
    const surah = verseRange(byName.surah.number, undefined, undefined, byName.kind);
    return SURAH_WORD_FIRST.test(query) ? [surah] : [surah, text(query)];
  }
  return [text(query)];
}
