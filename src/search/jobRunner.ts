import { randomUUID } from 'node:crypto';
import type { JobRecord } from './types.js';

/**
 * One unit of a job (e.g. indexing one recording); it reports its own failure
 * by returning false. `signal` aborts when the runner stops: long items should
 * give up soon after.
 */
export interface JobItem {
  readonly name: string;
  run(signal: AbortSignal): Promise<boolean>;
}

export interface JobRunnerOptions {
  /** Jobs running at once; further ones wait in the queue. */
  readonly maxConcurrentJobs: number;
  /** Jobs waiting at most; submitting more throws JobLimitError. */
  readonly maxQueuedJobs: number;
  /** Called with each change of a job's state, e.g. to persist it. */
  readonly onChange?: (job: JobRecord) => void;
}

/** Too many jobs waiting: HTTP 429. */
export class JobLimitError extends Error {
  override readonly name = 'JobLimitError';
}

interface LiveJob {
  record: JobRecord;
  readonly items: readonly JobItem[];
}

const now = (): string => new Date().toISOString();

/**
 * Runs jobs in the background, a bounded number at a time, items of a job one
 * after the other. A failing item counts as failed and the job goes on; an
 * item that throws is counted failed too. Nothing here ever rejects.
 */
export class JobRunner {
  private readonly jobs = new Map<string, LiveJob>();
  private readonly queue: LiveJob[] = [];
  private running = 0;
  private stopping = false;
  private idleWaiters: (() => void)[] = [];
  private readonly stopSignal = new AbortController();

  constructor(private readonly options: JobRunnerOptions) {
    if (!(options.maxConcurrentJobs >= 1)) throw new RangeError('maxConcurrentJobs must be at least 1');
  }

  submit(label: string, items: readonly JobItem[]): JobRecord {
    if (this.stopping) throw new JobLimitError('the server is shutting down');
    if (this.queue.length >= this.options.maxQueuedJobs) {
      throw new JobLimitError(`too many jobs waiting (${this.queue.length}); try again when one has finished`);
    }
    const job: LiveJob = {
      items,
      record: {
        id: randomUUID(),
        label,
        status: 'queued',
        total: items.length,
        done: 0,
        failed: 0,
        current: null,
        createdAt: now(),
        startedAt: null,
        finishedAt: null,
        error: null,
      },
    };
    this.jobs.set(job.record.id, job);
    this.queue.push(job);
    this.changed(job, {});
    this.pump();
    return job.record;
  }

  get(id: string): JobRecord | undefined {
    return this.jobs.get(id)?.record;
  }

  /** Jobs this process knows, newest first. */
  list(): JobRecord[] {
    return [...this.jobs.values()].map((j) => j.record).reverse();
  }

  get busy(): boolean {
    return this.running > 0 || this.queue.length > 0;
  }

  /** Resolves once no job is running or waiting. */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Takes no new jobs, drops the waiting ones (marked interrupted), aborts the current items and waits for them. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopSignal.abort();
    for (const job of this.queue.splice(0)) this.changed(job, { status: 'interrupted', finishedAt: now() });
    await this.idle();
  }

  private changed(job: LiveJob, patch: Partial<JobRecord>): void {
    job.record = { ...job.record, ...patch };
    try {
      this.options.onChange?.(job.record);
    } catch {
      // Persisting progress is best effort; the job itself goes on.
    }
  }

  private pump(): void {
    while (this.running < this.options.maxConcurrentJobs && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.running++;
      void this.execute(job).finally(() => {
        this.running--;
        this.pump();
        if (!this.busy) for (const wake of this.idleWaiters.splice(0)) wake();
      });
    }
  }

  private async execute(job: LiveJob): Promise<void> {
    this.changed(job, { status: 'running', startedAt: now() });
    for (const item of job.items) {
      if (this.stopping) {
        this.changed(job, { status: 'interrupted', current: null, finishedAt: now() });
        return;
      }
      this.changed(job, { current: item.name });
      let ok: boolean;
      try {
        ok = await item.run(this.stopSignal.signal);
      } catch {
        ok = false;
      }
      if (!ok && this.stopping) {
        // Cut short by stop(): not a failure.
        this.changed(job, { status: 'interrupted', current: null, finishedAt: now() });
        return;
      }
      this.changed(job, { done: job.record.done + 1, failed: job.record.failed + (ok ? 0 : 1) });
    }
    const allFailed = job.record.total > 0 && job.record.failed === job.record.total;
    this.changed(job, {
      status: allFailed ? 'failed' : 'done',
      current: null,
      finishedAt: now(),
      error: allFailed ? `all ${job.record.total} items failed` : null,
    });
  }
}
