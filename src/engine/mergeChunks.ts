import type { VerseRef } from '../quran/corpus.js';
import { basmalaOpens, isBasmalaAlone } from '../quran/basmala.js';
import type { Candidate, MatchResult } from '../match/types.js';
import { appendWithoutOverlap } from './trail.js';

const sequenceKey = (verses: readonly VerseRef[]): string => verses.map((v) => `${v.surah}:${v.ayah}`).join(',');

export function joinSequences(parts: readonly (readonly VerseRef[])[]): VerseRef[] {
  return parts.reduce<VerseRef[]>((acc, part) => appendWithoutOverlap(acc, part), []);
}

/**
 * One result for a recording matched chunk by chunk (chunks in time order).
 * The answer joins the chunks' answers; its confidence is the weakest chunk's,
 * since the sequence is only right if every part is. Runners-up swap one chunk's
 * answer for one of its own runners-up, scored by how much that chunk loses.
 */
export function mergeChunkResults(chunks: readonly MatchResult[], maxCandidates: number): MatchResult {
  const answered = withoutOpeningBasmalas(chunks.filter((c) => c.status === 'ok' && c.verses.length > 0));
  if (answered.length === 0) return mostConfident(chunks);
  if (chunks.length === 1) return chunks[0]!;
  if (answered.length === 1) return answered[0]!;

  const choices = answered.map((c) => c.verses);
  const topScores = answered.map((c) => c.candidates[0]?.score ?? 0);
  const total = topScores.reduce((a, b) => a + b, 0);
  const candidates: Candidate[] = [{ verses: joinSequences(choices), score: total }];
  answered.forEach((chunk, i) => {
    for (const alt of chunk.candidates.slice(1)) {
      const swapped = choices.map((c, j) => (j === i ? alt.verses : c));
      candidates.push({ verses: joinSequences(swapped), score: total - (topScores[i]! - alt.score) });
    }
  });

  return {
    status: 'ok',
    verses: candidates[0]!.verses,
    confidence: Math.min(...answered.map((c) => c.confidence)),
    startS: answered[0]!.startS,
    endS: answered[answered.length - 1]!.endS,
    candidates: uniqueBest(candidates, maxCandidates),
  };
}

/**
 * Answers without those that are the basmala alone (heard as 1:1, its text) right before an
 * answer starting at a surah's first ayah: that basmala opens the surah, as reciters say it
 * before each one, and is no verse of Al-Fatiha.
 */
export function withoutOpeningBasmalas(answers: readonly MatchResult[]): MatchResult[] {
  return answers.filter((a, i) => {
    const next = answers[i + 1]?.verses[0];
    return !(isBasmalaAlone(a.verses) && next !== undefined && basmalaOpens(next));
  });
}

function mostConfident(chunks: readonly MatchResult[]): MatchResult {
  if (chunks.length === 0) {
    return { status: 'no_match', verses: [], confidence: 0, startS: 0, endS: 0, candidates: [] };
  }
  return chunks.reduce((best, c) => (c.confidence > best.confidence ? c : best));
}

/** The first (answer) stays first; the rest by score, without repeated sequences. */
function uniqueBest(candidates: readonly Candidate[], max: number): Candidate[] {
  const [answer, ...rest] = candidates;
  const seen = new Set<string>();
  const out: Candidate[] = [];
  for (const c of [answer!, ...rest.sort((a, b) => b.score - a.score)]) {
    const key = sequenceKey(c.verses);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(c);
    if (out.length >= max) break;
  }
  return out;
}
