import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { silenceWav } from './audio.js';
import { removeDir, startTestServer, waitForJob } from './harness.js';

const dataDir = mkdtempSync(join(tmpdir(), 'ayat-persist-data-'));
const folder = mkdtempSync(join(tmpdir(), 'ayat-persist-lib-'));
after(() => {
  removeDir(dataDir);
  removeDir(folder);
});

describe('the library survives a server restart (SQLite)', () => {
  it('keeps roots, recordings and jobs, and re-adding indexes nothing twice', async () => {
    silenceWav(folder, 'a', 1);
    silenceWav(folder, 'b', 2);
    const first = await startTestServer({ webRoot: null }, dataDir);
    let jobId: string;
    try {
      const { body } = await first.json('/library', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: folder }) });
      jobId = body.job.id;
      await waitForJob(first, jobId);
    } finally {
      await first.close();
    }

    const second = await startTestServer({ webRoot: null }, dataDir);
    try {
      const { body } = await second.json('/library');
      assert.ok(body.roots.some((r: { path: string }) => r.path.endsWith(folder.split('/').pop()!)));
      assert.deepEqual(body.recordings.map((r: { name: string; status: string }) => [r.name, r.status]), [['a.wav', 'indexed'], ['b.wav', 'indexed']]);
      assert.equal(body.stats.indexed, 2);
      const job = await second.json(`/jobs/${jobId}`);
      assert.equal(job.status, 200);
      assert.equal(job.body.status, 'done');
      const again = await second.json('/library', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: folder }) });
      assert.equal(again.body.queued, 0);
      assert.equal(again.body.job, null);
    } finally {
      await second.close();
    }
  });
});
