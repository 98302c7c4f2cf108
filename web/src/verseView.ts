import type { VerseDetails } from './api';
import { el } from './dom';
import { ayahMark } from './format';

/** "Al-Ikhlas · الإخلاص · The Sincerity" */
export function surahLine(v: VerseDetails): HTMLElement {
  return el(
    'p',
    { class: 'surah' },
    `${v.surah_transliteration} · `,
    el('span', { lang: 'ar', dir: 'rtl', class: 'arabic-inline' }, v.surah_name),
    ` · ${v.surah_translation}`,
  );
}

/** The Arabic text (right to left, Quran font) and its English translation. */
export function verseBlock(v: VerseDetails): HTMLElement {
  return el(
    'div',
    { class: 'verse' },
    el('p', { class: 'arabic', lang: 'ar', dir: 'rtl' }, `${v.text} `, el('span', { class: 'ayah-mark' }, ayahMark(v.ayah))),
    el('p', { class: 'translation' }, el('span', { class: 'verse-ref' }, `${v.surah}:${v.ayah} `), v.translation),
  );
}
