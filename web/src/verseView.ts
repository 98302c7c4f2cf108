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

/** The verse's words, those numbered in `flagged` (1-based) marked as probably not recited as written. */
function arabicWords(text: string, flagged: ReadonlySet<number>): (string | HTMLElement)[] {
  if (flagged.size === 0) return [`${text} `];
  const words = text.split(/[\s\u2009]+/).filter((w) => w.length > 0);
  return words.flatMap((w, i) => [
    flagged.has(i + 1) ? el('mark', { class: 'flagged', title: 'probably not recited as written' }, w) : w,
    ' ',
  ]);
}

/** The Arabic text (right to left, Quran font) and its English translation. */
export function verseBlock(v: VerseDetails, flagged: ReadonlySet<number> = new Set()): HTMLElement {
  return el(
    'div',
    { class: 'verse' },
    el('p', { class: 'arabic', lang: 'ar', dir: 'rtl' }, ...arabicWords(v.text, flagged), el('span', { class: 'ayah-mark' }, ayahMark(v.ayah))),
    el('p', { class: 'translation' }, el('span', { class: 'verse-ref' }, `${v.surah}:${v.ayah} `), v.translation),
  );
}
