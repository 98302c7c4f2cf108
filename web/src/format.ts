import { formatVerseRuns } from '../../src/quran/verseKey';
import type { VerseRef } from './api';

/** "112:1–4", or "2:285–286, 3:1" when the run crosses surahs or skips. */
export const formatVerses = (verses: readonly VerseRef[]): string => formatVerseRuns(verses, '–');

/** 75.4 → "1:15". */
export function formatTime(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

export const formatRange = (start: number, end: number): string => `${formatTime(start)}–${formatTime(end)}`;

export const percent = (x: number): string => `${Math.round(x * 100)}%`;

const ARABIC_DIGITS = '٠١٢٣٤٥٦٧٨٩';
/** The end-of-ayah mark with the number in Arabic-Indic digits: ﴿١٢﴾. */
export const ayahMark = (n: number): string => `\u06DD${String(n).replace(/\d/g, (d) => ARABIC_DIGITS[Number(d)]!)}`;

/** The first `max` items joined by `sep`, then how many more: "55:16, 55:18, 55:21 and 27 more". */
export function capped(items: readonly string[], sep: string, max: number): string {
  const named = items.slice(0, max).join(sep);
  return items.length > max ? `${named} and ${items.length - max} more` : named;
}
