/** The queue is full: HTTP 503, try again later. */
export class BusyError extends Error {
  override readonly name = 'BusyError';
}

/** Gave up waiting for a turn, or the work itself ran too long: HTTP 503. */
export class WorkTimeoutError extends Error {
  override readonly name = 'WorkTimeoutError';
}

/**
 * Runs async work at most `concurrency` at a time, with at most `maxWaiting`
 * callers waiting. A caller gets WorkTimeoutError when its turn plus its work
 * take over `timeoutMs`; work that never started is dropped from the queue,
 * work already running finishes in the background and its slot is freed then.
 */
export class WorkQueue {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
  ) {
    if (!(concurrency >= 1)) throw new RangeError('concurrency must be at least 1');
  }

  get size(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }

  run<T>(work: () => Promise<T>, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const start = (): void => {
        const done = Promise.resolve().then(work).finally(() => this.release());
        done.then(
          (value) => finish(() => resolve(value)),
          (err: unknown) => finish(() => reject(err)),
        );
      };
      const timer = setTimeout(() => {
        const i = this.waiting.indexOf(start);
        if (i >= 0) this.waiting.splice(i, 1);
        finish(() => reject(new WorkTimeoutError(`the request took over ${Math.round(timeoutMs / 1000)} s; try again later`)));
      }, timeoutMs);
      const finish = (settle: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        settle();
      };
      if (this.active < this.concurrency) {
        this.active++;
        start();
      } else if (this.waiting.length >= this.maxWaiting) {
        finish(() => reject(new BusyError(`the server is busy (${this.waiting.length} requests waiting); try again shortly`)));
      } else {
        this.waiting.push(start);
      }
    });
  }

  /** Hands the slot straight to the next waiter, so no newcomer can slip in between. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}
