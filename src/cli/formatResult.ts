import type { IdentifyResult, WordJson } from '../engine/result.js';
import { groupSameText, type CandidateGroup } from '../match/sameText.js';
import { loadQuran, type VerseRef } from '../quran/corpus.js';
import { formatVerseRuns } from '../quran/verseKey.js';

/** Verses shown with their Arabic text; longer spans are cut with "…". */
const MAX_TEXT_VERSES = 4;

function surahLabel(verses: readonly VerseRef[]): string {
  const quran = loadQuran();
  const numbers = [...new Set(verses.map((v) => v.surah))];
  return numbers
    .map((n) => {
      const s = quran.surah(n);
      return `${s.name} (${s.transliteration})`;
    })
    .join(', ');
}

const seconds = (s: number): string => `${s.toFixed(1)}s`;

/** Twins named before the rest are counted (فَبِأَيِّ ءَالَآءِ رَبِّكُمَا تُكَذِّبَانِ is 31 verses of 55). */
const TWINS_NAMED = 3;

/** The first `max` items joined by `sep`, then how many more: "55:16, 55:18, 55:21 and 27 more". */
function capped(items: readonly string[], sep: string, max: number): string {
  const named = items.slice(0, max).join(sep);
  return items.length > max ? `${named} and ${items.length - max} more` : named;
}

/** "40:1 = 41:1", or "40:1 = 41:1 = 42:1 = 43:1 and 3 more". */
const withTwins = (g: CandidateGroup): string => capped([g.verses, ...g.sameText].map((verses) => formatVerseRuns(verses)), ' = ', TWINS_NAMED + 1);

/** The words `--words` reports: the flagged ones, each with where it is, or that all were heard. */
export function formatWords(words: readonly WordJson[]): string {
  const toCheck = words.filter((w) => w.flagged || w.added);
  if (toCheck.length === 0) return `words: all ${words.length} heard as written`;
  const listed = toCheck.map((w) => {
    const what = w.flagged && w.added ? ', not as written, something added' : w.added ? ', something added in or after it' : '';
    return `${w.text} (${w.surah}:${w.ayah} word ${w.word}, ${seconds(w.start_s)}–${seconds(w.end_s)}${what})`;
  });
  return `words to check (${toCheck.length} of ${words.length}): ${listed.join('; ')}`;
}

/** The human-readable block for one file. */
export function formatResult(result: IdentifyResult): string {
  const lines = [result.file];
  const groups = groupSameText(result.candidates);
  if (result.status === 'error') {
    lines.push(`  error: ${result.error ?? 'unknown error'}`);
    return lines.join('\n') + '\n';
  }
  if (result.warning) lines.push(`  warning: ${result.warning}`);
  if (result.status === 'no_match') {
    lines.push('  no verse recognised');
  } else {
    const quran = loadQuran();
    lines.push(
      `  ${formatVerseRuns(result.verses)}  ${surahLabel(result.verses)}  ` +
        `confidence ${result.confidence.toFixed(2)}  at ${seconds(result.start_s)}–${seconds(result.end_s)}`,
    );
    for (const ref of result.verses.slice(0, MAX_TEXT_VERSES)) {
      lines.push(`  ${ref.ayah}. ${quran.get(ref).text}`);
    }
    if (result.verses.length > MAX_TEXT_VERSES) lines.push(`  … ${result.verses.length - MAX_TEXT_VERSES} more verses`);
    const same = groups[0]?.sameText ?? [];
    if (same.length > 0) lines.push(`  the same words are also ${capped(same.map((verses) => formatVerseRuns(verses)), ', ', TWINS_NAMED)}: a recording cannot tell them apart`);
    if (result.words) lines.push(`  ${formatWords(result.words)}`);
  }
  const others = result.status === 'ok' ? groups.slice(1) : groups;
  if (others.length > 0) {
    const label = result.status === 'ok' ? 'runners-up' : 'closest';
    lines.push(`  ${label}: ${others.map((g) => `${withTwins(g)} (${g.score.toFixed(2)})`).join(', ')}`);
  }
  return lines.join('\n') + '\n';
}
