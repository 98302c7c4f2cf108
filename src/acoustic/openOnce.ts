/**
 * Models and sessions are opened once and shared, but a failed opening is not kept: the user
 * may fix the model folder and try again in the same process (a server, a multi-file run).
 */

/** Made on first `get`, shared by later calls; forgotten if it rejects, so the next `get` makes it again. */
export class OpenOnce<T> {
  private pending: Promise<T> | undefined;

  constructor(private readonly open: () => Promise<T>) {}

  get(): Promise<T> {
    if (!this.pending) {
      const opening = this.open();
      this.pending = opening;
      opening.catch(() => {
        if (this.pending === opening) this.pending = undefined;
      });
    }
    return this.pending;
  }

  /** What was opened so far, if anything; the next `get` opens anew (for dispose). */
  take(): Promise<T> | undefined {
    const pending = this.pending;
    this.pending = undefined;
    return pending;
  }
}

/** One OpenOnce per key (a resolved folder path). */
export class OpenOncePerKey<T> {
  private readonly entries = new Map<string, OpenOnce<T>>();

  constructor(private readonly open: (key: string) => Promise<T>) {}

  get(key: string): Promise<T> {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = new OpenOnce(() => this.open(key));
      this.entries.set(key, entry);
    }
    return entry.get();
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
