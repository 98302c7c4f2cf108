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

/** Words of a verse to mark, by 1-based number: not recited as written, or with something added in or after them. */
export interface WordMarks {
  readonly flagged: ReadonlySet<number>;
  readonly added: ReadonlySet<number>;
}

const NO_MARKS: WordMarks = { flagged: new Set(), added: new Set() };

function markedWord(word: string, flagged: boolean, added: boolean): string | HTMLElement {
  if (!flagged && !added) return word;
  const what = [flagged ? 'probably not recited as written' : '', added ? 'something said in or after it that the verse does not have' : ''];
  return el('mark', { class: [flagged ? 'flagged' : '', added ? 'added' : ''].join(' ').trim(), title: what.filter((x) => x).join('; ') }, word);
}

/** The verse's words, those in `marks` marked. */
function arabicWords(text: string, marks: WordMarks): (string | HTMLElement)[] {
  if (marks.flagged.size === 0 && marks.added.size === 0) return [`${text} `];
  const words = text.split(/[\s\u2009]+/).filter((w) => w.length > 0);
  return words.flatMap((w, i) => [markedWord(w, marks.flagged.has(i + 1), marks.added.has(i + 1)), ' ']);
}

/** The Arabic text (right to left, Quran font) and its English translation. */
export function verseBlock(v: VerseDetails, marks: WordMarks = NO_MARKS): HTMLElement {
  return el(
    'div',
    { class: 'verse' },
    el('p', { class: 'arabic', lang: 'ar', dir: 'rtl' }, ...arabicWords(v.text, marks), el('span', { class: 'ayah-mark' }, ayahMark(v.ayah))),
    el('p', { class: 'translation' }, el('span', { class: 'verse-ref' }, `${v.surah}:${v.ayah} `), v.translation),
  );
}
