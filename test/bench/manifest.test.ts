import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { applyFilters, loadManifest, ManifestError, parseFilter, parseManifest } from '../../bench/manifest.js';

const dir = mkdtempSync(join(tmpdir(), 'ayat-manifest-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const manifest = {
  samples: [
    { id: 'a', file: 'reciters/x/001001.opus', surah: 1, ayah: 1, ayah_end: null, category: 'short', source: 'tajweedai', reciter: 'x', expected_verses: [{ surah: 1, ayah: 1 }] },
    { id: 'b', file: 'crowd/b.opus', surah: 3, ayah: 23, ayah_end: null, category: 'medium', source: 'retasy', reciter: null, expected_verses: [{ surah: 3, ayah: 23 }], also_accept: [[{ surah: 4, ayah: 44 }]] },
    { id: 'c', file: 'crowd/c.opus', surah: 113, ayah: 1, ayah_end: 2, category: 'multi', source: 'everyayah', reciter: 'alafasy', expected_verses: [{ surah: 113, ayah: 1 }, { surah: 113, ayah: 2 }] },
    { id: 'd', file: 'crowd/d.opus', surah: 2, ayah: 255, category: 'long', source: 'everyayah' },
  ],
};

describe('manifest', () => {
  it('reads samples with paths relative to the manifest folder', async () => {
    const path = join(dir, 'manifest.json');
    writeFileSync(path, JSON.stringify(manifest));
    const samples = await loadManifest(path);
    assert.equal(samples.length, 4);
    assert.equal(samples[0]!.path, join(dir, 'reciters/x/001001.opus'));
    assert.deepEqual(samples[1]!.alsoAccept, [[{ surah: 4, ayah: 44 }]]);
    assert.equal(samples[1]!.reciter, null);
    assert.equal(samples[2]!.ayahEnd, 2);
    assert.deepEqual(samples[3]!.expected, [{ surah: 2, ayah: 255 }], 'defaults to surah:ayah like the upstream runner');
  });

  it('gives clear errors', async () => {
    await assert.rejects(loadManifest(join(dir, 'nope.json')), /no manifest at/);
    assert.throws(() => parseManifest({ clips: [] }, dir), /expected \{"samples"/);
    assert.throws(() => parseManifest({ samples: [{ id: 'x', file: 'f', surah: 0, ayah: 1 }] }, dir), /"surah" must be a positive integer/);
  });

  it('filters by key=value, values ORed, filters ANDed', () => {
    const samples = parseManifest(manifest, dir);
    assert.deepEqual(applyFilters(samples, [parseFilter('source=everyayah')]).map((s) => s.id), ['c', 'd']);
    assert.deepEqual(applyFilters(samples, [parseFilter('source=everyayah,retasy'), parseFilter('category=multi,medium')]).map((s) => s.id), ['b', 'c']);
    assert.deepEqual(applyFilters(samples, [parseFilter('reciter=null')]).map((s) => s.id), ['b', 'd']);
    assert.deepEqual(applyFilters(samples, [parseFilter('surah=113')]).map((s) => s.id), ['c']);
    assert.throws(() => parseFilter('colour=red'), ManifestError);
    assert.throws(() => parseFilter('source'), /expected key=value/);
  });
});
