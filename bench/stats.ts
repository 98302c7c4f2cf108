export const mean = (xs: readonly number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Percentile with linear interpolation between closest ranks (numpy's default); 0 for no data. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export interface Distribution {
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

export function distribution(xs: readonly number[]): Distribution {
  return { mean: mean(xs), p50: percentile(xs, 50), p95: percentile(xs, 95), max: xs.length === 0 ? 0 : Math.max(...xs) };
}

/** Items grouped by a key, groups in first-seen order. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
