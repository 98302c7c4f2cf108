import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BusyError, WorkQueue, WorkTimeoutError } from '../../src/server/workQueue.js';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('work queue', () => {
  it('runs at most `concurrency` at once, in arrival order', async () => {
    const q = new WorkQueue(1, 5);
    const order: string[] = [];
    const gate = deferred();
    const a = q.run(async () => {
      order.push('a start');
      await gate.promise;
      order.push('a end');
    }, 5000);
    const b = q.run(async () => void order.push('b'), 5000);
    assert.deepEqual(q.size, { active: 1, waiting: 1 });
    gate.resolve();
    await Promise.all([a, b]);
    assert.deepEqual(order, ['a start', 'a end', 'b']);
    assert.deepEqual(q.size, { active: 0, waiting: 0 });
  });

  it('is busy when the waiting line is full', async () => {
    const q = new WorkQueue(1, 1);
    const gate = deferred();
    const a = q.run(() => gate.promise, 5000);
    const b = q.run(async () => 'b', 5000);
    await assert.rejects(q.run(async () => 'c', 5000), BusyError);
    gate.resolve();
    await a;
    assert.equal(await b, 'b');
  });

  it('drops work that waited too long, and times out work that runs too long', async () => {
    const q = new WorkQueue(1, 5);
    const gate = deferred();
    const a = q.run(() => gate.promise, 50);
    let ran = false;
    const b = q.run(async () => void (ran = true), 20);
    await assert.rejects(b, WorkTimeoutError);
    await assert.rejects(a, WorkTimeoutError);
    gate.resolve();
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(ran, false, 'the dropped work never ran');
    assert.deepEqual(q.size, { active: 0, waiting: 0 }, 'the slot is freed when the slow work ends');
  });

  it('passes errors through', async () => {
    const q = new WorkQueue(2, 2);
    await assert.rejects(q.run(() => Promise.reject(new Error('boom')), 1000), /boom/);
    await assert.rejects(q.run(() => { throw new Error('sync'); }, 1000), /sync/);
  });
});
