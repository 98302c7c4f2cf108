import chaptersJson from 'quran-json/dist/quran_en.json' with { type: 'json' };

/** One verse (ayah) of the Quran. */
export interface Verse {
  /** 0-based position in the whole Quran (0..6235). */
  readonly index: number;
  readonly surah: number;
  readonly ayah: number;
  /** Uthmani text with full diacritics, as in quran-json. */
  readonly text: string;
  readonly translation: string;
}

export interface Surah {
  readonly number: number;
  readonly name: string;
  readonly transliteration: string;
  readonly translation: string;
  readonly verseCount: number;
  /** Index in `verses` of this surah's first ayah. */
  readonly firstIndex: number;
}

export interface VerseRef {
  readonly surah: number;
  readonly ayah: number;
}

interface RawChapter {
  id: number;
  name: string;
  transliteration: string;
  translation: string;
  total_verses: number;
  verses: { id: number; text: string; translation: string }[];
}

export const VERSE_COUNT = 6236;

export class QuranCorpus {
  readonly verses: readonly Verse[];
  readonly surahs: readonly Surah[];

  constructor(chapters: readonly RawChapter[]) {
    const verses: Verse[] = [];
    const surahs: Surah[] = [];
    for (const ch of chapters) {
      surahs.push({
        number: ch.id,
        name: ch.name,
        transliteration: ch.transliteration,
        translation: ch.translation,
        verseCount: ch.total_verses,
        firstIndex: verses.length,
      });
      for (const v of ch.verses) {
        verses.push({ index: verses.length, surah: ch.id, ayah: v.id, text: v.text, translation: v.translation });
      }
    }
    this.verses = verses;
    this.surahs = surahs;
  }

  surah(n: number): Surah {
    const s = this.surahs[n - 1];
    if (!s) throw new RangeError(`no surah ${n}`);
    return s;
  }

  /** The verse at surah:ayah, or undefined when there is none. */
  find(ref: VerseRef): Verse | undefined {
    const s = this.surahs[ref.surah - 1];
    if (!s || ref.ayah < 1 || ref.ayah > s.verseCount) return undefined;
    return this.verses[s.firstIndex + ref.ayah - 1];
  }

  get(ref: VerseRef): Verse {
    const v = this.find(ref);
    if (!v) throw new RangeError(`no verse ${ref.surah}:${ref.ayah}`);
    return v;
  }
}

let cached: QuranCorpus | undefined;

/** The 6,236 verses with English translations, loaded once from the quran-json package. */
export function loadQuran(): QuranCorpus {
  if (!cached) {
    cached = new QuranCorpus(chaptersJson as readonly RawChapter[]);
    if (cached.verses.length !== VERSE_COUNT) {
      throw new Error(`quran-json holds ${cached.verses.length} verses, expected ${VERSE_COUNT}`);
    }
  }
  return cached;
}

export function formatRef(ref: VerseRef): string {
  return `${ref.surah}:${ref.ayah}`;
}
