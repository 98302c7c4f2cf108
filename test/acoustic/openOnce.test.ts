import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OpenOnce, OpenOncePerKey } from '../../src/acoustic/openOnce.js';

describe('OpenOnce', () => {
  it('opens once and shares the result', async () => {
    let opened = 0;
    const once = new OpenOnce(async () => ++opened);
    const [a, b] = await Promise.all([once.get(), once.get()]);
    assert.equal(a, 1);
    assert.equal(b, 1);
    assert.equal(await once.get(), 1);
    assert.equal(opened, 1);
  });

  it('forgets a failed opening, so the next call opens again', async () => {
    let calls = 0;
    const once = new OpenOnce(async () => {
      calls++;
      if (calls === 1) throw new Error('missing folder');
      return 'session';
    });
    await assert.rejects(once.get(), /missing folder/);
    assert.equal(await once.get(), 'session');
    assert.equal(await once.get(), 'session');
    assert.equal(calls, 2);
  });

  it('take hands over what was opened and the next get opens anew', async () => {
    let opened = 0;
    const once = new OpenOnce(async () => ++opened);
    assert.equal(once.take(), undefined);
    await once.get();
    assert.equal(await once.take(), 1);
    assert.equal(await once.get(), 2);
  });
});

describe('OpenOncePerKey', () => {
  it('opens each key once, retries a failed key, and reopens a deleted one', async () => {
    const opened: string[] = [];
    const perKey = new OpenOncePerKey(async (key: string) => {
      opened.push(key);
      if (key === 'bad' && opened.filter((k) => k === 'bad').length === 1) throw new Error('bad card');
      return `model ${key}`;
    });
    assert.equal(await perKey.get('a'), 'model a');
    assert.equal(await perKey.get('a'), 'model a');
    assert.equal(await perKey.get('b'), 'model b');
    await assert.rejects(perKey.get('bad'), /bad card/);
    assert.equal(await perKey.get('bad'), 'model bad');
    perKey.delete('a');
    assert.equal(await perKey.get('a'), 'model a');
    assert.deepEqual(opened, ['a', 'b', 'bad', 'bad', 'a']);
  });
});
