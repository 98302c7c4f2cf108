import { loadQuran, type VerseRef } from '../quran/corpus.js';

/** A verse as the web UI shows it. */
export interface VerseDetails {
  readonly surah: number;
  readonly ayah: number;
  readonly surah_name: string;
  readonly surah_transliteration: string;
  readonly surah_translation: string;
  readonly text: string;
  readonly translation: string;
}

export function verseDetails(ref: VerseRef): VerseDetails {
  const quran = loadQuran();
  const verse = quran.get(ref);
  const surah = quran.surah(ref.surah);
  return {
    surah: verse.surah,
    ayah: verse.ayah,
    surah_name: surah.name,
    surah_transliteration: surah.transliteration,
    surah_translation: surah.translation,
    text: verse.text,
    translation: verse.translation,
  };
}

export function verseRefAt(index: number): VerseRef {
  const verse = loadQuran().verses[index];
  if (!verse) throw new RangeError(`no verse at index ${index}`);
  return { surah: verse.surah, ayah: verse.ayah };
}
