/** Where the time of one identification went, milliseconds (wall clock). */
export interface StageTimings {
  decodeMs: number;
  acousticMs: number;
  matchMs: number;
  totalMs: number;
}

export function emptyTimings(): StageTimings {
  return { decodeMs: 0, acousticMs: 0, matchMs: 0, totalMs: 0 };
}

/** Runs `work` and adds its duration to `timings[stage]`. */
export async function timed<T>(timings: StageTimings, stage: Exclude<keyof StageTimings, 'totalMs'>, work: () => T | Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    timings[stage] += performance.now() - start;
  }
}
