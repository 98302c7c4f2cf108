import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadQuran } from '../../src/quran/corpus.js';
import { verseUnits } from '../../src/quran/units.js';
import { mustRunPython } from '../helpers/python.js';

test('the Python trainer and TypeScript derive identical units for all 6,236 verses', () => {
  const lines = mustRunPython(['train/ayat_train/units.py']).trim().split('\n');
  assert.equal(lines.length, 6236);
  const quran = loadQuran();
  let compared = 0;
  for (const line of lines) {
    const [ref, ...ids] = line.split(' ');
    const [surah, ayah] = ref!.split(':').map(Number);
    const ts = Array.from(verseUnits(quran.get({ surah: surah!, ayah: ayah! })).ids);
    assert.deepEqual(ids.map(Number), ts, `units differ for ${ref}`);
    compared++;
  }
  assert.equal(compared, 6236);
});
