import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JobLimitError, JobRunner, type JobItem } from '../../src/search/jobRunner.js';
import type { JobRecord } from '../../src/search/types.js';

/** An item that finishes when the test says so. */
function gate(name: string, ok = true): JobItem & { open: () => void; started: Promise<void> } {
  let open!: () => void;
  let markStarted!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  const started = new Promise<void>((r) => (markStarted = r));
  return {
    name,
    open,
    started,
    run: async () => {
      markStarted();
      await opened;
      return ok;
    },
  };
}

describe('job runner', () => {
  it('runs items in order and reports progress to the end', async () => {
    const seen: JobRecord[] = [];
    const runner = new JobRunner({ maxConcurrentJobs: 1, maxQueuedJobs: 4, onChange: (j) => seen.push(j) });
    const order: string[] = [];
    const items = ['a', 'b', 'c'].map((name) => ({ name, run: async () => (order.push(name), name !== 'b') }));
    const job = runner.submit('three', items);
    assert.ok(['queued', 'running'].includes(job.status));
    await runner.idle();
    assert.deepEqual(order, ['a', 'b', 'c']);
    const final = runner.get(job.id)!;
    assert.equal(final.status, 'done');
    assert.equal(final.done, 3);
    assert.equal(final.failed, 1);
    assert.equal(final.current, null);
    assert.ok(final.finishedAt);
    assert.deepEqual([...new Set(seen.map((j) => j.status))], ['queued', 'running', 'done']);
    assert.ok(seen.some((j) => j.current === 'b' && j.done === 1), 'progress names the item in hand');
  });

  it('counts a throwing item as failed and a job whose every item failed as failed', async () => {
    const runner = new JobRunner({ maxConcurrentJobs: 1, maxQueuedJobs: 4 });
    const job = runner.submit('bad', [{ name: 'x', run: () => Promise.reject(new Error('boom')) }]);
    await runner.idle();
    assert.equal(runner.get(job.id)!.status, 'failed');
    assert.match(runner.get(job.id)!.error ?? '', /all 1 items failed/);
  });

  it('runs at most maxConcurrentJobs at once and refuses past the queue limit', async () => {
    const runner = new JobRunner({ maxConcurrentJobs: 1, maxQueuedJobs: 1 });
    const first = gate('first');
    const second = gate('second');
    const j1 = runner.submit('one', [first]);
    await first.started;
    const j2 = runner.submit('two', [second]);
    assert.equal(runner.get(j2.id)!.status, 'queued', 'waits while the first runs');
    assert.throws(() => runner.submit('three', [gate('third')]), JobLimitError);
    first.open();
    await second.started;
    assert.equal(runner.get(j1.id)!.status, 'done');
    assert.equal(runner.get(j2.id)!.status, 'running');
    second.open();
    await runner.idle();
    assert.equal(runner.get(j2.id)!.status, 'done');
    assert.equal(runner.busy, false);
  });

  it('stop() interrupts waiting jobs, lets the running item end, and takes no more', async () => {
    const runner = new JobRunner({ maxConcurrentJobs: 1, maxQueuedJobs: 4 });
    const a = gate('a');
    const b = gate('b');
    const running = runner.submit('running', [a, b]);
    const waiting = runner.submit('waiting', [gate('c')]);
    await a.started;
    const stopped = runner.stop();
    a.open();
    await stopped;
    assert.equal(runner.get(running.id)!.status, 'interrupted');
    assert.equal(runner.get(running.id)!.done, 1);
    assert.equal(runner.get(waiting.id)!.status, 'interrupted');
    assert.throws(() => runner.submit('late', []), JobLimitError);
  });

  it('stop() aborts the signal a long item is given; an item cut short is not counted failed', async () => {
    const runner = new JobRunner({ maxConcurrentJobs: 1, maxQueuedJobs: 4 });
    let started!: () => void;
    const isRunning = new Promise<void>((r) => (started = r));
    const job = runner.submit('long', [
      {
        name: 'long',
        run: (signal) =>
          new Promise<boolean>((resolve) => {
            started();
            signal.addEventListener('abort', () => resolve(false), { once: true });
          }),
      },
    ]);
    await isRunning;
    await runner.stop();
    const final = runner.get(job.id)!;
    assert.equal(final.status, 'interrupted');
    assert.equal(final.failed, 0);
  });

  it('an empty job is done at once', async () => {
    const runner = new JobRunner({ maxConcurrentJobs: 2, maxQueuedJobs: 2 });
    const job = runner.submit('empty', []);
    await runner.idle();
    assert.equal(runner.get(job.id)!.status, 'done');
  });
});
