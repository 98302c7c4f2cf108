import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clipVerse, SESSION_SCRIPTS, sessionVerses, surahParts } from '../../bench/sessions.js';
import { loadQuran } from '../../src/quran/corpus.js';

describe('session scripts', () => {
  it('a surah from its first ayah opens with the basmala; Al-Fatiha and a later start do not', () => {
    assert.deepEqual(surahParts(112, 1, 2), ['basmala', { surah: 112, ayah: 1 }, { surah: 112, ayah: 2 }]);
    assert.deepEqual(surahParts(1, 1, 2), [{ surah: 1, ayah: 1 }, { surah: 1, ayah: 2 }]);
    assert.deepEqual(surahParts(113, 4, 5), [{ surah: 113, ayah: 4 }, { surah: 113, ayah: 5 }]);
  });

  it('the basmala plays the reciter’s 1:1 clip but is no verse of the session', () => {
    const parts = [...surahParts(1, 6, 7), ...surahParts(112, 1, 1)];
    assert.deepEqual(parts.map(clipVerse), [{ surah: 1, ayah: 6 }, { surah: 1, ayah: 7 }, { surah: 1, ayah: 1 }, { surah: 112, ayah: 1 }]);
    assert.deepEqual(sessionVerses(parts), [{ surah: 1, ayah: 6 }, { surah: 1, ayah: 7 }, { surah: 112, ayah: 1 }]);
  });

  it('every script names real verses, and scripts have distinct names', () => {
    const quran = loadQuran();
    for (const script of SESSION_SCRIPTS) for (const v of sessionVerses(script.parts)) assert.ok(quran.get(v), `${script.name}: ${v.surah}:${v.ayah}`);
    assert.equal(new Set(SESSION_SCRIPTS.map((s) => s.name)).size, SESSION_SCRIPTS.length);
  });
});
