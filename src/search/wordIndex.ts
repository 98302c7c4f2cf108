/** Where a word occurs: verse index and word position in the verse. */
export interface Posting {
  readonly verseIndex: number;
  readonly position: number;
}

/** One distinct word of the collection, with whatever the similarity function precomputes for it. */
export interface VocabularyEntry<F> {
  readonly word: string;
  readonly features: F;
  readonly postings: Posting[];
}

/** A query word matched in one verse. */
export interface WordHit {
  readonly similarity: number;
  readonly position: number;
}

/** Per verse, the best hit of one query word. */
export type WordHits = Map<number, WordHit>;

export class WordIndex<F> {
  private readonly entries = new Map<string, VocabularyEntry<F>>();

  constructor(private readonly describe: (word: string) => F) {}

  add(word: string, verseIndex: number, position: number): void {
    let entry = this.entries.get(word);
    if (!entry) this.entries.set(word, (entry = { word, features: this.describe(word), postings: [] }));
    entry.postings.push({ verseIndex, position });
  }

  /** How many verses hold the word. */
  documentFrequency(word: string): number {
    const entry = this.entries.get(word);
    return entry ? new Set(entry.postings.map((p) => p.verseIndex)).size : 0;
  }

  /** Per-verse best hits over every vocabulary word that `similarity` scores above 0. */
  hits(similarity: (entry: VocabularyEntry<F>) => number): WordHits {
    const out: WordHits = new Map();
    for (const entry of this.entries.values()) {
      const s = similarity(entry);
      if (s <= 0) continue;
      for (const p of entry.postings) {
        const prev = out.get(p.verseIndex);
        if (!prev || s > prev.similarity) out.set(p.verseIndex, { similarity: s, position: p.position });
      }
    }
    return out;
  }
}

/**
 * Verse scores from per-word hits: the weighted share of query words found,
 * each counted by its similarity; 10% off when they are found out of order,
 * and up to 10% off as the verse holds more words besides them (a short verse
 * that is mostly the query beats a long one that mentions it). Verses below
 * `minScore` are dropped.
 */
export function combineWordHits(
  perWord: readonly WordHits[],
  weights: readonly number[],
  verseLength: (verseIndex: number) => number,
  minScore: number,
): Map<number, number> {
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const scores = new Map<number, number>();
  if (perWord.length === 0 || totalWeight <= 0) return scores;
  const verses = new Set<number>();
  for (const hits of perWord) for (const v of hits.keys()) verses.add(v);
  for (const v of verses) {
    let sum = 0;
    let found = 0;
    let lastPosition = -1;
    let inOrder = true;
    perWord.forEach((hits, i) => {
      const hit = hits.get(v);
      if (!hit) return;
      sum += hit.similarity * weights[i]!;
      found++;
      if (hit.position < lastPosition) inOrder = false;
      lastPosition = hit.position;
    });
    const density = Math.min(1, found / Math.max(1, verseLength(v)));
    const score = (sum / totalWeight) * (inOrder ? 1 : 0.9) * (0.9 + 0.1 * density);
    if (score >= minScore) scores.set(v, score);
  }
  return scores;
}
